"""The directory sync as a periodic job of the scheduler (ecole_ent/scheduler.py).

Every `directory.interval_hours`, or sooner after a failure (5 minutes, 10, 20... at most the
interval), the configured source is read and applied. The job's lease also keeps a manual import
(command line, uploaded file: directory/apply.py) from overlapping a run (directory/schedule.py).
"""
import logging

from ..scheduler import current_config, job
from . import service

logger = logging.getLogger(__name__)
NAME = 'directory.sync'


@job(NAME, every=lambda config: config['directory.interval_hours'] * 3600, backoff=300,
     help="Synchronise les comptes avec l'annuaire configuré, à l'heure prévue")
def sync():
    outcomes = service.run_configured(current_config())   # FeedError: the scheduler backs off
    if outcomes:
        logger.info('synchronisation planifiée : %d import(s)', len(outcomes))
