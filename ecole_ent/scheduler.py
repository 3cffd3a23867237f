"""Periodic jobs, run by exactly one process per period however many processes serve.

The whole API, for a feature (put it in the feature's jobs.py, found through features.py):

    from ..scheduler import job

    @job('sessions.cleanup', every=3600, help='Supprime les sessions expirées')
    def cleanup():
        ...     # the database is bound; raise to report a failure (retried with back-off)

`every` is seconds, or a function of the configuration (`every=lambda config:
config['directory.interval_hours'] * 3600`); `backoff=` is the first retry delay after a failure
(default 30 s, doubling, at most the interval); `timeout=` how long a run may take before it is
presumed dead (default one hour). Manual work that must not overlap a job (an uploaded directory
file while the directory sync may run) goes in `with hold(name):`, which takes the job's lease
without touching its schedule and raises Busy when the job runs elsewhere; re-entrant in a thread
(the job itself may call code that holds its lease).

`ecole-ent jobs list` shows every job and its last run; `ecole-ent jobs run NAME` runs one now.
Options: `scheduler.intervals = sessions.cleanup=900,...` changes intervals; `scheduler.enabled =
false` keeps the thread from starting (jobs then run only from the command line, e.g. from cron).

How one process wins: every `serve` starts one thread (start()), in its jobs process (or in its only
process with server.workers = 1; ecole_ent/server.py), that wakes each second and, for a job whose
lease looks expired, tries to claim it with a single atomic statement:
    UPDATE job_lease SET holder = me, expires_at = start + timeout
     WHERE name = job AND expires_at < now
(or, the first time, INSERT ... ON CONFLICT DO NOTHING). On PostgreSQL a concurrent UPDATE waits
for the row lock then re-checks the WHERE on the new row, so only one statement changes the row;
on SQLite writes are serialised (BEGIN IMMEDIATE). The winner runs the job, then sets
expires_at = start + interval (success) or now + back-off (failure: `backoff` seconds doubling, at
most the interval). A process that dies mid-run holds the lease at most `timeout`, or until a
process starts on the same host and finds its holder's process gone (release_dead()). Times are naive
UTC from each host's clock: hosts sharing a database must keep their clocks in sync.
"""
import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from . import db, errors, features
from .errors import EcoleError, found
from .i18n import _
from .models import JobLease, JobRun, now

logger = logging.getLogger(__name__)

TICK = 1.0                       # seconds between two looks at the leases
BACKOFF_START = 30               # seconds before the first retry of a failed job (default)
HISTORY_DAYS = 30


@dataclass
class Job:
    name: str
    every: int | Callable  # seconds, or a function of the configuration returning seconds
    function: Callable
    help: str = ''
    timeout: int = 3600          # a run older than this is presumed dead
    backoff: int = BACKOFF_START     # seconds before the first retry after a failure


class Busy(errors.Busy):
    """The job is running (scheduled elsewhere, or held by a manual run)."""


JOBS = {}
_overrides = {}
_config = {}
_held = threading.local()        # .names: the jobs whose lease this thread holds (run or hold())


def current_config():
    """The configuration of this process, for jobs that need it (set by configure())."""
    return _config['value']


def job(name, every, help='', timeout=3600, backoff=BACKOFF_START):
    """Decorator registering `function` as the periodic job `name` (every `every` seconds, or
    every `every(config)` seconds when `every` is a function)."""
    def register(function):
        JOBS[name] = Job(name, every if callable(every) else int(every), function, help,
                         int(timeout), int(backoff))
        return function
    return register


def load():
    """Import every feature's jobs.py (which registers its jobs); returns {name: Job}."""
    features.modules('jobs')
    return JOBS


def configure(config):
    """Apply `scheduler.intervals` (name=seconds,...) on top of the registered intervals."""
    _config['value'] = config
    _overrides.clear()
    for part in (config.get('scheduler.intervals') or '').split(','):
        if part.strip():
            name, _sep, seconds = part.partition('=')
            _overrides[name.strip()] = int(seconds)


def interval(job_):
    """Seconds between two runs: `scheduler.intervals`, else the job's `every` (evaluated with
    this process's configuration when it is a function)."""
    if job_.name in _overrides:
        return _overrides[job_.name]
    if callable(job_.every):
        return int(job_.every(current_config()))
    return job_.every


def get(name):
    return found(JOBS.get(name), _('Tâche inconnue : %s (tâches : %s)') % (name, ', '.join(sorted(JOBS)) or '-'))


def holder_name():
    return f'{socket.gethostname()}:{os.getpid()}'[:200]


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:         # another user's process: alive
        return True
    return True


def release_dead():
    """Leases of runs whose holder was a process of this host that no longer exists (stopped or
    killed mid-run: a restart during a backup started from the page) become due again at once,
    instead of blocking the job until `timeout`. Returns the names released."""
    host = f'{socket.gethostname()}:'
    released = []
    for lease in JobLease.select().where(JobLease.holder.startswith(host)):
        pid = lease.holder[len(host):]
        if running(lease) and pid.isdigit() and not _alive(int(pid)):
            with db.writing():
                changed = (JobLease.update(expires_at=now() - timedelta(seconds=1), finished_at=now())
                           .where((JobLease.name == lease.name) & (JobLease.holder == lease.holder)
                                  & (JobLease.started_at == lease.started_at)).execute())
            if changed:
                logger.warning('tâche %s abandonnée par le processus %s (arrêté en cours) : relancée', lease.name, pid)
                released.append(lease.name)
    return released


# --- the lease --------------------------------------------------------------------------------

def running(lease):
    """True while a run (or a hold()) has the lease: the opposite of what claim() may take."""
    return (lease.started_at is not None and lease.expires_at >= now()
            and (lease.finished_at is None or lease.finished_at < lease.started_at))


def claim(job_, holder, force=False):
    """Take the lease of job_ if it is due (or, with force, if it is not running); True if taken."""
    moment = now()
    hold_until = moment + timedelta(seconds=job_.timeout)
    with db.writing():
        due = JobLease.expires_at < moment
        if force:
            due |= JobLease.started_at.is_null() | (JobLease.finished_at >= JobLease.started_at)
        taken = (JobLease.update(holder=holder, expires_at=hold_until, started_at=moment)
                 .where((JobLease.name == job_.name) & due).execute())
        if not taken:
            taken = (JobLease.insert(name=job_.name, holder=holder, expires_at=hold_until,
                                     started_at=moment)
                     .on_conflict_ignore().as_rowcount().execute())
    return bool(taken)


def run_claimed(job_, holder, function=None):
    """Run a job whose lease this process holds (or `function` in its place); record the outcome;
    True if it succeeded."""
    started = JobLease.get_by_id(job_.name).started_at
    with db.writing():
        run = JobRun.create(name=job_.name, holder=holder, started_at=started)
    error = None
    try:
        with _holding(job_.name):
            (function or job_.function)()
    except Exception:   # a job failure is logged and retried, it never stops the scheduler
        error = traceback.format_exc(limit=8)
        logger.exception('tâche périodique %s en échec', job_.name)
    finished = now()
    every = interval(job_)
    with db.writing():
        lease = JobLease.get_by_id(job_.name)
        if error is None:
            failures, expires = 0, started + timedelta(seconds=every)
        else:
            failures = lease.failures + 1
            expires = finished + timedelta(seconds=min(every, job_.backoff * 2 ** (failures - 1)))
        JobLease.update(finished_at=finished, failures=failures, last_error=error,
                        expires_at=expires).where(
            (JobLease.name == job_.name) & (JobLease.holder == holder)).execute()
        JobRun.update(finished_at=finished, error=error).where(JobRun.id == run.id).execute()
        JobRun.delete().where((JobRun.name == job_.name)
                              & (JobRun.started_at < finished - timedelta(days=HISTORY_DAYS))).execute()
    return error is None


def run_due(holder=None):
    """One tick: run every job that is due and whose lease this process wins; returns their names."""
    holder = holder or holder_name()
    moment = now()
    expiries = dict(JobLease.select(JobLease.name, JobLease.expires_at).tuples())
    ran = []
    for job_ in list(JOBS.values()):
        if job_.name in expiries and expiries[job_.name] >= moment:
            continue          # a cheap read first: most ticks write nothing
        if claim(job_, holder):
            run_claimed(job_, holder)
            ran.append(job_.name)
    return ran


def _busy(name):
    lease = JobLease.get_or_none(JobLease.name == name)
    if lease is None or lease.started_at is None:
        return Busy(_('La tâche %s est en cours : réessayez plus tard.') % name)
    return Busy(_('La tâche %s est en cours dans %s depuis %s (UTC) : réessayez plus tard.')
                % (name, lease.holder, f'{lease.started_at:%d/%m/%Y %H:%M:%S}'))


def run_now(name, function=None):
    """`ecole-ent jobs run NAME`: run one job now unless it is running (Busy), as a scheduled run
    would (the next run and the back-off follow from it); EcoleError when it fails.
    `function` replaces the job's own for this run (to say who asked for it, for instance)."""
    job_ = get(name)
    holder = holder_name()
    if not claim(job_, holder, force=True):
        raise _busy(name)
    if not run_claimed(job_, holder, function):
        raise EcoleError(_('La tâche %s a échoué : %s')
                         % (name, JobLease.get_by_id(name).last_error.strip().splitlines()[-1]))


@contextmanager
def _holding(name):
    names = _held.__dict__.setdefault('names', set())
    names.add(name)
    try:
        yield
    finally:
        names.discard(name)


@contextmanager
def hold(name, busy_message=None):
    """Hold job `name`'s lease around manual work that must not overlap a run of it.

    Raises Busy (with `busy_message` if given) when the job runs or another holder has it. Does
    not change the schedule: the lease gets its previous holder and times back, so the next run
    and the failure count stay as they were. Re-entrant in a thread, and free inside the job itself.
    """
    if name in getattr(_held, 'names', ()):
        yield
        return
    job_ = get(name)
    holder = holder_name()
    with db.writing():
        query = JobLease.select().where(JobLease.name == name)
        before = (query if db.is_sqlite() else query.for_update()).first()  # SQLite: BEGIN IMMEDIATE
        if not claim(job_, holder, force=True):
            raise Busy(busy_message) if busy_message else _busy(name)
        mine = JobLease.get_by_id(name).started_at
    try:
        with _holding(name):
            yield
    finally:
        with db.writing():
            ours = (JobLease.name == name) & (JobLease.holder == holder) & (JobLease.started_at == mine)
            if before is None:
                JobLease.delete().where(ours).execute()
            else:
                JobLease.update(holder=before.holder, expires_at=before.expires_at,
                                started_at=before.started_at, finished_at=before.finished_at
                                ).where(ours).execute()


def status():
    """Every registered job with its interval and lease, for `jobs list`."""
    leases = {lease.name: lease for lease in JobLease.select()}
    rows = []
    for name, job_ in sorted(JOBS.items()):
        lease = leases.get(name)
        rows.append({'name': name, 'every': interval(job_), 'help': job_.help,
                     'last_start': lease.started_at if lease else None,
                     'last_end': lease.finished_at if lease else None,
                     'holder': lease.holder if lease else None,
                     'failures': lease.failures if lease else 0,
                     'next': lease.expires_at if lease else None})
    return rows


# --- the thread of the jobs process ---------------------------------------------------------

class Runner(threading.Thread):
    """Wakes every TICK seconds and runs what is due; stop() ends it after the current job."""

    def __init__(self):
        super().__init__(name='ecole-ent-scheduler', daemon=True)
        self.stopping = threading.Event()
        self.holder = holder_name()

    def run(self):
        while not self.stopping.wait(TICK):
            try:
                run_due(self.holder)
            except Exception:   # database unreachable for a moment: log, try again next tick
                logger.exception('planificateur : tour de tâches impossible')
            finally:
                db.close()

    def stop(self, timeout=10):
        self.stopping.set()
        if self.is_alive():
            self.join(timeout)


def enabled(config):
    """Whether jobs run on a schedule (scheduler.enabled; false: only from the command line)."""
    return config.get('scheduler.enabled', True)


def start(config):
    """Start this process's scheduler thread (after fork), unless scheduler.enabled is false."""
    load()
    configure(config)
    if not enabled(config) or not JOBS:
        return None
    try:
        release_dead()
    finally:
        db.close()
    runner = Runner()
    runner.start()
    return runner
