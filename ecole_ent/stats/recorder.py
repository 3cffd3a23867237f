"""Recording the statistics (issue 19): one event per successful sign-in and per page view of a
feature, kept in memory for a few seconds and written by a background thread. Nothing that names
a person or a connection is stored: no user id, no address, no user agent.

What is counted
  - a sign-in: every session opened in a request (web.guards.sign_in, the one caller of
    accounts.service.open_session for the web: password, QR card, picture password, kiosk),
    through hooks.SIGNED_IN;
  - a page view: a GET of a route mapped to a feature by FEATURE_OF (the one place routes meet
    features), by a signed-in account, answered 200 with an HTML page (the handler returned the
    page's text and set no other content type). Redirects, errors, files, feeds, downloads,
    exports, POSTs and anonymous visitors are not counted. A bottle plugin wraps only the mapped
    GET routes: every other route runs unwrapped.

Fields of an event (models/stats.py StatsEvent)
  - school: the account's school; for a guardian, the school of the class the page names (a
    route argument class_id: /classe/<class_id>/...) when it names one, so that a family with
    children in two schools counts in each school where it looks at a class; else the account's
    school. None for an installation admin who belongs to no school.
  - profile: ONE per account, the first of models/stats.py PROFILE_ORDER it holds (a teacher who
    is also a parent counts as a teacher, a director who teaches as a director).
  - day, hour: the installation's local time (app.timezone).
  - device: 'kiosk' for a session opened at the hall's kiosk (LoginSession.kiosk); else the
    User-Agent's class (device_class: tablet, phone, computer; an iPad that announces itself as a
    Mac counts as a computer). The User-Agent is read, never kept.
  - at_school: the client's address (web.guards.client_address, as /carte decides) in
    security.school_networks.
  - day_visitor, month_visitor: the first 16 hex digits of HMAC-SHA256(user id) under the key of
    the day / of the month (StatsKey, created on demand by whichever process needs it first,
    INSERT ... ON CONFLICT DO NOTHING then read back; deleted by the nightly fold, stats/fold.py).

Cost: the request path appends one tuple to a deque (no lock, no database); the process's writer
thread (started on first use, after fork: one per `serve --workers` process) writes what came
every FLUSH_SECONDS in short transactions of BATCH events, computing the hashes there, so the account's id
lives in memory a few seconds at most. Stopping the server writes what is left (hooks.STOPPING).
A database locked for minutes: the deque keeps the newest LIMIT events (appending to a full deque
drops its oldest; a failed batch, older than what came meanwhile, goes back only into the room left):
the oldest are the likeliest to be of a day the fold has reached, whose events are dropped anyway.
"""
import functools
import hashlib
import hmac
import logging
import os
import re
import secrets
import sqlite3
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime

from bottle import request, response
from peewee import IntegrityError

from .. import db, hooks, runtime, school_time, security
from ..models import Classroom, School, StatsEvent, StatsKey
from ..models.base import now
from ..models.stats import profile_of_roles
from ..web.guards import client_address

logger = logging.getLogger(__name__)

try:                        # db.insert_rows writes through the driver's cursor: the driver's error, not peewee's
    from psycopg2 import IntegrityError as _PgIntegrityError
except ImportError:         # pragma: no cover (SQLite-only installs)
    _PgIntegrityError = IntegrityError
INTEGRITY_ERRORS = (IntegrityError, sqlite3.IntegrityError, _PgIntegrityError)

# Route name ('feature.action') or feature module -> statistics feature (models/stats.py FEATURES);
# None: not counted. A route's own name wins over its module's.
FEATURE_OF = {
    'home': 'home', 'blog': 'blog', 'photos': 'photos', 'homework': 'homework', 'messages': 'messages',
    'liaison': 'notes', 'directory': 'directory', 'admin': 'admin', 'maintenance': 'admin', 'stats': 'admin',
    'young': 'blog',                                            # the young pupils' class blog
    'directory.card_form': None,                                # /carte: a sign-in page
    'pictures.sheet': 'directory',                              # a class's picture passwords
    'privacy.erase_form': 'admin', 'privacy.export_admin': 'admin', 'privacy.register': 'admin',
    'privacy.deadlines': 'admin',
    'kiosk.home': 'home', 'kiosk.week': 'homework', 'kiosk.note': 'notes',
}
FLUSH_SECONDS = 2.0          # an event reaches the database within this (and a transaction) of its request
LIMIT = 100_000              # events kept in memory while the database cannot be written
BATCH = 1000                 # events per transaction: a few milliseconds of SQLite's write lock
COLUMNS = ('created_at', 'school_id', 'day', 'hour', 'kind', 'profile', 'feature', 'device', 'at_school',
           'day_visitor', 'month_visitor')
TABLET = re.compile(r'iPad|Tablet|Kindle|Silk/|PlayBook|Android(?!.*Mobile)', re.IGNORECASE)
PHONE = re.compile(r'Mobi|iPhone|iPod|Android|Windows Phone|BlackBerry|BB10|Opera Mini', re.IGNORECASE)


@dataclass(frozen=True)
class Settings:
    enabled: bool
    networks: tuple
    zone: object                                                   # the installation's (app.timezone)
    places: dict = field(default_factory=dict, compare=False)    # address -> at school, for these networks


def read_settings(config):
    return Settings(enabled=config.get('stats.enabled', True),
                    networks=tuple(config.get('security.school_networks') or ()),
                    zone=school_time.read_settings(config).zone)


def settings():
    return runtime.settings(read_settings)


def feature_of(route_name):
    """The statistics feature of a route name ('blog.post' -> 'blog'), or None: not counted."""
    if route_name in FEATURE_OF:
        return FEATURE_OF[route_name]
    return FEATURE_OF.get(route_name.partition('.')[0])


def profile_of(user):
    """The account's one profile (models/stats.py profile_of_roles), kept per set of roles."""
    return _profile(user.role_set)


_profile = functools.lru_cache(maxsize=64)(profile_of_roles)


@functools.lru_cache(maxsize=512)
def device_class(user_agent):
    """'tablet', 'phone' or 'computer' from a User-Agent string (browsers name their device in it)."""
    if TABLET.search(user_agent):
        return 'tablet'
    if PHONE.search(user_agent):
        return 'phone'
    return 'computer'


def at_school(address, config):
    """The address in the school networks (as /carte decides), remembered per address."""
    known = config.places.get(address)
    if known is None:
        if len(config.places) > 4096:
            config.places.clear()
        known = config.places[address] = security.in_networks(address, config.networks)
    return known


def local_day_hour(config):
    """The installation's local day and hour now, from the UTC offset of the current UTC hour
    (computed once an hour: offsets change on the hour)."""
    seconds = clock()
    start, offset = _offset
    if not start <= seconds < start + 3600 or _offset_zone[0] is not config.zone:
        start = seconds - seconds % 3600
        offset = datetime.fromtimestamp(start, config.zone).utcoffset().total_seconds()
        _offset[:], _offset_zone[0] = (start, offset), config.zone
    days, rest = divmod(int(seconds + offset), 86400)
    return date.fromordinal(EPOCH + days), rest // 3600


_offset, _offset_zone = [float('-inf'), 0], [None]
EPOCH = date(1970, 1, 1).toordinal()
clock = time.time          # tests replace it


def visitor(secret, user_id):
    """The keyed hash of an account under one period's key (16 hex digits)."""
    return hmac.new(bytes.fromhex(secret), str(user_id).encode(), hashlib.sha256).hexdigest()[:16]


# --- the request path ---------------------------------------------------------------------------

def record(kind, user, feature='', class_id=None, kiosk=False):
    """Queue one event of `user` for the current request (no database, no lock)."""
    config = settings()
    if not config.enabled:
        return
    day, hour = local_day_hour(config)
    kiosk = kiosk or getattr(user, 'session_kiosk', False)     # set by accounts.service.session_user
    device = 'kiosk' if kiosk else device_class(request.environ.get('HTTP_USER_AGENT', '')[:512])
    profile = _profile(user.role_set)
    RECORDER.add((kind, user.id, user.school_id, class_id if profile == 'guardian' else None, profile,
                  feature, device, at_school(client_address(), config), day, hour))


def signed_in(user, kiosk=False):
    """hooks.SIGNED_IN: a session was opened for `user` in this request."""
    record('signin', user, kiosk=kiosk)


class PageViews:
    """Bottle plugin counting the page views of the routes FEATURE_OF maps (the others unwrapped)."""
    name, api = 'ecole-stats', 2

    def apply(self, callback, route):
        feature = feature_of(route.name or '')
        if route.method != 'GET' or feature is None:
            return callback

        def counted(*args, **kwargs):
            body = callback(*args, **kwargs)
            kind = response.content_type
            if isinstance(body, str) and response.status_code == 200 and request.method == 'GET' \
                    and (not kind or kind.startswith('text/html')):
                user = request.environ.get('ecole.user')
                if user is not None:
                    record('visit', user, feature, kwargs.get('class_id'))
            return body
        return counted


def install(app):
    """Plug the recording into the app (the stats feature's register(app))."""
    app.install(PageViews())
    hooks.SIGNED_IN.add(signed_in)
    hooks.STOPPING.add(stop)


# --- the writer ---------------------------------------------------------------------------------

class Recorder:
    """This process's queue of events and the thread that writes it."""

    def __init__(self):
        self.pending = deque(maxlen=LIMIT)
        self.pid, self.thread, self.stopping = None, None, threading.Event()
        self.start_lock, self.write_lock = threading.Lock(), threading.Lock()
        self.keys, self.class_schools, self.bound = {}, {}, None

    def add(self, event):
        """Queue `event` for the database it was recorded against (one per process, except when a
        process switches databases: the test suite, a command: see write_now)."""
        self.pending.append((db.database.obj, event))
        if self.thread is None:        # none yet in this process (reset after a fork, below)
            self.start()

    def start(self):
        with self.start_lock:
            if self.thread is not None and self.pid == os.getpid():
                return
            self.pid, self.stopping = os.getpid(), threading.Event()
            self.keys, self.write_lock = {}, threading.Lock()      # after fork: nothing of the parent's
            self.thread = threading.Thread(target=self.run, args=(self.stopping,), name='ecole-stats',
                                           daemon=True)
            self.thread.start()

    def run(self, stopping):
        while not stopping.wait(FLUSH_SECONDS):
            self.write_now(close=True)

    def stop(self, timeout=5):
        """Stop the thread and write what is left."""
        if self.pid == os.getpid() and self.thread is not None:
            self.stopping.set()
            self.thread.join(timeout)
            self.pid, self.thread = None, None
        return self.write_now()

    def write_now(self, close=False):
        """Write the queued events, BATCH per transaction (a backlog left by a database locked for
        minutes never holds SQLite's write lock long: the pages' writes pass between two batches);
        returns how many. A failure (the database unreachable) puts the batch back for the next
        round and stops this one."""
        with self.write_lock:
            written, opened = 0, False
            try:
                while self.pending:
                    batch = self.take()
                    if batch:
                        opened = True
                        done = self.write(batch)
                        if done is None:
                            break
                        written += done
            finally:
                if close and opened:
                    db.close()
            return written

    def take(self):
        """The oldest BATCH queued events of the current database (those recorded against a
        database this process has left are dropped: never written elsewhere)."""
        batch = []
        while self.pending and len(batch) < BATCH:
            try:
                batch.append(self.pending.popleft())
            except IndexError:
                break
        current = db.database.obj
        stale = sum(1 for database, _event in batch if database is not current)
        if stale:
            logger.warning('statistiques : événements d’une autre base abandonnés : %d', stale)
        return [event for database, event in batch if database is current]

    def write(self, batch):
        """Write one batch in one transaction: how many, or None when it failed and went back."""
        try:
            try:
                return self.insert(batch)
            except INTEGRITY_ERRORS:    # a school deleted meanwhile: drop its events, write the others
                kept = self.of_existing_schools(batch)
                logger.warning('statistiques : événements abandonnés (école supprimée) : %d', len(batch) - len(kept))
                return self.insert(kept)
        except Exception:
            logger.exception('statistiques : %d événements non écrits, nouvel essai bientôt', len(batch))
            self.keys = {}
            room = max(0, LIMIT - len(self.pending))      # the newest kept: the batch is older than the queue
            back = batch[len(batch) - room:] if room else []
            self.pending.extendleft((db.database.obj, event) for event in reversed(back))
            return None

    def insert(self, batch):
        """Write `batch` in one transaction; how many were written (the events of a day already
        folded are dropped, see rows)."""
        with db.writing():
            rows = self.rows(batch)
            db.insert_rows(db.database, StatsEvent._meta.table_name, COLUMNS, rows)
        return len(rows)

    def of_existing_schools(self, batch):
        """The events of `batch` whose school (or named class's school) still exists."""
        self.keys, self.class_schools = {}, {}
        schools = self.schools_of({event[3] for event in batch if event[3] is not None})
        named = {schools.get(event[3], event[2]) for event in batch} - {None}
        alive = {school for (school,) in School.select(School.id).where(School.id.in_(named)).tuples()}
        return [event for event in batch if schools.get(event[3], event[2]) in alive | {None}]

    def rows(self, batch):
        if self.bound is not db.database.obj:        # another database (tests): nothing cached holds
            self.keys, self.class_schools, self.bound = {}, {}, db.database.obj
        days = {event[8] for event in batch}
        self.forget_before(min(days))
        today = local_day_hour(settings())[0]
        keys = {}
        for day in days:
            month = day.strftime('%Y-%m')
            keys[day] = (self.key(day.isoformat(), day < today), self.key(month, month < today.strftime('%Y-%m')))
        late = [event for event in batch if None in keys[event[8]]]
        if late:                    # their day was folded: a new key would count its people twice
            logger.warning('statistiques : événements d’un jour déjà regroupé abandonnés : %d', len(late))
            batch = [event for event in batch if None not in keys[event[8]]]
        schools = self.schools_of({event[3] for event in batch if event[3] is not None})
        written, hashes, rows = str(now()), {}, []
        for kind, user_id, school_id, class_id, profile, feature, device, place, day, hour in batch:
            visitors = hashes.get((user_id, day))
            if visitors is None:
                day_key, month_key = keys[day]
                visitors = hashes[user_id, day] = (visitor(day_key, user_id), visitor(month_key, user_id))
            rows.append((written, schools.get(class_id, school_id), day.isoformat(), hour, kind, profile, feature,
                         device, place, *visitors))
        return rows

    def key(self, period, past=False):
        """The secret of a day ('2026-12-04') or a month ('2026-12'), made by whichever process
        needs it first. A past period's key (an event of 23:59 written after midnight) is read from
        the database, never cached nor made: None once the fold deleted it, and its events are
        dropped (a new key would count the day's people a second time)."""
        if past:
            found = StatsKey.get_or_none(StatsKey.period == period)
            return found and found.secret
        secret = self.keys.get(period)
        if secret is None:
            StatsKey.insert(period=period, secret=secrets.token_hex(32)).on_conflict_ignore().execute()
            secret = self.keys[period] = StatsKey.get_by_id(period).secret
        return secret

    def forget_before(self, day):
        """Drop the keys of periods before `day` (and its month) from memory."""
        self.keys = {period: secret for period, secret in self.keys.items()
                     if period >= (day.isoformat() if len(period) == 10 else day.strftime('%Y-%m'))}

    def forget_keys(self):
        """The fold deleted keys: read them again from the database."""
        self.keys = {}

    def reset(self):
        """Forget what is queued and cached (tests, between two databases)."""
        with self.write_lock:
            self.pending.clear()
            self.keys, self.class_schools, self.bound = {}, {}, None

    def schools_of(self, class_ids):
        """{class id: school id} of the classes guardians' pages named (kept: a class never moves)."""
        unknown = [i for i in class_ids if i not in self.class_schools]
        if unknown:
            for row in Classroom.select(Classroom.id, Classroom.school).where(Classroom.id.in_(unknown)):
                self.class_schools[row.id] = row.school_id
            if len(self.class_schools) > 10_000:
                self.class_schools = {}
        return {i: self.class_schools[i] for i in class_ids if i in self.class_schools}


RECORDER = Recorder()


def _forked():
    """In a forked child (serve --workers): no writer thread yet, nothing of the parent's queue."""
    RECORDER.thread, RECORDER.pid = None, None
    RECORDER.start_lock = threading.Lock()
    RECORDER.pending.clear()


os.register_at_fork(after_in_child=_forked)


def stop(timeout=5):
    """hooks.STOPPING: the serving process stops; write what is queued."""
    return RECORDER.stop(timeout)


def flush():
    """Write the queued events now (tests, the export command in the same process)."""
    return RECORDER.write_now()
