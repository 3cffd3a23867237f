"""Screenshots and axe-core checks of the real app on the demo school, as each role sees it.

    python bench/screens.py [--out /tmp/ecole-screens] [--axe node_modules/axe-core/axe.min.js]

Builds a throw-away data folder, seeds the demo school, serves it on 127.0.0.1 (waitress, in a
thread), signs in through the real login form in Debian's Chromium, and for each page prints the
axe violations and whether the page scrolls sideways at 320 and 375 px, then writes PNGs.
"""
import argparse
import os
import pathlib
import sys
import tempfile
import threading

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from waitress.server import create_server  # noqa: E402

from ecole_ent import demo, runtime  # noqa: E402
from ecole_ent.app import create_app  # noqa: E402
from ecole_ent.models import Classroom, Post  # noqa: E402

CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                 '--disable-background-networking', '--disable-component-update']


def pages():
    cp = Classroom.get(Classroom.name == 'CP-CE1')
    farm = Post.get(Post.title == 'Notre visite à la ferme pédagogique')
    pending = Post.get(Post.status == 'pending')
    return [  # (who, name, path)
        (None, 'login', '/connexion'),
        (None, 'public', '/public/0061234A/'),
        ('julien.roux', 'teacher-home', '/'),
        ('julien.roux', 'teacher-blog', f'/blog/classe/{cp.id}'),
        ('julien.roux', 'teacher-moderation', f'/blog/classe/{cp.id}/moderation'),
        ('julien.roux', 'teacher-new', f'/blog/classe/{cp.id}/nouveau'),
        ('julien.roux', 'teacher-pending', f'/blog/article/{pending.id}'),
        ('guardian', 'guardian-home', '/'),
        ('guardian', 'guardian-blog', f'/blog/classe/{cp.id}'),
        ('guardian', 'guardian-post', f'/blog/article/{farm.id}'),
        ('pupil', 'pupil-home', '/'),
        ('pupil', 'pupil-blog', f'/blog/classe/{cp.id}'),
        ('pupil', 'pupil-new', f'/blog/classe/{cp.id}/nouveau'),
        ('pupil', 'pupil-pending', f'/blog/article/{pending.id}'),
    ]


def logins():
    pending = Post.get(Post.status == 'pending')
    from ecole_ent.models import GuardianLink
    guardian = GuardianLink.select().where(GuardianLink.pupil == pending.author).first().guardian
    return {'pupil': pending.author.login, 'guardian': guardian.login}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='/tmp/ecole-screens', help='folder for the PNG files')
    parser.add_argument('--axe', default=str(ROOT / 'node_modules' / 'axe-core' / 'axe.min.js'), help='axe.min.js path')
    parser.add_argument('--chromium', default=os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium'))
    parser.add_argument('--only', help='only pages whose name contains this')
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = tempfile.mkdtemp(prefix='ecole-screens-')
    config = runtime.open_config(data, environ={})
    runtime.open_database(config, auto_migrate=True)
    demo.seed()
    who = logins()
    app = create_app(config)
    server = create_server(app, host='127.0.0.1', port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = 'http://127.0.0.1:%s' % server.effective_port
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS)
        contexts = {}
        for login, name, path in pages():
            if args.only and args.only not in name:
                continue
            for width in (320, 375, 1280):
                key = (login, width)
                if key not in contexts:
                    contexts[key] = browser.new_context(viewport={'width': width, 'height': 800}, bypass_csp=True)
                    if login:
                        page = contexts[key].new_page()
                        page.goto(base + '/connexion')
                        page.fill('#f-login', who.get(login, login))
                        page.fill('#f-password', 'demo')
                        page.click('button[type=submit] >> text=Se connecter')
                        page.close()
                page = contexts[key].new_page()
                failed = []
                page.on('requestfailed', lambda r, failed=failed: failed.append(r.url))
                page.on('console', lambda m, failed=failed: failed.append(m.text) if m.type == 'error' else None)
                page.goto(base + path)
                overflow = page.evaluate('document.documentElement.scrollWidth > window.innerWidth')
                violations = []
                if os.path.exists(args.axe):
                    page.add_script_tag(path=args.axe)
                    violations = page.evaluate(
                        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                        ".map(v => v.id + ' (' + v.nodes.length + '): ' + v.nodes.map(n => n.target.join(' '))"
                        ".slice(0, 3).join(', '))")
                if width != 320:
                    page.screenshot(path=str(out / f'{name}-{width}.png'), full_page=True)
                print(f'{name:20} {width:4d} px  overflow={overflow}  axe={violations or "none"}  '
                      f'errors={failed or "none"}')
                page.close()
        browser.close()
    server.close()
    print('PNG files in', out, '; data folder', data)


if __name__ == '__main__':
    main()
