"""`ecole-ent check`: one clear line per problem with the configuration, database, schema,
free disk and writable folders; warnings (not failures) about backups, also shown by /healthz."""
import os
import shutil
import tempfile
import time
from pathlib import Path

from .. import config as configuration
from .. import migrations
from ..config import ConfigError
from ..i18n import _

MIN_FREE_BYTES = 500 * 2**20


def problems(data_dir, config_file=None):
    found = []
    data_dir = Path(data_dir)
    try:
        config = configuration.load(data_dir, config_file)
    except ConfigError as exc:
        return [f'configuration : {line}' for line in str(exc).splitlines()]
    for folder in [data_dir] + [data_dir / name for name in ('media', 'backups', 'logs')]:
        if not folder.exists():
            found.append(f"{folder} : dossier absent (il est créé au premier démarrage de « serve »)")
        elif not _writable(folder):
            found.append(f"{folder} : dossier non modifiable par l'utilisateur {_whoami()}")
    if data_dir.exists():
        free = shutil.disk_usage(data_dir).free
        if free < MIN_FREE_BYTES:
            found.append(f'disque : {free // 2**20} Mo libres seulement sous {data_dir} (minimum 500 Mo)')
    if found:
        return found
    try:
        configuration.ensure_secret(config)
        from .. import runtime
        runtime.configure(config)
        version = migrations.current()
        if version != len(migrations.STEPS):
            found.append(f'schéma : version {version}, ce programme attend {len(migrations.STEPS)} '
                         '(lancez « ecole-ent migrate »)' if version < len(migrations.STEPS)
                         else migrations.too_new_message(version))
    except Exception as exc:  # check reports every failure as a line, it never crashes
        found.append(f'base de données : {exc.__class__.__name__} : {exc}')
    return found


def _writable(folder):
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def _whoami():
    try:
        import pwd
        return pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):
        return str(os.geteuid())


# A nightly backup older than this means the scheduler or its destination has a problem.
MAX_BACKUP_AGE_HOURS = 36


def backup_status(config, now=None):
    """({'last', 'age_hours', 'copies'} or None, [warnings]) about the last successful backup."""
    from . import backup, service
    try:
        service.sqlite_path(config)
    except service.BackupError:
        return None, []     # PostgreSQL: backed up by pg_dump, outside ecole-ent
    status = backup.last_backup(str(config.data_dir))
    if status is None:
        return None, [_('Aucune sauvegarde encore faite (ecole-ent backup).')]
    age_hours = round(((now or time.time()) - status['at']) / 3600, 1)
    report = {'last': os.path.basename(status['path']), 'age_hours': age_hours,
              'copies': len(status.get('copies') or [])}
    found = []
    if age_hours > MAX_BACKUP_AGE_HOURS:
        found.append(_('La dernière sauvegarde date de %d heures.') % age_hours)
    if status.get('copy_error'):
        found.append(_('La dernière copie vers la seconde destination a échoué : %s') % status['copy_error'])
    return report, found


def warnings(data_dir, config_file=None):
    """What `check` shows as a warning without failing: the state of the backups."""
    try:
        config = configuration.load(data_dir, config_file)
    except ConfigError:
        return []   # problems() reports it
    return backup_status(config)[1]
