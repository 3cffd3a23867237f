"""The Jinja2 environments (one per language; autoescape, StrictUndefined), render(), url(), flash
messages."""
import base64
import functools
import hmac
import json
from time import monotonic

from bottle import request, response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.ext import Extension
from jinja2.lexer import Token
from markupsafe import Markup, escape
from peewee import PeeweeException

from .. import __version__, hooks, i18n, security
from ..i18n import _, date_fr, datetime_fr, ngettext, of_name
from ..paths import resource_dir
from . import assets, offline
from .guards import is_https

FLASH_COOKIE = 'ecole_flash'

_app = {'app': None}


def add_nav(url, label, icon, roles, order=50):
    """Add an entry to the main menu (hooks.MENU), from a feature's register(app)."""
    hooks.MENU.add({'url': url, 'label': label, 'icon': icon, 'roles': tuple(roles), 'order': order})
    _nav_for_roles.cache_clear()


def nav_for(user):
    return _nav_for_roles(user.roles) if user is not None else []


@functools.lru_cache(maxsize=64)
def _nav_for_roles(roles):
    """The menu entries of a set of roles (as User.roles stores them): the same for every page."""
    held = set(roles.split(','))
    return [item for item in sorted(hooks.MENU, key=lambda item: item['order'])
            if held.intersection(item['roles'])]


def nav_html(items, path):
    """The main menu of these entries, those matching `path` marked current. Built once per set
    of entries and current entry: the menu was the costliest part of the layout (profiled)."""
    if not items:
        return ''
    current = tuple(item['url'] for item in items if path == item['url']
                    or (item['url'] != '/' and path.startswith(item['url'] + '/')))
    key = tuple((item['url'], item['label'], item.get('icon'), item.get('badge')) for item in items)
    return _nav_html(key, current, i18n.language())


# On a phone the menu is a bar of four entries and « Menu » (templates/_nav.html): these come
# first when the user has them (what families and teachers open daily), then the menu's order.
PHONE_BAR_FIRST = ('/', '/messages', '/cahier-de-liaison', '/devoirs')
PHONE_BAR_SIZE = 4


@functools.lru_cache(maxsize=256)
def _nav_html(key, current, language):
    """The menu's markup in `language` (the labels are the French source given to add_nav)."""
    items = [dict(zip(('url', 'label', 'icon', 'badge'), entry)) for entry in key]
    for item in items:
        item['label'] = _(str(item['label']))
    ranked = sorted(range(len(items)), key=lambda i: (
        PHONE_BAR_FIRST.index(items[i]['url']) if items[i]['url'] in PHONE_BAR_FIRST else len(PHONE_BAR_FIRST), i))
    in_bar = set(ranked[:PHONE_BAR_SIZE]) if len(items) > PHONE_BAR_SIZE + 1 else set(range(len(items)))
    for i, item in enumerate(items):
        item['in_bar'] = i in in_bar
    return Markup(env.get_template('_nav.html').render(nav_items=items, current=current))


class TranslateConstants(Extension):
    """Translates `_('text')` (one literal, no variables) when a template is compiled: the
    translation then costs nothing per page (a dozen such calls were a fifth of the layout's
    time, profiled). The result is the same markup template_gettext() returns at run time; this
    holds because each language has its own environment (Environments), whose templates are
    compiled in its language. `static('path')` and `icon('name')` (one literal) are written in
    the same way: their result is the same for the whole life of the process (static files are
    named by their content, read once), and a call from a template cost a microsecond or two
    (the guardian home had ten of them)."""

    def filter_stream(self, stream):
        translate = i18n.catalog(self.environment.language).gettext
        constants = {'_': lambda text: str(Markup(translate(text)) % {}),
                     'static': lambda path: str(escape(static(path))),
                     'icon': lambda name: str(icon(name))}
        tokens = list(stream)
        i = 0
        while i < len(tokens):
            window = tokens[i:i + 4]
            if (len(window) == 4 and window[0].type == 'name' and window[0].value in constants
                    and window[1].test('lparen') and window[2].test('string') and window[3].test('rparen')
                    and (i == 0 or not tokens[i - 1].test('dot'))):
                try:
                    text = constants[window[0].value](window[2].value)
                except (ValueError, TypeError, KeyError):   # a stray %, a %(name)s without its value:
                    text = None                             # left to fail at run time, as before
                if text is not None:
                    line = window[0].lineno
                    yield Token(line, 'string', text)
                    yield Token(line, 'pipe', '|')
                    yield Token(line, 'name', 'safe')
                    i += 4
                    continue
            yield tokens[i]
            i += 1


class Environments:
    """The pages' templates: one Jinja environment per language, made on first use, each compiling
    the templates in its language (TranslateConstants), all sharing one loader, one set of globals
    and one of filters. `env.get_template(name)` is the template in the language of the request."""

    def __init__(self):
        self.loader = FileSystemLoader(str(resource_dir('templates')))
        self.globals, self.filters, self._by_language = {}, {}, {}

    def __getitem__(self, language):
        found = self._by_language.get(language)
        if found is None:
            found = Environment(loader=self.loader, autoescape=select_autoescape(default=True, default_for_string=True),
                                undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                auto_reload=False,      # templates ship with the release: no stat() per page
                                extensions=[TranslateConstants])
            found.language = language
            self.filters.update((name, f) for name, f in found.filters.items() if name not in self.filters)
            self.globals.update((name, g) for name, g in found.globals.items() if name not in self.globals)
            found.filters, found.globals = self.filters, self.globals
            found = self._by_language.setdefault(language, found)
        return found

    def get_template(self, name):
        return self[i18n.language()].get_template(name)

    def from_string(self, source):
        return self[i18n.language()].from_string(source)


env = Environments()


def template_gettext(message, **variables):
    """`_()` in templates, as jinja2.ext.i18n's "newstyle" gettext (the translation is trusted
    markup, always %-formatted with escaped variables) but called directly: the extension took
    three context calls per string, a third of the layout's rendering time (profiled)."""
    return Markup(_(message)) % variables


def template_ngettext(singular, plural, num, **variables):
    variables.setdefault('num', num)
    return Markup(ngettext(singular, plural, num)) % variables


env.globals.update(_=template_gettext, gettext=template_gettext, ngettext=template_ngettext,
                   language=i18n.language, direction=i18n.direction, languages=i18n.LANGUAGES)
env.filters['date_fr'] = date_fr
env.filters['of_name'] = of_name
env.filters['datetime_fr'] = datetime_fr
env.filters['number'] = i18n.number


@functools.lru_cache(maxsize=512)
def static(path):
    """The URL of a static file under its content-hashed name (web/assets.py): cached for a year
    by browsers, changed whenever the file changes."""
    return '/static/' + assets.hashed(path)


def icon_href(name):
    """The `<use href>` of an icon: its symbol in the one sprite of static/img/icons/."""
    return f'{static(assets.SPRITE)}#{name}'


@functools.lru_cache(maxsize=256)
def icon(name, alt=None, cls=''):
    """An icon of static/img/icons/, from the sprite (one request for all): decorative unless
    `alt` names it. A function, not a macro: a Jinja macro call cost 30 us, and the layout has
    several (profiled); the markup only depends on the arguments, so it is built once. The
    symbol carries the viewBox and ecole.css `.icon` the size: the markup is short because the
    guardian home has 35 icons (its repeat visit must stay under 15 KB, issue 20)."""
    label = (f' role="img" aria-label="{escape(alt)}"><title>{escape(alt)}</title>' if alt
             else ' aria-hidden="true">')
    return Markup(f'<svg class="icon{" " + escape(cls) if cls else ""}"{label}'
                  f'<use href="{escape(icon_href(name))}"/></svg>')


env.globals['static'] = static
env.globals['icon'] = icon
env.globals['icon_href'] = icon_href
env.globals['version'] = __version__


def bind(app):
    _app['app'] = app
    _urls.clear()
    _sole_school.clear()


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


def public_url():
    """The ENT's address for links that leave the page (letters, QR cards, the Atom feed):
    server.public_url, else the address this request came to (see provisioning/GUIDE.md)."""
    configured = request.app.config['ecole']['server.public_url'].rstrip('/')
    return configured or f'{request.urlparts.scheme}://{request.urlparts.netloc}'


_sole_school = {}


def sole_school():
    """The installation's school when it has exactly one, else None: the pages without a user
    (sign-in, QR card, password reset, activation) show its name and colour instead of the
    product's. Cached per database like School.cached (a second school shows within 30 s)."""
    from ..models import School
    key = id(School._meta.database.obj)
    hit = _sole_school.get(key)
    if hit is None or monotonic() - hit[0] > School.CACHE_SECONDS:
        try:
            schools = list(School.select().order_by(School.id).limit(2))
        except PeeweeException:          # no schema yet (before `init`): the product's name
            return None
        hit = _sole_school[key] = (monotonic(), schools[0] if len(schools) == 1 else None)
    return hit[1]


def render(template, **context):
    from .forms import csrf_token  # late import: forms needs guards which needs render
    from .guards import current_user
    user = current_user()
    context.setdefault('errors', {})
    school = (user.school if user.school_id else None) if user else sole_school()
    values = dict(user=user, csrf_token=csrf_token(), flashes=pop_flashes(),
                  request_path=request.path, nav_html=nav_html(nav_for(user), request.path),
                  accent='accent-' + (school.accent if school else 'blue'))
    if school is not None and user is None:
        values['site_name'] = school.name
    values['offline_since'] = offline.kept_since()      # web/offline.py: the « Hors ligne » note
    values['offline_worker'] = offline.worker_state(user)
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
                        httponly=True, samesite='lax', secure=is_https())


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
