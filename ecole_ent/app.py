"""create_app(config) -> the WSGI application: one Bottle, hooks, error pages, features' routes."""
import json
import logging
import shutil

from bottle import Bottle, HTTPError, HTTPResponse, abort, request, response, static_file

from . import __version__, db, features, hooks, numbers, runtime
from .errors import Busy, Forbidden, NotFound, ValidationError
from .i18n import N_, _
from .paths import resource_dir
from .web import access_log, assets, guards
from .web import render as web_render

logger = logging.getLogger(__name__)

SECURITY_HEADERS = [
    ('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'; "
     "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; "
     "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    ('X-Content-Type-Options', 'nosniff'),
    ('X-Frame-Options', 'DENY'),
    ('Referrer-Policy', 'same-origin'),
    ('Permissions-Policy', 'geolocation=(), microphone=(), camera=(self)'),   # young/routes.py: the voice
    ('Cross-Origin-Opener-Policy', 'same-origin'),
]
HTTPS_HEADERS = SECURITY_HEADERS + [('Strict-Transport-Security', 'max-age=31536000')]   # HSTS: a year
ERROR_TITLES = {400: N_('Requête incorrecte'), 403: N_('Accès refusé'), 404: N_('Page introuvable'),
                405: N_('Action impossible'), 413: N_('Envoi trop volumineux'), 500: N_('Erreur du serveur'),
                503: N_('Service indisponible')}


def domain_errors(callback):
    """Map domain errors to HTTP once, for every route."""
    def wrapper(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except NotFound as exc:
            abort(404, str(exc) or _('Page introuvable.'))
        except Forbidden as exc:
            abort(403, str(exc) or _('Accès refusé.'))
        except ValidationError as exc:
            abort(400, str(exc))
        except Busy as exc:
            refused = HTTPError(503, str(exc))
            refused.set_header('Retry-After', str(exc.retry_after))
            raise refused from None
    return wrapper


def error_page(error):
    code = error.status_code
    if code >= 500:
        logger.error('erreur %s sur %s %s: %s', code, request.method, access_log.loggable(request.path),
                     error.traceback or error.body)
    shown = code < 500 or code == 503         # a 503 says, in French, why and when to retry
    message = error.body if isinstance(error.body, str) and shown else ''
    try:
        return web_render.render('errors/error.html', code=code,
                                 title=_(ERROR_TITLES.get(code, N_('Erreur'))), message=message)
    except Exception:   # the error page must never fail: fall back to plain French text
        logger.exception('page d’erreur impossible à afficher')
        return f'<!doctype html><html lang="fr"><title>Erreur {code}</title><p>Erreur {code}.</p></html>'


def healthz():
    """JSON health: 200 whenever the database answers; missing things are warnings."""
    from . import migrations
    report = {'status': 'ok', 'version': __version__, 'warnings': []}
    try:
        db.database.execute_sql('SELECT 1').fetchone()
        report['database'] = 'ok'
        report['schema_version'] = migrations.current()
    except Exception as exc:  # the health check reports, it does not crash
        response.status = 503
        report.update(status='error', database=f'erreur : {exc.__class__.__name__}')
    for check in hooks.HEALTH_CHECK:
        check(report)
    response.content_type = 'application/json'
    response.set_header('Cache-Control', 'no-store')
    return json.dumps(report, ensure_ascii=False)


def disk_check(report):
    data_dir = HEALTH_CONTEXT['config'].data_dir
    free = shutil.disk_usage(data_dir).free
    report['disk_free_mb'] = free // 2**20
    if free < 500 * 2**20:
        report['warnings'].append(_("Moins de 500 Mo libres sur le disque des données."))


HEALTH_CONTEXT = {}


STATIC_SHORT_CACHE = 'public, max-age=600'     # a plain name (an old page's link): it may change
STATIC_TYPES = {'css': 'text/css; charset=UTF-8', 'svg': 'image/svg+xml', 'png': 'image/png'}


def serve_static(path):
    """A static file (web/assets.py): under its hashed name, kept a year (`immutable`); under its
    plain name, for a short while. Stylesheets minified, the sprite and app icons built in memory."""
    logical = assets.unhashed(path)
    name = logical or path
    if not name.endswith('.css') and assets.built_file(name) is None:
        resp = static_file(name, root=str(resource_dir('static')))
    else:
        data = assets.source_bytes(name)
        if data is None:
            abort(404, _('Page introuvable.'))
        etag = '"' + assets.hashed(name).rsplit('.', 2)[-2] + '"'
        same = request.get_header('If-None-Match') == etag
        resp = HTTPResponse(b'' if same else data, status=304 if same else 200,
                            headers={'Content-Type': STATIC_TYPES[name.rpartition('.')[2]], 'ETag': etag})
    if resp.status_code == 200:
        resp.set_header('Cache-Control', 'public, max-age=31536000, immutable' if logical else STATIC_SHORT_CACHE)
    return resp


def security_headers(wsgi_app):
    """Add the security headers to every response, error pages included; over HTTPS (through the
    trusted proxy), HSTS too: the browser will then refuse plain HTTP for this site."""
    def app(environ, start_response):
        extra = HTTPS_HEADERS if environ.get('wsgi.url_scheme') == 'https' else SECURITY_HEADERS

        def start(status, headers, exc_info=None):
            names = {name.lower() for name, _value in headers}
            headers.extend(h for h in extra if h[0].lower() not in names)
            return start_response(status, headers, exc_info)
        return wsgi_app(environ, start)
    app.bottle = wsgi_app
    return app


def create_app(config):
    runtime.configure(config)
    HEALTH_CONTEXT['config'] = config
    app = Bottle(catchall=True)
    app.router.add_filter('int', numbers.id_filter)     # before any route: ids too long get a 404
    app.config['ecole'] = config
    web_render.bind(app)
    app.add_hook('before_request', guards.before_request)
    if not db.is_sqlite():     # pooled connections go back to the pool after each request
        app.add_hook('after_request', db.close)
    app.install(domain_errors)
    for code in ERROR_TITLES:
        app.error(code)(error_page)
    app.route('/static/<path:path>', 'GET', serve_static, name='static')
    app.route('/healthz', 'GET', healthz, name='healthz')
    hooks.HEALTH_CHECK.add(disk_check)
    features.register(app)
    web_render.env.filters.update(dict(hooks.TEMPLATE_FILTER))
    application = security_headers(app)
    return access_log.wrap(application) if config['server.access_log'] else application
