"""Photos' housekeeping, as a periodic job of the scheduler (also `ecole-ent jobs run`)."""
import logging

from ..scheduler import job
from . import service

logger = logging.getLogger(__name__)


@job('photos.clean_incoming', every=6 * 3600,
     help='Supprime les envois de photos laissés à moitié par un serveur arrêté (plus d’une heure)')
def clean_incoming():
    removed = service.media_store().clean_incoming()
    if removed:
        logger.info('%d envois de photos inachevés supprimés', removed)
