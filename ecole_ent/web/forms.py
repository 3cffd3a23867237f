"""Form input (the only code that touches request.forms and request.files) and the CSRF token."""
from bottle import request

from .. import security
from ..errors import ValidationError
from ..i18n import _

ANON_COOKIE = 'ecole_anon'
# A guard against absurd input only, well above every content limit (a post body: 20,000
# characters), so that a text a little too long reaches its form's own check and comes back in
# the form with a French message instead of being lost on an error page.
MAX_FIELD = 100_000


def field(name, default=''):
    """A form field decoded as UTF-8 (bottle 0.13 item access would give latin-1 text).

    Invalid UTF-8 reads as missing; over-long values are refused rather than cut silently.
    """
    value = request.forms.getunicode(name, default=None)
    if value is None:
        return default
    if len(value) > MAX_FIELD:
        raise ValidationError({name: _('Ce champ est trop long.')})
    return value.replace('\x00', '').strip()


def uploaded_files(name):
    """[(file name, binary stream)] of the files sent in `name`; bottle 0.13 decodes file names
    as latin-1, so a name that was UTF-8 is turned back into it."""
    found = []
    for upload in request.files.getall(name):
        raw = upload.raw_filename or ''
        try:
            raw = raw.encode('latin-1').decode('utf-8')
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
        found.append((raw, upload.file))
    return found


def form_fields(*names):
    return {name: field(name) for name in names}


def checked(name):
    return field(name) in ('1', 'on', 'oui', 'true')


def csrf_token():
    """The token forms carry: bound to the session, or to an anonymous cookie before sign-in."""
    session = request.environ.get('ecole.session_token')
    if session:
        return security.keyed_hash(session, 'csrf')
    anon = request.environ.get('ecole.anon_token')
    return security.keyed_hash(anon, 'csrf-anon') if anon else ''


def csrf_ok():
    sent = request.forms.get('csrf_token') or request.headers.get('X-CSRF-Token') or ''
    expected = csrf_token()
    return bool(expected) and security.same(sent, expected)
