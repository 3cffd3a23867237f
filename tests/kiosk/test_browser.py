"""The kiosk in Debian's Chromium through the real server (127.0.0.1: a school network): at a
phone's size (390x844) and at a portrait kiosk screen (1080x1920), the sign-in (with the camera
button of static/cards/scan.js), the home, the week of homework, the note to sign and the kiosk's
own « not found » fit the screen and pass axe-core; the big buttons are big; its links add nothing
to the history; a kiosk session left alone signs out by itself (the option set to 3 s), leaving
nothing to go back to; without JavaScript the kiosk still signs in, shows the print view and signs
out; a pupil's card filmed by Chromium's fake camera signs the pupil in."""
import io
import re

import pytest
import segno
from PIL import Image

from ecole_ent.models import LoginSession
from tests.conftest import screenshot, with_config
from tests.directory.test_card_camera_browser import filming, y4m
from tests.homework.test_browser import clean, fits

pytestmark = pytest.mark.browser

SIGN_IN = re.compile(r'/kiosque(\?ecole=[0-9A-Z]+)?$')
SCREENS = {'phone': {'width': 390, 'height': 844}, 'kiosk': {'width': 1080, 'height': 1920}}


@pytest.fixture
def open_page(fresh_page):
    """open_page(screen) -> a page in a fresh context (no cookies) at that screen size, touch
    enabled; any request to another host fails the test (tests/conftest.py fresh_page)."""
    return lambda screen: fresh_page(viewport=SCREENS[screen], has_touch=True)


def sign_in(page, login='aurelie.dubois'):
    page.goto(page.base + '/kiosque')
    page.locator('#f-login').fill(login)
    page.locator('#f-password').fill('demo')
    page.get_by_role('button', name='Entrer', exact=True).click()
    page.wait_for_url('**/kiosque/accueil')


def checked(page, screen, name):
    fits(page, SCREENS[screen]['width'])
    clean(page)
    screenshot(page, f'kiosk-{name}-{screen}')


@pytest.mark.parametrize('screen', list(SCREENS))
def test_every_kiosk_page_fits_the_screen_and_passes_axe(people, open_page, screen):
    page = open_page(screen)
    page.goto(page.base + '/kiosque')
    camera = page.get_by_role('button', name='Utiliser la caméra')
    camera.wait_for()
    assert page.get_by_label('Code écrit sur la carte').is_visible()
    checked(page, screen, 'sign-in')
    sign_in(page)
    countdown = page.locator('.kiosk-countdown-live')
    assert countdown.is_visible() and 'Déconnexion automatique dans' in countdown.inner_text()
    # One sentence, the number and its « s » held together; how to stay only in the last seconds.
    assert re.search(r'dans \d+\u00a0s$', countdown.text_content().strip())
    assert page.locator('.kiosk-countdown-stay').is_hidden()
    for button in page.locator('.kiosk-button').all():
        box = button.bounding_box()
        assert box['height'] >= 44 and box['width'] >= 44
    checked(page, screen, 'home')
    kept = page.evaluate('history.length')
    page.get_by_role('link', name='Les devoirs de la semaine').first.click()
    page.wait_for_url('**/kiosque/devoirs/**')
    assert page.get_by_role('button', name='Imprimer').is_visible()
    assert page.get_by_role('heading', level=1).inner_text().startswith('Devoirs de ')
    checked(page, screen, 'week')
    page.get_by_role('link', name='Retour').click()
    page.wait_for_url('**/kiosque/accueil')
    page.locator('a[href^="/kiosque/mot/"]').first.click()
    page.wait_for_url('**/kiosque/mot/**')
    assert page.get_by_text('Signature du responsable').is_visible()
    checked(page, screen, 'note')
    assert page.evaluate('history.length') == kept      # the kiosk's links replace the page they leave
    page.goto(page.base + '/kiosque/devoirs/999999')    # the kiosk's own « not found » (kiosk/closed.html)
    assert page.get_by_role('heading', level=1).inner_text() == 'Page introuvable'
    checked(page, screen, 'not-found')
    page.get_by_role('button', name='Terminer').click()
    page.wait_for_url(SIGN_IN)
    assert page.locator('#f-password').is_visible()
    assert LoginSession.select().count() == 0


@with_config(kiosk_inactivity_seconds=3)
def test_the_kiosk_signs_out_by_itself(people, open_page):
    page = open_page('kiosk')
    sign_in(page)
    assert page.locator('.kiosk-seconds').inner_text() in ('3', '2')
    stay = page.get_by_text('Touchez l’écran pour continuer.')
    assert stay.is_visible() and stay.evaluate('e => e.closest(".kiosk-countdown") !== null')
    page.wait_for_url(SIGN_IN, timeout=15000)
    assert page.locator('#f-password').is_visible()
    assert LoginSession.select().where(LoginSession.user == people.guardian).count() == 0
    page.go_back()
    page.wait_for_load_state()
    assert '/kiosque/accueil' not in page.url and 'Aurélie Dubois' not in page.content()
    clean(page)


def test_without_javascript_the_kiosk_still_signs_in_prints_and_says_when_it_ends(people, fresh_page):
    page = fresh_page(viewport=SCREENS['phone'], java_script_enabled=False)
    sign_in(page)
    assert page.get_by_text('Sans activité, déconnexion automatique après 90 secondes.').is_visible()
    assert not page.locator('.kiosk-countdown-live').is_visible()
    page.get_by_role('link', name='Les devoirs de la semaine').first.click()
    page.wait_for_url('**/kiosque/devoirs/**')
    assert not page.get_by_role('button', name='Imprimer').is_visible()
    assert page.get_by_text('Pour imprimer, appuyez sur « Imprimer » (ou sur Ctrl et P).').is_visible()
    page.get_by_role('button', name='Terminer').click()
    page.wait_for_url(SIGN_IN)
    assert LoginSession.select().count() == 0


def test_a_pupil_shows_the_card_to_the_kiosks_camera_and_is_signed_in(people, chromium, live_server, tmp_path):
    """A real scan: Chromium's fake camera films the card's QR code (as printed: /carte#jeton=…),
    static/cards/scan.js puts the token in the kiosk form's `jeton` field and submits it."""
    token = people.card_of(people.pupil)
    png = io.BytesIO()
    segno.make(f'{live_server}/carte#jeton={token}', error='m').save(png, kind='png', scale=8, border=4)
    video = y4m(Image.open(png), tmp_path / 'card.y4m')
    browser = filming(chromium, video)
    try:
        page = browser.new_context(viewport=SCREENS['kiosk'], locale='fr-FR').new_page()
        page.goto(live_server + '/kiosque')
        page.get_by_role('button', name='Utiliser la caméra').click()
        page.wait_for_url('**/kiosque/accueil', timeout=20000)
        assert page.locator('.kiosk-who').inner_text() == people.pupil.display_name
        assert LoginSession.get(LoginSession.user == people.pupil).kiosk is True
    finally:
        browser.close()


def test_the_kiosks_camera_speaks_to_families_with_vous(people, open_page):
    """The texts of scan.js are card_scan.html's, in « vous » at the kiosk (a parent may be the one
    holding the card); without a camera (the tests' Chromium has none) the status says so and the
    focus goes to the typed code."""
    page = open_page('kiosk')
    page.goto(page.base + '/kiosque')
    aim = page.locator('.qr-scan').get_attribute('data-qr-text-aim')
    assert aim == 'Montrez la carte à la caméra, le code QR bien en face.'
    page.get_by_role('button', name='Utiliser la caméra').click()
    status = page.get_by_role('status').filter(has_text='Aucune caméra disponible')
    status.wait_for()
    assert status.inner_text() == 'Aucune caméra disponible : tapez le code écrit sur la carte.'
    assert page.evaluate('document.activeElement.name') == 'jeton'
