"""The language of each request: the signed-in user's choice (their account page), else the
switcher's cookie (any visitor, before sign-in too), else the browser's Accept-Language, else
French. POST /langue (everyone, CSRF-checked) changes it: the cookie, and a signed-in user's
account."""
from bottle import request, response

from .. import i18n

COOKIE = 'ecole_langue'
COOKIE_SECONDS = 400 * 24 * 3600


def choose(user):
    """Serve this request in its reader's language (guards.before_request, once the user is known)."""
    chosen = user.language if user is not None else None
    if chosen not in i18n.LANGUAGES:
        chosen = request.get_cookie(COOKIE)
        if chosen not in i18n.LANGUAGES:
            chosen = i18n.negotiate(request.get_header('Accept-Language'))
    i18n.use(chosen or i18n.SOURCE)
    response.set_header('Vary', 'Accept-Language, Cookie')     # a shared cache keeps one copy per language


def remember(lang):
    """The switcher's cookie: the language stays after sign-out, on the sign-in page."""
    from .guards import is_https  # guards calls choose(): imported late
    response.set_cookie(COOKIE, lang, path='/', max_age=COOKIE_SECONDS, httponly=True, samesite='lax',
                        secure=is_https())
