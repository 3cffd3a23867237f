"""The nightly backup: a thread of `serve` that runs a backup every day at [backup] time.

Backups cover SQLite only, and one SQLite installation is served by one process, so no lease
between processes is needed. The job is also a command (`ecole-ent backup`) for cron or a systemd
timer instead.
"""
import datetime
import logging
import threading

from ecole_ent.maintenance import service
from ecole_ent.maintenance.errors import BackupError

logger = logging.getLogger(__name__)


def next_run(now, at):
    """The next datetime after `now` at the (hour, minute) `at`, local time."""
    hour, minute = at
    candidate = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + datetime.timedelta(days=1)


def start(config, stop=None):
    """Starts the nightly backup thread when configured; returns it (or None)."""
    if config['backup.time'] is None:
        logger.info('sauvegarde automatique désactivée ([backup] time est vide)')
        return None
    try:
        service.sqlite_path(config)
    except BackupError:
        logger.info('sauvegarde automatique non disponible avec PostgreSQL (utilisez pg_dump)')
        return None
    thread = threading.Thread(target=run_nightly, args=(config, stop or threading.Event()),
                              name='sauvegarde-nocturne', daemon=True)
    thread.start()
    return thread


def run_nightly(config, stop):
    while True:
        now = datetime.datetime.now()
        if stop.wait((next_run(now, config['backup.time']) - now).total_seconds()):
            return
        try:
            service.make_backup(config, reason='nocturne')
        except Exception:   # a failed night must not stop the next ones; /healthz shows the age
            logger.exception('la sauvegarde nocturne a échoué')
