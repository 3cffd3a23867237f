"""Another school's picture passwords: École du Port (tests/admin/conftest.school_b) switches its
class on. The demo school's director and teachers are refused every class route on École du Port's
class and pupil (valid CSRF tokens), École du Port's people likewise on the demo school's, and no
row changes; the installation's admin manages both; the sign-in picker asks for the school first
(never mixing both schools' classes), and each pupil signs in with their own pictures only."""
import pytest

from ecole_ent.models import PictureClass, PicturePassword
from ecole_ent.pictures import service
from tests.blog.conftest import send
from tests.conftest import redirected_to

from .conftest import post_pictures, pupil_client


def rows():
    return (list(PictureClass.select().order_by(PictureClass.id).tuples()),
            list(PicturePassword.select().order_by(PicturePassword.id).tuples()))


@pytest.fixture
def port(school_b, people):
    service.switch(school_b.director, school_b.classroom, on=True)
    return school_b


def class_routes(classroom, pupil):
    base = f'/annuaire/classe/{classroom.id}'
    return [('GET', base + '/images', {}), ('POST', base + '/images', {'etat': 'non'}),
            ('POST', base + '/images/renouveler', {'confirmer': 'oui'}),
            ('POST', f'{base}/eleve/{pupil.id}/images', {})]


def test_each_school_is_refused_the_other_schools_class(port, people, signed_in):
    before = rows()
    for user, classroom, pupil in ((people.director, port.classroom, port.pupil),
                                   (people.small_teacher, port.classroom, port.pupil),
                                   (port.director, people.small, people.small_pupil),
                                   (port.teacher, people.small, people.small_pupil)):
        client = signed_in(user)
        for method, path, fields in class_routes(classroom, pupil):
            response = client.get(path, status='*') if method == 'GET' else send(client, path, fields, status='*')
            assert response.status_int == 403, (user.login, method, path, response.status_int)
    assert rows() == before
    own_class_other_pupil = f'/annuaire/classe/{people.small.id}/eleve/{port.pupil.id}/images'
    send(signed_in(people.director), own_class_other_pupil, {}, status=404)
    assert rows() == before


def test_the_admin_manages_both_schools(port, people, signed_in):
    admin = signed_in(people.admin)
    assert port.pupil.first_name in admin.get(f'/annuaire/classe/{port.classroom.id}/images').text
    assert people.small_pupil.first_name in admin.get(f'/annuaire/classe/{people.small.id}/images').text


def test_with_several_schools_the_picker_asks_for_the_school_first(port, people, demo_app):
    client = pupil_client(demo_app)
    picker = client.get('/images')
    links = {a.get_text(strip=True): a['href'] for a in picker.html.select('a.pictures-choice')}
    assert links == {'École du Port': '/images?ecole=0069999Z',
                     people.small.school.name: f'/images?ecole={people.small.school.uai}'}
    assert 'CM2 Port' not in picker.text and people.small.name not in picker.text     # no class mixed
    port_classes = client.get(links['École du Port'])
    assert [a.get_text(strip=True) for a in port_classes.html.select('a.pictures-choice')] == ['CM2 Port']
    assert people.small.name not in port_classes.text
    demo_classes = client.get(links[people.small.school.name])
    assert 'CM2 Port' not in demo_classes.text and people.small.name in demo_classes.text
    client.get('/images?ecole=0000000X', status=404)
    service.switch(port.director, port.classroom, on=False)         # no class on: not offered
    assert 'École du Port' not in client.get('/images').text
    client.get('/images?ecole=0069999Z', status=404)


def test_each_pupil_signs_in_with_their_own_pictures_only(port, people, demo_app):
    client = pupil_client(demo_app)
    port_names = service.sequence_for(port.pupil)
    demo_names = service.sequence_for(people.small_pupil)
    if port_names != demo_names:
        assert post_pictures(client, people.small_pupil.login, port_names).status_int == 403
    assert redirected_to(post_pictures(pupil_client(demo_app), port.pupil.login, port_names)) == '/'
