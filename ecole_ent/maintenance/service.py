"""Backups and restores of this installation, from its configuration (used by the commands, the
nightly job, the pre-migration backup, /healthz and check)."""
import logging
import os
from contextlib import contextmanager
from urllib.parse import urlparse

from ecole_ent import features, hooks
from ecole_ent.i18n import _
from ecole_ent.maintenance import backup, restore
from ecole_ent.maintenance.errors import BackupError

logger = logging.getLogger(__name__)


def backup_dir(config):
    return config['backup.dir'] or str(config.path('backups'))


def sqlite_path(config):
    """The SQLite database file of this installation; BackupError on PostgreSQL."""
    url = config.database_url
    if urlparse(url).scheme != 'sqlite':
        raise BackupError(_('La sauvegarde intégrée ne couvre que SQLite. Avec PostgreSQL, sauvegardez la '
                            'base avec pg_dump et le dossier media/ avec vos outils (voir provisioning/GUIDE.md).'))
    return url[len('sqlite:///'):]


def make_backup(config, dest=None, reason='manuelle'):
    """A backup archive into `dest` (default: the configured folder), kept to the last N, copied to
    the second destination when configured. Returns a backup.BackupResult. hooks.BEFORE_BACKUP runs
    first (the statistics fold their past days: no day key next to its events in an archive); a hook
    that fails is logged and the backup goes on."""
    db_path = sqlite_path(config)
    features.modules('jobs')
    for before in hooks.BEFORE_BACKUP:
        try:
            before(config)
        except Exception:        # the backup matters more: said in the log, and the archive written
            logger.exception('avant la sauvegarde : %s a échoué', getattr(before, '__qualname__', before))
    result = backup.create_backup(str(config.data_dir), db_path, dest or backup_dir(config),
                                  keep=config['backup.keep'], copy_to=config['backup.copy_to'] or None,
                                  reason=reason)
    logger.info('sauvegarde %s écrite : %s (%d fichiers, %d octets)', reason, result.path, result.files,
                result.size)
    if result.copy_error:
        logger.error('sauvegarde : %s', result.copy_error)
    return result


def restore_backup(config, archive, confirm=None):
    """Restores `archive` into this installation's data folder (the server must be stopped).
    `config` comes from config.load() alone: a new data folder is not prepared first (no fresh
    secret or empty folders to move aside)."""
    from ecole_ent import migrations, runtime
    db_path = sqlite_path(config)
    outcome = restore.restore_archive(archive, str(config.data_dir), db_name=os.path.abspath(db_path),
                                      confirm=confirm, max_schema=len(migrations.STEPS))
    runtime.prepare_data_dir(config.data_dir)
    return outcome


def pre_migration_backup(config):
    """The backup taken before a migration (runtime.migrate calls it with the current version)."""
    def take(version):
        result = make_backup(config, reason='avant migration depuis le schéma %s' % version)
        if result.copy_error:   # the local archive exists: the migration may go on
            logger.warning('la copie de la sauvegarde avant migration a échoué : %s', result.copy_error)
    return take


@contextmanager
def holding_data_folder(config):
    """While `serve` runs on SQLite it holds the data folder's lock: a second server on the same
    folder, or a restore, is refused instead of corrupting it."""
    try:
        sqlite_path(config)
    except BackupError:     # PostgreSQL: several processes share the media folder on purpose
        yield
        return
    with restore.instance_lock(str(config.data_dir), _('avant d’en démarrer un autre')):
        yield
