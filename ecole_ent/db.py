"""The one database object, bound at start from the database URL.

SQLite (the appliance default) gets WAL, foreign keys, a busy timeout and synchronous=NORMAL, and
every transaction begins IMMEDIATE: deferred transactions fail with "database is locked" under
concurrent writers even in WAL mode. PostgreSQL (scale-out) gets a connection pool. Engine
differences stay in this module.
"""
from urllib.parse import urlparse

from peewee import DatabaseProxy, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator
from playhouse.pool import PooledPostgresqlDatabase

database = DatabaseProxy()

SQLITE_PRAGMAS = {'journal_mode': 'wal', 'foreign_keys': 1, 'busy_timeout': 10000,
                  'synchronous': 'normal', 'cache_size': -16000}


def make_database(url, pool_size=10):
    """A peewee Database for `url`, not yet bound to the proxy."""
    scheme = urlparse(url).scheme
    if scheme == 'sqlite':
        path = url[len('sqlite:///'):] if url.startswith('sqlite:///') else ':memory:'
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, lock_type='IMMEDIATE',
                              timeout=10, check_same_thread=False)
    if scheme in ('postgresql', 'postgres'):
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
    return isinstance(database.obj, (PostgresqlDatabase, PooledPostgresqlDatabase))


def writing():
    """A write transaction (BEGIN IMMEDIATE on SQLite, see lock_type above)."""
    return database.atomic()


def migrator():
    return SqliteMigrator(database.obj) if is_sqlite() else PostgresqlMigrator(database.obj)


def close():
    if not database.is_closed():
        database.close()
