"""The one database object, bound at start from the database URL.

SQLite (the appliance default) gets WAL, foreign keys, a busy timeout and synchronous=NORMAL, and
every transaction begins IMMEDIATE: deferred transactions fail with "database is locked" under
concurrent writers even in WAL mode. PostgreSQL (scale-out) gets a connection pool of
`database.pool_size` connections per process (waitress threads wait for a free one). Engine
differences stay in this module.

What is per process, and why several processes (`serve --workers N`, or several hosts) stay right:
- the connection pool: opened lazily, after fork (the pre-fork parent never touches the database,
  and close_all() drops any inherited connection);
- values read from the configuration at start (session length, throttling limits, trusted proxy,
  the signing key): every process reads the same INI file, environment and DATA/secret.key (several
  hosts must share that key, or set security.secret_key);
- sessions, login throttling, CSRF (derived from the session or anonymous cookie with the shared
  key) and the scheduler's leases (ecole_ent/scheduler.py) are rows, read on each request or tick;
- the only database values cached in memory are schools' names and colours (School.cached, 30 s)
  and the SQL text of prepared() queries (not data). A feature that wants to cache a database
  value per process must bound its staleness the same way.
"""
import logging
import os
import queue
import threading
import time
from datetime import date, datetime
from urllib.parse import urlparse

from peewee import DatabaseProxy, DateField, DateTimeField, OperationalError, PostgresqlDatabase, SqliteDatabase

logger = logging.getLogger(__name__)

database = DatabaseProxy()

SQLITE_PRAGMAS = {'journal_mode': 'wal', 'foreign_keys': 1, 'busy_timeout': 10000,
                  'synchronous': 'normal'}


def make_database(url, pool_size=10):
    """A peewee Database for `url`, not yet bound to the proxy."""
    scheme = urlparse(url).scheme
    if scheme == 'sqlite':
        path = url[len('sqlite:///'):] if url.startswith('sqlite:///') else ':memory:'
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type='IMMEDIATE',
                              timeout=10, check_same_thread=False)
    if scheme in ('postgresql', 'postgres'):
        from playhouse.db_url import connect  # imported here: it loads psycopg2 and more
        url = url.replace(scheme + '://', 'postgresql+pool://', 1)
        return connect(url, max_connections=pool_size, stale_timeout=300, timeout=10)
    raise ValueError(f'base de données non prise en charge : {scheme or url!r} '
                     '(attendu : sqlite:///chemin ou postgresql://utilisateur@hôte/base)')


def init_db(url, pool_size=10):
    if database.obj is not None:
        close_all()
    db = make_database(url, pool_size)
    database.initialize(db)
    return db


def _engine(db):
    db = database if db is None else db
    return db.obj if isinstance(db, DatabaseProxy) else db


def is_sqlite(db=None):
    return isinstance(_engine(db), SqliteDatabase)


def is_postgres(db=None):
    return isinstance(_engine(db), PostgresqlDatabase)      # the pooled class derives from it


def writing():
    """A write transaction (BEGIN IMMEDIATE on SQLite, see lock_type above)."""
    return database.atomic()


def write_soon(work):
    """Run work() (a write that a page view needs: a visit, a session's sliding expiry) in a
    write transaction, without making the page wait for SQLite's write lock: now if the lock is
    free, else soon, in this process's background writer. PostgreSQL writers do not wait for one
    another (row locks only), so there it runs now."""
    if is_sqlite():
        if not _now_if_free(work):
            _background.put(work)
        return
    with writing():
        work()


def _now_if_free(work):
    connection = database.connection()
    connection.execute('PRAGMA busy_timeout = 0')
    try:
        with writing():
            work()
        return True
    except OperationalError as exc:
        if 'locked' not in str(exc) and 'busy' not in str(exc):
            raise
        return False
    finally:
        connection.execute('PRAGMA busy_timeout = %d' % SQLITE_PRAGMAS['busy_timeout'])


class BackgroundWriter:
    """One thread per process that runs the deferred writes of write_soon() in order, each
    waiting for the write lock as any write does. Started on first use (after fork, in each
    process); a full queue (the lock held for minutes) drops the write: visits and session
    refreshes are worth no more than that."""
    LIMIT = 10_000

    def __init__(self):
        self.queue, self.pid, self.lock = None, None, threading.Lock()

    def put(self, work):
        with self.lock:
            if self.pid != os.getpid():
                self.queue, self.pid = queue.Queue(self.LIMIT), os.getpid()
                threading.Thread(target=self.run, args=(self.queue,), name='ecole-writes-soon',
                                 daemon=True).start()
        try:
            self.queue.put_nowait(work)
        except queue.Full:
            logger.warning('écriture différée abandonnée : la base est verrouillée depuis longtemps')

    def run(self, works):
        while True:
            work = works.get()
            try:
                with writing():
                    work()
            except Exception:
                logger.exception('écriture différée en échec')
            finally:
                works.task_done()

    def flush(self, timeout):
        """Wait until every deferred write is done, `timeout` seconds at most; False if some
        are left (the lock held all that time)."""
        if self.queue is None or self.pid != os.getpid():
            return True
        deadline = time.monotonic() + timeout
        with self.queue.all_tasks_done:
            while self.queue.unfinished_tasks:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.queue.all_tasks_done.wait(left)
        return True


_background = BackgroundWriter()


def flush_writes(timeout=5):
    """Before a process stops: wait for its deferred writes (write_soon), `timeout` s at most."""
    return _background.flush(timeout)


def migrator():
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator
    return SqliteMigrator(database.obj) if is_sqlite() else PostgresqlMigrator(database.obj)


def close():
    if database.obj is not None and not database.is_closed():
        database.close()


def close_all():
    """Close this thread's connection and every pooled one (after fork, at shutdown, in tests)."""
    if database.obj is None:
        return
    close()
    if hasattr(database.obj, 'close_all'):                  # the PostgreSQL pool
        database.obj.close_all()


# --- engine-neutral helpers for whole-database work (migrate-data, test resets) ----------------

def tables_in_order(db=None):
    """Every table except schema_version, parents before children (foreign keys), then by name.
    A cycle of foreign keys is broken at the table with the fewest parents left to place (a copy
    fills such references afterwards, see maintenance/migrate_data.py)."""
    db = db or database
    tables = sorted(t for t in db.get_tables() if t != 'schema_version')
    parents = {t: {fk.dest_table for fk in db.get_foreign_keys(t)} & set(tables) - {t}
               for t in tables}
    ordered, placed = [], set()
    while len(ordered) < len(tables):
        left = [t for t in tables if t not in placed]
        ready = [t for t in left if parents[t] <= placed]
        for table in ready or [min(left, key=lambda t: len(parents[t] - placed))]:
            ordered.append(table)
            placed.add(table)
    return ordered


def reset_sequences(db=None):
    """PostgreSQL: move every serial sequence past the largest id (after rows were copied in)."""
    db = db or database
    if not is_postgres(db):
        return
    rows = db.execute_sql(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%%'").fetchall()
    for table, column in rows:
        db.execute_sql(
            f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX("{column}"), 1), '
            f'MAX("{column}") IS NOT NULL) FROM "{table}"', (f'"{table}"', column))


def insert_rows(db, table, columns, rows):
    """Insert many rows at once (psycopg2's execute_values on PostgreSQL, executemany on SQLite)."""
    if not rows:
        return
    names = ', '.join(f'"{c}"' for c in columns)
    cursor = db.cursor()
    if is_postgres(db):
        from psycopg2.extras import execute_values
        execute_values(cursor, f'INSERT INTO "{table}" ({names}) VALUES %s', rows, page_size=500)
    else:
        marks = ', '.join('?' for _c in columns)
        cursor.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)


def column_kinds(db, table):
    """{column: 'bool'|'int'|'float'|'datetime'|'date'|'bytes'|'text'} from the engine's catalog."""
    kinds = {}
    for column in db.get_columns(table):
        kind = column.data_type.lower()
        kinds[column.name] = (
            'bool' if 'bool' in kind else
            'datetime' if 'timestamp' in kind or 'datetime' in kind else
            'date' if kind == 'date' else
            'int' if 'int' in kind or 'serial' in kind else
            'float' if any(word in kind for word in ('real', 'double', 'float', 'numeric', 'decimal'))
            else 'bytes' if 'blob' in kind or 'bytea' in kind else 'text')
    return kinds


class Param:
    """A placeholder for a value given at execution time in a prepared() query."""

    def __init__(self, index):
        self.marker = f'param-{index}-7f3a'


def prepared(build, nparams):
    """Build a peewee query once and keep its SQL: on the hot path (session lookup, the guardian
    home), generating SQL with peewee cost more than SQLite running it (measured: about 60 % of
    the guardian home's time). build(*Param) returns a query; the result is a function taking
    the parameter values and returning a list of the query's model rows.

    Rows are built by hydrate(), not by peewee's cursor wrapper, which resolved the columns
    against the model again on every execution (measured: 150 us a query against 15 us).
    Only for queries whose shape never changes (no IN lists of varying length).
    """
    cache = {}     # per engine class: the SQL's placeholders and quoting differ

    def run(*values):
        state = cache.get(type(database.obj))
        if state is None:
            markers = [Param(i).marker for i in range(nparams)]
            query = build(*markers)
            sql, params = query.sql()
            state = cache[type(database.obj)] = {
                'sql': sql, 'model': query.model, 'constants': params, 'plan': None,
                'slots': [markers.index(p) if isinstance(p, str) and p in markers else None
                          for p in params]}
        args = [values[slot] if slot is not None else constant
                for slot, constant in zip(state['slots'], state['constants'])]
        cursor = database.execute_sql(state['sql'], args)
        if state['plan'] is None:
            state['plan'] = hydration_plan(state['model'], cursor.description)
        return hydrate(state['model'], state['plan'], cursor.fetchall())
    return run


def hydration_plan(model, description):
    """For each result column: (True, field name, converter) for a column of the model, else
    (False, alias, None), an extra attribute given as the database returned it (as Model.raw)."""
    plan = []
    for column in description:
        name = column[0]
        field = model._meta.columns.get(name)
        if field is not None:
            plan.append((True, field.name, _converter(field)))
        else:
            plan.append((False, name, None))
    return plan


def _converter(field):
    """The field's python_value, with a fast path for the ISO text SQLite returns for dates and
    times: peewee's own took 4 us a value through its format list, fromisoformat 0.1 us, and a
    week of homework holds sixty dates (profiled). Anything else goes to peewee."""
    if isinstance(field, DateTimeField):
        parse = datetime.fromisoformat
    elif isinstance(field, DateField):
        parse = date.fromisoformat
    else:
        return field.python_value

    def convert(value):
        if type(value) is str:
            try:
                return parse(value)
            except ValueError:
                pass
        return field.python_value(value)
    return convert


def instance(model, **data):
    """A model instance from known column values, as peewee builds query rows (__no_default__:
    no defaults, nothing dirty). Model(**data) also fills every default (now() for timestamps),
    which cost the guardian home a fifth of its context (profiled). For instances read from a
    query, never for ones to save."""
    return _built(model, data)


def _built(model, data):
    obj = model.__new__(model)
    obj.__data__, obj._dirty, obj.__rel__ = data, set(), {}
    return obj


def hydrate(model, plan, rows):
    """Model instances (see instance()) from raw rows, without peewee's per-query column
    resolution; the plan's extra columns become plain attributes."""
    objects = []
    for row in rows:
        data, extra = {}, {}
        for (is_field, name, convert), value in zip(plan, row):
            if is_field:
                data[name] = convert(value) if value is not None else None
            else:
                extra[name] = value
        obj = _built(model, data)
        obj.__dict__.update(extra)
        objects.append(obj)
    return objects
