"""The privacy feature's daily job: the retention rules applied (also `ecole-ent jobs run
privacy.retention`, or `ecole-ent privacy retention`)."""
from ..scheduler import job
from . import retention


@job('privacy.retention', every=24 * 3600,
     help='Applique les règles de conservation des données (RGPD) : efface ce qui a dépassé sa durée')
def daily():
    retention.run()
