"""The date until which a closed school year's photos are kept (the photos rule of rules.py): the
director's choice, or the rule's default. The page that sets it comes with the register; the
retention job reads it through photos_until()."""
from .. import audit
from ..admin.service import require_school_admin
from ..db import writing
from ..errors import ValidationError, found
from ..i18n import _
from ..models import SchoolYear
from ..models.privacy import ArchiveDeadline
from . import service
from .commands import parse_day


def photos_until(year):
    """The last day the photos of `year` (a closed SchoolYear) are kept."""
    from .retention import photos_deadline
    return photos_deadline(year, service.settings())


def set_photos_until(actor, year_id, text):
    """The director's date for a closed year ('AAAA-MM-JJ'); ValidationError (nothing changed) for
    a malformed date, a date already past, or the current year."""
    year = found(SchoolYear.get_or_none(SchoolYear.id == year_id), _('Année scolaire introuvable.'))
    require_school_admin(actor, year.school_id)
    day = parse_day((text or '').strip())
    if year.current:
        raise ValidationError({'photos_until': _('L’année en cours n’est pas close : ses photos restent.')})
    if day is None:
        raise ValidationError({'photos_until': _('Date attendue sous la forme AAAA-MM-JJ (par exemple 2027-08-31).')})
    if day < service.clock().date():
        raise ValidationError({'photos_until': _('Choisissez une date à venir.')})
    with writing():
        (ArchiveDeadline.insert(year=year, photos_until=day, set_by=actor, set_at=service.clock())
         .on_conflict(conflict_target=[ArchiveDeadline.year],
                      update={ArchiveDeadline.photos_until: day, ArchiveDeadline.set_by: actor,
                              ArchiveDeadline.set_at: service.clock()}).execute())
        audit.record(actor, 'privacy.photos_until', year.label, school=year.school_id, day=day.isoformat())
    return day
