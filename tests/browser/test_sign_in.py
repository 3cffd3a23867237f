"""Sign-in in a real browser, on a desktop and on a phone-sized screen, checked by axe-core."""
import pytest

from tests.conftest import axe_violations, browser_sign_in

pytestmark = pytest.mark.browser


def test_teacher_signs_in_and_out_in_the_browser(browser_page):
    page = browser_page
    page.goto(page.base + '/')
    assert page.url.endswith('/connexion?next=/')
    assert axe_violations(page) == []
    browser_sign_in(page, 'julien.roux')
    assert page.get_by_role('heading', name='Bonjour Julien').is_visible()
    assert axe_violations(page) == []
    page.get_by_role('button', name='Se déconnecter').click()
    page.wait_for_load_state()
    assert '/connexion' in page.url and page.get_by_text('Vous êtes déconnecté.').is_visible()


def test_guardian_home_on_a_phone(browser_page):
    page = browser_page
    page.set_viewport_size({'width': 320, 'height': 640})
    browser_sign_in(page, 'aurelie.dubois')
    assert page.locator('.child-card').count() == 2
    width = page.evaluate('document.documentElement.scrollWidth')
    assert width <= 320, f'horizontal scrolling at 320 px ({width} px wide)'
    assert axe_violations(page) == []


def test_wrong_password_message_is_announced(browser_page):
    page = browser_page
    browser_sign_in(page, 'julien.roux', 'mauvais')
    alert = page.get_by_role('alert')
    assert 'Identifiant ou mot de passe incorrect.' in alert.inner_text()
