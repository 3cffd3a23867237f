"""What the browser's service worker (static/pwa/sw.js) may keep for reading offline: the server
decides, page by page, with one response header.

A signed-in guardian's own pages that are worth reading without network (the home, the current
homework week, the home-school notebook, a blog post reached from the home) carry
`X-Ecole-Hors-Ligne: garder`; the worker keeps only responses carrying it. Nothing for a kiosk
session, a staff member or a pupil (a guardian who is also a teacher reads on the school's side:
nothing kept either). Such a page also holds, hidden, the « Hors ligne » note dated from when it
was made; the worker shows it when it answers from its cache. The home names, in
`X-Ecole-Hors-Ligne-Suite`, the other pages the worker may fetch ahead (each keeps the header's
rule: fetched ahead, a page without it is not kept).
"""
from datetime import UTC, datetime

from bottle import request, response

KEEP_HEADER = 'X-Ecole-Hors-Ligne'
KEEP = 'garder'
FOLLOW_HEADER = 'X-Ecole-Hors-Ligne-Suite'
ENVIRON_KEY = 'ecole.offline_since'
FOLLOW_AT_MOST = 8


def may_keep(user):
    """True for a guardian (that role only) signed in anywhere but a kiosk."""
    return (user is not None and set(user.roles.split(',')) == {'guardian'}
            and not getattr(user, 'session_kiosk', False))     # kiosk/access.is_kiosk_session


def kiosk_terminal(user):
    """True on the hall's kiosk (a kiosk session, or the terminal's cookie): no worker there."""
    from .guards import KIOSK_COOKIE
    return bool(getattr(user, 'session_kiosk', False) or request.get_cookie(KIOSK_COOKIE))


def worker_state(user):
    """What a page's script does with the service worker (static/pwa/pwa.js): 'on' registers it
    (a user whose pages may be kept), 'off' removes it and its caches, None: no script (the kiosk,
    where nothing may run nor stay)."""
    if request.path.startswith('/kiosque') or kiosk_terminal(user):
        return None
    return 'on' if may_keep(user) else 'off'


def keep(user, follow=()):
    """Mark this response as one the worker may keep (when `user` may keep pages), with the
    pages it may fetch ahead; the layout then holds the dated « Hors ligne » note."""
    if not may_keep(user):
        return
    from ..i18n import datetime_fr
    from ..school_time import to_local
    response.set_header(KEEP_HEADER, KEEP)
    # To the minute, all the note says: the other languages' times are formatted by Babel and kept
    # by the moment (i18n._babel_time), which with its seconds was a new moment at every view.
    moment = to_local(datetime.now(UTC).replace(tzinfo=None)).replace(second=0, microsecond=0)
    request.environ[ENVIRON_KEY] = datetime_fr(moment)
    paths = [path for path in dict.fromkeys(follow) if path.startswith('/') and ' ' not in path]
    if paths:
        response.set_header(FOLLOW_HEADER, ' '.join(paths[:FOLLOW_AT_MOST]))


def kept_since():
    """The moment this page was made, as the « Hors ligne » note says it, when it may be kept."""
    return request.environ.get(ENVIRON_KEY)


CLEAR_SITE_DATA = '"cache", "storage"'


def clear_site_data():
    """Ask the browser to drop this site's caches and storage (the worker with them): at sign-out
    and at sign-in, so that nothing of one user stays for the next one."""
    response.set_header('Clear-Site-Data', CLEAR_SITE_DATA)
