"""accounts.membership: who belongs to a class, in which role, and what that allows; and the
proof that blog, photos, home and directory ask it rather than deciding on their own."""
import pytest

from ecole_ent.accounts import membership
from ecole_ent.accounts import service as accounts
from ecole_ent.models import Classroom, GuardianLink
from tests.conftest import Client, redirected_to

READS_AND_WRITES = {        # role in CP-CE1 -> (may read, may write)
    'manager': (True, True), 'pupil': (True, True), 'guardian': (True, False),
    'staff': (True, False), None: (False, False)}


@pytest.fixture
def around(demo):
    """The demo's people around the CP-CE1 class (taught by julien.roux)."""
    cp = Classroom.get(Classroom.name == 'CP-CE1')
    nursery = Classroom.get(Classroom.name == 'Maternelle PS-MS-GS')   # Nadia (staff) works here
    pupil, other_pupil = accounts.pupils_of(cp)[0], accounts.pupils_of(nursery)[0]
    lonely = accounts.create_user('gaston.seul', 'Gaston', 'Seul', 'guardian', school=demo.teacher.school)
    guardian = GuardianLink.get(GuardianLink.pupil == pupil).guardian
    people = {'teacher': demo.teacher, 'director': demo.director,
              'other_teacher': demo.user('claire.fontaine'), 'guardian': guardian,
              'guardian_of_none': lonely, 'pupil': pupil, 'other_pupil': other_pupil,
              'admin': demo.admin, 'staff': demo.staff}
    return cp, nursery, people


# who, role in CP-CE1, teaches (photos, class page, cards), is a teacher of the class (photos)
RULES = [
    ('teacher', 'manager', True, True),
    ('director', 'manager', True, False),           # directs the school, teaches another class
    ('other_teacher', None, False, False),
    ('guardian', 'guardian', False, False),
    ('guardian_of_none', None, False, False),
    ('pupil', 'pupil', False, False),
    ('other_pupil', None, False, False),
    ('admin', 'manager', True, False),
    ('staff', None, False, False),                  # works in the nursery class, not in CP-CE1
]


@pytest.mark.parametrize('who, role, teaches, teacher_of', RULES)
def test_each_role_in_a_class(around, who, role, teaches, teacher_of):
    cp, _nursery, people = around
    user = people[who]
    assert membership.role_in(user, cp) == role
    assert (membership.may_read(user, cp), membership.may_write(user, cp)) == READS_AND_WRITES[role]
    assert membership.teaches(user, cp) is teaches
    assert membership.is_teacher_of(user, cp) is teacher_of
    assert (cp.id in membership.class_ids(user)) is (role is not None)


def test_staff_read_the_class_they_work_in_and_keep_the_rights_photos_gave_them(around):
    _cp, nursery, people = around
    staff = people['staff']
    assert membership.role_in(staff, nursery) == 'staff'
    assert membership.may_read(staff, nursery) and not membership.may_write(staff, nursery)
    assert membership.teaches(staff, nursery)          # albums, class page, cards: as before
    assert not membership.is_teacher_of(staff, nursery)     # photos hidden by consent stay hidden


def test_a_disabled_account_has_no_role_anywhere(around):
    cp, _nursery, people = around
    teacher = people['teacher']
    teacher.status = 'disabled'
    assert membership.role_in(teacher, cp) is None and membership.class_ids(teacher) == set()


def test_get_class_refuses_a_class_the_user_may_not_read_and_a_missing_one(around):
    from ecole_ent.errors import Forbidden
    cp, _nursery, people = around
    assert membership.get_class(people['guardian'], cp.id) == cp
    for user, class_id in ((people['other_pupil'], cp.id), (people['admin'], 10**9)):
        with pytest.raises(Forbidden):
            membership.get_class(user, class_id)


def test_classes_of_a_user_this_year(around):
    cp, nursery, people = around
    assert membership.classes_of(people['teacher'], 'teacher') == [cp]
    assert membership.classes_of(people['pupil'], 'pupil') == [cp]
    school_classes = {c.id for c in membership.classes_of(people['director'], 'director')}
    assert {cp.id, nursery.id} <= school_classes
    assert membership.current_classes_of(people['staff']) == []
    assert membership.current_classes_of(people['pupil']) == [cp]


def test_enrolled_is_the_current_enrolment(around):
    cp, nursery, people = around
    assert membership.enrolled(people['pupil'], cp) and not membership.enrolled(people['pupil'], nursery)


def class_pages(cp):
    """A page of each feature that shows one class."""
    return {'blog': f'/blog/classe/{cp.id}', 'photos': f'/classe/{cp.id}/photos',
            'home': f'/classe/{cp.id}', 'directory': f'/annuaire/classe/{cp.id}'}


def test_every_feature_asks_membership_who_may_see_a_class(around, demo_app, monkeypatch):
    cp, _nursery, people = around
    client = Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
    assert redirected_to(client.login(people['teacher'].login)) == '/'
    for feature, path in class_pages(cp).items():
        assert cp.name in client.get(path).text, feature
    monkeypatch.setattr(membership, 'role_in', lambda user, classroom: None)
    for feature, path in class_pages(cp).items():
        response = client.get(path, expect_errors=True)
        assert response.status_int == 403, (feature, response.status)
        assert cp.name not in response.text, feature


def test_a_guardian_is_refused_once_membership_says_no(around, demo_app, monkeypatch):
    cp, _nursery, people = around
    client = Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
    assert redirected_to(client.login(people['guardian'].login)) == '/'
    paths = [class_pages(cp)[feature] for feature in ('blog', 'photos', 'home')]
    assert all(cp.name in client.get(path).text for path in paths)
    monkeypatch.setattr(membership, 'role_in', lambda user, classroom: None)
    assert [client.get(path, expect_errors=True).status_int for path in paths] == [403] * 3



def test_a_class_named_on_the_command_line_is_found_case_and_accents_aside(demo):
    from ecole_ent.db import writing
    from ecole_ent.errors import ValidationError
    nursery = Classroom.get(Classroom.name == 'Maternelle PS-MS-GS')
    with writing():
        Classroom.update(name='Les Étoiles').where(Classroom.id == nursery.id).execute()
    for label in ('Les Étoiles', 'les étoiles', 'LES ETOILES', f' {nursery.id} '):
        assert membership.find_class(label).id == nursery.id, label
    for label in ('Les Etoile', '99999', ''):
        with pytest.raises(ValidationError):
            membership.find_class(label)
    with writing():
        Classroom.update(archived=True).where(Classroom.id == nursery.id).execute()
    with pytest.raises(ValidationError):          # an archived class is no longer named, nor numbered
        membership.find_class(str(nursery.id))
