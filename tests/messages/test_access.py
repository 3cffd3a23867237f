"""The rule table (messages/access.py) as a matrix: every sender role × every recipient role, with
the relation present (a guardian and their child's teacher, two people of one school) and absent
(another class, another school), inactive accounts, and the form's lists built from the same rules."""
import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.messages import access
from ecole_ent.models import Enrolment, User

# Who is who: g = a guardian of a CP-CE1 pupil, g2 = a guardian with no child in CP-CE1, p = a
# pupil, t = julien.roux (CP-CE1), t2 = claire.fontaine (maternelle), d = the director (also
# teaches CE2-CM1-CM2), s = staff nadia.belkacem (ATSEM), a = the admin; B* = École du Port's.
WHO = ('g', 'g2', 'p', 't', 't2', 'd', 's', 'a', 'Bg', 'Bt', 'Bd')
MATRIX = {   # sender: the recipients they may write to, in WHO order (1 = may)
    'g':  (0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0),
    'g2': (0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0),
    'p':  (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
    't':  (1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0),
    't2': (0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0),
    'd':  (1, 1, 0, 1, 1, 0, 1, 1, 0, 0, 0),
    's':  (0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0),
    'a':  (0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1),
    'Bg': (0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1),
    'Bt': (0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1),
    'Bd': (0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0),
}


@pytest.fixture
def cast(people, school_b):
    """g2 has a child in the maternelle (Claire's class) but none in CP-CE1 or the director's class."""
    found = {'g': people.guardian, 'p': people.pupil, 't': people.teacher, 't2': people.other_teacher,
             'd': people.director, 's': people.staff, 'a': people.admin, 'Bg': school_b.guardian,
             'Bt': school_b.teacher, 'Bd': school_b.director}
    for guardian in User.with_role('guardian').order_by(User.login):
        classes = {c.id for _p, c in accounts.children_of(guardian) if c}
        if classes and classes <= {people.other_teacher.teachings.get().classroom_id}:
            found['g2'] = guardian
            break
    return found


@pytest.mark.parametrize('sender', WHO)
def test_who_may_write_to_whom(cast, sender):
    got = tuple(int(access.may_write(cast[sender], cast[recipient])) for recipient in WHO)
    assert got == MATRIX[sender], dict(zip(WHO, got))


def test_the_teacher_of_a_class_reaches_its_guardians_not_the_others(cast, people):
    assert access.may_write(cast['t'], cast['g']) and access.may_write(cast['g'], cast['t'])
    assert not access.may_write(cast['t2'], cast['g']) and not access.may_write(cast['g'], cast['t2'])


def test_a_child_leaving_the_class_ends_the_relation(cast, people):
    Enrolment.update(ended_on='2026-12-01').where(Enrolment.pupil.in_(
        [p.id for p, _c in accounts.children_of(cast['g'])])).execute()
    assert not access.may_write(cast['g'], cast['t'])
    assert not access.may_write(cast['t'], cast['g'])
    assert not access.may_write(cast['g'], cast['d'])       # no child at the school any more


def test_inactive_accounts_receive_nothing_and_send_nothing(cast):
    teacher = cast['t']
    teacher.status = 'disabled'
    teacher.save()
    assert not access.may_write(cast['g'], teacher)
    assert not access.may_write(teacher, cast['g'])
    assert not access.may_write(cast['d'], teacher)


def test_nobody_writes_to_themselves(cast):
    assert not any(access.may_write(cast[w], cast[w]) for w in WHO)


def test_a_thread_holds_one_family_at_most_by_construction(cast):
    """No rule lets a guardian write to a guardian, so a family's thread never holds two families."""
    assert not any(from_role == 'guardian' and to_role == 'guardian' for from_role, to_role in access.RULES)
    assert not any('pupil' in key for key in access.RULES)


@pytest.mark.parametrize('who', WHO)
def test_the_form_offers_only_people_the_rules_allow(cast, who):
    groups = access.recipients_for(cast[who])
    offered = [user for members in groups.values() for user, _label in members]
    assert all(access.may_write(cast[who], user) for user in offered)
    assert len({u.id for u in offered}) == len(offered)
    reachable = {cast[w].id for w, ok in zip(WHO, MATRIX[who]) if ok}
    assert reachable <= {u.id for u in offered}


def test_a_guardian_sees_their_children_s_teachers_grouped(cast):
    groups = access.recipients_for(cast['g'])
    labels = list(groups)
    assert labels[0].startswith('Enseignants de ') and '(CP-CE1)' in labels[0]
    assert 'Direction' in labels
    assert [u.id for u, _l in groups[labels[0]]] == [cast['t'].id]


def test_a_pupil_has_no_inbox(cast):
    assert not access.may_message(cast['p'])
    assert access.recipients_for(cast['p']) == {}


def test_families_are_counted_once_for_two_guardians_of_one_child():
    assert access.families_of([(1, {10}), (2, {10}), (3, {11}), (4, {11, 12}), (5, {12})]) == 2
