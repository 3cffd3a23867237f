"""Running the configured sync unattended: a database lease, back-off, an in-process timer.

Only one process runs the job at a time, whatever the number of server processes or a
cron job started meanwhile: the lease is a row in the database, taken with a conditional
UPDATE (or INSERT) inside a write transaction. A failed run (directory unreachable, bad
feed) changes no account; the next attempt waits 5 minutes, then 10, 20... up to the
normal interval. ``run_once`` is what cron, the systemd timer and the admin button call.
"""
import logging
import os
import socket
import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta

from peewee import IntegrityError

from ..db import writing
from ..i18n import _
from ..models import now
from ..models.directory import JobLease
from . import service
from .records import FeedError

logger = logging.getLogger(__name__)
JOB = 'directory-sync'
LEASE = timedelta(minutes=30)        # a run that crashed without releasing frees the job after this
FIRST_RETRY = timedelta(minutes=5)
HOLDER = f'{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}'
_held = threading.local()            # the lease this thread holds, so nested calls do not wait


def acquire(name=JOB, holder=HOLDER, ttl=LEASE, at=None):
    """Take the lease if it is free or expired; True when this holder now has it."""
    at = at or now()
    with writing():
        taken = (JobLease.update(holder=holder, expires_at=at + ttl)
                 .where((JobLease.name == name)
                        & ((JobLease.expires_at <= at) | (JobLease.holder == holder)
                           | (JobLease.holder == '')))
                 .execute())
        if taken:
            return True
        if JobLease.select().where(JobLease.name == name).exists():
            return False
        try:
            with writing():              # a savepoint: a concurrent insert must not abort us
                JobLease.create(name=name, holder=holder, expires_at=at + ttl)
            return True
        except IntegrityError:
            return False


def release(name=JOB, holder=HOLDER, error=None, interval=timedelta(hours=6), at=None):
    """Free the lease and set the next run: the interval, or a back-off after a failure."""
    at = at or now()
    lease = JobLease.get(JobLease.name == name)
    failures = lease.failures + 1 if error else 0
    wait = backoff(failures, interval) if error else interval
    with writing():
        JobLease.update(holder='', expires_at=at, failures=failures, next_run_at=at + wait,
                        last_error=error or '').where(
            (JobLease.name == name) & (JobLease.holder == holder)).execute()
    return wait


def _new_holder():
    return f'{HOLDER}:{uuid.uuid4().hex[:8]}'     # per run: two threads are two holders


@contextmanager
def exclusive():
    """Hold the sync lease around a manual run (command line, admin upload); re-entrant.

    Raises FeedError when another run holds it; leaves the schedule's back-off untouched.
    """
    if getattr(_held, 'holder', None):
        yield
        return
    holder = _new_holder()
    if not acquire(holder=holder):
        raise FeedError(_('Une synchronisation est déjà en cours.'))
    _held.holder = holder
    try:
        yield
    finally:
        _held.holder = None
        with writing():
            JobLease.update(holder='', expires_at=now()).where(
                (JobLease.name == JOB) & (JobLease.holder == holder)).execute()


def backoff(failures, interval):
    """5 min, 10, 20, 40... never longer than the normal interval."""
    return min(interval, FIRST_RETRY * (2 ** max(failures - 1, 0)))


def due(at=None):
    lease = JobLease.get_or_none(JobLease.name == JOB)
    return lease is None or lease.next_run_at is None or lease.next_run_at <= (at or now())


def state():
    return JobLease.get_or_none(JobLease.name == JOB)


def run_once(config, trigger='schedule', actor=None, job=None):
    """Run the configured sync if nobody else is: (True|False|None, French message).

    True: applied; False: failed (and back-off set); None: another run holds the lease.
    """
    interval = timedelta(hours=config['directory.interval_hours'])
    holder = _new_holder()
    if not acquire(holder=holder):
        return None, _('Une synchronisation est déjà en cours.')
    error = None
    _held.holder = holder
    try:
        outcomes = (job or service.run_configured)(config, trigger=trigger, actor=actor)
        message = _('Synchronisation terminée ({n} import(s)).').format(n=len(outcomes))
    except FeedError as exc:
        error = message = str(exc)
        logger.warning('synchronisation planifiée non appliquée : %s', message)
    except Exception as exc:          # the scheduler must survive anything; the log has the trace
        logger.exception('échec de la synchronisation planifiée')
        error = message = _('Échec inattendu : {error}').format(error=exc)
    finally:
        _held.holder = None
        release(holder=holder, error=error, interval=interval)
    return error is None, message


class Scheduler(threading.Thread):
    """Checks every minute whether the configured sync is due, and runs it."""

    def __init__(self, config, tick=60):
        super().__init__(name='ecole-directory-sync', daemon=True)
        self.config, self.tick = config, tick
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.wait(self.tick):
            try:
                if due():
                    run_once(self.config)
            except Exception:
                logger.exception('planificateur de synchronisation')

    def stop(self):
        self.stopping.set()


def start(config):
    """Start the in-process scheduler when a source is configured (server processes only)."""
    if not config['directory.source']:
        return None
    scheduler = Scheduler(config)
    scheduler.start()
    return scheduler
