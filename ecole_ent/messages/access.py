"""Who may write to whom: ONE rule table, RULES, from (sender role, recipient role) to the
relation that must hold between the two people. may_write(sender, recipient) is true when both
accounts are active, they are two people, and one rule of a role each holds:

  sender    recipient                   relation
  guardian  teacher                     the teacher (teacher role and a Teaching row) teaches the
                                        current class of one of the guardian's children
  guardian  director                    the director of the school of one of those classes
  teacher   guardian                    the same relation, seen from the teacher
  teacher   teacher, director, staff    both belong to the same school
  director  guardian                    a child of the guardian is in a current class of the
                                        director's school
  director  teacher, director, staff    same school
  staff     teacher, director, staff    same school (an ATSEM writes to the team only)
  admin     director, teacher           anyone (the installation's IT writes to every school)
  director, teacher  admin              anyone: so that they can answer the admin
No rule: guardian to guardian, guardian to staff, anyone to or from a pupil (pupils do not
message yet). So a guardian writes only to staff of their children's school.

A thread has at most one family member (a guardian who holds no staff role): a message to
several families is one thread per family member, sharing Thread.batch (threads.py), so a
family's reply never reaches another family.

Replying: a member answers the people the thread's creator put together (a teacher's message to
a family with the ATSEM in copy: the family's answer reaches both), so a member must still be
allowed to write to the creator; the creator, to every other active member (reply_refusal). A
guardian whose child has left the class may no longer answer its old teacher there: the thread
page says so, and they start a new message to whom they may write now. Chosen over delivering a
reply to some members only, which the others would read in the thread without being told.

Reading a thread: its members only; for anyone else it does not exist (NotFound).
"""
from collections import OrderedDict

from ..accounts import membership
from ..accounts import service as accounts
from ..db import prepared
from ..errors import NotFound, found
from ..i18n import _
from ..models import Classroom, Enrolment, GuardianLink, School, Teaching, Thread, ThreadMember, User

STAFF_ROLES = ('teacher', 'director', 'staff', 'admin')
TEAM = ('teacher', 'director', 'staff')

_teaches_child = prepared(lambda guardian_id, teacher_id: (
    Teaching.select(Teaching.id)
    .join(Enrolment, on=((Enrolment.classroom == Teaching.classroom) & Enrolment.ended_on.is_null()))
    .join(GuardianLink, on=(GuardianLink.pupil == Enrolment.pupil))
    .where((GuardianLink.guardian == guardian_id) & (Teaching.teacher == teacher_id)).limit(1)), 2)
_child_in_school = prepared(lambda guardian_id, school_id: (
    Enrolment.select(Enrolment.id)
    .join(GuardianLink, on=(GuardianLink.pupil == Enrolment.pupil))
    .join_from(Enrolment, Classroom)
    .where((GuardianLink.guardian == guardian_id) & Enrolment.ended_on.is_null()
           & (Classroom.school == school_id)).limit(1)), 2)
_is_member = prepared(lambda thread_id, user_id: (
    ThreadMember.select(ThreadMember.id).where((ThreadMember.thread == thread_id)
                                               & (ThreadMember.user == user_id)).limit(1)), 2)


def teaches_a_child(guardian, teacher):
    """The teacher has a Teaching row in the current class of one of the guardian's children."""
    return bool(_teaches_child(guardian.id, teacher.id))


def heads_a_childs_school(guardian, director):
    """A child of the guardian is in a current class of the director's school."""
    return director.school_id is not None and bool(_child_in_school(guardian.id, director.school_id))


def same_school(sender, recipient):
    return sender.school_id is not None and sender.school_id == recipient.school_id


def anyone(_sender, _recipient):
    return True


RULES = {
    ('guardian', 'teacher'): teaches_a_child,
    ('guardian', 'director'): heads_a_childs_school,
    ('teacher', 'guardian'): lambda sender, recipient: teaches_a_child(recipient, sender),
    ('director', 'guardian'): lambda sender, recipient: heads_a_childs_school(recipient, sender),
    **{(sender, recipient): same_school for sender in ('teacher', 'director', 'staff') for recipient in TEAM},
    ('admin', 'director'): anyone,
    ('admin', 'teacher'): anyone,
    ('director', 'admin'): anyone,
    ('teacher', 'admin'): anyone,
}


def may_write(sender, recipient):
    """Whether `sender` may write to `recipient` (RULES; both active, two people)."""
    if sender is None or recipient is None or sender.id == recipient.id:
        return False
    if not (sender.is_active and recipient.is_active):
        return False
    return any(check(sender, recipient) for (from_role, to_role), check in RULES.items()
               if from_role in sender.role_set and to_role in recipient.role_set)


def is_family(user):
    """A guardian who holds no staff role: at most one per thread."""
    return user.has_role('guardian') and not user.has_role(*STAFF_ROLES)


def may_message(user):
    """Whether the user has a messaging inbox at all: everyone but pupils (and pupil-only accounts)."""
    return user.is_active and user.has_role('guardian', *STAFF_ROLES)


# --- threads ------------------------------------------------------------------------------------------

def hidden():
    return _("Cette conversation n'existe pas ou n'est pas visible avec votre compte.")


def is_member(user, thread_id):
    return bool(_is_member(thread_id, user.id))


def thread_for(user, thread_id):
    """The thread if the user is one of its members; NotFound otherwise (its existence does not leak)."""
    thread = found(Thread.get_or_none(Thread.id == thread_id), hidden())
    if not (user.is_active and is_member(user, thread.id)):
        raise NotFound(hidden())
    return thread


def members_of(thread):
    return list(User.select().join(ThreadMember, on=(ThreadMember.user == User.id))
                .where(ThreadMember.thread == thread).order_by(ThreadMember.id))


def reply_refusal(user, members, creator_id):
    """None when the user may answer these members of a thread started by creator_id: they may
    still write to its creator (the creator, or anyone when the creator is gone: to every other
    active member); else a French sentence saying whom they may no longer write to."""
    others = [m for m in members if m.id != user.id and m.is_active]
    creator = [m for m in others if m.id == creator_id]
    lost = [m for m in (creator or others) if not may_write(user, m)]
    if not lost:
        return None
    return (_('Vous ne pouvez plus écrire à %(names)s dans cette conversation (par exemple, votre enfant a '
              'changé de classe) : écrivez un nouveau message.') % {'names': ', '.join(m.display_name for m in lost)})


# --- whom the form offers -------------------------------------------------------------------------------

def recipients_for(sender):
    """The people the user may start a thread with, grouped for the form: an OrderedDict of
    {group label: [(user, label)]}, e.g. « Enseignants de Léa (CE1 Les Étoiles) », « Direction »,
    « Parents de la classe CP-CE1 », « Équipe de l'école ». Built from the relations the rule
    table checks (tests check every person offered passes may_write)."""
    groups = OrderedDict()
    if not may_message(sender):
        return groups
    if sender.has_role('guardian'):
        _guardian_groups(sender, groups)
    if sender.has_role('teacher'):
        for classroom in membership.classes_of(sender, 'teacher'):
            _add(groups, _('Parents de la classe %s') % classroom.name, guardians_of_class(classroom))
    if sender.has_role('director') and sender.school_id:
        for classroom in membership.classes_of(sender, 'director'):
            _add(groups, _('Parents de la classe %s') % classroom.name, guardians_of_class(classroom))
    if sender.has_role('teacher', 'director', 'staff') and sender.school_id:
        team = (_active(User.select()).where((User.school == sender.school_id) & (User.id != sender.id))
                .order_by(User.last_name, User.first_name))
        _add(groups, _("Équipe de l'école"), [(u, _staff_label(u)) for u in team if u.has_role(*TEAM)])
    if sender.has_role('admin'):
        _admin_groups(sender, groups)
    elif sender.has_role('teacher', 'director'):
        admins = _active(User.with_role('admin')).order_by(User.last_name)
        _add(groups, _("Administration de l'installation"), [(u, u.display_name) for u in admins])
    return groups


def _active(query):
    return query.where(User.status == 'active')


def _add(groups, label, people):
    """A group of (user, label); people already offered in an earlier group are left out."""
    seen = {user.id for members in groups.values() for user, _label in members}
    people = [(user, label) for user, label in people if user.id not in seen]
    if people:
        groups.setdefault(label, []).extend(people)


def _staff_label(user):
    if user.has_role('director'):
        return _('%s (direction)') % user.display_name
    return user.display_name


def _guardian_groups(sender, groups):
    by_class = OrderedDict()
    for pupil, classroom, _teachers in accounts.children_with_teachers(sender):
        if classroom is not None:
            by_class.setdefault(classroom.id, [classroom, []])[1].append(pupil.first_name)
    schools = set()
    for classroom, names in by_class.values():
        schools.add(classroom.school_id)
        teachers = (_active(User.select()).join(Teaching, on=(Teaching.teacher == User.id))
                    .where(Teaching.classroom == classroom.id).order_by(User.last_name))
        label = _('Enseignants de %(children)s (%(classe)s)') % {'children': _joined(names), 'classe': classroom.name}
        _add(groups, label, [(t, t.display_name) for t in teachers if t.has_role('teacher')])
    if schools:
        directors = _active(User.with_role('director')).where(User.school.in_(sorted(schools))).order_by(User.last_name)
        _add(groups, _('Direction'), [(d, d.display_name) for d in directors])


def _joined(names):
    return names[0] if len(names) == 1 else _('%(first)s et %(last)s') % {'first': ', '.join(names[:-1]),
                                                                          'last': names[-1]}


def _admin_groups(sender, groups):
    for school in School.select().order_by(School.name):
        people = (_active(User.select()).where(User.school == school.id).order_by(User.last_name))
        _add(groups, _('Direction et enseignants — %s') % school.name,
             [(u, _staff_label(u)) for u in people if u.has_role('director', 'teacher')])


def guardians_of_class(classroom, niveaux=()):
    """[(guardian, label)] of the active guardians of the pupils enrolled now in the class (of
    these niveaux when given), the label naming their children: « Aurélie Dubois (Zoé) »."""
    return [(user, f'{user.display_name} ({_joined(children)})')
            for user, children, _ids in class_guardians(classroom, niveaux)]


def class_guardians(classroom, niveaux=()):
    """[(guardian, [children's first names], {children's ids})] for guardians_of_class."""
    pupil = User.alias()
    query = (User.select(User, pupil.first_name.alias('child'), Enrolment.pupil.alias('child_id'))
             .join(GuardianLink, on=(GuardianLink.guardian == User.id))
             .join(Enrolment, on=((Enrolment.pupil == GuardianLink.pupil) & Enrolment.ended_on.is_null()))
             .join(pupil, on=(pupil.id == Enrolment.pupil))
             .where((Enrolment.classroom == classroom.id) & (User.status == 'active')
                    & (pupil.status != 'disabled'))
             .order_by(User.last_name, User.first_name, User.id))
    if niveaux:
        query = query.where(Enrolment.niveau.in_(list(niveaux)))
    people = OrderedDict()
    for row in query.objects():
        entry = people.setdefault(row.id, [row, [], set()])
        entry[1].append(row.child)
        entry[2].add(row.child_id)
    return [tuple(entry) for entry in people.values()]


def families_of(guardians_with_pupils):
    """How many families: guardians sharing a child count once (two separated parents of Léa are
    one family; sets of guardians linked through children are merged)."""
    parent = {}

    def root(key):
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key
    for guardian_id, pupil_ids in guardians_with_pupils:
        for pupil_id in pupil_ids:
            parent[root(('g', guardian_id))] = root(('p', pupil_id))
    return len({root(('g', guardian_id)) for guardian_id, _pupils in guardians_with_pupils})


def classes_to_address(sender):
    """This year's classes whose families the sender may write to all at once: the classes a
    teacher teaches, every class of a director's school."""
    classes = membership.classes_of(sender, 'teacher') if sender.has_role('teacher') else []
    if sender.has_role('director') and sender.school_id:
        classes += [c for c in membership.classes_of(sender, 'director') if c.id not in {k.id for k in classes}]
    return classes


def class_to_address(sender, class_id):
    """The class if the sender may write to all its families (classes_to_address), else None."""
    return next((c for c in classes_to_address(sender) if str(c.id) == str(class_id)), None)
