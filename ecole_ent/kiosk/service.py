"""The kiosk's services: signing in at the kiosk (password or QR card), what a kiosk session shows
(each child's week of homework and the notes still to sign, as print views), and the school's
setting. Who may do what is in access.py; the homework and the notes are read through their own
features' rules (homework.reading, liaison.access), never copied.
"""
from datetime import timedelta

from .. import audit
from ..accounts import service as accounts
from ..admin import service as admin
from ..db import writing
from ..directory import cards
from ..errors import Forbidden, NotFound, ValidationError
from ..homework import reading
from ..homework import service as homework
from ..i18n import _
from ..liaison import access as liaison
from ..liaison import pages as liaison_pages
from ..models import School
from . import access, locks


def sign_in_password(school, login, password, address):
    """The user these credentials sign in at this school's kiosk; ValidationError({'form': why})."""
    try:
        user = accounts.authenticate(login, password, address, allowed=lambda u: access.may_sign_in(u, school))
        access.require_may_sign_in(user, school)
    except (accounts.LoginError, Forbidden) as exc:
        locks.remember_failure(school, address)
        raise ValidationError({'form': str(exc)}) from None
    return user


def sign_in_card(school, token, address, networks):
    """The pupil whose card this is, if a pupil of this school; ValidationError({'jeton': why})."""
    try:
        pupil = cards.card_user(token, address, networks, allowed=lambda u: access.may_sign_in(u, school))
        access.require_may_sign_in(pupil, school)
    except Forbidden as exc:
        locks.remember_failure(school, address)
        raise ValidationError({'jeton': str(exc)}) from None
    return pupil


def home(user):
    """[{'child', 'classroom', 'notes': [note to sign or answer]}]: the guardian's children (or the
    pupil alone), each with the notes still waiting for a signature."""
    if user.has_role('pupil'):
        week = reading.pupil_weeks(user, homework.monday_of(homework.today()), 1)
        return [{'child': user, 'classroom': week.classroom if week else None, 'notes': []}]
    return [{'child': part['child'], 'classroom': part['classroom'],
             'notes': [note for note, _receipt in part['todo']]}
            for part in liaison_pages.guardian_notes(user)]


def weeks(monday):
    """The weeks the kiosk offers to print: this one and the next."""
    this = homework.monday_of(homework.today())
    return [(homework.week_label(day), day == monday, label) for day, label in
            ((this, _('Cette semaine')), (this + timedelta(days=7), _('La semaine prochaine')))]


def child_week(user, pupil_id, monday):
    """The week of homework of one of the user's children (or the pupil's own); NotFound otherwise."""
    if user.has_role('pupil'):
        found = [reading.pupil_weeks(user, monday, 1)] if user.id == pupil_id else []
    else:
        found = [w for w in reading.guardian_weeks(user, monday, 1) if w.child.id == pupil_id]
    found = [w for w in found if w is not None]
    if not found:
        raise NotFound(_('Aucun cahier de textes pour cet enfant cette année.'))
    return found[0]


def note_slip(user, note_id, pupil_id):
    """(note, receipt) of a note the guardian has for this child (liaison's own rule)."""
    return liaison.receipt_to_sign(user, note_id, pupil_id)


def set_kiosk(actor, school_id, enabled):
    """Open or close the school's kiosk: its director or the admin (admin.require_school_admin)."""
    school = admin.get_school(actor, school_id)
    with writing():
        School.update(kiosk=bool(enabled)).where(School.id == school.id).execute()
        audit.record(actor, 'kiosk.enabled' if enabled else 'kiosk.disabled', school.uai, school=school.id)
    return school
