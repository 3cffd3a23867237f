"""The nightly backup, as a periodic job of the scheduler (ecole_ent/scheduler.py).

The job looks every 15 minutes and takes a backup when the last one is older than the most recent
`[backup] time` (local time): every night, and at once on a data folder never backed up. Backups
cover SQLite; with PostgreSQL, back the database up with pg_dump. Also a command (`ecole-ent
backup`) for cron or a systemd timer instead.
"""
import datetime
import logging

from ..scheduler import current_config, job
from . import backup, service
from .errors import BackupError

logger = logging.getLogger(__name__)


def last_due(now, at):
    """The most recent moment at (hour, minute) no later than `now`."""
    hour, minute = at
    today = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return today if today <= now else today - datetime.timedelta(days=1)


def is_due(now, at, last_at):
    return last_at is None or last_at < last_due(now, at)


@job('backup.nightly', every=900, help='Sauvegarde de la base et des photos chaque nuit ([backup] time)')
def nightly():
    config = current_config()
    if config['backup.time'] is None:
        return
    try:
        service.sqlite_path(config)
    except BackupError:
        return                                  # PostgreSQL: pg_dump, outside the appliance
    status = backup.last_backup(str(config.data_dir))
    last_at = datetime.datetime.fromtimestamp(status['at']) if status else None
    if is_due(datetime.datetime.now(), config['backup.time'], last_at):
        result = recorded(config, 'nightly', lambda: service.make_backup(config, reason='nocturne'))
        logger.info('sauvegarde nocturne : %s', result.path)


def recorded(config, kind, make):
    """make() -> BackupResult, its outcome noted for the backups page (the error re-raised, for
    the scheduler to record it and retry)."""
    try:
        result = make()
    except Exception as exc:
        backup.record_run(str(config.data_dir), kind, error=str(exc) or exc.__class__.__name__)
        raise
    backup.record_run(str(config.data_dir), kind, path=result.path, error=result.copy_error)
    return result
