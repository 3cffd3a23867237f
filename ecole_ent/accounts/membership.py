"""Who belongs to which class, in which role, and what that allows: the one place every feature
(blog, photos, home, directory) asks "may this user read / write in this class" and "which classes
are this user's this year". Plain functions, no bottle.

Membership is three tables: Teaching (a teacher, or staff such as an ATSEM, works in a class),
Enrolment (a pupil's current class: ended_on is null) and GuardianLink (a guardian's children).
On top of them, per class:
  manager  its teachers (and a director who teaches it), the director of its school, the admin
  pupil    a pupil enrolled in it
  guardian a guardian of a pupil enrolled in it
  staff    school staff with a Teaching row but no teacher role (an ATSEM): reads
Only active accounts have a role. The checks run on every page of a class: prepared queries (see
db.prepared), one small query per relation asked, none for the admin or the school's director.
"""

from ..db import prepared
from ..errors import Forbidden, ValidationError
from ..i18n import _
from ..models import Classroom, Enrolment, GuardianLink, School, SchoolYear, Teaching
from ..text import strip_accents

WRITERS = ('manager', 'pupil')

_teaches = prepared(lambda user_id, class_id: (
    Teaching.select(Teaching.id).where((Teaching.teacher == user_id)
                                       & (Teaching.classroom == class_id)).limit(1)), 2)
_enrolled = prepared(lambda user_id, class_id: (
    Enrolment.select(Enrolment.id).where((Enrolment.pupil == user_id) & (Enrolment.classroom == class_id)
                                         & Enrolment.ended_on.is_null()).limit(1)), 2)
_guardian_in = prepared(lambda user_id, class_id: (
    Enrolment.select(Enrolment.id).join(GuardianLink, on=(GuardianLink.pupil == Enrolment.pupil))
    .where((GuardianLink.guardian == user_id) & (Enrolment.classroom == class_id)
           & Enrolment.ended_on.is_null()).limit(1)), 2)
_classroom = prepared(lambda class_id: Classroom.select().where(Classroom.id == class_id), 1)


def _exists(rows):
    return next(iter(rows), None) is not None


def _id(classroom):
    """Callers hold a Classroom or only its id."""
    return getattr(classroom, 'id', classroom)


def classroom(class_id):
    """The class with this id, or None (one prepared query)."""
    return next(iter(_classroom(class_id)), None)


# --- the relations ------------------------------------------------------------------------------

def works_in(user, classroom):
    """A Teaching row: the user teaches the class, or works in it as staff (an ATSEM)."""
    return _exists(_teaches(user.id, _id(classroom)))


def heads(user, classroom):
    """The installation admin, or the director of the class's school: every class, no query."""
    return user.has_role('admin') or (user.has_role('director')
                                      and user.school_id == classroom.school_id)


def enrolled(pupil, classroom):
    """The pupil is enrolled in the class now (a current Enrolment)."""
    return _exists(_enrolled(pupil.id, _id(classroom)))


def is_teacher_of(user, classroom):
    """A teacher of the class (teacher role and a Teaching row). Staff working in it are not."""
    return user.has_role('teacher') and works_in(user, classroom)


def teaches(user, classroom):
    """Teacher-level rights for photos, the class page and pupils' cards: the admin, the director
    of its school, and whoever has a Teaching row for it (staff included, as these features always
    allowed; the blog's role_in() gives staff reading rights only)."""
    return heads(user, classroom) or works_in(user, classroom)


# --- roles and rights -------------------------------------------------------------------------

def role_in(user, classroom):
    """The user's role in this class ('manager', 'pupil', 'guardian', 'staff') or None."""
    if user is None or not user.is_active:
        return None
    if heads(user, classroom):
        return 'manager'
    taught = user.has_role('teacher', 'director', 'staff') and works_in(user, classroom)
    if taught and user.has_role('teacher', 'director'):
        return 'manager'
    if user.has_role('pupil') and enrolled(user, classroom):
        return 'pupil'
    if user.has_role('guardian') and _exists(_guardian_in(user.id, classroom.id)):
        return 'guardian'
    return 'staff' if taught else None


def may_read(user, classroom):
    """Every member of the class reads it: its teachers and staff, pupils, their guardians, the
    director of its school, the admin."""
    return role_in(user, classroom) is not None


def may_write(user, classroom):
    """Its managers and its pupils write in it (pupils' work waits for approval); families and
    staff read."""
    return role_in(user, classroom) in WRITERS


def class_and_role(user, class_id, refusal):
    """(classroom, role) when the user has a role in the class (role_in); Forbidden(refusal), a
    feature's French sentence, otherwise, a missing class too."""
    found = classroom(class_id)
    role = role_in(user, found) if found else None
    if role is None:
        raise Forbidden(refusal)
    return found, role


def get_class(user, class_id):
    """The class if the user may read it; Forbidden otherwise (a missing class too)."""
    found = classroom(class_id)
    if found is None or not may_read(user, found):
        raise Forbidden(_("Cette classe n'est pas accessible avec votre compte."))
    return found


# --- classes of a user ------------------------------------------------------------------------

def class_ids(user):
    """Ids of the classes (any year) the user may read, as may_read() decides class by class: a
    pupil their own, a teacher or staff those they work in, a guardian their children's, a
    director every class of their school, the admin all."""
    if not user.is_active:
        return set()
    if user.has_role('admin'):
        return {c.id for c in Classroom.select(Classroom.id)}
    ids = set()
    if user.has_role('director') and user.school_id:
        ids |= {c.id for c in Classroom.select(Classroom.id).where(Classroom.school == user.school_id)}
    if user.has_role('teacher', 'director', 'staff'):
        ids |= {t.classroom_id for t in Teaching.select(Teaching.classroom).where(Teaching.teacher == user)}
    if user.has_role('pupil'):
        ids |= {e.classroom_id for e in Enrolment.current().select(Enrolment.classroom)
                .where(Enrolment.pupil == user)}
    if user.has_role('guardian'):
        ids |= {e.classroom_id for e in Enrolment.current().select(Enrolment.classroom)
                .where(Enrolment.pupil.in_(children(user.id)))}
    return ids


def classes_of(user, role):
    """This year's open classes of the user in this role, by name: 'pupil' the class they are
    enrolled in, 'teacher' those they work in, 'director' every class of their school."""
    if role == 'director':
        year = user.school.current_year() if user.school_id else None
        return list(Classroom.of_year(year)) if year else []
    if role == 'pupil':
        query = Classroom.select().join(Enrolment).where((Enrolment.pupil == user)
                                                         & Enrolment.ended_on.is_null())
    elif role == 'teacher':
        query = Classroom.select().join(Teaching).where(Teaching.teacher == user)
    else:
        raise ValueError(role)
    return list(query.join_from(Classroom, SchoolYear)
                .where(SchoolYear.current & ~Classroom.archived).order_by(Classroom.name))


def find_class(label, school_uai=None):
    """The open class of the current year a command line names (photos import, homework add): a
    number is its id, anything else its name as `users list` shows it, which --school UAI
    settles when two schools share it. ValidationError when unknown or ambiguous."""
    label = label.strip()
    query = (Classroom.select().join(SchoolYear).switch(Classroom).join(School)
             .where(SchoolYear.current & ~Classroom.archived))
    if school_uai:
        query = query.where(School.uai == school_uai.strip().upper())
    if label.isdigit() and len(label) <= 18:
        found = list(query.where(Classroom.id == int(label)))
    else:       # case and accents aside, as people type them (SQLite's LOWER folds ASCII only)
        key = strip_accents(label).casefold()
        found = [c for c in query if strip_accents(c.name).casefold() == key]
    if not found:
        raise ValidationError({'class': _('Classe inconnue : %s') % label})
    if len(found) > 1:
        raise ValidationError({'class': _('Plusieurs écoles ont une classe « %s » : précisez --school UAI.')
                               % label})
    return found[0]


def current_classes_of(user):
    """This year's classes a pupil is enrolled in, or a teacher (or director) teaches."""
    if user.has_role('pupil'):
        return classes_of(user, 'pupil')
    if user.has_role('teacher', 'director'):
        return classes_of(user, 'teacher')
    return []


def children(guardian_id):
    """A subquery: the ids of a guardian's children (for IN)."""
    return GuardianLink.select(GuardianLink.pupil).where(GuardianLink.guardian == guardian_id)


def children_classes(guardian_id):
    """A subquery: the ids of the current classes of a guardian's children (for IN)."""
    return (Enrolment.select(Enrolment.classroom).join(GuardianLink, on=(GuardianLink.pupil == Enrolment.pupil))
            .where((GuardianLink.guardian == guardian_id) & Enrolment.ended_on.is_null()))
