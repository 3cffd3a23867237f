"""The history of a pupil's image-rights consent: each change kept with its value, its source
(models.CONSENT_SOURCES: ONDE, the directory, the director...), who and when. Whoever changes a
pupil's consent calls record_change() in the same transaction; the pupil's admin page shows
history()."""
from ..models import CONSENTS
from ..models.privacy import CONSENT_SOURCES, ConsentChange
from . import service


def record_change(pupil, value, source, actor=None, at=None):
    """Keep one change (inside the caller's write transaction)."""
    assert value in CONSENTS and source in CONSENT_SOURCES, (value, source)
    return ConsentChange.create(pupil=getattr(pupil, 'id', pupil), image_rights=value, source=source,
                                actor=actor, at=at or service.clock())


def history(pupil):
    """The pupil's changes, newest first, with their actor (None: a source without a person)."""
    return list(ConsentChange.select().where(ConsentChange.pupil == getattr(pupil, 'id', pupil))
                .order_by(ConsentChange.at.desc(), ConsentChange.id.desc()))
