"""`ecole-ent rollover --year 2026-2027`: open the new school year.

Last year's classes become read-only archives (``Classroom.archived``; their members keep
reading them through the grace period), the new year becomes current, and the next feed
builds the new classes: each pupil's enrolment then moves to the new class of the same
source id. Leavers are deactivated by that feed and purged after the grace period.
Nothing is deleted here.
"""
import re

from .. import audit
from ..db import writing
from ..errors import ValidationError
from ..i18n import _
from ..models import Classroom, School, SchoolYear
from . import apply

YEAR = re.compile(r'^([0-9]{4})-([0-9]{4})$')


def rollover(label, school_uai=None, dry_run=False, actor=None):
    """Archive the current year's classes and open ``label``; returns a French summary."""
    match = YEAR.match(label or '')
    if not match or int(match[2]) != int(match[1]) + 1:
        raise ValidationError({'year': _('Année scolaire attendue sous la forme 2026-2027.')})
    uai = school_uai or apply.only_school()
    school = School.get_or_none(School.uai == (uai or '').upper())
    if school is None:
        raise ValidationError({'school': _('École inconnue : précisez --school UAI.')})
    current = school.current_year()
    if current is not None and current.label >= label:
        raise ValidationError({'year': _('L\'année en cours est déjà {current}.').format(
            current=current.label)})
    classes = list(Classroom.of_year(current)) if current else []
    summary = _('{school} : {n} classe(s) de {old} archivée(s), année {new} ouverte.').format(
        school=school.name, n=len(classes), old=current.label if current else '—', new=label)
    if dry_run:
        return _('Simulation : ') + summary
    with writing():
        if current is not None:
            Classroom.update(archived=True).where(Classroom.year == current).execute()
            SchoolYear.update(current=False).where(SchoolYear.school == school).execute()
        SchoolYear.create(school=school, label=label, current=True)
        audit.record(actor, 'directory.rollover', label, school=school.id, archived=len(classes))
    return summary
