"""The installable app: `/manifest.webmanifest` (name from the school, icons, standalone), `/sw.js`
(the service worker, at the root so that its scope is the whole site) and `/hors-ligne` (what the
worker shows for a page it has not kept), all public: they hold nothing of anyone. What the
worker may keep is decided page by page by the server (web/offline.py); it is registered by
static/pwa/pwa.js, never on the kiosk (web/render.py `offline_app`).

Service workers need a secure context: HTTPS, or http://localhost (README, « Voix et caméra »)."""
import json

from bottle import response

from .. import hooks, i18n
from ..paths import resource_dir
from ..web import assets, offline
from ..web.render import render, sole_school, static
from ..web.routing import Routes

routes = Routes('pwa')

PRODUCT = 'ecole-ent'
# The layout's files the worker keeps from its installation (the pages need them offline).
SHELL = ('css/ecole.css', 'css/print.css', assets.SPRITE, 'img/favicon.svg', 'pwa/pwa.js')
OFFLINE_PAGE = '/hors-ligne'


def app_name():
    school = sole_school()
    return school.name if school is not None else PRODUCT


@routes.get('/manifest.webmanifest', 'manifest')
def manifest():
    name = app_name()
    icons = [{'src': static('img/favicon.svg'), 'sizes': 'any', 'type': 'image/svg+xml'}] + [
        {'src': static(f'img/app-{size}.png'), 'sizes': f'{size}x{size}', 'type': 'image/png',
         'purpose': 'any maskable'} for size in assets.APP_ICON_SIZES]
    response.content_type = 'application/manifest+json; charset=utf-8'
    response.set_header('Cache-Control', 'no-cache')
    return json.dumps({'name': name, 'short_name': name if len(name) <= 12 else PRODUCT,
                       'lang': i18n.language(), 'dir': i18n.direction(),
                       'start_url': '/', 'scope': '/', 'display': 'standalone',
                       'theme_color': assets.ACCENT, 'background_color': assets.PAGE, 'icons': icons},
                      ensure_ascii=False)


@routes.get('/sw.js', 'worker')
def worker():
    """static/pwa/sw.js with the hashed names of the layout's files: a new release (new hashes)
    is a new worker, which drops the old shell."""
    source = (resource_dir('static') / 'pwa' / 'sw.js').read_text(encoding='utf-8')
    shell = [static(path) for path in SHELL] + [OFFLINE_PAGE]
    settings = {'shell': shell, 'offline': OFFLINE_PAGE, 'keep': offline.KEEP_HEADER,
                'follow': offline.FOLLOW_HEADER, 'version': assets.hashed('pwa/sw.js').rsplit('.', 2)[-2]
                + '-' + '-'.join(static(path).rsplit('.', 2)[-2] for path in SHELL)}
    response.content_type = 'application/javascript; charset=utf-8'
    response.set_header('Cache-Control', 'no-cache')
    return source.replace('/*SETTINGS*/{}', json.dumps(settings), 1)


@routes.get(OFFLINE_PAGE, 'offline')
def offline_page():
    """Shown by the worker for a page it has not kept: nobody's data (it is kept for everyone)."""
    response.set_header('Cache-Control', 'no-cache')
    school = sole_school()
    return render('pwa/offline.html', user=None, nav_html='', flashes=[], offline_worker=None, csrf_token='',
                  **({'site_name': school.name} if school is not None else {}))


def signed_in(user, kiosk):
    """A new session: what the worker kept for the previous one goes (web/offline.py)."""
    offline.clear_site_data()


def register(app):
    routes.install(app)
    hooks.SIGNED_IN.add(signed_in)
