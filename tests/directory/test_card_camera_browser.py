"""The QR card read by the camera, in Debian's Chromium through the real server (live_server, from
127.0.0.1: a school network by default). A real scan: Chromium's fake camera films a Y4M video of
the QR code the teacher's printed card page shows, and the pupil lands on their home; without a
camera the page falls back to the typed code. The camera pages are checked by axe at 390 x 844."""
import io

import pytest
from PIL import Image

from ecole_ent.directory import cards
from ecole_ent.web.render import static
from tests.conftest import CHROMIUM, axe_violations, screenshot, with_config
from tests.directory.conftest import print_class_cards

pytestmark = pytest.mark.browser

PHONE = {'width': 390, 'height': 844}
SCHOOL, OUTSIDE = '10.4.5.6', '203.0.113.77'
FRAME = (640, 480)


@pytest.fixture
def zoe_card(demo):
    """Zoé's card, printed anew by her teacher: (pupil, token)."""
    pupil = demo.user('zoe.dubois')
    token, _new = cards.reprinted_card(pupil, demo.teacher, 'nouveau')
    return pupil, token


def y4m(picture, path, frames=10):
    """`picture` centred on a white FRAME as a Y4M video (4:2:0, what Chromium's fake camera reads
    from --use-file-for-fake-video-capture): the header, then each frame's Y, U and V planes."""
    canvas = Image.new('RGB', FRAME, 'white')
    side = 360
    canvas.paste(picture.convert('RGB').resize((side, side), Image.NEAREST),
                 ((FRAME[0] - side) // 2, (FRAME[1] - side) // 2))
    luma, blue, red = canvas.convert('YCbCr').split()
    half = (FRAME[0] // 2, FRAME[1] // 2)
    frame = b'FRAME\n' + luma.tobytes() + blue.resize(half).tobytes() + red.resize(half).tobytes()
    path.write_bytes(f'YUV4MPEG2 W{FRAME[0]} H{FRAME[1]} F25:1 Ip A1:1 C420jpeg\n'.encode() + frame * frames)
    return path


def filming(chromium, video=None, grant=True):
    """Another Chromium with a fake camera (filming `video`, else Chromium's test pattern), the
    permission granted as a pupil would (`grant`), or refused (headless Chromium refuses what it
    would have asked)."""
    args = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
            '--disable-component-update', '--use-fake-device-for-media-stream']
    args += ['--use-fake-ui-for-media-stream'] if grant else []
    args += [f'--use-file-for-fake-video-capture={video}'] if video else []
    return chromium.browser_type.launch(executable_path=CHROMIUM, headless=True, args=args)


def fits_the_phone(page):
    assert page.evaluate('document.documentElement.scrollWidth') <= PHONE['width'], page.url


def watch(page, base):
    """What the page asked the server (URL and POST body) and what the console reported."""
    seen = {'urls': [], 'posts': [], 'console': []}
    page.on('request', lambda r: (seen['urls'].append(r.url),
                                  seen['posts'].append(r.post_data or '') if r.method == 'POST' else None))
    page.on('console', lambda m: seen['console'].append(m.text) if m.type in ('error', 'warning') else None)
    page.on('pageerror', lambda e: seen['console'].append(str(e)))
    return seen


def printed_qr(browser_page):
    """The teacher prints the CP-CE1 cards: the first card's QR code as an image, and its pupil's
    first name and code."""
    page = browser_page
    print_class_cards(page)
    card = page.locator('.login-card').first
    picture = Image.open(io.BytesIO(card.locator('svg').screenshot()))
    name = card.locator('.login-card-name').inner_text()
    code = card.locator('.login-card-code strong').inner_text().replace(' ', '')
    return picture, name, code


# Behind the trusted proxy, the school's network being 10.0.0.0/8 only: the proxy names the client.
@with_config(server_trusted_proxy='127.0.0.1', security_school_networks='10.0.0.0/8')
def test_a_pupil_shows_their_printed_card_to_the_camera_and_is_signed_in(browser_page, chromium, tmp_path):
    picture, name, code = printed_qr(browser_page)
    base = browser_page.base
    camera = filming(chromium, y4m(picture, tmp_path / 'card.y4m'))
    try:
        # From outside the school, the card read is refused as a typed one is.
        outside = camera.new_context(viewport=PHONE, locale='fr-FR', extra_http_headers={'X-Forwarded-For': OUTSIDE})
        away = outside.new_page()
        away.goto(base + '/carte')
        away.get_by_role('button', name='Utiliser la caméra').click()
        away.get_by_text('ne fonctionne que depuis le réseau de l').wait_for(timeout=20_000)
        assert away.url == base + '/carte' and not [c for c in outside.cookies() if c['name'] == 'ecole_session']

        # The page as the pupil's laptop at school gets it: the CSP enforced (script-src 'self').
        context = camera.new_context(viewport=PHONE, locale='fr-FR', is_mobile=True, has_touch=True,
                                     extra_http_headers={'X-Forwarded-For': SCHOOL})
        page = context.new_page()
        seen = watch(page, base)
        page.goto(base + '/carte')
        assert page.locator('.qr-scan').is_visible()
        page.get_by_role('button', name='Utiliser la caméra').click()
        page.wait_for_url(base + '/', timeout=20_000)
        assert page.get_by_role('heading', name=f'Bonjour {name}').is_visible()
        assert base + static('cards/vendor/jsQR.js') in seen['urls']      # its hashed name: kept a year
        assert any(f'code={code}' in body for body in seen['posts'])
        assert not [url for url in seen['urls'] if code in url]
        assert not [m for m in seen['console'] if 'Content Security Policy' in m or 'jsQR' in m], seen['console']
        screenshot(page, 'card-camera-signed-in')

        # The camera at work, on a phone, checked by axe (it needs the CSP bypassed to inject axe).
        checked = camera.new_context(viewport=PHONE, locale='fr-FR', is_mobile=True, has_touch=True,
                                     bypass_csp=True, extra_http_headers={'X-Forwarded-For': SCHOOL})
        tab = checked.new_page()
        tab.goto(base + '/carte')
        fits_the_phone(tab)
        assert axe_violations(tab) == []
        tab.evaluate("document.querySelector('form').addEventListener('submit', e => e.preventDefault())")
        tab.get_by_role('button', name='Utiliser la caméra').click()
        status = tab.locator('.qr-scan-status')
        status.filter(has_text='Carte lue').wait_for(timeout=20_000)
        assert tab.get_by_label('Mon code').input_value() == code
        assert tab.evaluate("""() => { const box = document.querySelector('.qr-scan');
            return box.qrScanner.stream === null && box.querySelector('video').srcObject === null; }""")
        fits_the_phone(tab)
        assert axe_violations(tab) == []
    finally:
        camera.close()


def test_the_reader_works_on_another_page_with_the_bare_markup(live_server, chromium, zoe_card, tmp_path):
    """The contract the kiosk relies on: a form with <div class="qr-scan" data-qr-field="jeton"
    hidden> (its texts in data-qr-text-*, as card_scan.html renders them: scan.js has none of its
    own) and scan.js gets the button, and a card read fills the input `jeton` (made hidden here,
    the form having none) and submits the form; the camera is stopped once the card is read."""
    _pupil, token = zoe_card
    import segno
    qr = io.BytesIO()
    segno.make(f'{live_server}/carte#jeton={token}', error='m').save(qr, kind='png', scale=8)
    camera = filming(chromium, y4m(Image.open(qr), tmp_path / 'card.y4m'))
    try:
        page = camera.new_page(locale='fr-FR')
        page.route(live_server + '/essai-borne', lambda route: route.fulfill(content_type='text/html', body=(
            '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Essai</title>'
            '<script src="/static/cards/scan.js" defer></script></head><body><main>'
            '<form method="post" action="/essai-borne"><div class="qr-scan" data-qr-field="jeton" hidden'
            ' data-qr-text-start="Utiliser la caméra" data-qr-text-read="Carte lue : connexion…"></div>'
            '<label>Identifiant <input name="login"></label></form></main></body></html>')))
        page.goto(live_server + '/essai-borne')
        page.evaluate("""window.sent = null; document.querySelector('form').addEventListener('submit', e => {
            e.preventDefault(); window.sent = Object.fromEntries(new FormData(e.target)); })""")
        page.get_by_role('button', name='Utiliser la caméra').click()
        page.wait_for_function('window.sent !== null', timeout=20_000)
        assert page.evaluate('window.sent') == {'jeton': token, 'login': ''}
        assert page.locator('input[name=jeton]').get_attribute('type') == 'hidden'
        assert page.locator('.qr-scan-status').inner_text() == 'Carte lue : connexion…'
        assert page.evaluate("document.querySelector('.qr-scan').qrScanner.stream === null")
        assert page.locator('video').is_hidden()
        assert page.locator('link[href*="/static/cards/scan.css"]').count() == 1     # brought by scan.js
    finally:
        camera.close()


@pytest.mark.parametrize('camera, says', [
    ('none', 'Aucune caméra disponible : tape le code écrit sur la carte.'),
    ('refused', 'La caméra n’est pas autorisée : tape le code écrit sur la carte.')])
def test_without_camera_the_page_falls_back_to_the_typed_code(chromium, live_server, zoe_card, camera, says):
    """No camera at all (the tests' Chromium has none), or a camera the pupil may not use (the
    permission refused): the button says the camera is not there, the status says why, the focus
    goes to the code field, and the typed code signs in."""
    pupil, token = zoe_card
    browser = chromium if camera == 'none' else filming(chromium, grant=False)
    context = browser.new_context(viewport=PHONE, locale='fr-FR', is_mobile=True, has_touch=True,
                                  bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(live_server + '/carte')
        page.get_by_role('button', name='Utiliser la caméra').click()
        refused = page.get_by_role('button', name='Caméra indisponible')
        refused.wait_for(timeout=10_000)
        assert refused.is_disabled()
        assert page.get_by_role('status').inner_text() == says
        assert page.evaluate('document.activeElement.id') == 'f-code'
        assert page.locator('video').is_hidden()
        fits_the_phone(page)
        assert axe_violations(page) == []
        screenshot(page, f'card-camera-{camera}-phone')
        page.keyboard.type(cards.printable(token))
        page.get_by_role('button', name='Entrer').click()
        page.wait_for_url(live_server + '/')
        assert page.get_by_role('heading', name=f'Bonjour {pupil.first_name}').is_visible()
    finally:
        context.close()
        if browser is not chromium:
            browser.close()


def test_a_card_opened_by_its_address_signs_in_without_the_token_leaving_the_page(chromium, live_server,
                                                                                   zoe_card):
    """A card's QR code read by the phone's own camera app opens /carte#jeton=…: the page posts the
    token, the fragment is gone from the history, and no address the browser asked holds it."""
    pupil, token = zoe_card
    context = chromium.new_context(viewport=PHONE, locale='fr-FR')
    try:
        page = context.new_page()
        seen = watch(page, live_server)
        page.goto(f'{live_server}/carte#jeton={token}')
        page.wait_for_url(live_server + '/')
        assert page.get_by_role('heading', name=f'Bonjour {pupil.first_name}').is_visible()
        assert not [url for url in seen['urls'] if token in url]
        assert [body for body in seen['posts'] if f'code={token}' in body]
        page.go_back()                # the entry with the token was replaced (or the page before)
        assert 'jeton' not in page.url and token not in page.url
    finally:
        context.close()


def test_without_javascript_the_camera_is_not_offered_and_the_code_signs_in(chromium, live_server, zoe_card):
    pupil, token = zoe_card
    context = chromium.new_context(viewport=PHONE, locale='fr-FR', java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server + '/carte')
        assert page.locator('.qr-scan').is_hidden()
        assert page.get_by_role('button', name='Utiliser la caméra').count() == 0
        page.get_by_label('Mon code').fill(token)
        page.get_by_role('button', name='Entrer').click()
        page.wait_for_url(live_server + '/')
        assert page.get_by_role('heading', name=f'Bonjour {pupil.first_name}').is_visible()
    finally:
        context.close()


def test_what_the_reader_takes_for_a_card(browser_page):
    page = browser_page
    page.goto(page.base + '/carte')
    cases = {'https://ent.example/carte#jeton=abcd2345': 'abcd2345',
             'https://ent.example/carte?jeton=abcd2345': 'abcd2345',
             'abcd 2345': 'abcd2345', 'ABCD-2345': 'ABCD-2345'.replace('-', ''),
             'https://example.org/': None, 'bonjour les enfants': None, '': None,
             'https://ent.example/carte#jeton=%E0': None, 'https://ent.example/carte#jeton=<b>': None}
    for text, token in cases.items():
        assert page.evaluate('t => window.ecoleQrScan.tokenOf(t)', text) == token, text


def test_an_older_card_refused_leaves_no_token_in_the_address_bar(chromium, live_server):
    """A card printed with ?jeton= still signs in (tests/directory/test_browser.py); when it is
    refused (here, a code that is no card's), the page takes the code out of its address."""
    context = chromium.new_context(viewport=PHONE, locale='fr-FR')
    try:
        page = context.new_page()
        response = page.goto(f'{live_server}/carte?jeton=zzzz9999')
        assert response.status == 403 and 'ne fonctionne pas' in page.locator('main').inner_text()
        page.wait_for_function("!location.search")
        assert page.url == live_server + '/carte'
    finally:
        context.close()


def test_the_camera_at_work_fits_a_phone_and_stops_on_request(chromium, live_server):
    """Chromium's own test pattern holds no QR code: the camera stays on, the film shows, the page
    fits 390 px and passes axe; « Arrêter la caméra » stops every track of the camera."""
    camera = filming(chromium)
    try:
        page = camera.new_context(viewport=PHONE, locale='fr-FR', is_mobile=True, has_touch=True,
                                  bypass_csp=True).new_page()
        page.goto(live_server + '/carte')
        page.evaluate("""() => { const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
            navigator.mediaDevices.getUserMedia = c => real(c).then(s => { window.opened = s; return s; }); }""")
        page.get_by_role('button', name='Utiliser la caméra').click()
        page.get_by_role('status').filter(has_text='Montre ta carte à la caméra').wait_for(timeout=20_000)
        assert page.locator('video').is_visible()
        assert page.evaluate("document.querySelector('video').videoWidth") > 0
        assert 'qr-scan-mirror' in page.locator('video').get_attribute('class')   # no rear camera here
        fits_the_phone(page)
        assert axe_violations(page) == []
        screenshot(page, 'card-camera-filming-phone')
        page.get_by_role('button', name='Arrêter la caméra').click()
        assert page.locator('video').is_hidden()
        assert page.evaluate("window.opened.getTracks().map(t => t.readyState)") == ['ended']
        assert page.get_by_role('button', name='Utiliser la caméra').is_enabled()
    finally:
        camera.close()
