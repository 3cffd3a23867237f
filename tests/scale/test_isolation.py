"""Two schools on one PostgreSQL database: every page a guardian, a teacher and a director of
school A can reach, fetched as the same roles of school B, shows nothing of school A."""
import html
import re
from collections import deque
from datetime import date

import pytest

from ecole_ent import db, runtime, security
from ecole_ent import demo as demo_school
from ecole_ent.accounts import service as accounts
from ecole_ent.models import Classroom, Enrolment, GuardianLink, School, Teaching, User
from tests.conftest import Client
from tests.scale.conftest import SECRET

pytestmark = pytest.mark.slow

ROLES_A = {'guardian': 'aurelie.dubois', 'teacher': 'julien.roux',
           'director': 'sophie.lefevre-martin'}
ROLES_B = {'guardian': 'gaspard.ollivier', 'teacher': 'octave.verneuil',
           'director': 'rosalie.champeaux'}
MAX_PAGES = 300


def seed_school_b():
    """École des Tilleuls: two classes, a teacher, a teaching director, a family of two."""
    password_hash = security.hash_password('demo')
    school = accounts.ensure_school('0069999Z', 'École des Tilleuls')
    year = school.current_year()
    gs = Classroom.create(school=school, year=year, name='Grande section des Tilleuls', niveaux='GS')
    cm2 = Classroom.create(school=school, year=year, name='CM2 des Tilleuls', niveaux='CM2')

    def person(login, first, last, roles):
        return User.create(login=login, first_name=first, last_name=last, roles=roles,
                           school=school, password_hash=password_hash)
    Teaching.create(teacher=person('octave.verneuil', 'Octave', 'Verneuil', 'teacher'), classroom=gs)
    Teaching.create(teacher=person('rosalie.champeaux', 'Rosalie', 'Champeaux', 'teacher,director'),
                    classroom=cm2)
    guardian = person('gaspard.ollivier', 'Gaspard', 'Ollivier', 'guardian')
    for first, classroom, niveau in (('Suzon', cm2, 'CM2'), ('Basile', gs, 'GS')):
        pupil = person(f'{first.lower()}.ollivier', first, 'Ollivier', 'pupil')
        Enrolment.create(pupil=pupil, classroom=classroom, niveau=niveau, started_on=date.today())
        GuardianLink.create(guardian=guardian, pupil=pupil, relation='father')
    return school


def link_a_guardian_to_both_schools():
    """A parent whose children go to both schools (separated parents, a sibling moved)."""
    guardian = User.create(login='multi.parent', first_name='Noémie', last_name='Deux-Écoles',
                           roles='guardian', password_hash=security.hash_password('demo'))
    for login in ('suzon.ollivier', demo_school_pupil()):
        GuardianLink.create(guardian=guardian, pupil=User.get(User.login == login))
    return guardian


def demo_school_pupil():
    school = School.get(School.uai == demo_school.UAI)
    return (User.select().join(Enrolment, on=Enrolment.pupil)
            .where(User.school == school).order_by(User.login).first().login)


@pytest.fixture
def two_schools(tmp_path, pg_url):
    config = runtime.open_config(tmp_path / 'data', environ={
        'ECOLE_DATABASE_URL': pg_url, 'ECOLE_SECURITY_SECRET_KEY': SECRET})
    runtime.open_database(config, auto_migrate=True)
    demo_school.seed()
    seed_school_b()
    link_a_guardian_to_both_schools()
    from ecole_ent.app import create_app
    application = create_app(config)
    yield application
    db.close_all()


def school_a_markers():
    """Texts that only school A's pages may show: its name, code, classes, people."""
    school = School.get(School.uai == demo_school.UAI)
    markers = {school.name, school.uai}
    markers |= {c.name for c in Classroom.select().where(Classroom.school == school)}
    for user in User.select().where(User.school == school):
        markers |= {user.login, user.display_name}
    return markers


def signed_in(application, login):
    client = Client(application, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
    response = client.login(login)
    assert response.status_int == 303 and '/connexion' not in response.headers['Location'], login
    return client


def links(page):
    found = set()
    for href in re.findall(r'href="([^"]+)"', page):
        href = html.unescape(href).split('#')[0]
        if href.startswith('/') and not href.startswith(('//', '/static/')):
            found.add(href)
    return found


def body_text(response):
    """The text of any response (pages, but also zips and images, decoded leniently)."""
    return html.unescape(response.body.decode('utf-8', 'replace'))


def crawl(client):
    """Every same-site page reachable from the home by links: {url: body}."""
    seen, queue, pages = {'/'}, deque(['/']), {}
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, expect_errors=True)
        if response.status_int in (301, 302, 303):        # e.g. /admin -> the director's school
            target = '/' + response.headers['Location'].split('/', 3)[-1]
            if target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        assert response.status_int == 200, (url, response.status_int)
        pages[url] = body_text(response)
        for link in links(pages[url]) - seen:
            seen.add(link)
            queue.append(link)
    return pages


@pytest.mark.parametrize('role', sorted(ROLES_A))
def test_school_b_sees_nothing_of_school_a_on_any_page_school_a_reaches(two_schools, role):
    markers = school_a_markers()
    pages_a = crawl(signed_in(two_schools, ROLES_A[role]))
    class_pages = [url for url in pages_a if url.startswith('/classe/')]
    assert class_pages, f'the {role} of school A reaches no class page: the crawl proves nothing'
    assert any(marker in html.unescape(body) for body in pages_a.values() for marker in markers)
    client_b = signed_in(two_schools, ROLES_B[role])
    own_b = html.unescape(client_b.get('/').text)
    assert 'Tilleuls' in own_b and 'Mimosas' not in own_b
    for url in sorted(pages_a):
        response = client_b.get(url, expect_errors=True)
        if url in class_pages:
            assert response.status_int in (403, 404), (role, url, response.status_int)
        else:        # a page of their own (200), or an object of school A refused
            assert response.status_int in (200, 303, 403, 404), (role, url, response.status_int)
        shown = body_text(response)
        leaked = sorted(marker for marker in markers if marker in shown)
        assert not leaked, f'{ROLES_B[role]} sees {leaked} of school A at {url}'


def test_a_guardian_with_children_in_both_schools_sees_both(two_schools):
    client = signed_in(two_schools, 'multi.parent')
    home = html.unescape(client.get('/').text)
    child_a = User.get(User.login == demo_school_pupil())
    assert 'Suzon' in home and child_a.first_name in home
    class_pages = sorted(link for link in links(home) if re.fullmatch(r'/classe/\d+', link))
    assert len(class_pages) == 2
    names = {html.unescape(client.get(url).text).count('Tilleuls') > 0 for url in class_pages}
    assert names == {True, False}         # one class page of each school
    other_b = Classroom.get(Classroom.name == 'Grande section des Tilleuls')
    client.get(f'/classe/{other_b.id}', status=403)    # but not the other classes
