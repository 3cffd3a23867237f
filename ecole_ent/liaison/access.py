"""Who may send, read, sign and follow which note of the cahier de liaison. The one place of these
rules (tests/liaison/test_access.py and test_routes.py check them as a matrix).

  send      a class note: the class's managers (membership.role_in == 'manager': its teachers,
            its school's director, the admin), to the guardians of the whole class, of some of
            its niveaux, or of chosen pupils of it. A school-wide note (classroom null), and an
            urgent note (always school-wide), only the school's director and the admin.
  follow    a note's status (who read, signed, answered), its reminders, paper signatures, slips
            and CSV export: a class note's class managers; a school-wide note's school director
            and the admin. Scheduled notes too, before they go out.
  read      a guardian reads, signs and answers a note only through the receipts where they are
            the guardian (one per child the note is for), once the note is sent (send_at passed).
  nobody else: pupils and staff (an ATSEM) read nothing here; notes go to families, and a
            class's staff follow nothing (the teacher does). Teachers of the school do not follow
            the director's school-wide notes (the director does); they receive them as guardians
            if they are one.
A note one may not read is missing (NotFound), so its existence does not leak; a note one reads
but may not follow (a guardian asking for the status) is Forbidden.
"""
from ..accounts import membership
from ..db import prepared
from ..errors import Forbidden, NotFound, found
from ..i18n import _
from ..models import GuardianLink, Note, NoteReceipt, School
from . import service


def hidden():
    return _("Ce mot n'existe pas ou n'est pas visible avec votre compte.")


def class_to_send(user, class_id):
    """The classroom if the user may send its families a note (its managers); Forbidden
    otherwise, a missing class too."""
    classroom, role = membership.class_and_role(
        user, class_id, _("Vous n'enseignez pas dans cette classe : vous ne pouvez pas écrire à ses familles."))
    if role != 'manager':
        raise Forbidden(_("Seuls les enseignants de la classe peuvent écrire un mot à ses familles."))
    return classroom


def heads_school(user, school_id):
    """The admin, or the director of this school (active accounts)."""
    return user.is_active and (user.has_role('admin')
                               or (user.has_role('director') and user.school_id == school_id))


def school_to_send(user, school_id):
    """The school if the user may send a school-wide (or urgent) note to all its families: its
    director, the admin; Forbidden otherwise."""
    school = School.get_or_none(School.id == school_id) if school_id else None
    if school is None or not heads_school(user, school.id):
        raise Forbidden(_("Seule la direction de l'école peut écrire un mot à toutes les familles "
                          "de l'école ou un mot urgent."))
    return school


def may_follow(user, note):
    """Whether the user follows this note: its class's managers, or for a school-wide note its
    school's director and the admin."""
    if note.classroom_id is None:
        return heads_school(user, note.school_id)
    classroom = membership.classroom(note.classroom_id)
    return classroom is not None and membership.role_in(user, classroom) == 'manager'


def guardian_receipts(guardian_id):
    """A query of the receipts a guardian reads (of notes sent or not: own_receipts() adds that),
    theirs while they are the child's guardian; guardian_id may be a prepared() parameter."""
    return (NoteReceipt.select(NoteReceipt)
            .join(GuardianLink, on=((GuardianLink.guardian == NoteReceipt.guardian)
                                    & (GuardianLink.pupil == NoteReceipt.pupil)))
            .where(NoteReceipt.guardian == guardian_id))


_receipts_of = prepared(lambda note_id, guardian_id: (
    guardian_receipts(guardian_id).where(NoteReceipt.note == note_id).order_by(NoteReceipt.pupil)), 2)


def reads_as_guardian(user):
    return user.is_active and user.has_role('guardian')


def own_receipts(user, note):
    """The user's receipts of the note as a guardian (one per child it is for), once it is sent,
    while they are still that child's guardian (a GuardianLink removed by the directory or the
    school takes the child's notes away, pending authorisations included)."""
    if not reads_as_guardian(user) or note.send_at > service.clock():
        return []
    return _receipts_of(note.id, user.id)


_note = prepared(lambda note_id: Note.select().where(Note.id == note_id), 1)


def note_for(user, note_id):
    """(note, follows, receipts) if the user may see the note: follows says they may follow it,
    receipts are theirs as a guardian. NotFound otherwise."""
    note = found(next(iter(_note(note_id)), None), hidden())
    follows = may_follow(user, note)
    receipts = own_receipts(user, note)
    if not follows and not receipts:
        raise NotFound(hidden())
    return note, follows, receipts


def note_to_follow(user, note_id):
    """The note if the user follows it; NotFound when they may not even read it, Forbidden when
    they only read it (a guardian)."""
    note, follows, _receipts = note_for(user, note_id)
    if not follows:
        raise Forbidden(_("Seuls les enseignants de la classe suivent les signatures de ce mot."))
    return note


def receipt_to_sign(user, note_id, pupil_id):
    """(note, receipt): the user's own receipt of the note for this child; NotFound otherwise."""
    note, _follows, receipts = note_for(user, note_id)
    receipt = next((r for r in receipts if str(r.pupil_id) == str(pupil_id)), None)
    if receipt is None:
        raise NotFound(_("Ce mot n'est pas adressé à vos enfants avec votre compte."))
    return note, receipt
