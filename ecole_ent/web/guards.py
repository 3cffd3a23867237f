"""Who is asking: the session hook, the public allow-list, role guards.

Deny by default: every path needs a signed-in, active user unless it is listed here. This list is
the one place to review what anonymous visitors can reach.
"""
import re
from urllib.parse import quote

from bottle import HTTPError, redirect, request, response

from .. import hooks, runtime, security
from ..accounts import service as accounts
from ..errors import Forbidden
from ..i18n import _
from . import cookies, language, offline

PUBLIC_PATHS = {'/connexion', '/activation', '/healthz', '/favicon.ico', '/premiere-installation',
                '/manifest.webmanifest', '/sw.js', '/hors-ligne',    # the installable app (pwa/): nobody's data
                '/carte',      # pupils' QR cards, school networks only (directory/cards.py)
                '/kiosque', '/kiosque/carte',   # the hall's kiosk, school networks only (kiosk/)
                '/images',     # pupils' picture passwords, school networks only (pictures/service.py)
                '/mot-de-passe-oublie',    # asks for a reset link by mail (accounts/reset.py)
                '/donnees-personnelles',   # the notice for families, RGPD (privacy/routes.py)
                '/langue'}     # the language switcher, before sign-in too (web/language.py)
PUBLIC_PREFIXES = ('/static/', '/public/',
                   '/agenda/',    # private calendar feeds: a secret token per child (homework/feed.py)
                   '/mot-de-passe-oublie/',   # a reset link's secret token (accounts/reset.py)
                   '/courriels/arret/')       # a mail's one-click stop link, its token (mail/unsubscribe.py)
# The only POST without a CSRF token: RFC 8058's one-click unsubscribe, which the mail client
# sends without cookies or page; the secret token in the path is what authorises it.
CSRF_EXEMPT = re.compile(r'/courriels/arret/[0-9]{1,12}\.[A-Za-z0-9_-]{43}')
# Signed-in users who must change their password may reach only these.
PASSWORD_CHANGE_PATHS = {'/mot-de-passe', '/deconnexion'}
SESSION_COOKIE = 'ecole_session'
KIOSK_COOKIE = 'ecole_kiosque'     # marks the hall's kiosk terminal (kiosk/): its school's UAI, where sign-outs return
SAFE_METHODS = ('GET', 'HEAD', 'OPTIONS')


def trusted_proxy(config):
    return config['server.trusted_proxy']


def is_public(path):
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def client_address():
    """The client's address. Behind the trusted proxy, waitress has put the forwarded client's
    address in REMOTE_ADDR (ecole_ent/server.py listen), and keeps X-Forwarded-For; a request
    from the proxy that named no client has an unknown address (''), so the proxy's own address
    is never taken for the school's network (a browser on the server itself, named 127.0.0.1 by
    the proxy, is)."""
    environ = request.environ
    remote = environ.get('REMOTE_ADDR', '')
    proxy = runtime.settings(trusted_proxy)
    if proxy and remote == proxy and 'HTTP_X_FORWARDED_FOR' not in environ:
        return ''
    return remote


def is_https():
    """Over HTTPS: waitress sets the scheme from the trusted proxy's X-Forwarded-Proto."""
    return request.environ.get('wsgi.url_scheme') == 'https'


def current_user():
    return request.environ.get('ecole.user')


def require_user():
    user = current_user()
    if user is None:
        raise Forbidden(_('Connexion requise.'))
    return user


def require_role(*roles):
    user = require_user()
    if not user.has_role(*roles):
        raise Forbidden(_("Cette page n'est pas accessible avec votre compte."))
    return user


def set_cookie(name, value, days=None):
    options = {'max_age': days * 86400} if days else {}
    response.set_cookie(name, value, path='/', httponly=True, samesite='lax', secure=is_https(),
                        **options)


def terminal_allows(user):
    """False for an account the hall's kiosk refuses (a staff member, no role) when this request
    comes from the kiosk's terminal (its cookie): /connexion passes it to accounts.authenticate, so
    it is refused there as at the kiosk (kiosk/access.py), as a wrong password."""
    return not request.get_cookie(KIOSK_COOKIE) or accounts.kiosk_account(user)


def sign_in(user, kiosk=False):
    """Open a session for `user`, from this request's address, and set its cookie. A kiosk
    session's cookie is never kept (no "remember me": it ends with the browser, kiosk/). On the
    kiosk's terminal (its cookie) every sign-in, by any page, opens a kiosk session, and a staff
    account is refused (Forbidden, the kiosk's generic message: terminal_allows)."""
    if not terminal_allows(user):
        raise Forbidden(_('Identifiant ou mot de passe incorrect.'))
    kiosk = kiosk or bool(request.get_cookie(KIOSK_COOKIE))
    set_cookie(SESSION_COOKIE, accounts.open_session(user, client_address(), kiosk=kiosk),
               days=None if kiosk else accounts.settings().session_days)
    for signed in hooks.SIGNED_IN:
        signed(user, kiosk)


def forget_session():
    """Close this request's session (its cookie deleted) and go on as an anonymous visitor, with
    the anonymous CSRF token the forms of the page then need."""
    environ = request.environ
    accounts.close_session(environ.pop('ecole.session_token', None))
    environ.pop('ecole.user', None)
    response.delete_cookie(SESSION_COOKIE, path='/')
    offline.clear_site_data()       # what the service worker kept for this session goes too
    _anonymous(environ)


def _anonymous(environ):
    anon = request.get_cookie('ecole_anon')
    if not anon or len(anon) > 64:
        anon = security.new_token()
        set_cookie('ecole_anon', anon)
    environ['ecole.anon_token'] = anon


def _csrf_ok(check):
    """The CSRF check, with a body bottle cannot parse (a crafted multipart part) counted as a
    refusal rather than a crash."""
    try:
        return check()
    except (ValueError, UnicodeError, KeyError, IndexError):
        return False


def csrf_exempt(method, path):
    return method == 'POST' and CSRF_EXEMPT.fullmatch(path) is not None


def before_request():
    """Load the session, give anonymous visitors a CSRF cookie, check CSRF, enforce the allow-list."""
    from .forms import csrf_ok
    path = request.path
    if path.startswith('/static/'):
        return
    environ = request.environ
    cookies.parse(environ)
    token = request.get_cookie(SESSION_COOKIE)
    user = accounts.session_user(token) if token else None
    if user is not None:
        environ['ecole.user'] = user
        environ['ecole.session_token'] = token
    else:
        _anonymous(environ)
    language.choose(user)
    if request.method not in SAFE_METHODS and not csrf_exempt(request.method, path) and not _csrf_ok(csrf_ok):
        raise HTTPError(400, _('Le formulaire a expiré ou ne vient pas de ce site. '
                               'Rechargez la page et recommencez.'))
    if user is None and not is_public(path):
        if request.method in SAFE_METHODS:     # a kiosk page (its session ended): the kiosk's sign-in
            redirect('/kiosque' if path.startswith('/kiosque/') else '/connexion?next=' + quote(request.fullpath), 303)
        raise HTTPError(403, _('Connexion requise.'))
    if user is not None and user.must_change_password and path not in PASSWORD_CHANGE_PATHS \
            and not is_public(path):
        redirect('/mot-de-passe', 303)
