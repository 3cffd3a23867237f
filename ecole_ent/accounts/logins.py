"""Logins: ASCII folding and homonym numbering, for accounts made by hand and by the directory.

Login = usual first name "." usage last name, folded to lowercase ASCII letters, digits
and hyphens (``Zoé L'Hermitte-Œuvrard`` -> ``zoe.lhermitte-oeuvrard``). A login is
computed once, when the account is created, and never recomputed: homonyms get 2, 3...
in the order the caller allocates them.
"""
import re
import unicodedata

# Letters that NFKD does not decompose into a base letter plus accents: without this
# table "Lætitia" would become "ltitia" (entcore's bug).
_TRANSLITERATE = str.maketrans({
    'æ': 'ae', 'Æ': 'ae', 'œ': 'oe', 'Œ': 'oe', 'ø': 'o', 'Ø': 'o', 'ł': 'l', 'Ł': 'l',
    'ß': 'ss', 'ẞ': 'ss', 'đ': 'd', 'Đ': 'd', 'ð': 'd', 'Ð': 'd', 'þ': 'th', 'Þ': 'th',
    'ı': 'i', 'ŀ': 'l', 'Ŀ': 'l', 'ħ': 'h', 'Ħ': 'h',
    # every dash looks like a hyphen to the person reading their name
    '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2212': '-',
})
_NOT_KEPT = re.compile(r'[^a-z0-9-]+')
_HYPHENS = re.compile(r'-{2,}')
PART_MAX = 30


def fold(text):
    """Fold one name to the characters a login keeps: a-z, 0-9 and inner hyphens."""
    text = unicodedata.normalize('NFKD', (text or '').translate(_TRANSLITERATE))
    text = ''.join(c for c in text if not unicodedata.combining(c)).lower()
    text = _HYPHENS.sub('-', _NOT_KEPT.sub('', text)).strip('-')
    return text[:PART_MAX].strip('-')


def base_login(first_name, last_name):
    """The login before homonym numbering; a part that folds to nothing is left out, and a name
    that folds to nothing at all gives '' (the caller asks for a login or uses a fallback)."""
    return '.'.join(p for p in (fold(first_name), fold(last_name)) if p)


def unique_login(first_name, last_name, taken):
    """The first free login among base, base2, base3... given the set of taken logins."""
    return allocate_login(first_name, last_name, set(taken))


def allocate_login(first_name, last_name, taken):
    """Return a free login and add it to ``taken`` (a set of lowercase logins).

    The first person gets the base login, the next homonyms base2, base3...: the result
    depends only on ``taken`` and on the order of calls, so callers allocate in a
    documented order (plan.py: by external id).
    """
    base = base_login(first_name, last_name) or 'utilisateur'
    login, n = base, 1
    while login in taken:
        n += 1
        login = f'{base}{n}'
    taken.add(login)
    return login
