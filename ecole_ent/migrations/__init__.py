"""Numbered schema steps, append-only; schema_version holds how many are applied.

STEPS is a list of plain imports because PyInstaller cannot see scripts found by glob. Each step has
peewee's own runner signature, up(migrator, db). run() takes a backup first when data exists,
turns SQLite foreign keys off around the steps (table rebuilds would cascade deletes), applies each
step and its version bump in one transaction, then checks foreign keys.
"""
import logging

from ..db import database, is_sqlite, migrator
from ..models.schema import SchemaVersion
from . import (
    m0001_initial,
    m0002_scheduler,
    m0003_directory,
    m0004_photos,
    m0005_blog,
    m0006_visits,
    m0007_sync_lease,
    m0008_homework,
    m0009_messaging,
    m0010_card_seed,
    m0011_privacy,
    m0012_picture_passwords,
    m0013_kiosk,
    m0014_stats,
    m0015_language,
    m0016_photo_dates,
)

STEPS = [m0001_initial.up, m0002_scheduler.up, m0003_directory.up, m0004_photos.up, m0005_blog.up,
         m0006_visits.up, m0007_sync_lease.up, m0008_homework.up,
         m0009_messaging.up, m0010_card_seed.up, m0011_privacy.up,
         m0012_picture_passwords.up, m0013_kiosk.up, m0014_stats.up,
         m0015_language.up, m0016_photo_dates.up]

logger = logging.getLogger(__name__)


class SchemaError(Exception):
    """The database schema does not match this program."""


def current():
    if not database.table_exists('schema_version'):
        return 0
    row = SchemaVersion.select().first()
    return row.version if row else 0


def pending():
    return len(STEPS) - current()


def run(backup=None):
    """Apply pending steps; `backup(version)` is called first when a non-empty database changes."""
    version = current()
    if version > len(STEPS):
        raise SchemaError(too_new_message(version))
    if version == len(STEPS):
        return 0
    if version > 0 and backup is not None:
        backup(version)
    database.create_tables([SchemaVersion], safe=True)
    if is_sqlite():
        database.pragma('foreign_keys', 0)
    try:
        for number in range(version, len(STEPS)):
            with database.atomic():
                STEPS[number](migrator(), database)
                SchemaVersion.delete().execute()
                SchemaVersion.create(version=number + 1)
            logger.info('migration %d appliquée', number + 1)
    finally:
        if is_sqlite():
            database.pragma('foreign_keys', 1)
    if is_sqlite():
        broken = database.execute_sql('PRAGMA foreign_key_check').fetchall()
        if broken:
            raise SchemaError(f'clés étrangères invalides après migration : {broken[:5]}')
    return len(STEPS) - version


def too_new_message(version):
    return (f'la base de données est au schéma {version}, plus récent que ce programme '
            f'({len(STEPS)}) : installez la version plus récente d’ecole-ent ou restaurez une sauvegarde')


def require_current():
    version = current()
    if version > len(STEPS):
        raise SchemaError(too_new_message(version))
    if version < len(STEPS):
        raise SchemaError(f'la base de données est au schéma {version}, {len(STEPS) - version} '
                          'migration(s) en attente : lancez « ecole-ent migrate »')
