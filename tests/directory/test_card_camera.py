"""The QR card read by the camera (issue 18), without a browser: the printed cards carry the token in
the fragment (/carte#jeton=…), /carte takes it by POST and still by ?jeton= for the cards printed
before, the page carries the camera reader, the vendored decoder is the npm package's, and through
the real server no token reaches the access log or the error log."""
import hashlib
import json
import re
from pathlib import Path

import pytest

from ecole_ent.directory import cards
from ecole_ent.models import Classroom
from ecole_ent.paths import resource_dir
from ecole_ent.web.render import static
from tests.conftest import Client, with_config
from tests.real_http import Browser
from tests.test_access_log import access_lines, logging_as_serve

ROOT = Path(__file__).resolve().parents[2]
VENDOR = resource_dir('static') / 'cards' / 'vendor'
SCHOOL = '10.20.30.40'          # an address of the school's networks (10.0.0.0/8 by default)
OUTSIDE = '203.0.113.50'


@pytest.fixture
def zoe_card(demo):
    """Zoé's card, printed anew by her teacher: (pupil, token)."""
    pupil = demo.user('zoe.dubois')
    token, new = cards.reprinted_card(pupil, demo.teacher, 'nouveau')
    assert new
    return pupil, token


def csrf_of(page):
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_printed_cards_carry_the_token_in_the_fragment(demo, signed_in, monkeypatch):
    encoded = []
    real = cards.qr_svg

    def spy(text):
        encoded.append(text)
        return real(text)
    monkeypatch.setattr(cards, 'qr_svg', spy)
    teacher = signed_in(demo.teacher)
    classroom = Classroom.get(Classroom.name == 'CP-CE1')
    listing = teacher.get(f'/annuaire/classe/{classroom.id}')
    printed = teacher.post(f'/annuaire/classe/{classroom.id}/cartes', {'csrf_token': csrf_of(listing)})
    codes = re.findall(r'Mon code :<br><strong>([a-z0-9]{4}) ([a-z0-9]{4})</strong>', printed.text)
    assert len(encoded) == len(codes) >= 8
    for text, (first, last) in zip(encoded, codes):
        assert text == f'http://localhost:80/carte#jeton={first}{last}', text
        assert '?' not in text
    # The QR code scales to the card's box (6 rem, 38 mm printed) instead of being cut by it.
    svgs = re.findall(r'<svg [^>]*class="segno"', printed.text)
    assert len(svgs) == len(codes) and all('viewBox="0 0 ' in svg and 'width=' not in svg for svg in svgs)


def test_the_card_page_posts_the_token_and_older_cards_still_sign_in(demo_app, zoe_card):
    pupil, token = zoe_card
    computer = Client(demo_app, extra_environ={'REMOTE_ADDR': SCHOOL})
    page = computer.get('/carte')
    assert 'class="qr-scan" data-qr-field="code" data-qr-hash hidden' in page.text
    assert static('cards/scan.js') in page.text and 'Utiliser la caméra' in page.text
    assert page.forms[0].action == '/carte' and 'code' in page.forms[0].fields
    home = computer.post('/carte', {'csrf_token': csrf_of(page), 'code': token}, status=303).follow()
    assert f'Bonjour {pupil.first_name}' in home.text
    older = Client(demo_app, extra_environ={'REMOTE_ADDR': SCHOOL})
    assert f'Bonjour {pupil.first_name}' in older.get('/carte?jeton=' + token, status=303).follow().text


def test_an_old_cards_address_never_leaves_in_a_referer(demo_app, zoe_card):
    """A refused /carte?jeton=… page loads its scripts and styles: with no Referer at all, the token
    reaches no proxy's log through them (nginx's combined format logs the Referer)."""
    _pupil, token = zoe_card
    for address in (OUTSIDE, SCHOOL):
        client = Client(demo_app, extra_environ={'REMOTE_ADDR': address})
        for response in (client.get('/carte?jeton=' + token, expect_errors=True), client.get('/carte')):
            assert response.headers['Referrer-Policy'] == 'no-referrer', (address, response.status_int)


def test_a_posted_token_is_refused_from_outside_and_without_the_form_token(demo_app, zoe_card):
    _pupil, token = zoe_card
    outside = Client(demo_app, extra_environ={'REMOTE_ADDR': OUTSIDE})
    refused = outside.post('/carte', {'csrf_token': csrf_of(outside.get('/carte')), 'code': token}, status=403)
    assert 'réseau de l' in refused.text and 'ecole_session' not in outside.cookies
    school = Client(demo_app, extra_environ={'REMOTE_ADDR': SCHOOL})
    school.get('/carte')
    school.post('/carte', {'code': token}, status=400)            # no CSRF token: nobody signed in
    assert 'ecole_session' not in school.cookies
    wrong = school.post('/carte', {'csrf_token': csrf_of(school.get('/carte')), 'code': 'zzzz zzzz'}, status=403)
    assert 'ne fonctionne pas' in wrong.text and 'zzzz' not in wrong.text.replace('value="zzzz zzzz"', '')


def test_the_vendored_decoder_is_the_npm_package_unchanged():
    """static/cards/vendor/jsQR.js is jsqr's dist/jsQR.js at the version package.json pins
    (`npm ci` installs it, as it installs axe-core for the browser tests)."""
    pinned = json.loads((ROOT / 'package.json').read_text())['devDependencies']['jsqr']
    package = ROOT / 'node_modules' / 'jsqr'
    assert package.exists(), 'node_modules/jsqr is missing: run `npm ci` (tests/run.sh does)'
    assert json.loads((package / 'package.json').read_text())['version'] == pinned
    digest = hashlib.sha256
    assert digest((VENDOR / 'jsQR.js').read_bytes()).digest() == \
        digest((package / 'dist' / 'jsQR.js').read_bytes()).digest()
    assert (VENDOR / 'jsQR.LICENSE').read_bytes() == (package / 'LICENSE').read_bytes()
    assert f'jsqr {pinned}' in (VENDOR / 'README.md').read_text()


def test_the_scripts_are_served_from_the_ent_itself(demo_app):
    """script-src 'self': the reader and its decoder come from /static, nothing from elsewhere."""
    visitor = Client(demo_app, extra_environ={'REMOTE_ADDR': SCHOOL})
    assert "script-src 'self'" in visitor.get('/carte').headers['Content-Security-Policy']
    for path in ('cards/scan.js', 'cards/vendor/jsQR.js', 'cards/scan.css'):
        assert visitor.get('/static/' + path).status_int == 200
    script = (resource_dir('static') / 'cards' / 'scan.js').read_text()
    assert not re.search(r'https?://', script) and 'eval(' not in script and 'innerHTML' not in script


# Through the real server behind the trusted proxy, logging as `serve` does.
@with_config(server_trusted_proxy='127.0.0.1')
def test_no_card_token_reaches_the_logs(config, live_server, zoe_card):
    pupil, token = zoe_card
    wrong = 'qqqq7777'
    with logging_as_serve(config) as logs:
        sent = 0
        for way in ('get', 'post', 'wrong', 'outside'):
            visitor = Browser(live_server, headers={'X-Forwarded-For': OUTSIDE if way == 'outside' else SCHOOL},
                              follow_redirects=False)
            if way == 'get':
                status, _headers, _page = visitor.request('/carte?jeton=' + token)
                sent += 1
                assert status == 303
            else:
                status, _headers, _page = visitor.form('/carte', code=wrong if way == 'wrong' else token)
                sent += 2                            # the page (for its form token), then the POST
                assert status == {'post': 303, 'wrong': 403, 'outside': 403}[way], way
        lines = access_lines(logs, sent)
        assert len(lines) == sent
        assert sum(' GET /carte ' in line for line in lines) == 4
        assert sum(' POST /carte ' in line for line in lines) == 3
        assert sum(' /carte 303 ' in line for line in lines) == 2
        everything = '\n'.join(p.read_text(encoding='utf-8') for p in sorted(logs.iterdir()))
        assert (logs / 'ecole-ent.log').exists()
        for secret in (token, wrong, cards.printable(token), 'jeton='):
            assert secret not in everything
