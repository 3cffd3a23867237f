"""In Debian's Chromium, phone-sized (390 x 844), checked by axe-core: a teacher sets quiet hours and
the daily digest on /compte; the forgotten-password page; the stop link's page."""
import pytest

from ecole_ent.mail import notify, unsubscribe
from ecole_ent.models import User
from tests.conftest import axe_violations, browser_sign_in

pytestmark = pytest.mark.browser


def fits(page):
    width = page.evaluate('document.documentElement.scrollWidth')
    assert width <= 390, f'horizontal scrolling at 390 px ({width} px wide)'


def test_a_teacher_sets_the_digest_and_quiet_hours_on_a_phone(browser_page):
    page = browser_page
    page.set_viewport_size({'width': 390, 'height': 844})
    browser_sign_in(page, 'julien.roux')
    page.goto(page.base + '/compte')
    section = page.locator('section', has=page.get_by_role('heading', name='Courriels de l’ENT'))
    assert section.get_by_label('Début (heure)').input_value() == '19:00'          # the demo's quiet hours
    assert axe_violations(page) == [] and fits(page) is None
    section.get_by_label('Un résumé par jour').check()
    section.get_by_label('Fin (heure)').fill('06:45')
    section.get_by_role('button', name='Enregistrer ces réglages').click()
    page.wait_for_load_state()
    assert page.get_by_text('Réglages des courriels enregistrés : un résumé par jour.').is_visible()
    pref = notify.preference(User.get(User.login == 'julien.roux'))
    assert (pref.mode, pref.quiet_from, pref.quiet_until) == ('digest', '19:00', '06:45')
    assert axe_violations(page) == []


def test_the_forgotten_password_and_stop_pages_on_a_phone(browser_page):
    page = browser_page
    page.set_viewport_size({'width': 390, 'height': 844})
    page.goto(page.base + '/connexion')
    page.get_by_role('link', name='Mot de passe oublié ?').click()
    page.wait_for_load_state()
    assert page.get_by_role('heading', name='Mot de passe oublié').is_visible()
    assert axe_violations(page) == [] and fits(page) is None
    page.goto(page.base + unsubscribe.path_for(User.get(User.login == 'aurelie.dubois').id))
    assert axe_violations(page) == [] and fits(page) is None
    page.get_by_role('button', name='Arrêter ces courriels').click()
    page.wait_for_load_state()
    assert page.get_by_text('vous ne recevrez plus de courriels').is_visible()
    assert axe_violations(page) == []
