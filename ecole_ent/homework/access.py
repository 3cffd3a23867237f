"""Who may read and write which homework. The roles come from accounts.membership:

  manager   the class's teachers, the director of its school, the admin: every entry of the class,
            scheduled ones included; they write, copy, delete, and see who ticked
  pupil     a pupil of the class: the published entries given to their niveau (or to the whole
            class); ticks "fait"
  guardian  a guardian of a pupil of the class: what that child sees, and the child's ticks
  staff     staff working in the class (an ATSEM): the published entries, read only
An entry a user may not read is reported as missing (NotFound), so its existence does not leak.
"""
from ..accounts import membership
from ..db import prepared
from ..errors import Forbidden, NotFound, found
from ..i18n import _
from ..models import Enrolment, GuardianLink, Homework
from . import service


def hidden():
    return _("Ces devoirs n'existent pas ou ne sont pas visibles avec votre compte.")


def class_to_read(user, class_id):
    """(classroom, role) if the user may read this class's homework; Forbidden otherwise."""
    return membership.class_and_role(
        user, class_id, _("Le cahier de textes de cette classe n'est pas accessible avec votre compte."))


def class_to_write(user, class_id):
    """The classroom if the user may give it homework (its teachers, its school's director, the
    admin); Forbidden otherwise."""
    classroom, role = class_to_read(user, class_id)
    if role != 'manager':
        raise Forbidden(_('Seuls les enseignants de la classe peuvent donner des devoirs.'))
    return classroom


_niveau = prepared(lambda pupil_id, class_id: (
    Enrolment.select(Enrolment.niveau).where((Enrolment.pupil == pupil_id) & (Enrolment.classroom == class_id)
                                             & Enrolment.ended_on.is_null()).limit(1)), 2)
_is_guardian = prepared(lambda guardian_id, pupil_id: (
    GuardianLink.select(GuardianLink.id).where((GuardianLink.guardian == guardian_id)
                                               & (GuardianLink.pupil == pupil_id)).limit(1)), 2)


def niveau_of(pupil, classroom):
    """The pupil's niveau in this class now, or None when not enrolled in it."""
    row = next(iter(_niveau(pupil.id, getattr(classroom, 'id', classroom))), None)
    return row.niveau if row else None


def is_guardian_of(guardian, pupil):
    return next(iter(_is_guardian(guardian.id, pupil.id)), None) is not None


def is_published(entry, at=None):
    return entry.publish_at <= (at or service.clock())


def given_to(entry, niveau):
    """The entry is for this niveau: given to the whole class, or to a list naming it."""
    return not entry.niveaux or niveau in entry.niveau_list


def can_read(user, role, entry, at=None):
    """Whether `user`, in `role` in the entry's class, reads the entry now (at)."""
    if role == 'manager':
        return True
    if not is_published(entry, at):
        return False
    if role == 'staff':
        return True
    if role == 'pupil':
        return given_to(entry, niveau_of(user, entry.classroom_id))
    if role == 'guardian':      # through a child of theirs in the class, of a niveau it is given to
        return any(given_to(entry, niveau) for niveau in children_niveaux(user, entry.classroom_id))
    return False


def children_niveaux(guardian, class_id):
    """The niveaux of the guardian's children enrolled in this class now."""
    return [e.niveau for e in Enrolment.current().select(Enrolment.niveau)
            .join(GuardianLink, on=(GuardianLink.pupil == Enrolment.pupil))
            .where((GuardianLink.guardian == guardian.id) & (Enrolment.classroom == class_id))]


def entry_for(user, homework_id, at=None):
    """(entry, role) if the user may read the entry; NotFound otherwise (another class's, a
    scheduled one, one for another niveau)."""
    entry = found(Homework.get_or_none(Homework.id == homework_id), hidden())
    role = membership.role_in(user, entry.classroom)
    if role is None or not can_read(user, role, entry, at):
        raise NotFound(hidden())
    return entry, role


def entry_to_write(user, homework_id):
    """An entry the user may change (its class's managers); NotFound when they may not even read
    it, Forbidden when they only read it."""
    entry, role = entry_for(user, homework_id)
    if role != 'manager':
        raise Forbidden(_('Seuls les enseignants de la classe peuvent modifier ces devoirs.'))
    return entry


def child_to_read(user, pupil):
    """A guardian reads their own children's homework, a pupil their own; Forbidden otherwise."""
    if user.id == pupil.id and user.has_role('pupil'):
        return
    if user.has_role('guardian') and pupil.is_active and is_guardian_of(user, pupil):
        return
    raise Forbidden(_("Les devoirs de cet élève ne sont pas accessibles avec votre compte."))
