"""The guardian's family feed: under the child cards, the latest items of the children's classes
(blog posts, albums, homework due soon, notes to sign), newest first, a page at a time.

Each feature gives its items through hooks.FAMILY_FEED, from its own folder (blog/family.py,
photos/family.py, ...), with its own reading and image-rights functions: what an item shows is
what the page it links to shows this guardian. The home only merges, sorts and pages them.

Pages go back in time by a cursor, ?avant=<moment, kind and id of the last item shown>: a new post
while a family reads page 2 shifts nothing, and each page costs the same few queries, however far
back.

The guardian home is the hot page, and nothing of the database is kept between views: each
feature's queries run on every view (a consent withdrawn, a photo tagged, a post unpublished is seen
at the next one). What a feature makes of its rows (model instances, excerpts, alt texts, links,
the items) is kept by the process under the rows themselves, as the database gave them (raw_query(),
kept()): the same rows make the same items, so a kept copy is never out of date, and a view whose
rows are an earlier view's costs the queries alone (profiled: making the items cost twice the
queries).
"""
from datetime import datetime
from typing import NamedTuple

from markupsafe import Markup

from .. import hooks
from ..db import database, hydrate, hydration_plan
from ..i18n import date_fr
from ..models import now
from ..school_time import to_local
from ..web.kept import Kept
from ..web.render import env

PER_PAGE = 8
CURSOR = 'avant'            # the query string's parameter of an older page


class FeedItem(NamedTuple):
    """One item of the family feed, as its feature gives it (plain values: the home's template
    shows it without asking the feature again)."""
    at: datetime            # naive UTC: the feed's order (a post's publication, a note's sending...)
    kind: str               # 'post' | 'album' | 'homework' | 'note': its label and icon
    key: int                # the item's id in its feature: orders items of the same moment
    url: str                # the page it links to
    title: str
    place: str = ''         # the class's name (a school-wide note: « Toute l'école »)
    text: str = ''          # plain text: an excerpt
    thumbs: tuple = ()      # ((media url, alt text), ...): only photos this guardian may see
    detail: str = ''        # a French line: « Pour vendredi 11 décembre · Zoé », « À signer avant ... »


class FeedPage(NamedTuple):
    items: list
    before: tuple           # the Cursor this page was asked with (None: the newest)
    older: str              # the cursor of the next, older page, or None at the end

    def day(self, item):
        """« jeudi 3 décembre »: the item's day at the school (with the year when not this one)."""
        local = to_local(item.at)
        return date_fr(local, with_year=local.year != to_local(now()).year)


def family_feed(guardian, classes, before=None, size=PER_PAGE):
    """A FeedPage of the items of these classes (the current classes of the guardian's children)
    that come after the Cursor `before` (None: the newest), newest first: asked of the features on
    every view, with their own rules (a consent withdrawn, a photo tagged, a post unpublished is
    seen at the next view). Each feature's part is a prepared query or two, whatever the number of
    classes."""
    found = []
    for provider in hooks.FAMILY_FEED:
        found += provider(guardian, classes, before, size + 1)
    found.sort(key=order, reverse=True)
    page = found[:size]
    older = Cursor(*order(page[-1])).text() if len(found) > size else None
    return FeedPage(page, before, older)


class Rows(NamedTuple):
    """A query's rows as the database gave them (tuples: a key for kept()), and the cursor's
    description, to make model instances of them when needed (of())."""
    rows: tuple
    description: tuple

    def of(self, model):
        return hydrate(model, hydration_plan(model, self.description), self.rows)


def raw_query(build, nparams):
    """A function of `nparams` values that runs build(*parameters), a peewee query, and gives its
    Rows. Its SQL is made once per engine, as db.prepared() makes it (peewee's SQL generation cost
    more than running the query); the rows are left as they are, not made into model instances."""
    cache = {}

    def run(*values):
        state = cache.get(type(database.obj))
        if state is None:
            markers = [f'feed-{n}-7f3a' for n in range(nparams)]
            sql, params = build(*markers).sql()
            state = cache[type(database.obj)] = (sql, params, [
                markers.index(p) if isinstance(p, str) and p in markers else None for p in params])
        sql, constants, slots = state
        return raw_rows(database.execute_sql(sql, [values[slot] if slot is not None else constant
                                                  for slot, constant in zip(slots, constants)]))
    return run


def raw_rows(cursor):
    return Rows(tuple(cursor.fetchall()), cursor.description)


_made = Kept(2000)          # features' items kept per process (a few KB each, with their rows)


def kept(key, make):
    """make(), kept by the process under `key`, which holds everything the result is made of
    (the Rows' rows, the classes' names, the day...): a change is a new key."""
    return _made.get(key, make)


_kept = Kept(4000)          # feed HTML kept per process (some KB each)


def feed_html(page):
    """The feed's HTML (templates/home/_feed.html), kept by the process under everything it shows
    (the items as their features gave them, the page's cursors, this year for the dates): a change
    is a new key, so a kept copy is never out of date; the features' queries still run on every
    view, only the template is spared (as homework/pages.py)."""
    key = (tuple(page.items), page.before, page.older, to_local(now()).year)
    return _kept.get(key, lambda: Markup(env.get_template('home/_feed.html').render(feed=page)))


def order(item):
    return item.at, item.kind, item.key


class Cursor(NamedTuple):
    """Where an older page starts: after the item of this moment, kind and key (items of the same
    moment are ordered by kind, then key: none is skipped, none is shown twice)."""
    at: datetime
    kind: str
    key: int

    LAST = 2**62            # above any id: bound()'s key when all items of the moment come after

    def admits(self, item):
        """Whether `item` comes after the cursor (for a provider that filters in Python)."""
        return order(item) < tuple(self)

    def bound(self, kind):
        """For a provider that filters in SQL, its items of one kind: (moment, key) such that an
        item comes after the cursor when its moment is before it, or equal with a smaller key."""
        return self.at, (self.key if kind == self.kind else self.LAST if kind < self.kind else 0)

    def text(self):
        return f'{self.at.isoformat(timespec="microseconds")}_{self.kind}_{self.key}'


def parse_cursor(text):
    """The Cursor of ?avant=..., or None (the newest page) when absent or malformed: a link edited
    by hand shows the feed from its start rather than an error."""
    parts = (text or '').strip().split('_')
    if len(parts) != 3 or len(text) > 80 or not parts[1].isalpha() or not (parts[2].isascii() and parts[2].isdigit()):
        return None
    try:
        moment = datetime.fromisoformat(parts[0])
    except ValueError:
        return None
    return Cursor(moment, parts[1], int(parts[2])) if moment.tzinfo is None else None
