"""Opening an installation: data folder, configuration, secret, database at the right schema."""
import logging
from pathlib import Path

from . import config as configuration, db, features, migrations, security

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


def configure(config):
    """Bind the database and hand the configuration to the features' services (each feature's
    service.configure(config)). Nothing of the web layer is imported: the commands that serve no
    page (users, sync, backup...) start without bottle, Jinja or the routes."""
    db.init_db(config.database_url, config['database.pool_size'])
    security.configure(config['security.secret_key'])
    for module in features.modules('service'):
        if hasattr(module, 'configure'):
            module.configure(config)


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
