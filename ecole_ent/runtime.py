"""Opening an installation: data folder, configuration, secret, database at the right schema."""
import logging
from pathlib import Path

from . import config as configuration
from . import db, migrations, security

logger = logging.getLogger(__name__)
DATA_SUBDIRS = ('media', 'backups', 'logs')


def prepare_data_dir(data_dir):
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    for name in DATA_SUBDIRS:
        (data_dir / name).mkdir(exist_ok=True)
    return data_dir


def open_config(data_dir, config_file=None, environ=None):
    config = configuration.load(data_dir, config_file, environ)
    prepare_data_dir(config.data_dir)
    configuration.ensure_secret(config)
    return config


class Runtime:
    """What this process runs with: its configuration, and each feature's settings, read from it
    once, on first use (settings())."""

    def __init__(self, config):
        self.config = config
        self.read = {}


current = Runtime(None)


def configure(config):
    """Start this process on `config`: bind the database and the signing key; the features read
    their settings from it on first use. Nothing of the web layer is imported: the commands that
    serve no page (users, sync, backup...) start without bottle, Jinja or the routes."""
    global current
    current = Runtime(config)
    db.init_db(config.database_url, pool_size(config))
    security.configure(config['security.secret_key'])


def pool_size(config):
    """PostgreSQL connections per process: one for every worker thread of both lanes (a page
    waiting for a connection held by an upload would wait behind it), the scheduler and one more."""
    return max(config['database.pool_size'], 2 * config['server.threads'] + 2)


def changed():
    """The configuration was changed in place (the first-run form saves options): the features
    read their settings again."""
    current.read.clear()


def settings(read):
    """A feature's settings: read(config) for this process's configuration, read once. A feature
    declares `def settings(): return runtime.settings(read_settings)` with a read_settings(config)
    that returns a frozen dataclass of what its services need (sizes, folders, time zone)."""
    try:
        return current.read[read]
    except KeyError:
        if current.config is None:
            raise RuntimeError('runtime.configure(config) has not run in this process') from None
        value = current.read[read] = read(current.config)
        return value


def pre_migration_backup(config):
    """A full backup archive (database and media) before a migration; PostgreSQL is backed up with
    pg_dump by its administrator."""
    from .maintenance import service

    def backup(version):
        if not db.is_sqlite():
            logger.warning('PostgreSQL : sauvegardez la base avec pg_dump avant la mise à jour')
            return
        service.pre_migration_backup(config)(version)
    return backup


def open_database(config, auto_migrate=None):
    """Bind the database; migrate (after a backup) when allowed, else require the current schema."""
    if config['database.auto_migrate'] if auto_migrate is None else auto_migrate:
        migrate(config)
    else:
        configure(config)
        migrations.require_current()
    return db.database


def migrate(config):
    """Apply pending migration steps after a backup; returns how many were applied."""
    configure(config)
    return migrations.run(backup=pre_migration_backup(config))
