"""The one database object, bound at start from the database URL.

SQLite (the appliance default) gets WAL, foreign keys, a busy timeout and synchronous=NORMAL, and
every transaction begins IMMEDIATE: deferred transactions fail with "database is locked" under
concurrent writers even in WAL mode. PostgreSQL (scale-out) gets a connection pool. Engine
differences stay in this module.
"""
from urllib.parse import urlparse

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase

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
        from playhouse.db_url import connect     # imported here: it loads psycopg2 and more
        url = url.replace(scheme + '://', 'postgresql+pool://', 1)
        return connect(url, max_connections=pool_size, stale_timeout=300, timeout=10)
    raise ValueError(f'base de données non prise en charge : {scheme or url!r}')


def init_db(url, pool_size=10):
    db = make_database(url, pool_size)
    database.initialize(db)
    return db


def is_sqlite():
    return isinstance(database.obj, SqliteDatabase)


def is_postgres():
    return isinstance(database.obj, PostgresqlDatabase)     # the pooled class derives from it


def writing():
    """A write transaction (BEGIN IMMEDIATE on SQLite, see lock_type above)."""
    return database.atomic()


def migrator():
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator
    return SqliteMigrator(database.obj) if is_sqlite() else PostgresqlMigrator(database.obj)


def close():
    if not database.is_closed():
        database.close()


class Param:
    """A placeholder for a value given at execution time in a prepared() query."""

    def __init__(self, index):
        self.marker = f'param-{index}-7f3a'


def prepared(build, nparams):
    """Build a peewee query once and keep its SQL: on the hot path (session lookup, the guardian
    home), generating SQL with peewee cost more than SQLite running it (measured: about 60 % of
    the guardian home's time). build(*Param) returns a query; the result is a function taking
    the parameter values and returning the query's model rows.

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
                'sql': sql, 'model': query.model, 'constants': params,
                'slots': [markers.index(p) if isinstance(p, str) and p in markers else None
                          for p in params]}
        args = [values[slot] if slot is not None else constant
                for slot, constant in zip(state['slots'], state['constants'])]
        return state['model'].raw(state['sql'], *args)
    return run
