"""The statistics' nightly job: the fold (also `ecole-ent jobs run stats.fold`)."""
from ..scheduler import job
from . import fold


@job('stats.fold', every=24 * 3600,
     help='Statistiques : regroupe les jours passés en totaux anonymes, efface leurs événements et leurs clés')
def nightly():
    fold.run()
