"""Decoding what directory sources send: strict decoding, mojibake, HTML entities.

Files are decoded strictly (bytes that are invalid in the file's encoding refuse the
file, with its name and the byte offset), then every value is checked for the classic
damage of UTF-8 read as Latin-1 ("Ã©"): it is repaired when a clean reading exists and
refused otherwise, never imported as is.

Why not ftfy (fix_encoding), checked with ftfy 6.3: it has no notion of the file's declared
encoding, so a UTF-8 file declared ISO-8859-15 comes out wrong ('LefÃšvre' gives 'LefÚvre', not
'Lefèvre'), and it repairs a value whose damage is only partial ('LÃ©a Noël' gives 'Léa Noël')
where we refuse it: a value we cannot read one way is not guessed at. What we need is twenty
lines; ftfy would be one more dependency (with wcwidth) for a different rule.
"""
import codecs
import contextlib
import datetime
import html.entities
import re

from ..i18n import _
from .records import FeedError

_XML_DECL = re.compile(rb'^\s*<\?xml[^>]*?encoding\s*=\s*["\']([A-Za-z0-9._-]+)["\']')
_XML_ENTITIES = {'amp', 'lt', 'gt', 'quot', 'apos'}
_ENTITY = re.compile(r'&([A-Za-z][A-Za-z0-9]*);')
_ANY_ENTITY = re.compile(r'&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]*);')
_SPACES = re.compile(r'\s+')
_CONTROLS = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')   # invisible; PostgreSQL refuses NUL


def _continuation_chars():
    """What a UTF-8 continuation byte (0x80-0xBF) looks like once read as a 8-bit encoding."""
    chars = set()
    for byte in range(0x80, 0xC0):
        for encoding in ('latin-1', 'cp1252', 'iso8859_15'):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([byte]).decode(encoding))
    return ''.join(sorted(chars))


# A UTF-8 lead byte (0xC2-0xF4, the same letters in all three encodings) followed by a
# continuation byte: "Ã©" for "é", "Å“" for "œ", "Ã‰" for "É".
MOJIBAKE = re.compile('[\u00c2-\u00f4][' + re.escape(_continuation_chars()) + ']')


def decode_strict(data, encoding, name):
    """Decode ``data`` or refuse the file with its name and the first bad byte offset."""
    skip = len(codecs.BOM_UTF8) if encoding == 'utf-8-sig' and data.startswith(codecs.BOM_UTF8) \
        else 0
    try:
        return data[skip:].decode('utf-8' if skip else encoding)
    except UnicodeDecodeError as exc:
        shown = 'UTF-8' if skip else encoding
        raise FeedError(_('{name} : octets invalides pour l\'encodage {encoding} '
                          'à l\'octet {offset}.').format(name=name, encoding=shown,
                                                          offset=skip + exc.start)) from None


def xml_encoding(data, name):
    """The encoding an XML file declares (BOM first, then the prolog, else UTF-8)."""
    if data.startswith(codecs.BOM_UTF8):
        return 'utf-8-sig'
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return 'utf-16'
    match = _XML_DECL.match(data)
    if not match:
        return 'utf-8'
    declared = match.group(1).decode('ascii')
    try:
        codecs.lookup(declared)
    except LookupError:
        raise FeedError(_('{name} : encodage déclaré inconnu « {encoding} ».').format(
            name=name, encoding=declared)) from None
    return declared


def csv_encoding(data):
    """ONDE exports come as UTF-8 (with or without BOM), Windows-1252 or ISO-8859-1."""
    if data.startswith(codecs.BOM_UTF8):
        return 'utf-8-sig'
    for encoding in ('utf-8', 'cp1252'):
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return 'latin-1'


def html_entities_to_xml(text):
    """Replace HTML named entities (``&eacute;``), undefined in XML, before parsing.

    Entities that stand for markup characters become numeric references, so that
    ``&AMP;`` or ``&lt;`` never turn into markup; XML's own five are left to the parser.
    """
    def replace(match):
        name = match.group(1)
        if name in _XML_ENTITIES:
            return match.group(0)
        char = html.entities.html5.get(name + ';')
        if char is None:
            return match.group(0)      # the parser reports it, with its line
        if any(c in '&<>"\'' for c in char):
            return ''.join(f'&#{ord(c)};' for c in char)
        return char
    return _ENTITY.sub(replace, text)


def unescape_once(text):
    """Undo one level of escaping left in values (``D&apos;ETABLISSEMENT``)."""
    def replace(match):
        name = match.group(1)
        if name.startswith('#'):
            try:
                code = int(name[2:], 16) if name[1] in 'xX' else int(name[1:])
                return chr(code)
            except (ValueError, OverflowError):
                return match.group(0)
        return html.entities.html5.get(name + ';', match.group(0))
    return _ANY_ENTITY.sub(replace, text)


REPAIR_ENCODINGS = ('cp1252', 'latin-1', 'iso8859_15')


def repair_mojibake(text, encodings=REPAIR_ENCODINGS):
    """Return ``text`` with "Ã©"-style damage undone, or None if it cannot be undone.

    ``encodings`` are the 8-bit encodings the UTF-8 bytes may have been read as, most
    likely first: a file declared ISO-8859-15 but written in UTF-8 is undone with
    ISO-8859-15 ("Ã¨" is "è" there, but "Ú" through Windows-1252).
    """
    for _round in range(3):                 # double-encoded text needs two rounds
        if not MOJIBAKE.search(text):
            return text
        for encoding in encodings:
            try:
                text = text.encode(encoding).decode('utf-8')
                break
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
        else:
            return None
    return None if MOJIBAKE.search(text) else text


def repair_order(encoding):
    """The repair encodings to try for a file decoded as ``encoding``, that one first."""
    name = codecs.lookup(encoding).name
    first = (name,) if name in ('cp1252', 'latin-1', 'iso8859-15', 'iso8859_15') else ()
    return first + tuple(e for e in REPAIR_ENCODINGS if codecs.lookup(e).name != name)


def clean(value, where, entities=True, encodings=REPAIR_ENCODINGS):
    """A source value made ready to store: entities undone, mojibake repaired, spaces folded.

    ``entities`` undoes one level of HTML escaping, which XML feeds carry and CSV files do not.
    """
    if not value:
        return ''
    text = unescape_once(value) if entities else value
    repaired = repair_mojibake(text, encodings)
    if repaired is None:
        raise FeedError(_('{where} : texte mal encodé « {value} » (UTF-8 lu comme Latin-1), '
                          'impossible à réparer.').format(where=where, value=value))
    return _SPACES.sub(' ', _CONTROLS.sub('', repaired)).strip()


def parse_date(value):
    """A date as sources write it, DD/MM/YYYY or YYYY-MM-DD; ValueError otherwise."""
    value = (value or '').strip()
    for pattern in ('%d/%m/%Y', '%Y-%m-%d'):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)
