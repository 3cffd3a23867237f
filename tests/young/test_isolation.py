"""Another school (issue 14's isolation): École du Port (tests/admin/conftest.school_b) gets a CP
class with a young pupil. The demo school's young pupil is refused École du Port's young pages and
the other way round, with valid CSRF tokens, and nothing is written; each school's young blog and
menu show only its own class."""
import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.models import Classroom, Enrolment, Post
from tests.admin.conftest import school_b  # noqa: F401 (a fixture: École du Port)
from tests.blog.conftest import send, text
from tests.young.conftest import VOICE


@pytest.fixture
def port(school_b, people):   # noqa: F811 (the fixture above)
    school_b.cp = Classroom.create(school=school_b.school, year=school_b.school.current_year(), name='CP Port',
                                   niveaux='CP')
    school_b.young = accounts.create_user('lou.port', 'Lou', 'Port', ['pupil'], school=school_b.school)
    Enrolment.create(pupil=school_b.young, classroom=school_b.cp, niveau='CP')
    return school_b


ROUTES = [('GET', '/petits/classe/{cls}/blog'), ('GET', '/petits/classe/{cls}/ecrire'),
          ('POST', '/petits/classe/{cls}/ecrire')]


@pytest.mark.parametrize('method, path', ROUTES)
def test_each_schools_young_pupil_is_refused_the_others_pages(people, port, signed_in, method, path):
    for pupil, other_class in ((people.young, port.cp), (port.young, people.cp), (port.pupil, people.cp)):
        client = signed_in(pupil)
        before = Post.select().count()
        address = path.format(cls=other_class.id)
        if method == 'GET':
            response = client.get(address, expect_errors=True)
        else:
            response = send(client, address, {'words': 'Coucou'}, files=[('voice', 'voix.webm', VOICE)], status='*')
        assert response.status_int == 403, (pupil.login, address)
        assert Post.select().count() == before


def test_each_young_blog_and_menu_show_only_its_own_class(people, port, signed_in):
    send(signed_in(port.young), f'/petits/classe/{port.cp.id}/ecrire', {'words': 'Les bateaux du Port'})
    send(signed_in(people.young), f'/petits/classe/{people.cp.id}/ecrire', {'words': 'Le potager de Jules-Ferry'})
    for post in Post.select().where(Post.status == 'pending'):
        post.status, post.publish_at = 'published', post.created_at
        post.save()
    mine = text(signed_in(port.young).get(f'/petits/classe/{port.cp.id}/blog'))
    theirs = text(signed_in(people.young).get(f'/petits/classe/{people.cp.id}/blog'))
    assert 'Les bateaux du Port' in mine and 'Le potager de Jules-Ferry' not in mine
    assert 'Le potager de Jules-Ferry' in theirs and 'Les bateaux du Port' not in theirs
    home = signed_in(port.young).get('/').text
    assert f'/petits/classe/{port.cp.id}/ecrire' in home and f'/petits/classe/{people.cp.id}/' not in home
