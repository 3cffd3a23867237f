"""What two small privacy pages show: a pupil's image-rights consent history (on the pupil's admin
page, admin/accounts.py) and the director's dates for the photos of closed school years (the
form of routes.py; deadlines.py keeps and checks the date). Plain functions, no bottle."""
from dataclasses import dataclass
from datetime import date

from ..admin.service import get_school
from ..errors import found
from ..i18n import _, lazy
from ..models import SchoolYear, User
from ..models.privacy import ArchiveDeadline
from ..numbers import as_id
from . import consent, service

CONSENT_WORDS = {'granted': lazy('Autorisé'), 'refused': lazy('Refusé'), 'unknown': lazy('Non renseigné')}
SOURCE_WORDS = {'onde': lazy('ONDE (base élèves)'), 'aaf1d': lazy('annuaire académique (AAF)'),
                'ldap': lazy('annuaire LDAP'), 'directory': lazy('annuaire'), 'director': lazy('direction de l’école'),
                'admin': lazy('administration de l’ENT'), 'family': lazy('famille')}


@dataclass(frozen=True)
class ConsentRow:
    at: object          # datetime
    value: str          # French: « Autorisé »
    source: str         # French: « ONDE (base élèves) »
    actor: str          # the person's name, or '' for a feed


def consent_history(pupil):
    """The pupil's consent changes, newest first, in French (who, when, from which source)."""
    changes = consent.history(pupil)
    actor_ids = {change.actor_id for change in changes if change.actor_id}
    names = {user.id: user.display_name for user in User.select().where(User.id.in_(actor_ids))} if actor_ids else {}
    return [ConsentRow(change.at, CONSENT_WORDS.get(change.image_rights, change.image_rights),
                       SOURCE_WORDS.get(change.source, change.source), names.get(change.actor_id, ''))
            for change in changes]


@dataclass(frozen=True)
class ClosedYear:
    year: SchoolYear
    until: date             # the last day its photos are kept
    chosen: bool            # the director's date (else the rule's default)


def deadlines_page(actor, school_id):
    """The school (Forbidden for another school's director) and its closed years with their dates."""
    from . import deadlines  # here: deadlines -> retention -> erase -> admin.accounts, which imports this
    school = get_school(actor, school_id)
    years = list(SchoolYear.select().where((SchoolYear.school == school) & ~SchoolYear.current)
                 .order_by(SchoolYear.label.desc()))
    chosen = {row.year_id for row in ArchiveDeadline.select(ArchiveDeadline.year)
              .where(ArchiveDeadline.year.in_([year.id for year in years]))} if years else set()
    return {'school': school, 'today': service.clock().date(),
            'years': [ClosedYear(year, deadlines.photos_until(year), year.id in chosen) for year in years]}


def set_deadline(actor, school_id, year_id, text):
    """The director's date for one closed year of this school (ValidationError: nothing changed)."""
    from . import deadlines
    school = get_school(actor, school_id)
    year = found(SchoolYear.get_or_none((SchoolYear.id == as_id(str(year_id))) & (SchoolYear.school == school)),
                 _('Année scolaire introuvable.'))
    return year, deadlines.set_photos_until(actor, year.id, text)
