"""The private iCalendar feeds: one address per child and per person who follows them (a guardian,
or the pupil themself), that a phone's calendar subscribes to, showing the child's homework.

The address holds a token derived from the installation's secret key, the owner, the child and
the feed's generation (token_for), so it is shown again on every view while the database keeps
only a keyed hash of it (lookup_hash), like every other secret. A leaked database alone therefore
gives no working address; the database and the secret key together do, as they give everything
else. Revoking turns the row off (the address answers 404); renewing bumps the generation, which
gives a new address and leaves the old one unknown. Plain functions, no bottle.
"""
import base64
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from .. import audit, runtime, security
from ..accounts import service as accounts
from ..db import prepared, write_soon, writing
from ..errors import Forbidden, NotFound
from ..i18n import _
from ..models import CalendarFeed, User
from ..text import to_ascii
from . import access, reading, service

TOKEN = re.compile(r'[A-Za-z0-9_-]{20,100}')
PAST_DAYS, FUTURE_DAYS = 30, 120           # the span of due dates a calendar receives
USED_EVERY = timedelta(hours=1)            # used_at is written at most this often
REFRESH = timedelta(hours=1)               # the refresh interval suggested to calendar apps
SUMMARY_LENGTH = 80


@dataclass(frozen=True)
class Settings:
    host: str      # the events' UID domain: server.public_url's host, else 'ecole-ent'


def read_settings(config):
    return Settings(host=urlsplit(config['server.public_url']).hostname or 'ecole-ent')


def settings():
    return runtime.settings(read_settings)


@dataclass(frozen=True)
class Feed:
    """A child's calendar address as its owner sees it: `url` is None once revoked; `used_at`
    (school time) is when a calendar last read it, to the hour."""
    child: User
    url: str
    active: bool
    used_at: datetime = None


@dataclass(frozen=True)
class Ics:
    body: bytes
    filename: str


def missing():
    return _("Cet agenda n'existe pas ou n'est plus actif.")


# --- tokens ----------------------------------------------------------------------------------------

def token_for(owner_id, child_id, generation):
    """The address's secret: the keyed hash of (owner, child, generation), 43 url-safe characters."""
    digest = bytes.fromhex(security.keyed_hash(f'{owner_id}:{child_id}:{generation}', 'calendar-feed'))
    return base64.urlsafe_b64encode(digest).rstrip(b'=').decode()


def lookup_hash(token):
    """What the database keeps of a token."""
    return security.keyed_hash(token, 'calendar-feed-lookup')


def path_of(token):
    return f'/agenda/{token}.ics'


# --- the owner's side: the addresses, revoking and renewing ---------------------------------------

_feeds_of = prepared(lambda owner_id: CalendarFeed.select().where(CalendarFeed.owner == owner_id), 1)


def children_followed(user):
    """The children whose homework `user` may follow: a guardian's active children, a pupil themself."""
    if user.has_role('pupil'):
        return [user]
    if user.has_role('guardian'):
        return [pupil for pupil, _classroom in accounts.children_of(user) if pupil.is_active]
    return []


def feeds_for(user, base, children=None):
    """[Feed] of each child the user follows (or of `children`, those of them a page already
    read), `base` being the ENT's public address. A child seen for the first time gets its address
    now, on a GET: the row is written through db.write_soon (never waiting for the write lock),
    and two tabs computing the same token write it once."""
    rows = {row.child_id: row for row in _feeds_of(user.id)}
    feeds = []
    for child in children_followed(user) if children is None else children:
        row = rows.get(child.id)
        if row is None:
            token = token_for(user.id, child.id, 0)
            write_soon(_creator(user.id, child.id, lookup_hash(token)))
            feeds.append(Feed(child, base + path_of(token), True))
        elif row.active:
            token = token_for(user.id, child.id, row.generation)
            if row.token_hash != lookup_hash(token):       # the secret key changed (a new install)
                write_soon(_rehash(row.id, lookup_hash(token)))
            feeds.append(Feed(child, base + path_of(token), True, _local(row.used_at)))
        else:
            feeds.append(Feed(child, None, False, _local(row.used_at)))
    return feeds


def _local(moment):
    return service.to_local(moment) if moment else None


def _creator(owner_id, child_id, token_hash):
    def create():
        CalendarFeed.insert(owner=owner_id, child=child_id, generation=0, token_hash=token_hash,
                            active=True).on_conflict_ignore().execute()
    return create


def _rehash(row_id, token_hash):
    """The address shown is the one that works: after a change of secret key, the stored hash
    follows the token the page now shows."""
    def rehash():
        CalendarFeed.update(token_hash=token_hash).where(CalendarFeed.id == row_id).execute()
    return rehash


def followed_child(user, child_id):
    """The child, if `user` follows them; NotFound otherwise (someone else's child is missing)."""
    child = User.get_or_none(User.id == child_id)
    if child is not None:
        try:
            access.child_to_read(user, child)
            return child
        except Forbidden:
            pass
    raise NotFound(_("Cet agenda n'existe pas ou n'est pas le vôtre."))


def revoke(user, child_id):
    """Turn the child's address off: calendars that use it get 404 from now on."""
    child = followed_child(user, child_id)
    with writing():
        row = CalendarFeed.get_or_none((CalendarFeed.owner == user.id) & (CalendarFeed.child == child.id))
        generation = row.generation if row else 0
        _save(user, child, generation, active=False)
        audit.record(user, 'calendar_feed.revoked', child.login, generation=generation)
    return child


def renew(user, child_id):
    """A new address for the child (the next generation); the previous one stops working."""
    child = followed_child(user, child_id)
    with writing():
        row = CalendarFeed.get_or_none((CalendarFeed.owner == user.id) & (CalendarFeed.child == child.id))
        generation = row.generation + 1 if row else 1     # generation 0 may have been shown already
        _save(user, child, generation, active=True)
        audit.record(user, 'calendar_feed.renewed', child.login, generation=generation)
    return child


def _save(user, child, generation, active):
    values = {'generation': generation, 'active': active, 'used_at': None,
              'token_hash': lookup_hash(token_for(user.id, child.id, generation))}
    CalendarFeed.insert(owner=user.id, child=child.id, **values).on_conflict(
        conflict_target=[CalendarFeed.owner, CalendarFeed.child], update=values).execute()


# --- the calendar's side: the .ics ---------------------------------------------------------------

def feed_of(token):
    """(row, owner, child) of an active token whose owner still follows the child; NotFound for
    anything else (unknown, revoked, malformed, owner disabled, no longer the child's guardian)."""
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        raise NotFound(missing())
    row = CalendarFeed.get_or_none(CalendarFeed.token_hash == lookup_hash(token))
    if row is None or not row.active:
        raise NotFound(missing())
    owner, child = User.get_or_none(User.id == row.owner_id), User.get_or_none(User.id == row.child_id)
    if owner is None or child is None or not owner.is_active:
        raise NotFound(missing())
    try:
        access.child_to_read(owner, child)
    except Forbidden:
        raise NotFound(missing()) from None
    return row, owner, child


def ics(token, link=None):
    """The child's homework as an iCalendar file: one all-day event per entry the child sees,
    due from PAST_DAYS ago to FUTURE_DAYS ahead. `link(entry)` gives an entry's address."""
    row, _owner, child = feed_of(token)
    today = service.today()
    entries = reading.entries_for_pupil(child, today - timedelta(days=PAST_DAYS),
                                today + timedelta(days=FUTURE_DAYS))
    _note_use(row)
    return Ics(calendar(child, entries, link), f'devoirs-{_file_part(child.first_name)}.ics')


def calendar(child, entries, link=None):
    import icalendar  # here: 3.3 MB a process, for the calendars' few requests a day

    cal = icalendar.Calendar()
    cal.add('prodid', '-//ecole-ent//Cahier de textes//FR')
    cal.add('version', '2.0')
    cal.add('calscale', 'GREGORIAN')
    cal.add('method', 'PUBLISH')
    name = _('Devoirs de %s') % child.first_name
    cal.add('x-wr-calname', name)
    cal.add('name', name)
    cal.add('refresh-interval', REFRESH, parameters={'VALUE': 'DURATION'})
    cal.add('x-published-ttl', REFRESH)
    host = settings().host
    for entry in entries:
        cal.add_component(event(entry, child, host, link))
    return cal.to_ical()


def event(entry, child, host, link=None):
    text = plain_text(entry.body_html) or entry.body_source.strip()
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), '')
    summary = f'{entry.subject} : {first_line}' if first_line else entry.subject
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[:SUMMARY_LENGTH - 1].rsplit(' ', 1)[0] + '…'
    description = '\n'.join(part for part in [text, *entry.link_list] if part)
    from icalendar import Event
    item = Event()
    item.add('uid', f'homework-{entry.id}-{child.id}@{host}')
    item.add('dtstamp', entry.updated_at.replace(tzinfo=UTC))
    item.add('dtstart', entry.due_on)
    item.add('dtend', entry.due_on + timedelta(days=1))
    item.add('transp', 'TRANSPARENT')
    item.add('summary', summary)
    if description:
        item.add('description', description)
    if link is not None:
        item.add('url', link(entry))
    return item


BLOCK_END = re.compile(r'<br\s*/?>|</(p|li|h[1-6]|blockquote|pre|ul|ol)>', re.IGNORECASE)
TAG = re.compile(r'<[^>]*>')


def plain_text(fragment):
    """The text of an entry's sanitised HTML, line breaks kept, list items as '- ' lines."""
    text = BLOCK_END.sub('\n', fragment or '')
    text = re.sub(r'<li[^>]*>', '- ', text, flags=re.IGNORECASE)
    text = html.unescape(TAG.sub('', text))
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r'\n{3,}', '\n\n', '\n'.join(lines)).strip()


def _note_use(row):
    """used_at, at most once an hour, without waiting for the write lock."""
    current = service.clock()
    if row.used_at is not None and current - row.used_at < USED_EVERY:
        return
    write_soon(lambda: CalendarFeed.update(used_at=current).where(
        (CalendarFeed.id == row.id)
        & (CalendarFeed.used_at.is_null() | (CalendarFeed.used_at < current - USED_EVERY))).execute())


def _file_part(first_name):
    return re.sub(r'[^a-z0-9-]+', '-', to_ascii(first_name).lower()).strip('-') or 'enfant'
