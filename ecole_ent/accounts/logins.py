"""Logins: usual first name "." usage last name, folded to ASCII, numbered for homonyms.

`Zoé L'Hermitte-Œuvrard` -> `zoe.lhermitte-oeuvrard`; a second Lucas Bernard is `lucas.bernard2`.
A login is set once and never recomputed.
"""
import re
import unicodedata

# Letters NFKD does not decompose into ASCII; transliterate them before stripping accents.
TRANSLITERATE = str.maketrans({'æ': 'ae', 'Æ': 'ae', 'œ': 'oe', 'Œ': 'oe', 'ø': 'o', 'Ø': 'o',
                               'ł': 'l', 'Ł': 'l', 'ß': 'ss', 'đ': 'd', 'Đ': 'd', 'þ': 'th',
                               'ı': 'i', 'ð': 'd'})


def fold(text):
    text = unicodedata.normalize('NFKD', (text or '').translate(TRANSLITERATE))
    text = ''.join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r'[^a-z0-9-]', '', text)      # drops apostrophes, spaces and anything else
    return re.sub(r'-{2,}', '-', text).strip('-')


def base_login(first_name, last_name):
    return f'{fold(first_name)}.{fold(last_name)}'[:100]


def unique_login(first_name, last_name, taken):
    """The first free login among base, base2, base3... given the set of taken logins."""
    base = base_login(first_name, last_name)
    if base not in taken:
        return base
    number = 2
    while f'{base}{number}' in taken:
        number += 1
    return f'{base}{number}'
