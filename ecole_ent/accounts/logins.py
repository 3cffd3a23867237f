"""Logins: ASCII folding and homonym numbering, for accounts made by hand and by the directory.

Login = usual first name "." usage last name, folded to lowercase ASCII letters, digits
and hyphens (``Zoé L'Hermitte-Œuvrard`` -> ``zoe.lhermitte-oeuvrard``). A login is
computed once, when the account is created, and never recomputed: homonyms get 2, 3...
in the order the caller allocates them.
"""
import re

from ..text import strip_accents

_NOT_KEPT = re.compile(r'[^a-z0-9-]+')
_HYPHENS = re.compile(r'-{2,}')
PART_MAX = 30


def fold(text):
    """Fold one name to the characters a login keeps: a-z, 0-9 and inner hyphens."""
    text = strip_accents(text).lower()
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
