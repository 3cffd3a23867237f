"""Kiosk sessions end after the inactivity set by kiosk.inactivity_seconds (the sessions' clock is
moved, never slept on), any request or the page's « still here » (POST /kiosque/presence) slides
that expiry, an ordinary session keeps its days; and the kiosk is refused from outside the school
networks, as the trusted proxy names the client (the real server: waitress behind the proxy)."""
import html
import time

import pytest

from ecole_ent.models import LoginSession
from tests.conftest import redirected_to, with_config
from tests.kiosk.conftest import OUTSIDE, SCHOOL_NETWORK, csrf
from tests.real_http import Browser

OUTSIDE_MESSAGE = 'La borne ne fonctionne que depuis le réseau de l’école.'


def signed_in_at_kiosk(kiosk, login='aurelie.dubois'):
    at_kiosk = kiosk()
    assert redirected_to(at_kiosk.password(login)) == '/kiosque/accueil'
    return at_kiosk


def test_a_kiosk_session_ends_after_90_seconds_without_activity(people, kiosk, clock):
    at_kiosk = signed_in_at_kiosk(kiosk)
    clock.later(89)
    assert at_kiosk.get('/kiosque/accueil').status_int == 200       # and the expiry slides
    clock.later(89)
    assert at_kiosk.get('/kiosque/accueil').status_int == 200
    clock.later(91)
    ended = at_kiosk.get('/kiosque/accueil', expect_errors=True)
    assert redirected_to(ended) == '/kiosque'
    assert LoginSession.select().where(LoginSession.user == people.guardian).count() == 0
    again = at_kiosk.get('/kiosque')
    assert again.status_int == 200 and 'name="password"' in again.text


def test_the_page_saying_someone_is_there_keeps_the_session(people, kiosk, clock):
    at_kiosk = signed_in_at_kiosk(kiosk)
    token = csrf(at_kiosk.get('/kiosque/accueil'))
    for _tap in range(3):
        clock.later(60)
        assert at_kiosk.post('/kiosque/presence', {'csrf_token': token}).status_int == 204
    clock.later(91)
    assert at_kiosk.post('/kiosque/presence', {'csrf_token': token}, expect_errors=True).status_int in (400, 403)
    assert redirected_to(at_kiosk.get('/kiosque/accueil', expect_errors=True)) == '/kiosque'


@with_config(kiosk_inactivity_seconds=5)
def test_the_inactivity_is_an_option(people, kiosk, clock):
    at_kiosk = signed_in_at_kiosk(kiosk)
    assert 'data-kiosk-seconds="5"' in at_kiosk.get('/kiosque/accueil').text
    clock.later(4)
    assert at_kiosk.get('/kiosque/accueil').status_int == 200
    clock.later(6)
    assert redirected_to(at_kiosk.get('/kiosque/accueil', expect_errors=True)) == '/kiosque'


def test_an_ordinary_session_keeps_its_days(people, signed_in, clock):
    client = signed_in(people.guardian)
    clock.later(3 * 86400)
    assert client.get('/').status_int == 200


def test_signing_out_ends_the_session_and_returns_to_the_kiosk(people, kiosk):
    at_kiosk = signed_in_at_kiosk(kiosk)
    token = csrf(at_kiosk.get('/kiosque/accueil'))
    out = at_kiosk.post('/kiosque/sortie', {'csrf_token': token})
    assert redirected_to(out) == f'/kiosque?ecole={people.school.uai}'
    assert LoginSession.select().count() == 0
    page = at_kiosk.get(f'/kiosque?ecole={people.school.uai}')
    assert 'Vous êtes déconnecté.' in html.unescape(page.text)


def test_a_kiosk_cookie_carried_outside_is_refused_and_closed(people, kiosk, demo_app):
    at_kiosk = signed_in_at_kiosk(kiosk)
    at_kiosk.extra_environ = {'REMOTE_ADDR': OUTSIDE}
    refused = at_kiosk.get('/kiosque/accueil', expect_errors=True)
    assert refused.status_int == 403 and OUTSIDE_MESSAGE in html.unescape(refused.text)
    assert LoginSession.select().where(LoginSession.user == people.guardian).count() == 0
    # The cookie is deleted, and the refusal names no one nor offers a sign-out.
    assert 'ecole_session' not in at_kiosk.cookies
    assert people.guardian.last_name not in refused.text and '/deconnexion' not in refused.text
    at_kiosk.extra_environ = {'REMOTE_ADDR': SCHOOL_NETWORK}
    assert redirected_to(at_kiosk.get('/kiosque/accueil', expect_errors=True)) == '/kiosque'


def test_from_outside_the_sign_in_is_refused_before_any_password_check(people, kiosk):
    outside = kiosk(OUTSIDE)
    page = outside.start()
    assert page.status_int == 403 and OUTSIDE_MESSAGE in html.unescape(page.text)
    assert 'name="password"' not in page.text
    token = csrf(outside.get('/connexion'))
    for path in ('/kiosque', '/kiosque/carte'):
        refused = outside.post(path, {'csrf_token': token, 'ecole': people.school.uai, 'login': 'aurelie.dubois',
                                      'password': 'demo', 'jeton': people.card_of(people.pupil)}, expect_errors=True)
        assert refused.status_int == 403 and OUTSIDE_MESSAGE in html.unescape(refused.text), path
    assert LoginSession.select().count() == 0


# Through the real server behind the trusted proxy: the client is the one X-Forwarded-For names.
@with_config(server_trusted_proxy='127.0.0.1')
@pytest.mark.parametrize('forwarded', [OUTSIDE, None], ids=['outside address', 'no address named'])
def test_through_the_proxy_the_kiosk_is_refused_from_outside(people, live_server, forwarded):
    visitor = Browser(live_server, headers={'X-Forwarded-For': forwarded} if forwarded else {},
                      follow_redirects=False)
    status, _headers, page = visitor.request('/kiosque')
    assert status == 403 and OUTSIDE_MESSAGE in html.unescape(page)
    status, _headers, page = visitor.form('/kiosque', token_from='/connexion', ecole=people.school.uai,
                                          login='aurelie.dubois', password='demo')
    assert status == 403 and OUTSIDE_MESSAGE in html.unescape(page)
    assert LoginSession.select().count() == 0


@with_config(server_trusted_proxy='127.0.0.1')
def test_through_the_proxy_a_kiosk_session_opens_inside_and_closes_outside(people, live_server):
    inside = Browser(live_server, headers={'X-Forwarded-For': SCHOOL_NETWORK}, follow_redirects=False)
    status, headers, _page = inside.form('/kiosque', ecole=people.school.uai, login='aurelie.dubois', password='demo')
    assert status == 303 and headers['Location'].endswith('/kiosque/accueil')
    status, headers, page = inside.request('/kiosque/accueil')
    assert status == 200 and headers['Cache-Control'] == 'no-store' and 'Terminer' in page
    outside = Browser(live_server, headers={'X-Forwarded-For': OUTSIDE}, follow_redirects=False)
    for cookie in inside.jar:
        outside.jar.set_cookie(cookie)
    status, headers, page = outside.request('/kiosque/accueil')
    assert status == 403 and OUTSIDE_MESSAGE in html.unescape(page)
    assert [c for c in headers.get_all('Set-Cookie') if c.startswith('ecole_session=')]
    assert 'ecole_session' not in [cookie.name for cookie in outside.jar]
    status, headers, _page = inside.request('/kiosque/accueil')
    assert status == 303 and headers['Location'].endswith('/kiosque')


def slid_by(moment, seconds=5):
    """Wait until the session's sliding expiry was written at `moment` (db.write_soon may leave it
    a moment to the server's background writer while another write holds the lock)."""
    deadline = time.monotonic() + seconds
    while LoginSession.get().last_seen_at != moment and time.monotonic() < deadline:
        time.sleep(0.02)


def test_through_the_real_server_the_cookie_is_never_kept_no_store_and_inactivity_ends_it(people, live_server, clock):
    """waitress, not WSGI: the session cookie has no Max-Age nor Expires (it ends with the browser),
    every kiosk answer is no-store, and the server itself ends the session after 90 s without a
    request (127.0.0.1 is a school network; the sessions' clock is moved, the server reads it)."""
    at_kiosk = Browser(live_server, follow_redirects=False)
    status, headers, _page = at_kiosk.form('/kiosque', ecole=people.school.uai, login='aurelie.dubois',
                                           password='demo')
    assert status == 303 and headers['Location'].endswith('/kiosque/accueil')
    cookie = next(value for value in headers.get_all('Set-Cookie') if value.startswith('ecole_session='))
    assert 'max-age' not in cookie.lower() and 'expires' not in cookie.lower()
    assert next(c for c in at_kiosk.jar if c.name == 'ecole_session').discard
    for moved in (0, 89, 89):
        clock.later(moved)
        status, headers, _page = at_kiosk.request('/kiosque/accueil')
        assert status == 200 and headers['Cache-Control'] == 'no-store', moved
        slid_by(clock.at)
    clock.later(91)
    status, headers, _page = at_kiosk.request('/kiosque/accueil')
    assert status == 303 and headers['Location'].endswith('/kiosque')
