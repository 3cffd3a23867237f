"""Each role reaches its own home and is refused on the others' pages."""
import html

import pytest

from ecole_ent.accounts import membership, service
from ecole_ent.models import Classroom, Enrolment, GuardianLink, User
from tests.conftest import Client, redirected_to


def signed_in(app, login):
    client = Client(app)
    assert redirected_to(client.login(login)) == '/'
    return client


def text_of(response):
    return html.unescape(response.text)


def test_teacher_home_lists_the_classes_they_teach(demo_app, demo):
    page = text_of(signed_in(demo_app, 'julien.roux').get('/'))
    assert 'Mes classes' in page and 'CP-CE1' in page and 'CE2-CM1-CM2' not in page


def test_director_who_teaches_sees_their_class_and_the_school(demo_app, demo):
    page = text_of(signed_in(demo_app, 'sophie.lefevre-martin').get('/'))
    assert 'CE2-CM1-CM2' in page and 'École des Mimosas' in page and "en attente d'activation" in page


def test_pupil_home_is_their_class_in_large_type(demo_app, demo):
    pupil, classroom = next((p, c) for p, c in
                            ((u, membership.current_classes_of(u)) for u in User.with_role('pupil')))
    page = signed_in(demo_app, pupil.login).get('/')
    assert 'role-pupil' in page.text and 'Ma classe' in text_of(page)
    assert classroom[0].name in text_of(page)


def test_admin_home_shows_the_installation(demo_app, demo):
    page = text_of(signed_in(demo_app, 'admin').get('/'))
    assert "L'installation" in page and '0061234A' in page


def test_guardian_sees_exactly_their_own_children(demo_app, demo):
    guardian = demo.guardian_with_children_in_two_classes()
    mine = service.children_of(guardian)
    page = text_of(signed_in(demo_app, guardian.login).get('/'))
    assert page.count('child-card') == len(mine) >= 2
    for pupil, classroom in mine:
        assert f'<h3>{pupil.first_name}</h3>' in page and classroom.name in page
    others = User.with_role('pupil').where(User.id.not_in([p.id for p, _c in mine]))
    shown = {p.first_name for p, _c in mine}
    for other in others:
        if other.first_name not in shown:
            assert f'<h3>{other.first_name}</h3>' not in page


def test_guardian_sees_children_in_two_schools(demo_app, demo):
    other_school = service.ensure_school('0069999Z', 'École du Port')
    year = other_school.current_year()
    classroom = Classroom.create(school=other_school, year=year, name='CM2 Port', niveaux='CM2')
    guardian = demo.guardian_with_children_in_two_classes()
    pupil = service.create_user('tom.port', 'Tom', 'Port', 'pupil', school=other_school)
    Enrolment.create(pupil=pupil, classroom=classroom, niveau='CM2')
    GuardianLink.create(guardian=guardian, pupil=pupil)
    page = text_of(signed_in(demo_app, guardian.login).get('/'))
    assert '<h3>Tom</h3>' in page and 'CM2 Port' in page


def test_class_page_is_open_to_members_and_refused_to_others(demo_app, demo):
    cp = Classroom.get(Classroom.name == 'CP-CE1')
    maternelle = Classroom.get(Classroom.name == 'Maternelle PS-MS-GS')
    teacher = signed_in(demo_app, 'julien.roux')
    assert 'CP-CE1' in text_of(teacher.get(f'/classe/{cp.id}'))
    assert teacher.get(f'/classe/{maternelle.id}', status=403)
    pupil = service.pupils_of(cp)[0]
    pupil_client = signed_in(demo_app, pupil.login)
    assert pupil.first_name in text_of(pupil_client.get(f'/classe/{cp.id}'))
    pupil_client.get(f'/classe/{maternelle.id}', status=403)
    director = signed_in(demo_app, 'sophie.lefevre-martin')
    assert 'Maternelle PS-MS-GS' in text_of(director.get(f'/classe/{maternelle.id}'))


def test_families_see_first_names_only_on_a_class_page(demo_app, demo):
    cp = Classroom.get(Classroom.name == 'CP-CE1')
    pupils = service.pupils_of(cp)
    guardian = GuardianLink.get(GuardianLink.pupil == pupils[0]).guardian
    main = text_of(signed_in(demo_app, guardian.login).get(f'/classe/{cp.id}')).split('<main')[1]
    others = [p for p in pupils if p.id != pupils[0].id and p.last_name != pupils[0].last_name]
    assert others and all(p.display_name not in main for p in others)
    assert any(p.first_name in main for p in others)


@pytest.mark.parametrize('login', ['julien.roux', 'nadia.belkacem'])
def test_school_page_is_refused_to_teachers_and_staff(demo_app, demo, login):
    signed_in(demo_app, login).get('/ecole', status=403)


def test_school_page_is_refused_to_guardians_and_pupils(demo_app, demo):
    signed_in(demo_app, demo.first('guardian').login).get('/ecole', status=403)
    signed_in(demo_app, demo.first('pupil').login).get('/ecole', status=403)
    assert 'École des Mimosas' in text_of(signed_in(demo_app, 'sophie.lefevre-martin').get('/ecole'))


def test_an_anonymous_visitor_is_sent_to_sign_in_even_from_a_page_that_does_not_exist(demo_app, demo):
    """Not a 404, which would tell what exists (every real route: tests/test_route_access.py)."""
    client = Client(demo_app)
    assert redirected_to(client.get('/nulle-part')) == '/connexion?next=/nulle-part'
    assert 'Le formulaire a expiré' in client.post('/deconnexion', {}, status=400).text
