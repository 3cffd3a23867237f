"""The processing register and the photo dates of closed years, through the app: who may reach
each route (every role around the demo school; another school's director), the register naming the
real figures of the configuration (an option changed, the page changes), and the date form (a
malformed or past date refused in French with nothing changed; a good one kept and audited)."""
import re
from datetime import date

import pytest

from ecole_ent.models import AuditEvent, SchoolYear, User
from ecole_ent.models.privacy import ArchiveDeadline
from ecole_ent.privacy import deadlines
from tests.admin.conftest import school_b  # noqa: F401 (a fixture: École du Port)
from tests.blog.conftest import send, text
from tests.conftest import redirected_to
from tests.privacy.conftest import row_counts

WHO = ('director', 'admin', 'teacher', 'guardian', 'pupil', 'staff', 'other_director')
MATRIX = {
    ('GET', '/admin/ecoles/{school_id}/registre'): (200, 200, 403, 403, 403, 403, 403),
    ('GET', '/admin/ecoles/{school_id}/photos-annees-closes'): (200, 200, 403, 403, 403, 403, 403),
    ('POST', '/admin/ecoles/{school_id}/photos-annees-closes'): (303, 303, 403, 403, 403, 403, 403),
    ('GET', '/donnees-personnelles'): (200, 200, 200, 200, 200, 200, 200),
}
PAGES = ('privacy.notice', 'privacy.register', 'privacy.deadlines', 'privacy.deadline_set')   # their names


@pytest.fixture
def closed_year(people):
    """The demo school's 2024-2025, closed."""
    return SchoolYear.create(school=people.director.school_id, label='2024-2025', current=False)


def test_every_route_of_these_pages_is_in_the_matrix(demo_app):
    declared = {(route.method, re.sub(r'<(\w+)[^>]*>', r'{\1}', route.rule)) for route in demo_app.bottle.routes
                if route.name in PAGES}
    assert declared == set(MATRIX)


@pytest.mark.parametrize('role', WHO)
@pytest.mark.parametrize('method,path', list(MATRIX))
def test_who_may_reach_each_page(people, school_b, closed_year, signed_in, method, path, role):  # noqa: F811
    who = {'director': people.director, 'admin': people.admin, 'teacher': people.teacher,
           'guardian': people.guardian, 'pupil': people.pupil, 'staff': User.get(User.login == 'nadia.belkacem'),
           'other_director': school_b.director}
    expected = MATRIX[(method, path)][WHO.index(role)]
    client = signed_in(who[role])
    address = path.format(school_id=people.director.school_id)
    if method == 'GET':
        response = client.get(address, expect_errors=True)
    else:
        response = send(client, address, {'year': closed_year.id, 'photos_until': '2027-06-30'}, status='*')
    assert response.status_int == expected, (role, response.status_int)
    if method == 'POST':
        chosen = ArchiveDeadline.get_or_none(ArchiveDeadline.year == closed_year.id)
        assert (chosen is not None) == (expected == 303)
        if expected == 303:
            assert redirected_to(response) == address and chosen.photos_until == date(2027, 6, 30)


def test_another_schools_director_reaches_nothing_of_the_demo_school(people, school_b, closed_year,  # noqa: F811
                                                                     signed_in):
    other = signed_in(school_b.director)
    before = row_counts() | {'login_session': 1}
    for path in ('registre', 'photos-annees-closes'):
        assert other.get(f'/admin/ecoles/{people.director.school_id}/{path}', expect_errors=True).status_int == 403
    # École du Port's own form, with the demo school's year: not found there, nothing changed.
    refused = send(other, f'/admin/ecoles/{school_b.school.id}/photos-annees-closes',
                   {'year': closed_year.id, 'photos_until': '2027-06-30'}, status='*')
    assert refused.status_int == 404
    assert row_counts() == before
    own = text(other.get(f'/admin/ecoles/{school_b.school.id}/registre'))
    assert 'École du Port' in own and 'École des Mimosas' not in own


def test_the_register_names_the_configured_figures_and_the_measures_in_the_code(people, signed_in, set_option):
    director = signed_in(people.director)
    address = f'/admin/ecoles/{people.director.school_id}/registre'
    page = text(director.get(address))
    assert 'Registre des activités de traitement' in page
    for words in ('Comptes qui ne sont plus attendus : 90 jours', 'Journal d’audit : 365 jours',
                  'Messages et mots du cahier de liaison : l’année scolaire plus 1 an', 'Sauvegardes : 14 sauvegardes',
                  'Statistiques d’usage : 25 mois', 'Ni nom, ni identifiant, ni adresse IP',
                  'carte QR et images des élèves, borne du hall', 'tirage des images de connexion d’un élève',
                  'la voix des jeunes élèves'):
        assert words in page, words
    assert 'argon2id (19 Mio de mémoire, 2 passes)' in page
    assert 'aucun proxy inverse déclaré (server.trusted_proxy)' in page       # the demo has none
    assert 'métadonnées (EXIF, position GPS' in page
    assert page.count('à renseigner') >= 5
    set_option('privacy.leavers_days', 60)
    set_option('privacy.audit_days', 730)
    set_option('backup.keep', 7)
    set_option('server.trusted_proxy', '127.0.0.1')
    set_option('server.public_url', 'https://ent.mimosas.example')
    set_option('privacy.dpo_email', 'dpd@ac-exemple.fr')
    page = text(director.get(address))
    for words in ('Comptes qui ne sont plus attendus : 60 jours', 'Journal d’audit : 730 jours', 'les 7 sauvegardes',
                  'proxy inverse 127.0.0.1, à l’adresse https://ent.mimosas.example', 'dpd@ac-exemple.fr'):
        assert words in page, words
    assert '90 jours' not in page and 'aucun proxy inverse déclaré' not in page
    school = text(director.get(f'/admin/ecoles/{people.director.school_id}'))
    assert f'href="{address}"' in director.get(f'/admin/ecoles/{people.director.school_id}').text
    assert 'Registre RGPD' in school and 'Photos des années closes' in school


def test_the_deadline_form_refuses_a_bad_date_and_keeps_a_good_one(people, closed_year, signed_in, clock):
    director = signed_in(people.director)
    address = f'/admin/ecoles/{people.director.school_id}/photos-annees-closes'
    page = text(director.get(address))
    assert 'Année 2024-2025' in page and 'Photos gardées jusqu’au lundi 31 août 2026' in page
    assert 'date par défaut' in page
    before = row_counts()
    for value, message in (('31/08/2027', 'Date attendue sous la forme AAAA-MM-JJ (par exemple 2027-08-31).'),
                           ('2027-02-30', 'Date attendue sous la forme AAAA-MM-JJ (par exemple 2027-08-31).'),
                           ('', 'Date attendue sous la forme AAAA-MM-JJ (par exemple 2027-08-31).'),
                           ('2026-12-03', 'Choisissez une date à venir.')):
        refused = send(director, address, {'year': closed_year.id, 'photos_until': value}, status=200)
        assert message in text(refused) and 'Rien n\'a été enregistré' in text(refused), value
    assert row_counts() == before
    assert deadlines.photos_until(closed_year) == date(2026, 8, 31)
    current = SchoolYear.get((SchoolYear.school == people.director.school_id) & SchoolYear.current)
    refused = send(director, address, {'year': current.id, 'photos_until': '2027-06-30'}, status=200)
    assert 'L’année en cours n’est pas close' in text(refused) and row_counts() == before
    assert send(director, address, {'year': 'x', 'photos_until': '2027-06-30'}, status='*').status_int == 404
    done = send(director, address, {'year': closed_year.id, 'photos_until': '2026-12-04'})    # today is allowed
    assert redirected_to(done) == address
    page = text(director.get(address))
    assert 'Les photos de l’année 2024-2025 restent jusqu’au vendredi 4 décembre 2026.' in page
    assert 'date choisie par l’école' in page
    assert deadlines.photos_until(closed_year) == date(2026, 12, 4)
    event = AuditEvent.select().where(AuditEvent.action == 'privacy.photos_until').get()
    assert event.actor_id == people.director.id
