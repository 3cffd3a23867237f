"""The request's cookies, read without http.cookies when the Cookie header is plain.

Bottle 0.13 parses the header with http.cookies.SimpleCookie at the first get_cookie() of a
request (BaseRequest.cookies): 15 to 25 us for our three cookies, on every page (profiled on the
guardian home). Our cookies are plain `name=value` pairs (base64url tokens, a language code), the
value sometimes quoted, for which splitting the header gives what SimpleCookie gives; any other
header (backslashes, spaces inside, `=` in a value, a name SimpleCookie takes for an attribute) is
left to bottle, as before.
"""
import re
from http.cookies import Morsel

from bottle import FormsDict

_PAIR = r'[A-Za-z0-9_-]+=(?:[A-Za-z0-9_.-]*|"[A-Za-z0-9_.-]*")'       # a value may come quoted
PLAIN = re.compile(f'{_PAIR}(?:; ?{_PAIR})*')
ATTRIBUTES = frozenset(Morsel())     # its keys: path, expires...: names SimpleCookie reads as attributes
ENVIRON_KEY = 'bottle.request.cookies'       # where BaseRequest.cookies keeps its parse


def parse(environ):
    """Put the FormsDict bottle would make of a plain Cookie header where bottle looks for it
    first; do nothing for any other header (bottle parses it when asked)."""
    header = environ.get('HTTP_COOKIE', '')
    if ENVIRON_KEY in environ or not PLAIN.fullmatch(header):
        return
    pairs = dict(pair.strip().split('=', 1) for pair in header.split(';'))     # the last one wins, as there
    if ATTRIBUTES.isdisjoint(name.lower() for name in pairs):
        environ[ENVIRON_KEY] = FormsDict((name, value.strip('"')) for name, value in pairs.items())
