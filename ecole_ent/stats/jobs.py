"""The statistics' fold as a job (also `ecole-ent jobs run stats.fold`): it looks every 15 minutes,
as backup.nightly does, and folds as soon as a past day still has events or a past month its seen
visitors (a look that finds none costs three indexed queries, fold.due), so a day's key lives
until a quarter of an hour past midnight, not a day more. The backup runs the fold first too
(hooks.BEFORE_BACKUP): an archive never holds a past day's key next to that day's events."""
from .. import hooks
from ..models import StatsEvent
from ..scheduler import job
from . import fold


@job('stats.fold', every=900,
     help='Statistiques : regroupe les jours passés en totaux anonymes, efface leurs événements et leurs clés')
def nightly():
    if fold.due():
        fold.run()


def before_backup(config):
    """hooks.BEFORE_BACKUP: fold the past days before the database is copied (a failure is logged
    by maintenance.service.make_backup, and the backup goes on). A database without the statistics'
    tables yet (the backup before the migration that makes them) has nothing to fold: nothing is
    tried, no error is logged."""
    if StatsEvent.table_exists() and fold.due():
        fold.run()


hooks.BEFORE_BACKUP.add(before_backup)
