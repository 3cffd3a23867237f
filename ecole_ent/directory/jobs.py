"""The directory sync as a periodic job of the scheduler (ecole_ent/scheduler.py).

The job looks every 10 minutes; the sync itself runs when schedule.due() says so: every
`directory.interval_hours`, or sooner after a failure with back-off (5 minutes, 10, 20...).
"""
import logging

from ..scheduler import current_config, job
from . import schedule

logger = logging.getLogger(__name__)


@job('directory.sync', every=600, help="Synchronise les comptes avec l'annuaire configuré, à l'heure prévue")
def sync():
    config = current_config()
    if not config['directory.source'] or not schedule.due():
        return
    ran, message = schedule.run_once(config)
    logger.info('synchronisation planifiée : %s', message)
