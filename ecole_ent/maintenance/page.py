"""What the backups page (/admin/sauvegardes) shows and does: the archives on disk with their date,
size and whether they were read back and checked, the free space of their folder, the last nightly
run and the last one started from the page, the command that restores an archive.

The page's admin may also have an archive read back and checked again (« Vérifier »: one copied in
by hand, or made before checks were noted in backup.VERIFIED_FILE).

A backup (or a check) started from the page runs in a worker thread of the serving process, never in the
request; it takes the nightly job's lease first (scheduler.claim), so that two clicks, or a click
during the nightly run, never make two backups at once, in this process or another one. The page
shows « en cours » while that lease is held. Restoring is never a button: it replaces the school's
data and needs the server stopped, so the page gives the command to run.
"""
import datetime
import logging
import os
import shlex
import shutil
import threading
from dataclasses import dataclass

from .. import audit, db, scheduler
from ..errors import Busy, Forbidden, found
from ..i18n import _, lazy
from ..models import JobLease, School, now
from ..school_time import to_local
from . import backup, health, jobs, service
from .archive import PREFIX, SUFFIX
from .errors import BackupError

logger = logging.getLogger(__name__)

JOB = 'backup.nightly'          # registered by jobs.py (imported above)
REASONS = {'nocturne': lazy('nocturne'), 'manuelle': lazy('manuelle'), 'page': lazy('depuis cette page')}
_workers = []                   # this process's worker threads (tests wait for them: wait_for_workers)


@dataclass
class Archive:
    name: str
    path: str
    at: datetime.datetime       # local time of the school
    size: int
    verified: bool
    reason: str
    restore: str = ''           # the command that restores it (overview fills it in)


def may_manage(user):
    """True for the installation's admin (start, download); False for the director of a one-school
    installation (read only); Forbidden for everyone else."""
    if user.has_role('admin'):
        return True
    if user.has_role('director') and user.school_id is not None:
        schools = [s.id for s in School.select(School.id).limit(2)]
        if schools == [user.school_id]:
            return False
    raise Forbidden(_('Les sauvegardes sont réservées à l’administrateur de l’installation.'))


def may_see(user):
    """Whether the page is open to this user (read only or not): for the links that lead to it."""
    try:
        may_manage(user)
    except Forbidden:
        return False
    return True


def require_manager(user):
    if not may_manage(user):
        raise Forbidden(_('Seul l’administrateur de l’installation peut lancer, vérifier ou télécharger '
                          'une sauvegarde.'))
    return user


def _local(timestamp):
    return to_local(datetime.datetime.fromtimestamp(timestamp, datetime.UTC).replace(tzinfo=None))


def _made_at(name, path):
    """The moment in the archive's name (server time: ecole-ent-20261204-023000.tar), else its file date."""
    stamp = name[len(PREFIX):-len(SUFFIX)][:15]
    try:
        return _local(datetime.datetime.strptime(stamp, '%Y%m%d-%H%M%S').timestamp())
    except ValueError:
        return _local(os.path.getmtime(path))


def list_backups(folder):
    """The archives of `folder`, newest first; BackupError (in French) when it cannot be read."""
    try:
        paths = backup.list_archives(folder)
    except OSError as exc:
        raise BackupError(_('Le dossier des sauvegardes %s est illisible : %s (option backup.dir)')
                          % (folder, exc.strerror or exc)) from None
    checked = backup.verified(folder)
    archives = []
    for path in reversed(paths):
        name = os.path.basename(path)
        try:
            size = os.path.getsize(path)
        except OSError:         # pruned meanwhile
            continue
        entry = checked.get(name)
        reason = (entry or {}).get('reason', '')
        archives.append(Archive(name, path, _made_at(name, path), size, entry is not None,
                                REASONS.get(reason, reason)))
    return archives


def free_bytes(folder):
    """Free space on the disk of `folder` (of its nearest existing parent before the first backup)."""
    path = os.path.abspath(folder)
    while not os.path.exists(path) and os.path.dirname(path) != path:
        path = os.path.dirname(path)
    return shutil.disk_usage(path).free


def running_since():
    """When the backup under way started (local time), or None."""
    lease = JobLease.get_or_none(JobLease.name == JOB)
    return to_local(lease.started_at) if lease is not None and scheduler.running(lease) else None


def written_so_far(folder):
    """Bytes of the archive being written (its hidden .partial file): the progress shown."""
    try:
        return sum(entry.stat().st_size for entry in os.scandir(folder)
                   if entry.name.startswith('.' + PREFIX) and entry.name.endswith('.partial'))
    except OSError:
        return 0


def _run(kind):
    """A recorded run ({'at', 'path', 'error'}) for the page: its time made local."""
    if not isinstance(kind, dict) or not isinstance(kind.get('at'), (int, float)):
        return None
    return dict(kind, at=_local(kind['at']), name=os.path.basename(kind.get('path') or ''))


def restore_command(config, path):
    """The command that restores `path` into this installation (server stopped), quoted for a shell."""
    words = ['ecole-ent', '--data', str(config.data_dir)]
    source = config.source_file
    if source and os.path.abspath(str(source)) != os.path.abspath(str(config.path('ecole-ent.ini'))):
        words += ['--config', str(source)]
    return ' '.join(shlex.quote(word) for word in words + ['restore', path])


def overview(config):
    """Everything the page shows."""
    folder = service.backup_dir(config)
    try:
        service.sqlite_path(config)
        unsupported = None
    except BackupError as exc:
        unsupported = str(exc)
    try:
        archives, folder_error = list_backups(folder), None
    except BackupError as exc:
        archives, folder_error = [], str(exc)
    for archive in archives:
        archive.restore = restore_command(config, archive.path)
    runs = backup.last_runs(str(config.data_dir))
    last = backup.last_backup(str(config.data_dir)) or {}
    return {'folder': folder, 'folder_error': folder_error, 'archives': archives, 'free': free_bytes(folder),
            'unsupported': unsupported,
            'nightly': _run(runs.get('nightly')), 'manual': _run(runs.get('manual')),
            'verify': _run(runs.get('verify')),
            'running': running_since(), 'written': written_so_far(folder),
            'keep': config['backup.keep'], 'time': config['backup.time'],
            'copy_to': config['backup.copy_to'], 'copy_error': last.get('copy_error'),
            'restore': restore_command(config, archives[0].path if archives else
                                       os.path.join(folder, PREFIX + 'AAAAMMJJ-HHMMSS' + SUFFIX))}


def needs_a_look(config, user):
    """How many things about the backups the home's « À faire » band shows `user` (the admin, the
    director of a one-school installation; 0 for anyone else): the last nightly run failed, the
    last backup is older than health.MAX_BACKUP_AGE_HOURS, its copy failed. A folder never backed
    up is not counted: the nightly job backs it up within 15 minutes."""
    if not user.has_role('director', 'admin'):
        return 0
    try:
        may_manage(user)
        service.sqlite_path(config)
    except (Forbidden, BackupError):
        return 0
    nightly = backup.last_runs(str(config.data_dir)).get('nightly')
    nightly = nightly if isinstance(nightly, dict) else {}
    failed = 1 if nightly.get('error') and not nightly.get('path') else 0     # a copy error: in warnings
    if backup.last_backup(str(config.data_dir)) is None:
        return failed
    return failed + len(health.backup_status(config)[1])


def start_backup(config, actor):
    """Starts a backup in a worker thread and returns at once; Busy (in French) when one runs."""
    require_manager(actor)
    service.sqlite_path(config)                    # PostgreSQL: BackupError, nothing started

    def make():
        return service.make_backup(config, reason='page')
    return _start(actor, 'backup.started', service.backup_dir(config),
                  lambda: jobs.recorded(config, 'manual', make))


def start_verify(config, actor, name):
    """Reads archive `name` back and checks it in a worker thread (as after a backup); its outcome
    is noted for the page. NotFound for a name not listed, Busy while a backup runs."""
    require_manager(actor)
    archive = _listed(config, name)

    def check():
        try:
            manifest = backup.verify_archive(archive.path)
        except Exception as exc:
            backup.record_run(str(config.data_dir), 'verify', path=archive.path, error=str(exc) or repr(exc))
            raise
        backup.mark_verified(archive.path, manifest.get('reason', ''))
        backup.record_run(str(config.data_dir), 'verify', path=archive.path)
    return _start(actor, 'backup.verified', archive.name, check, as_run=False)


def _busy():
    return Busy(_('Une sauvegarde est déjà en cours : attendez qu’elle se termine, puis actualisez la page.'),
                retry_after=10)


def _start(actor, action, target, task, as_run=True):
    """Runs task() in a worker thread under the nightly job's lease (never two at once, nor while a
    worker of this process still runs, even one whose lease has timed out). as_run: recorded as a run
    of the nightly job (a backup); else the lease is only held (a check: its failure is no failed
    backup and leaves the nightly schedule and back-off as they were)."""
    if any(worker.is_alive() for worker in _workers):
        raise _busy()
    job, holder = scheduler.get(JOB), scheduler.holder_name()
    if as_run:
        if not scheduler.claim(job, holder, force=True):
            raise _busy()
        work = (_run_claimed, (job, holder, task))
    else:
        lease = JobLease.get_or_none(JobLease.name == JOB)
        if lease is not None and scheduler.running(lease):
            raise _busy()
        work = (_held, (task,))
    audit.record(actor, action, target)
    logger.info('%s : %s, demandé par %s', action, target, actor.login)
    worker = threading.Thread(target=work[0], args=work[1], daemon=True, name='ecole-ent-backup')
    _workers[:] = [w for w in _workers if w.is_alive()] + [worker]
    worker.start()
    return worker


def _run_claimed(job, holder, task):
    try:
        scheduler.run_claimed(job, holder, task)
    except Exception:       # the database failed around the run: free the lease rather than hold it an hour
        logger.exception('sauvegarde lancée depuis la page : échec')
        with db.writing():
            mine = (JobLease.name == job.name) & (JobLease.holder == holder)
            JobLease.update(finished_at=now()).where(mine).execute()
    finally:
        db.close()


def _held(task):
    try:
        with scheduler.hold(JOB):
            task()
    except Exception:       # noted for the page by the task itself (backup.record_run)
        logger.exception('vérification de sauvegarde en échec')
    finally:
        db.close()


def wait_for_workers(timeout=120):
    """Waits for the backups started in this process (tests, and a clean stop)."""
    while _workers:
        _workers.pop().join(timeout)


def archive_to_send(config, actor, name):
    """The archive `name` of the backup folder, for download by the admin (audited); NotFound for a
    name that is not one of the listed archives (never a path from the request)."""
    require_manager(actor)
    archive = _listed(config, name)
    audit.record(actor, 'backup.downloaded', archive.name, size=archive.size)
    return {'path': archive.path, 'content_type': 'application/x-tar', 'name': archive.name, 'inline': False}


def _listed(config, name):
    """The archive called `name` in the backup folder's list; NotFound otherwise."""
    try:
        archives = list_backups(service.backup_dir(config))
    except BackupError:
        archives = []
    return found(next((a for a in archives if a.name == name), None),
                 _('Cette sauvegarde n’existe pas (ou plus : seules les %d dernières sont gardées).')
                 % config['backup.keep'])
