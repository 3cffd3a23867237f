"""The notice for families: public (an anonymous visitor reads it, on and off the school's
networks), linked from the sign-in page and from the activation letter, naming the contacts and
the retention figures of the configuration (an option changed, the page changes; an empty contact
reads « à renseigner »), and the families' rights with how to exercise them."""
import re

import pytest

from ecole_ent import security
from ecole_ent.models import GuardianLink, User
from ecole_ent.web import guards
from tests.admin.conftest import school_b  # noqa: F401 (a fixture: École du Port)
from tests.blog.conftest import send, text
from tests.conftest import Client
from tests.homework.test_browser import PHONE, clean, fits, open_page, signed_in, visit  # noqa: F401 (a fixture)
from tests.privacy.test_register import closed_year  # noqa: F401 (a fixture)


def test_an_anonymous_visitor_reads_the_notice(demo_app):
    assert guards.is_public('/donnees-personnelles')
    response = Client(demo_app, extra_environ={'REMOTE_ADDR': '203.0.113.9'}).get('/donnees-personnelles')
    page = text(response)
    assert response.status_int == 200
    assert 'Vos données personnelles sur l’espace numérique de l’école' in page
    for right in ('Accès', 'Rectification', 'Effacement', 'Opposition', 'Réclamation', 'CNIL', '« Mon compte »'):
        assert right in page, right
    assert 'Comptes qui ne sont plus attendus' in page and '90 jours après la fermeture du compte' in page
    assert 'l’année scolaire plus 1 an' in page and '14 sauvegardes' in page
    assert 'Statistiques d’usage' in page and '25 mois' in page and 'sans garder qui les a faites' in page
    assert page.count('à renseigner') >= 5
    assert 'zoe' not in page.lower() and 'Dubois' not in page      # no person named on a public page


def test_a_signed_in_reader_sees_only_their_own_schools_named(demo_app, people, school_b, signed_in):  # noqa: F811
    """Two schools on one installation: the notice names École du Port to its director and to a
    parent whose only link to it is a child there, the demo school to its guardian, never the
    other one; before sign-in and to the installation's admin, both (the schools the installation serves)."""
    parent = User.create(login='parent.sans.ecole', first_name='Noé', last_name='Sans-École', roles='guardian',
                         password_hash=security.hash_password('demo'))
    GuardianLink.create(guardian=parent, pupil=school_b.pupil, relation='father')
    for reader, own, other in ((school_b.director, 'École du Port', 'École des Mimosas'),
                               (parent, 'École du Port', 'École des Mimosas'),
                               (people.guardian, 'École des Mimosas', 'École du Port')):
        page = text(signed_in(reader).get('/donnees-personnelles'))
        assert own in page and other not in page, reader.login
    anonymous = text(Client(demo_app).get('/donnees-personnelles'))
    assert 'École du Port' in anonymous and 'École des Mimosas' in anonymous
    admin = text(signed_in(people.admin).get('/donnees-personnelles'))      # belongs to no school, serves both
    assert 'École du Port' in admin and 'École des Mimosas' in admin


def test_the_sign_in_page_and_the_activation_letter_link_to_it(demo_app, people, signed_in):
    login = Client(demo_app).get('/connexion')
    assert re.search(r'<a href="/donnees-personnelles">Vos données personnelles sur l’ENT</a>', login.text)
    director = signed_in(people.director)
    letter = text(send(director, f'/admin/comptes/{people.guardian.id}/courrier', {}, status=200))
    assert re.search(r'Ce que l’ENT garde sur vous et vos enfants, combien de temps, et vos droits : '
                     r'https?://[^ /]+/donnees-personnelles', letter)


def test_the_notice_says_what_the_configuration_says(demo_app, set_option):
    client = Client(demo_app)
    set_option('privacy.leavers_days', 45)
    set_option('privacy.liaison_years', 2)
    set_option('backup.keep', 5)
    set_option('privacy.leavers_contributions', 'delete')
    set_option('privacy.school_contact', 'École des Mimosas, 3 rue des Écoles, ce.0061234a@ac-exemple.fr')
    set_option('privacy.dpo_name', 'Délégué académique à la protection des données')
    set_option('privacy.dpo_email', 'dpd@ac-exemple.fr')
    set_option('privacy.dpo_address', 'Rectorat, 53 avenue Cap de Croix, 06181 Nice')
    set_option('privacy.controller', 'Le DASEN des Alpes-Maritimes et la commune')
    page = text(client.get('/donnees-personnelles'))
    for words in ('45 jours après la fermeture du compte', 'l’année scolaire plus 2 ans', '5 sauvegardes',
                  'sont supprimés avec son compte', 'ce.0061234a@ac-exemple.fr', 'dpd@ac-exemple.fr',
                  'Rectorat, 53 avenue Cap de Croix', 'Le DASEN des Alpes-Maritimes'):
        assert words in page, words
    assert '90 jours' not in page and 'à renseigner' not in page


@pytest.mark.browser
def test_the_notice_and_the_register_on_a_phone(open_page, people, closed_year):  # noqa: F811
    """Debian's Chromium, real server, 390 x 844: the notice reached from the sign-in page by an
    anonymous visitor, then the director's register and photo dates reached from the school's
    admin page; axe-core finds nothing, none is wider than the screen; printed, the register loses
    the site's furniture."""
    page = open_page(PHONE['width'], PHONE['height'], mobile=True)
    visit(page, '/connexion')
    page.get_by_role('link', name='Vos données personnelles sur l’ENT').click()
    page.wait_for_load_state()
    assert page.url.endswith('/donnees-personnelles')
    heading = page.get_by_role('heading', level=1).inner_text()
    assert heading == 'Vos données personnelles sur l’espace numérique de l’école'
    fits(page, PHONE['width'])
    clean(page)
    director = signed_in(open_page(PHONE['width'], PHONE['height'], mobile=True), people.director.login)
    school = people.director.school_id
    visit(director, f'/admin/ecoles/{school}')
    director.get_by_role('link', name='Registre RGPD').click()
    director.wait_for_load_state()
    assert director.url.endswith(f'/admin/ecoles/{school}/registre')
    assert 'Comptes qui ne sont plus attendus : 90 jours' in director.locator('main').inner_text()
    fits(director, PHONE['width'])
    clean(director)
    director.emulate_media(media='print')
    assert not director.locator('.crumbs').is_visible() and director.locator('h1').is_visible()
    director.emulate_media(media='screen')
    visit(director, f'/admin/ecoles/{school}')
    director.get_by_role('link', name='Photos des années closes').click()
    director.wait_for_load_state()
    field = director.get_by_label('Nouvelle date (AAAA-MM-JJ, aujourd’hui ou plus tard)')
    assert field.input_value() == '2026-08-31'
    field.fill('2027-06-30')
    button = director.get_by_role('button', name='Enregistrer la date')
    assert button.bounding_box()['height'] >= 44
    button.click()
    director.wait_for_load_state()
    assert 'jusqu’au mercredi 30 juin 2027' in director.locator('.flashes').inner_text()
    fits(director, PHONE['width'])
    clean(director)
