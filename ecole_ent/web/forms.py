"""Form input (the only code that touches request.forms and request.files), the CSRF token, and
where a form may send the browser next (safe_next).

A multipart body (a form with files) is parsed here, not by bottle's BaseRequest.POST: bottle
0.13.4 keeps every part under MEMFILE_MAX (100 KB) in memory and caps their total at the same
100 KB, so two 50 KB photos in one send were refused ("MultipartError: Memory limit reached").
Here bottle's own parser runs with other limits: a part over PART_IN_MEMORY bytes goes to a
temporary file, so any number of small files fits (up to MAX_PARTS parts and the size limits of
the server and of each route) while the parts kept in memory stay under about 1.6 MB.
"""
import contextlib
import re
import unicodedata
from urllib.parse import quote, unquote

import bottle
from bottle import FileUpload, FormsDict, HTTPError, MultipartError, request, tonat

from .. import security
from ..errors import ValidationError
from ..i18n import _

ANON_COOKIE = 'ecole_anon'
# A guard against absurd input only, well above every content limit (a post body: 20,000
# characters), so that a text a little too long reaches its form's own check and comes back in
# the form with a French message instead of being lost on an error page.
MAX_FIELD = 100_000

# This module relies on private names of bottle 0.13.4, listed with the others in
# ecole_ent/compat.py (tests/test_dependencies.py resolves them): the multipart parser and its
# parts, its header parser, and the environ key under which BaseRequest.POST keeps what it parsed
# (request.forms and request.files are built from it; tests/test_forms.py checks the key).
POST_KEY = 'bottle.request.post'
# Form fields are small and files go to disk: a part over 8 KB becomes a temporary file (a long
# text too, read back below). Each such part holds a file descriptor until the request ends,
# hence MAX_PARTS (the process also serves hundreds of connections).
PART_IN_MEMORY = 8 * 1024
MAX_PARTS = 200
MEMORY_FOR_PARTS = (MAX_PARTS + 1) * PART_IN_MEMORY   # never reached before MAX_PARTS
MAX_TEXT_BYTES = 2**20                                # every text field of a form, in UTF-8


def field(name, default=''):
    """A form field decoded as UTF-8 (bottle 0.13 item access would give latin-1 text).

    Invalid UTF-8 reads as missing; over-long values are refused rather than cut silently.
    """
    value = _forms().getunicode(name, default=None)
    if value is None:
        return default
    if len(value) > MAX_FIELD:
        raise ValidationError({name: _('Ce champ est trop long.')})
    return value.replace('\x00', '').strip()


def field_list(name):
    """Every value of a field sent several times (checkboxes), decoded as UTF-8."""
    return [value.replace('\x00', '').strip()[:MAX_FIELD] for value in _forms().decode().getall(name)]


def form_text(name, limit):
    """A text field for a form that answers with its own message when a text is too long: the
    value cut to `limit` characters, never an error page (field() refuses the request), so the
    form can come back with everything else kept. Pass one character more than the form's own
    limit, so that its check still sees the text as too long."""
    value = _forms().getunicode(name, default=None) or ''
    return value[:limit].replace('\x00', '').strip()


def uploaded_files(name):
    """[(file name, binary stream)] of the files sent in `name`; bottle 0.13 decodes file names
    as latin-1, so a name that was UTF-8 is turned back into it."""
    found = []
    _parse_multipart()
    for upload in request.files.getall(name):
        raw = upload.raw_filename or ''
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            raw = raw.encode('latin-1').decode('utf-8')
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
    sent = _forms().get('csrf_token') or request.headers.get('X-CSRF-Token') or ''
    expected = csrf_token()
    return bool(expected) and security.same(sent, expected)


def _forms():
    _parse_multipart()
    return request.forms


def _parse_multipart():
    """Parse a multipart body once, before bottle would (the CSRF check reads the form first, in
    web.guards.before_request), and leave the result where BaseRequest.POST keeps its own."""
    environ = request.environ
    if POST_KEY in environ or not request.content_type.startswith('multipart/'):
        return
    environ[POST_KEY] = FormsDict()     # what the form reads as if the body is refused below
    try:
        environ[POST_KEY] = _read_parts()
    except MultipartError as exc:       # a body cut short or malformed: say so in French
        raise HTTPError(400, _("L'envoi est arrivé incomplet ou illisible. Réessayez."),
                        exception=exc) from None


def _read_parts():
    _type, options = bottle._parse_http_header(request.environ.get('CONTENT_TYPE', ''))[0]
    boundary = options.get('boundary')
    if not boundary:
        raise MultipartError('Invalid content type header, missing boundary')
    # Read from the server's own copy of the body (waitress has it whole, in a temporary file past
    # a few hundred KB, and says its length): request.body would copy it to disk once more.
    length = request.content_length
    stream = request.environ['wsgi.input'] if length >= 0 else request.body
    parser = bottle._MultipartParser(stream, boundary, length,
                                     mem_limit=MEMORY_FOR_PARTS, memfile_limit=PART_IN_MEMORY,
                                     charset=options.get('charset', 'utf8'))
    post = FormsDict()
    post.recode_unicode = False       # text is decoded below, as BaseRequest.POST does
    try:
        _read_into(post, parser)
    except BaseException:             # refused or cut short: the files kept so far go now
        for _name, value in post.allitems():
            if isinstance(value, FileUpload):
                value.file.close()
        raise
    return post


def _read_into(post, parser):
    count = text_bytes = 0
    for part in parser.parse():
        count += 1
        if count > MAX_PARTS:
            part.close()
            raise HTTPError(413, _('Trop de fichiers en un seul envoi : %(max)d au plus. '
                                   'Envoyez-les en plusieurs fois.') % {'max': MAX_PARTS})
        if part.filename:
            post[part.name] = FileUpload(part.file, part.name, part.filename, part.headerlist)
            continue
        text_bytes += part.size
        if text_bytes > MAX_TEXT_BYTES:
            part.close()
            raise HTTPError(413, _('Le formulaire envoyé est trop long.'))
        post[part.name] = tonat(part.value, 'utf8')
        part.close()                    # a long text's temporary file goes at once


def safe_next(target, fallback='/'):
    r"""Where to go next (after sign-in, back to a page): a path of this site, or `fallback`;
    never another site.

    Browsers drop tabs and newlines inside a URL and read a backslash as a slash, so '/\t/x' or
    '/\x' would lead to the site x. The target, as sent and once percent-decoded, must have no
    control character and no backslash, and be a plain path: it starts with one slash (so no
    scheme and no host) and has no empty or dot segment ('//x', '/..//x', '/%2F/x')."""
    if not target or not all(_plain_path(form) for form in (target, unquote(target))):
        return fallback
    return quote(target, safe="/%?#&=+;:@!$'()*,~")      # Location is ASCII: é becomes %C3%A9


def _plain_path(target):
    if '\\' in target or any(unicodedata.category(char) == 'Cc' for char in target):
        return False
    segments = re.split('[?#]', target, maxsplit=1)[0].split('/')
    return (len(segments) > 1 and segments[0] == '' and '' not in segments[1:-1]
            and '.' not in segments and '..' not in segments)
