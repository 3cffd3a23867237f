"""Folding text towards ASCII: the one base under logins, account search, ONDE ids, zip names
and download file names. Pure (no database, no web).

strip_accents() only takes accents off and, by default, spells out the Latin letters that have no
accent to take off ('æ', 'ø', 'ß'...). Each caller then keeps what it needs (a login: a-z, 0-9 and
hyphens; an ONDE id: a-z and 0-9; a file name: ASCII): those small filters stay with the callers.

Why no library (Unidecode, anyascii, text-unidecode): they transliterate every script
('Αλέξανδρος' -> 'Alexandros', an emoji -> ':grinning:'), where ours drops what is not Latin. What
this module returns is stored: logins, and the ids derived from ONDE names (a re-import must find
the same ids, onde.py), so a different folding would change them for the schools already synced.
Our need is one table of twenty letters; anyascii ships 2.6 MB of tables into the binary, and
Unidecode is GPL.
"""
import unicodedata

# Letters that NFKD does not decompose into a base letter plus accents: without this table
# "Lætitia" would become "ltitia" (entcore's bug).
TRANSLITERATE = str.maketrans({
    'æ': 'ae', 'Æ': 'ae', 'œ': 'oe', 'Œ': 'oe', 'ø': 'o', 'Ø': 'o', 'ł': 'l', 'Ł': 'l',
    'ß': 'ss', 'ẞ': 'ss', 'đ': 'd', 'Đ': 'd', 'ð': 'd', 'Ð': 'd', 'þ': 'th', 'Þ': 'th',
    'ı': 'i', 'ŀ': 'l', 'Ŀ': 'l', 'ħ': 'h', 'Ħ': 'h',
    # every dash looks like a hyphen to the person reading their name
    '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2212': '-',
})


def to_ascii(text):
    """What an ASCII-only place keeps of `text` (a zip entry, a download's file name): accents off,
    other characters dropped; no transliteration, so names made before it stay the same."""
    return strip_accents(text, transliterate=False).encode('ascii', 'ignore').decode()


def strip_accents(text, transliterate=True):
    """`text` in compatibility form (NFKD) without its combining marks: 'Zoé' -> 'Zoe', 'ﬁ' -> 'fi'.

    transliterate: first spell out the letters of TRANSLITERATE ('Lætitia' -> 'Laetitia', 'Œ' ->
    'oe') and make every dash a hyphen. Off where an output stored before this table
    existed must not change (ONDE ids, file names). Case and every other character are kept.
    """
    text = text or ''
    if transliterate:
        text = text.translate(TRANSLITERATE)
    return ''.join(c for c in unicodedata.normalize('NFKD', text) if not unicodedata.combining(c))


def shorten(text, length=60):
    """`text` cut to about `length` characters with '…', for quoting a user's input in a message."""
    return text if len(text) <= length else text[:length] + '…'
