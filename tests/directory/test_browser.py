"""Directory pages and the QR card sign-in in Debian's Chromium, checked by axe-core."""
import re

import pytest

from tests.conftest import axe_violations, browser_sign_in, screenshot
from tests.directory.conftest import print_class_cards

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


PHONE = {'width': 390, 'height': 844}


@pytest.fixture
def phone(chromium, live_server):
    """A fresh phone-sized page (390 x 844, touch) on the live server; page.base its URL."""
    context = chromium.new_context(viewport=PHONE, locale='fr-FR', bypass_csp=True, is_mobile=True,
                                   has_touch=True)
    page = context.new_page()
    page.base = live_server
    yield page
    context.close()


def fits_and_is_clean(page):
    """No sideways scrolling at 390 px (the elements sticking out named if there is), no axe violation."""
    width = page.evaluate('document.documentElement.scrollWidth')
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 390.5).slice(0, 6)
        .map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))""")
    assert width <= PHONE['width'], (page.url, width, wide)
    assert axe_violations(page) == [], page.url


def test_a_teacher_reprints_one_lost_card_on_a_phone_and_the_rest_of_the_class_keeps_its_cards(phone, chromium):
    page = phone
    browser_sign_in(page, 'julien.roux')
    page.goto(page.base + '/annuaire/cartes')
    fits_and_is_clean(page)
    page.get_by_role('link', name='CP-CE1').click()
    page.wait_for_load_state()
    fits_and_is_clean(page)
    screenshot(page, 'directory-class-phone')
    heights = page.eval_on_selector_all('.card-actions a, .card-actions button',
                                        'els => els.map(e => e.getBoundingClientRect().height)')
    assert heights and min(heights) >= 44, heights
    page.get_by_role('button', name='Imprimer les cartes des élèves').click()
    page.wait_for_load_state()
    fits_and_is_clean(page)
    first = dict(zip(page.locator('.login-card-school').all_inner_texts(),
                     page.locator('.login-card-code strong').all_inner_texts()))
    assert len(first) >= 8
    screenshot(page, 'directory-cards-phone')
    page.go_back()
    page.wait_for_load_state()
    reprint = page.get_by_role('link', name=re.compile('^Réimprimer la carte de')).first
    name = reprint.inner_text().removeprefix('Réimprimer la carte de ')
    reprint.click()
    page.wait_for_load_state()
    fits_and_is_clean(page)
    screenshot(page, 'directory-reprint-phone')
    page.get_by_label('La carte a pu tomber entre d’autres mains : nouveau code').check()
    page.get_by_role('button', name='Imprimer la carte').click()
    page.wait_for_load_state()
    fits_and_is_clean(page)
    assert page.locator('.login-card').count() == 1
    assert page.locator('.login-card-name').inner_text() == name
    (key,) = page.locator('.login-card-school').all_inner_texts()
    new_code = page.locator('.login-card-code strong').inner_text()
    assert new_code != first[key]
    pupil = chromium.new_context(viewport=PHONE, locale='fr-FR')
    try:
        tab = pupil.new_page()
        for code, works in [(first[key], False), (new_code, True)] + [(c, True) for k, c in first.items()
                                                                      if k != key][:2]:
            tab.context.clear_cookies()
            response = tab.goto(f'{page.base}/carte?jeton={code.replace(" ", "")}')
            assert (response.status == 200 and '/carte' not in tab.url) == works, (code, works, tab.url)
    finally:
        pupil.close()


def test_the_cards_print_eight_to_an_a4_sheet(browser_page):
    """Printed to PDF by Chromium (A4, the print stylesheet): one sheet per eight pupils."""
    page = browser_page
    print_class_cards(page)
    cards = page.locator('.login-card').count()
    pdf = page.pdf(format='A4', print_background=False)
    assert len(re.findall(rb'/Type\s*/Page[^s]', pdf)) == -(-cards // 8)


def test_the_renewal_warning_and_the_directory_pages_fit_a_phone(phone):
    page = phone
    browser_sign_in(page, 'julien.roux')
    page.goto(page.base + '/annuaire/cartes')
    page.get_by_role('link', name='CP-CE1').click()
    page.get_by_role('link', name='Faire de nouveaux codes pour toute la classe…').click()
    page.wait_for_load_state()
    assert page.get_by_role('button', name='Oui, faire de nouveaux codes pour toute la classe').is_visible()
    fits_and_is_clean(page)
    page.context.clear_cookies()
    for login in ('sophie.lefevre-martin', 'admin'):
        page.context.clear_cookies()
        browser_sign_in(page, login)
        page.goto(page.base + '/annuaire')
        assert page.get_by_role('heading', name='D’où viennent les comptes').is_visible()
        assert page.get_by_role('heading', name='Détails techniques').count() == (login == 'admin')
        fits_and_is_clean(page)
        screenshot(page, f'directory-index-phone-{login}')
