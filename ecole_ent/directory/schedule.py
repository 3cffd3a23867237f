"""The directory sync on demand, and the lock that keeps manual imports and runs apart.

The periodic run is the scheduler's job `directory.sync` (directory/jobs.py): its lease is the
job's row in job_lease, so one run at a time whatever the number of processes, and after a failure
(directory unreachable, bad feed: no account changes) the next attempt waits 5 minutes, then 10,
20... up to `directory.interval_hours`. This module adds:
- run_once(): the command line (`directory sync-scheduled`, cron) and the admin button run the job
  now, unless it is running, and its outcome sets the next run as a scheduled run's would;
- exclusive(): a manual import (command line, uploaded AAF or ONDE file) holds the job's lease,
  so that it and a run exclude each other, without moving the next scheduled run;
- state(): the job's lease, for the directory page.
"""
from .. import scheduler
from ..errors import EcoleError
from ..i18n import _
from ..models import JobLease
from . import jobs, service
from .records import FeedError

JOB = jobs.NAME


def busy_message():
    return _('Une synchronisation est déjà en cours.')


def exclusive():
    """Hold the sync's lease around a manual import; re-entrant (a run already holds it).

    Raises scheduler.Busy while another run or import holds it; leaves the schedule untouched.
    """
    return scheduler.hold(JOB, busy_message())


def state():
    """What the directory page says of the job, None before its first run: {'running',
    'next_run_at' (None while running)}."""
    lease = JobLease.get_or_none(JobLease.name == JOB)
    if lease is None:
        return None
    busy = scheduler.running(lease)
    return {'running': busy, 'next_run_at': None if busy else lease.expires_at}


def run_once(config, trigger='schedule', actor=None, job=None):
    """Run the configured sync now if nobody else is: (True|False|None, French message).

    True: applied; False: failed (back-off set); None: a run or an import holds the lease.
    `job(config, trigger=, actor=)` replaces service.run_configured (tests).
    """
    outcomes, errors = [], []

    def run():
        try:
            outcomes.extend((job or service.run_configured)(config, trigger=trigger, actor=actor))
        except FeedError as exc:
            errors.append(str(exc))
            raise                      # the scheduler records the failure and backs off
        except Exception as exc:       # logged with its trace by the scheduler, which survives it
            errors.append(_('Échec inattendu : {error}').format(error=exc))
            raise
    try:
        scheduler.configure(config)     # the job's interval comes from it (as `jobs run` does)
        scheduler.run_now(JOB, run)
    except scheduler.Busy:
        return None, busy_message()
    except EcoleError as exc:
        return False, errors[0] if errors else str(exc)
    return True, _('Synchronisation terminée ({n} import(s)).').format(n=len(outcomes))
