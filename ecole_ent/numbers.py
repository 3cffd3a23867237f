"""Numbers that users send: ids in paths (`<post_id:int>`) and forms, page numbers (`?page=`).

One rule: a number too long to be a real id or page is not found (404) or refused with the
form's message, never a crash. SQLite cannot bind an integer above 2^63 - 1 (OverflowError) and
PostgreSQL refuses it as a bigint, so such a number used to reach the database and answer 500
with a traceback in the log.
"""
import re

from .errors import NotFound
from .i18n import _

# Ids: up to 18 digits, below 10^18 and so inside every 64-bit integer column (2^63 - 1 has 19).
ID_PATTERN = r'[0-9]{1,18}'
# Pages: an OFFSET of (page - 1) × page size must stay a 64-bit integer too; no list is that long.
MAX_PAGE = 10**9


def id_filter(_config):
    """The route filter that `<name:int>` stands for (the app factory registers it in place of
    bottle's, which takes any length and a sign): a longer number, or a negative one, does not
    match the route, so the answer is bottle's 404."""
    return ID_PATTERN, int, lambda value: str(int(value))


def as_id(text):
    """The id a form field holds, or None when it is not one (empty, not ASCII digits, too long)."""
    text = (text or '').strip()
    return int(text) if re.fullmatch(ID_PATTERN, text) else None


def page_number(text, maximum=MAX_PAGE):
    """The page asked for in `?page=`: 1 when absent or not written in digits, NotFound when
    larger than `maximum`."""
    text = (text or '').strip()
    if not re.fullmatch('[0-9]+', text):
        return 1
    digits = text.lstrip('0') or '0'         # int() of thousands of digits is itself an error
    if len(digits) > len(str(maximum)) or int(digits) > maximum:
        raise NotFound(_('Page introuvable.'))
    return max(1, int(digits))
