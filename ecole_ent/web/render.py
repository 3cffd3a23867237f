"""The one Jinja2 environment (autoescape, StrictUndefined), render(), url(), flash messages."""
import base64
import hmac
import json

from bottle import request, response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .. import __version__, security
from ..i18n import _, date_fr, datetime_fr, ngettext
from ..paths import resource_dir

FLASH_COOKIE = 'ecole_flash'

_app = {'app': None}

# The main menu: features add their entry in their register(app) with add_nav(). Each entry shows
# to users holding one of its roles.
NAV = []


def add_nav(url, label, icon, roles, order=50):
    if all(item['url'] != url for item in NAV):
        NAV.append({'url': url, 'label': label, 'icon': icon, 'roles': tuple(roles), 'order': order})
        NAV.sort(key=lambda item: item['order'])


def nav_for(user):
    if user is None:
        return []
    return [item for item in NAV if user.has_role(*item['roles'])]


env = Environment(loader=FileSystemLoader(str(resource_dir('templates'))),
                  autoescape=select_autoescape(default=True, default_for_string=True),
                  undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                  auto_reload=False,      # templates ship with the release: no stat() per page
                  extensions=['jinja2.ext.i18n'])
env.install_gettext_callables(_, ngettext, newstyle=True)
env.filters['date_fr'] = date_fr
env.filters['datetime_fr'] = datetime_fr
env.globals['static'] = lambda path: f'/static/{path}?v={__version__}'
env.globals['version'] = __version__


def bind(app):
    _app['app'] = app
    _urls.clear()


def url(name, **params):
    """The path of a named route. Cached: bottle rebuilds and url-joins it on every call, which
    cost a tenth of the guardian home (profiled); the app is mounted at / (no SCRIPT_NAME)."""
    key = (name, tuple(sorted(params.items())))
    try:
        found = _urls.get(key)
    except TypeError:                    # an unhashable parameter: build it each time
        return _app['app'].get_url(name, **params)
    if found is None:
        found = _urls[key] = _app['app'].get_url(name, **params)
        if len(_urls) > 20000:           # ids in the parameters: keep the cache bounded
            _urls.clear()
    return found


_urls = {}


env.globals['url'] = url


def render(template, **context):
    from .forms import csrf_token   # late import: forms needs guards which needs render
    from .guards import current_user
    user = current_user()
    context.setdefault('errors', {})
    values = dict(user=user, csrf_token=csrf_token(), flashes=pop_flashes(),
                  request_path=request.path, nav_items=nav_for(user),
                  accent='accent-' + (user.school.accent if user and user.school_id else 'blue'))
    values.update(context)
    return env.get_template(template).render(**values)


def _sign(payload):
    return hmac.new(security.keyed_hash('flash', 'flash').encode(), payload, 'sha256').hexdigest()[:32]


def flash(message, kind='info'):
    """A message shown on the next page (kept in a signed cookie: no database write)."""
    messages = request.environ.setdefault('ecole.new_flashes', [])
    messages.append((kind, str(message)))
    payload = base64.urlsafe_b64encode(json.dumps(messages).encode())
    response.set_cookie(FLASH_COOKIE, payload.decode() + '.' + _sign(payload), path='/',
                        httponly=True, samesite='lax', secure=request.environ.get('ecole.https', False))


def pop_flashes():
    raw = request.get_cookie(FLASH_COOKIE)
    if not raw or request.environ.get('ecole.new_flashes'):
        return []
    response.delete_cookie(FLASH_COOKIE, path='/')
    payload, _dot, signature = raw.rpartition('.')
    if not security.same(signature, _sign(payload.encode())):
        return []
    try:
        return [tuple(item) for item in json.loads(base64.urlsafe_b64decode(payload))][:5]
    except (ValueError, TypeError):
        return []
