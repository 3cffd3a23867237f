"""The installable app without a browser (issue 20): the manifest and the service worker served
with their types, scope and no-cache; static files under content-hashed names, kept a year, their
plain names a short while; the icons in one sprite; the app's PNG icons; the server's keep header
on a guardian's home, homework week, notes and blog posts only (never for a teacher, a director,
a staff member, a pupil or a kiosk session); Clear-Site-Data at sign-in and at sign-out."""
import hashlib
import io
import json
import re

from PIL import Image

from ecole_ent.models import User
from ecole_ent.paths import resource_dir
from ecole_ent.web import assets, offline
from ecole_ent.web.render import static
from tests.conftest import Client

KEEP = offline.KEEP_HEADER
HASHED_CSS = re.compile(r'/static/css/ecole\.([0-9a-f]{10})\.css')


def guardian_blog_urls(client):
    """The class blog the guardian's home links, and a post that blog lists."""
    blog = re.search(r'href="(/blog/classe/\d+)"', client.get('/').text).group(1)
    return [blog, re.search(r'href="(/blog/article/\d+)"', client.get(blog).text).group(1)]


def test_the_manifest_names_the_school_and_starts_at_the_home(demo_client):
    answer = demo_client.get('/manifest.webmanifest')
    assert answer.content_type == 'application/manifest+json'
    assert answer.headers['Cache-Control'] == 'no-cache'
    manifest = json.loads(answer.text)
    assert manifest['name'] == 'École des Mimosas'          # the demo's one school
    assert manifest['start_url'] == '/' and manifest['scope'] == '/'
    assert manifest['display'] == 'standalone'
    assert manifest['theme_color'] == '#1f5fa8' and manifest['background_color'] == '#f6f5f1'
    sizes = {icon['sizes']: icon for icon in manifest['icons']}
    assert sizes['any']['type'] == 'image/svg+xml'
    for size in (192, 512):
        icon = sizes[f'{size}x{size}']
        png = demo_client.get(icon['src'])
        assert png.content_type == 'image/png'
        assert Image.open(io.BytesIO(png.body)).size == (size, size)


def test_the_manifest_takes_the_installations_name_with_several_schools(demo, demo_client):
    from ecole_ent.models import School
    School.create(uai='0069999Z', name='École du Port')
    manifest = json.loads(demo_client.get('/manifest.webmanifest').text)
    assert manifest['name'] == 'ecole-ent'


def test_the_manifest_speaks_the_reader_s_language(demo_client):
    assert json.loads(demo_client.get('/manifest.webmanifest').text)['lang'] == 'fr'
    manifest = json.loads(demo_client.get('/manifest.webmanifest', headers={'Accept-Language': 'ar'}).text)
    assert manifest['lang'] == 'ar' and manifest['dir'] == 'rtl'


def test_the_worker_is_served_from_the_root_as_javascript_never_cached(demo_client):
    answer = demo_client.get('/sw.js')
    assert answer.content_type == 'application/javascript'
    assert answer.headers['Cache-Control'] == 'no-cache'
    assert '/*SETTINGS*/{}' not in answer.text
    settings = json.loads(re.search(r'const SETTINGS = (\{.*\});', answer.text).group(1))
    assert settings['keep'] == 'X-Ecole-Hors-Ligne' and settings['offline'] == '/hors-ligne'
    assert HASHED_CSS.fullmatch(settings['shell'][0])
    for url in settings['shell']:            # what it keeps at its installation exists
        assert demo_client.get(url).status_int == 200, url


def test_every_page_links_the_manifest_and_the_worker_script(demo_client, signed_in, demo):
    for client in (demo_client, signed_in(demo.user('aurelie.dubois')), signed_in(demo.teacher)):
        page = client.get('/connexion' if client is demo_client else '/')
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page.text
        assert re.search(r'<script src="/static/pwa/pwa\.[0-9a-f]{10}\.js" data-worker="(on|off)" defer>', page.text)


def test_only_a_guardians_pages_register_the_worker(signed_in, demo_client, demo):
    worker = re.compile(r'data-worker="(\w+)"')
    assert worker.search(signed_in(demo.user('aurelie.dubois')).get('/').text).group(1) == 'on'
    for user in (demo.teacher, demo.director, demo.staff, demo.user('zoe.dubois')):
        assert worker.search(signed_in(user).get('/').text).group(1) == 'off', user.login
    assert worker.search(demo_client.get('/connexion').text).group(1) == 'off'


def test_static_files_have_content_hashed_names_kept_a_year(demo_client):
    url = static('css/ecole.css')
    digest = HASHED_CSS.fullmatch(url).group(1)
    source = (resource_dir('static') / 'css' / 'ecole.css').read_bytes()
    assert digest == hashlib.sha256(source).hexdigest()[:10]
    answer = demo_client.get(url)
    assert answer.headers['Cache-Control'] == 'public, max-age=31536000, immutable'
    assert answer.content_type == 'text/css'
    assert b'/*' not in answer.body and len(answer.body) < len(source) * 0.85     # minified
    assert b'--accent:#1f5fa8' in answer.body
    again = demo_client.get(url, headers={'If-None-Match': answer.headers['ETag']})
    assert again.status_int == 304
    script = demo_client.get(static('pwa/pwa.js'))
    assert script.headers['Cache-Control'] == 'public, max-age=31536000, immutable'
    assert script.body == (resource_dir('static') / 'pwa' / 'pwa.js').read_bytes()


def test_the_plain_names_still_answer_with_a_short_cache(demo_client):
    for path in ('/static/css/ecole.css', '/static/pwa/pwa.js', '/static/img/icons/home.svg',
                 '/static/css/ecole.css?v=0.1.0'):
        answer = demo_client.get(path)
        assert answer.headers['Cache-Control'] == 'public, max-age=600', path


def test_a_wrong_or_old_hash_is_not_found(demo_client):
    assert demo_client.get('/static/css/ecole.0000000000.css', expect_errors=True).status_int == 404
    assert demo_client.get('/static/css/nothing.css', expect_errors=True).status_int == 404
    assert demo_client.get('/static/../ecole_ent/app.py', expect_errors=True).status_int in (400, 403, 404)


def test_the_icons_are_one_sprite(signed_in, demo):
    client = signed_in(demo.user('aurelie.dubois'))
    sprite = static(assets.SPRITE)
    assert re.fullmatch(r'/static/img/icons\.[0-9a-f]{10}\.svg', sprite)
    body = client.get(sprite).text
    names = sorted(p.stem for p in (resource_dir('static') / 'img' / 'icons').glob('*.svg'))
    assert re.findall(r'<symbol id="([a-z]+)" viewBox="0 0 24 24">', body) == names
    assert 'id="i"' not in body
    home = client.get('/').text
    assert f'<use href="{sprite}#home"/>' in home
    assert '/img/icons/' not in home        # no icon fetched alone


def test_a_guardians_pages_may_be_kept_offline(signed_in, demo):
    client = signed_in(demo.user('aurelie.dubois'))
    home = client.get('/')
    assert home.headers[KEEP] == 'garder'
    ahead = home.headers[offline.FOLLOW_HEADER].split()
    assert ahead == ['/devoirs', '/cahier-de-liaison']     # no page whose visit changes something
    for path in ahead + guardian_blog_urls(client):
        page = client.get(path)
        assert page.headers[KEEP] == 'garder', path
        note = re.search(r'<div id="hors-ligne" hidden>.*?<p>(.*?)</p></div>', page.text)
        assert note and note.group(1).startswith('Hors ligne : cette page date du '), path
        assert note.group(1).endswith(' et n’est peut-être plus à jour.')


def test_other_pages_and_other_people_are_never_kept(signed_in, demo):
    guardian = signed_in(demo.user('aurelie.dubois'))
    blog, post = guardian_blog_urls(guardian)
    for path in ('/messages', '/compte', '/photos', '/?avant=x', blog + '?page=2'):
        page = guardian.get(path, expect_errors=True)
        assert KEEP not in page.headers and 'id="hors-ligne"' not in page.text, path
    for user in (demo.teacher, demo.director, demo.staff, demo.admin, demo.user('zoe.dubois')):
        client = signed_in(user)
        for path in ('/', '/devoirs', '/cahier-de-liaison', blog, post):
            page = client.get(path, expect_errors=True)
            assert KEEP not in page.headers, (user.login, path)
            assert 'id="hors-ligne"' not in page.text, (user.login, path)


def test_a_guardian_who_also_teaches_keeps_nothing(signed_in, demo):
    teacher = demo.teacher
    User.update(roles=teacher.roles + ',guardian').where(User.id == teacher.id).execute()
    assert KEEP not in signed_in(User.get_by_id(teacher.id)).get('/').headers


def test_sign_in_and_sign_out_clear_the_sites_data(demo_app):
    client = Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
    signed = client.login('aurelie.dubois')
    assert signed.status_int == 303 and signed.headers['Clear-Site-Data'] == '"cache", "storage"'
    home = client.get('/')
    token = re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)
    out = client.post('/deconnexion', {'csrf_token': token})
    assert out.status_int == 303 and out.headers['Clear-Site-Data'] == '"cache", "storage"'
    assert 'data-worker="off"' in client.get('/connexion').text


def test_the_offline_page_is_nobodys(signed_in, demo):
    page = signed_in(demo.user('aurelie.dubois')).get('/hors-ligne')
    assert page.headers['Cache-Control'] == 'no-cache'
    assert 'Hors ligne' in page.text and 'Aurélie' not in page.text and 'data-worker' not in page.text
    assert not re.search(r'name="csrf_token" value="[^"]', page.text)     # no session's token


def test_a_stylesheet_is_minified_once_per_process_not_per_request(demo_client, monkeypatch):
    calls = []
    real = assets.minify_css
    monkeypatch.setattr(assets, 'minify_css', lambda data: calls.append(1) or real(data))
    monkeypatch.setattr(assets, '_minified', {})
    first = demo_client.get(static('css/print.css'))
    again = demo_client.get(static('css/print.css'))
    assert first.body == again.body and first.body.strip() and calls == [1]
