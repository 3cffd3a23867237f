"""Periodic jobs, run by exactly one process per period however many processes serve.

The whole API, for a feature (put it in the feature's jobs.py, found through features.py):

    from ..scheduler import job

    @job('directory.sync', every=3600, help="Synchronise les comptes avec l'annuaire")
    def sync():
        ...     # the database is bound; raise to report a failure (retried with back-off)

`ecole-ent jobs list` shows every job and its last run; `ecole-ent jobs run NAME` runs one now.
Options: `scheduler.intervals = directory.sync=900,...` changes intervals; `scheduler.enabled =
false` keeps the thread from starting (jobs then run only from the command line, e.g. from cron).

How one process wins: every `serve` process starts one thread (start()) that wakes each second and,
for a job whose lease looks expired, tries to claim it with a single atomic statement:
    UPDATE job_lease SET holder = me, expires_at = start + max(interval, timeout)
     WHERE name = job AND expires_at < now
(or, the first time, INSERT ... ON CONFLICT DO NOTHING). On PostgreSQL a concurrent UPDATE waits
for the row lock then re-checks the WHERE on the new row, so only one statement changes the row;
on SQLite writes are serialised (BEGIN IMMEDIATE). The winner runs the job, then sets
expires_at = start + interval (success) or now + back-off (failure: 30 s doubling, at most the
interval). A process that dies mid-run holds the lease at most `timeout` (default one hour). Times
are naive UTC from each host's clock: hosts sharing a database must keep their clocks in sync.
"""
import logging
import os
import socket
import threading
import traceback
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from . import db, features
from .errors import EcoleError, NotFound
from .i18n import _
from .models import JobLease, JobRun, now

logger = logging.getLogger(__name__)

TICK = 1.0                       # seconds between two looks at the leases
BACKOFF_START = 30               # seconds before the first retry of a failed job
HISTORY_DAYS = 30


@dataclass
class Job:
    name: str
    every: int                   # seconds
    function: Callable
    help: str = ''
    timeout: int = 3600          # a run older than this is presumed dead


JOBS = {}
_overrides = {}
_config = {}


def current_config():
    """The configuration of this process, for jobs that need it (set by configure())."""
    return _config['value']


def job(name, every, help='', timeout=3600):
    """Decorator registering `function` as the periodic job `name` (every `every` seconds)."""
    def register(function):
        JOBS[name] = Job(name, int(every), function, help, int(timeout))
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
    return _overrides.get(job_.name, job_.every)


def holder_name():
    return f'{socket.gethostname()}:{os.getpid()}'[:200]


# --- the lease --------------------------------------------------------------------------------

def claim(job_, holder, force=False):
    """Take the lease of job_ if it is due (or, with force, if it is not running); True if taken."""
    moment = now()
    hold_until = moment + timedelta(seconds=max(interval(job_), job_.timeout))
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


def run_claimed(job_, holder):
    """Run a job whose lease this process holds; record the outcome; True if it succeeded."""
    started = JobLease.get_by_id(job_.name).started_at
    with db.writing():
        run = JobRun.create(name=job_.name, holder=holder, started_at=started)
    error = None
    try:
        job_.function()
    except Exception:   # a job failure is logged and retried, it never stops the scheduler
        error = traceback.format_exc(limit=8)
        logger.exception('tâche périodique %s en échec', job_.name)
    finished = now()
    with db.writing():
        lease = JobLease.get_by_id(job_.name)
        if error is None:
            failures, expires = 0, started + timedelta(seconds=interval(job_))
        else:
            failures = lease.failures + 1
            expires = finished + timedelta(
                seconds=min(interval(job_), BACKOFF_START * 2 ** (failures - 1)))
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


def run_now(name):
    """`ecole-ent jobs run NAME`: run one job now unless another process is running it."""
    job_ = JOBS.get(name)
    if job_ is None:
        raise NotFound(_('Tâche inconnue : %s (tâches : %s)') % (name, ', '.join(sorted(JOBS)) or '-'))
    holder = holder_name()
    if not claim(job_, holder, force=True):
        lease = JobLease.get_by_id(name)
        raise EcoleError(_('La tâche %s est en cours dans %s depuis %s (UTC) : réessayez plus tard.')
                         % (name, lease.holder, f'{lease.started_at:%d/%m/%Y %H:%M:%S}'))
    if not run_claimed(job_, holder):
        raise EcoleError(_('La tâche %s a échoué : %s')
                         % (name, JobLease.get_by_id(name).last_error.strip().splitlines()[-1]))


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


# --- the thread each serving process runs -----------------------------------------------------

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


def start(config):
    """Start this process's scheduler thread (after fork), unless scheduler.enabled is false."""
    load()
    configure(config)
    if not config.get('scheduler.enabled', True) or not JOBS:
        return None
    runner = Runner()
    runner.start()
    return runner
