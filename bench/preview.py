"""Render the base templates with sample data, screenshot them in Debian's Chromium, run axe-core.

A look check for designers, not a test: it needs no database and no app.
    python bench/preview.py [--out /tmp/ecole-preview] [--axe node_modules/axe-core/axe.min.js]
Prints one line per page and viewport with the axe violations, and writes PNGs into --out.
"""
import argparse
import os
import pathlib
import threading

import bottle
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, StrictUndefined, select_autoescape
from waitress.server import create_server

ROOT = pathlib.Path(__file__).resolve().parent.parent


class User:
    school_id = None

    def __init__(self, name, roles):
        self.display_name = name
        self.first_name = name.split()[0]
        self.roles = ','.join(roles)

    def has_role(self, *roles):
        return bool(set(self.roles.split(',')) & set(roles))


NAV_TEACHER = [
    {'url': '/', 'label': 'Accueil', 'icon': 'home'},
    {'url': '/blog', 'label': 'Blog', 'icon': 'blog', 'badge': 3},
    {'url': '/devoirs', 'label': 'Devoirs', 'icon': 'homework'},
    {'url': '/photos', 'label': 'Photos', 'icon': 'photos'},
    {'url': '/messages', 'label': 'Messages', 'icon': 'message'},
]

SAMPLES = {
    'sample/pupil_home.html': """{% extends "base.html" %}{% import "_macros.html" as m with context %}
{% block title %}Accueil{% endblock %}
{% block main %}
<h1>Bonjour Léa !</h1>
<ul class="tiles">
  <li><a class="tile" href="/devoirs">{{ icon('homework') }}<span>Mes devoirs</span><span class="badge">2 à faire</span></a></li>
  <li><a class="tile" href="/blog">{{ icon('blog') }}<span>Le blog de la classe</span></a></li>
  <li><a class="tile" href="/photos">{{ icon('photos') }}<span>Les photos</span></a></li>
  <li><a class="tile" href="/blog/nouveau">{{ icon('pencil') }}<span>J'écris un article</span></a></li>
</ul>
<h2>Pour demain</h2>
<ul class="item-list">
  <li class="card"><h3>Lecture</h3><p>Lire la page 12 du livre « Le loup qui voulait changer de couleur ».</p>
   <form method="post" action="#">{{ m.csrf() }}{{ m.button("J'ai fini", kind='big', icon_name='check') }}</form></li>
</ul>
{% endblock %}""",
    'sample/guardian_home.html': """{% extends "base.html" %}{% import "_macros.html" as m with context %}
{% block main %}
<h1>Bonjour Madame N'Diaye</h1>
<div class="cards">
  <section class="card card-accent" aria-labelledby="c1">
    <div class="card-header"><h2 id="c1">Inès</h2><p class="card-meta">CP-CE1 · Mme Lefèvre-Durand</p></div>
    <div class="card-section"><h3>{{ icon('note') }} Mots à signer</h3>
      <ul class="link-list"><li><a href="#"><span class="link-list-main">Sortie au musée de Nice</span><span class="badge">à signer avant le vendredi 4 décembre</span></a></li></ul></div>
    <div class="card-section"><h3>{{ icon('homework') }} Devoirs pour lundi 30 novembre</h3>
      <ul><li>Lecture p. 12 {{ icon('check', alt='fait') }}</li><li>Poésie : apprendre la 1<sup>re</sup> strophe</li></ul></div>
    <div class="card-section"><h3>{{ icon('blog') }} Nouveau sur le blog</h3>
      <ul class="link-list"><li><a href="#"><span class="link-list-main">Notre visite à la ferme pédagogique</span><span class="new-marker">nouveau</span></a></li></ul></div>
    <p class="button-row"><a class="button" href="#">{{ icon('message') }}<span>Écrire à l'enseignant</span></a></p>
  </section>
  <section class="card card-accent" aria-labelledby="c2">
    <div class="card-header"><h2 id="c2">Noah</h2><p class="card-meta">CE2-CM1-CM2 · M. Benali</p></div>
    <p class="muted">Rien de nouveau depuis votre dernière visite.</p>
    <p class="button-row"><a class="button" href="#">{{ icon('message') }}<span>Écrire à l'enseignant</span></a></p>
  </section>
</div>
{% endblock %}""",
    'sample/teacher_home.html': """{% extends "base.html" %}{% import "_macros.html" as m with context %}
{% block main %}
<div class="page-header"><h1>CP-CE1</h1><a class="button" href="#">{{ icon('plus') }}<span>Publier</span></a></div>
<section class="todo-band" aria-labelledby="todo"><h2 id="todo">À faire</h2><ul>
 <li><a href="#"><span class="badge">3</span> articles et commentaires à modérer</a></li>
 <li><a href="#"><span class="badge">1</span> message non lu</a></li>
 <li><a href="#"><span class="badge">4</span> signatures manquantes : sortie au musée</a></li></ul></section>
<ul class="tiles">
 <li><a class="tile" href="#">{{ icon('pencil') }}<span>Publier</span></a></li>
 <li><a class="tile" href="#">{{ icon('homework') }}<span>Devoirs</span></a></li>
 <li><a class="tile" href="#">{{ icon('note') }}<span>Mot aux familles</span></a></li>
 <li><a class="tile" href="#">{{ icon('photos') }}<span>Photos</span></a></li>
 <li><a class="tile" href="#">{{ icon('card') }}<span>Cartes de connexion</span></a></li>
</ul>
<h2>Élèves</h2>
{% call m.table_region('Élèves') %}<table><caption>Élèves de la classe (24)</caption>
<thead><tr><th scope="col">Nom</th><th scope="col">Niveau</th><th scope="col">Droit à l'image</th><th scope="col" class="num">Devoirs faits</th></tr></thead>
<tbody><tr><td>Zoé Martin-Lemaire</td><td>CP</td><td><span class="status status-ok">accordé</span></td><td class="num">12</td></tr>
<tr><td>Jules D'Almeida</td><td>CE1</td><td><span class="status status-refused">refusé</span></td><td class="num">9</td></tr>
<tr><td>Anaïs Nguyen</td><td>CE1</td><td><span class="status status-waiting">inconnu</span></td><td class="num">11</td></tr></tbody></table>{% endcall %}
{{ m.pagination(3, 9, page_url) }}
{% endblock %}""",
    'sample/form.html': """{% extends "base.html" %}{% import "_macros.html" as m with context %}
{% block title %}Nouvel article{% endblock %}
{% block main %}
<h1>Nouvel article</h1>
{{ m.error_summary(errors, {'title': 'Titre', 'body': 'Texte'}) }}
<form method="post" action="#">{{ m.csrf() }}
{{ m.field('title', 'Titre', value='', errors=errors, required=true) }}
{{ m.textarea('body', 'Texte', value='Nous sommes allés à la ferme.', errors=errors, help='Markdown : **gras**, *italique*, listes avec des tirets.') }}
{{ m.select('visibility', 'Qui peut lire ?', [('class', 'La classe'), ('families', 'La classe et les familles'), ('public', 'Tout le monde (page publique)')], value='families') }}
{{ m.radios('comments', 'Commentaires', [('off', 'Fermés'), ('moderated', 'Après validation', 'Vous relisez chaque commentaire.'), ('immediate', 'Publiés tout de suite')], value='moderated') }}
{{ m.field('publish_at', 'Publier le', type='datetime-local', help='Laissez vide pour publier tout de suite.') }}
{{ m.field('attachment', 'Pièce jointe (PDF ou audio)', type='file', errors=errors) }}
{{ m.checkbox('notify', 'Prévenir les familles par courriel', checked=true) }}
<div class="form-actions">{{ m.button('Publier', icon_name='check') }}{{ m.button('Aperçu', kind='secondary', name='preview', value='1') }}<a class="button button-quiet" href="#">Annuler</a></div>
</form>
{{ m.notice('info', "Cet article paraîtra le jeudi 3 décembre à 8 h 00.") }}
{{ m.notice('warning', "Votre article attend la validation de l'enseignant.") }}
<div class="empty-state"><p>Aucun article pour l'instant.</p></div>
{% endblock %}""",
    'sample/print_cards.html': """{% extends "base.html" %}{% import "_macros.html" as m with context %}
{% block title %}Cartes de connexion{% endblock %}
{% block main %}
<div class="page-header"><h1>Cartes de connexion · CP-CE1</h1></div>
<p class="print-actions"><a class="button" href="#">{{ icon('printer') }}<span>Imprimer</span></a></p>
<div class="print-sheet"><div class="card-grid">
{% for name in ['Léa', 'Noah', 'Inès', 'Jules', 'Zoé', 'Anaïs', 'Maël', 'Chloé'] %}
<div class="login-card">{{ icon('card', cls='icon-big') }}<div><p class="login-card-name">{{ name }}</p><p class="login-card-code">lea.m{{ loop.index }}</p><p class="login-card-school">École des Mimosas</p></div></div>
{% endfor %}</div></div>
{% endblock %}""",
}


def make_env():
    # the same options as ecole_ent.web.render.env, without the application
    from ecole_ent.web import render
    env = Environment(loader=ChoiceLoader([FileSystemLoader(str(ROOT / 'templates')), DictLoader(SAMPLES)]),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(render.env.globals)
    env.globals.update(
        static=lambda path: '/static/' + path + '?v=preview',
        url=lambda name, **kw: '/' + name.replace('.', '/'),
        version='preview',
    )
    return env


def nav(items, path='/'):
    from ecole_ent.web import render
    return render.nav_html(items, path)


PAGES = [
    # (name, template, context)
    ('login', 'accounts/login.html', dict(user=None, errors={}, login='', next='/', card_login_url='/carte')),
    ('login-errors', 'accounts/login.html',
     dict(user=None, errors={'form': 'Identifiant ou mot de passe incorrect.', 'password': 'Saisissez votre mot de passe.'},
          login='c.ndiaye', next='/')),
    ('pupil-home', 'sample/pupil_home.html', dict(user=User('Léa', ['pupil']), accent='accent-green')),
    ('guardian-home', 'sample/guardian_home.html',
     dict(user=User("Aminata N'Diaye", ['guardian']),
          flashes=[('success', 'Votre signature est enregistrée.')], nav_html=nav(NAV_TEACHER[:1] + NAV_TEACHER[2:]))),
    ('teacher-home', 'sample/teacher_home.html',
     dict(user=User('Claire Lefèvre-Durand', ['teacher', 'director']), nav_html=nav(NAV_TEACHER), accent='accent-purple',
          page_url=lambda n: '/eleves?page=%d' % n)),
    ('form', 'sample/form.html',
     dict(user=User('Claire Lefèvre-Durand', ['teacher']), nav_html=nav(NAV_TEACHER, '/blog/nouveau'), request_path='/blog/nouveau',
          errors={'title': 'Donnez un titre à votre article.', 'attachment': 'Ce fichier n’est ni un PDF ni un enregistrement audio.'},
          flashes=[('error', "L'article n'a pas été enregistré : corrigez les deux champs signalés.")])),
    ('print-cards', 'sample/print_cards.html', dict(user=User('Claire Lefèvre-Durand', ['teacher']), accent='accent-teal')),
    ('404', 'errors/error.html', dict(user=User('Claire Lefèvre-Durand', ['teacher']), code=404,
                                      title='Page introuvable', message='')),
    ('500', 'errors/error.html', dict(user=None, code=500, title='Erreur du serveur', message='')),
]


def build_app(env):
    app = bottle.Bottle()
    base = dict(csrf_token='preview-token', flashes=[], request_path='/', accent='accent-blue', errors={})

    @app.route('/static/<path:path>')
    def static(path):
        return bottle.static_file(path, root=str(ROOT / 'static'))

    @app.route('/page/<name>')
    def page(name):
        for page_name, template, ctx in PAGES:
            if page_name == name:
                return env.get_template(template).render(**{**base, **ctx})
        bottle.abort(404)

    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--out', default='/tmp/ecole-preview', help='folder for the PNG files')
    parser.add_argument('--axe', default=str(ROOT / 'node_modules' / 'axe-core' / 'axe.min.js'), help='axe.min.js path')
    parser.add_argument('--chromium', default=os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium'))
    parser.add_argument('--only', help='render only this page')
    parser.add_argument('--print', action='store_true', help='also print pages to PDF')
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server = create_server(build_app(make_env()), host='127.0.0.1', port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    base = 'http://127.0.0.1:%s' % server.effective_port
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, headless=True, args=[
            '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
            '--disable-background-networking', '--disable-component-update'])
        for name, _template, _ctx in PAGES:
            if args.only and name != args.only:
                continue
            for width in (320, 375, 1280):
                page = browser.new_page(viewport={'width': width, 'height': 800})
                failed = []
                page.on('requestfailed', lambda r, failed=failed: failed.append(r.url))
                page.on('console', lambda msg, failed=failed: failed.append(msg.text) if msg.type == 'error' else None)
                page.goto('%s/page/%s' % (base, name))
                page.screenshot(path=str(out / ('%s-%d.png' % (name, width))), full_page=True)
                overflow = page.evaluate('document.documentElement.scrollWidth > window.innerWidth')
                violations = []
                if os.path.exists(args.axe):
                    page.add_script_tag(path=args.axe)
                    violations = page.evaluate(
                        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                        ".map(v => v.id + ' (' + v.nodes.length + '): ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3).join(', '))")
                print('%-14s %4d px  overflow=%s  axe=%s  failed=%s' % (name, width, overflow, violations or 'none', failed or 'none'))
                if args.print and width == 1280:
                    page.emulate_media(media='print')
                    page.pdf(path=str(out / ('%s.pdf' % name)), format='A4', print_background=False)
                page.close()
        browser.close()
    server.close()
    print('PNG files in', out)


if __name__ == '__main__':
    main()
