"""Directory pages and the QR card sign-in in Debian's Chromium, checked by axe-core."""
import re

import pytest

from tests.conftest import axe_violations, browser_sign_in

pytestmark = pytest.mark.browser


def test_director_directory_page_is_accessible(browser_page):
    page = browser_page
    browser_sign_in(page, 'sophie.lefevre-martin')
    page.goto(page.base + '/annuaire')
    assert page.get_by_role('heading', name='Annuaire et comptes').is_visible()
    assert axe_violations(page) == []


def test_teacher_prints_cards_and_a_pupil_signs_in_with_one(browser_page, chromium):
    page = browser_page
    browser_sign_in(page, 'julien.roux')
    page.get_by_role('link').filter(has_text=re.compile('CE')).first.click()
    class_id = re.search(r'/classe/(\d+)', page.url).group(1)
    page.goto(f'{page.base}/annuaire/classe/{class_id}')
    assert axe_violations(page) == []
    page.get_by_role('button', name='Imprimer les cartes des élèves').click()
    page.wait_for_load_state()
    assert page.locator('.login-card svg').count() >= 1
    assert axe_violations(page) == []
    code = page.locator('.login-card .login-card-code strong').first.inner_text().replace(' ', '')
    first_name = page.locator('.login-card .login-card-name').first.inner_text()
    pupil = chromium.new_context(viewport={'width': 1024, 'height': 768}, locale='fr-FR',
                                 bypass_csp=True)     # to inject axe-core, as browser_page does
    try:
        tab = pupil.new_page()
        tab.goto(f'{page.base}/carte')
        assert axe_violations(tab) == []
        tab.get_by_label('Mon code').fill(code)
        tab.get_by_role('button', name='Entrer').click()
        tab.wait_for_load_state()
        assert tab.get_by_role('heading', name=f'Bonjour {first_name}').is_visible()
    finally:
        pupil.close()
