"""The privacy feature's daily job: the retention rules applied (also `ecole-ent jobs run
privacy.retention`, or `ecole-ent privacy retention`)."""
from ..scheduler import job
from . import export, retention


@job('privacy.retention', every=24 * 3600,
     help='Applique les règles de conservation des données (RGPD) : efface ce qui a dépassé sa durée')
def daily():
    retention.run()


@job('privacy.exports', every=3600,
     help='Supprime les exports de données des familles de plus de 24 heures')
def exports():
    export.purge()
