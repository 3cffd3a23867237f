"""Sign-in, sign-out, throttling, CSRF, cookies and bad input, through the real app."""
from datetime import timedelta
from urllib.parse import quote, urlsplit

import pytest

from ecole_ent.models import AuditEvent, LoginSession, Throttle, now
from ecole_ent.web.forms import safe_next
from tests.conftest import Client, redirected_to


def test_anonymous_visitor_is_sent_to_the_login_page(demo_client):
    assert redirected_to(demo_client.get('/')) == '/connexion?next=/'


def test_login_page_is_french_and_carries_a_csrf_token(demo_client):
    page = demo_client.get('/connexion')
    assert 'lang="fr"' in page.text and 'Identifiant' in page.text and 'Mot de passe' in page.text
    assert page.forms[0]['csrf_token'].value


def test_teacher_signs_in_and_reaches_their_home(demo_client):
    response = demo_client.login('julien.roux')
    assert redirected_to(response) == '/'
    home = response.follow()
    assert 'Bonjour Julien' in home.text and 'CP-CE1' in home.text


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(demo_client):
    page = demo_client.get('/connexion?next=//evil.example/x')
    form = page.forms[0]
    form['login'], form['password'] = 'julien.roux', 'demo'
    location = form.submit().headers['Location']
    assert location.endswith('/') and 'evil' not in location


# Each of these led off-site (or to a path other than home) before next was checked once decoded.
HOSTILE_NEXT = ['/\t/evil.example', '/\n/evil.example', '/\r/evil.example', '/\t\t/evil.example/x',
                '/\x0b/evil.example', '/\x01/evil.example', '/\x7f/evil.example', '/%09/evil.example',
                '/%0a/evil.example', '/..//evil.example', '/%2F/evil.example']


def lands_on(response):
    """(host, path and query) of a redirect, as a browser reads its Location."""
    assert response.status_int == 303
    parts = urlsplit(response.headers['Location'])
    return parts.hostname, parts.path + ('?' + parts.query if parts.query else '')


@pytest.mark.parametrize('target', HOSTILE_NEXT)
def test_sign_in_falls_back_to_home_on_a_hostile_next(demo_client, target):
    page = demo_client.get('/connexion?next=' + quote(target, safe=''))
    form = page.forms[0]
    form['login'], form['password'] = 'julien.roux', 'demo'
    assert lands_on(form.submit()) == ('localhost', '/')


@pytest.mark.parametrize('target', HOSTILE_NEXT)
def test_a_posted_hostile_next_falls_back_to_home(demo_client, target):
    response = demo_client.post('/connexion', {'login': 'julien.roux', 'password': 'demo', 'next': target,
                                               'csrf_token': demo_client.csrf('/connexion')})
    assert lands_on(response) == ('localhost', '/')


@pytest.mark.parametrize('target', ['//evil.example', '/\\evil.example', '/\t\\evil.example',
                                    'https:evil.example', 'https://evil.example/', 'evil.example',
                                    '\t//evil.example', '/./x', '/%5Cevil.example', '/\x85x', '', None])
def test_next_is_only_ever_a_plain_path_of_this_site(target):
    assert safe_next(target) == '/'


def test_next_keeps_a_page_of_this_site(demo_client):
    assert safe_next('/blog/classe/3?page=2') == '/blog/classe/3?page=2'
    assert safe_next('/blog/été') == '/blog/%C3%A9t%C3%A9'
    page = demo_client.get('/connexion?next=' + quote('/photos/album/1?x=1', safe=''))
    assert set(page.forms[0].fields) - {None} == {'login', 'password', 'csrf_token', 'next'}
    form = page.forms[0]
    form['login'], form['password'] = 'julien.roux', 'demo'
    assert lands_on(form.submit()) == ('localhost', '/photos/album/1?x=1')


def test_wrong_password_is_refused_with_a_french_message(demo_client):
    response = demo_client.login('julien.roux', 'pas-le-bon')
    assert response.status_int == 200
    assert 'Identifiant ou mot de passe incorrect.' in response.text
    assert 'ecole_session' not in demo_client.cookies


def test_unknown_login_gets_the_same_message_as_a_wrong_password(demo_client):
    assert 'Identifiant ou mot de passe incorrect.' in demo_client.login('personne.inconnue', 'x').text


def test_account_is_locked_after_repeated_failures_even_with_the_right_password(demo_client, demo):
    for _ in range(5):
        demo_client.login('julien.roux', 'mauvais')
    response = demo_client.login('julien.roux', 'demo')
    assert 'Trop de tentatives' in response.text
    assert 'ecole_session' not in demo_client.cookies
    assert AuditEvent.select().where(AuditEvent.action == 'login.locked').exists()


def test_failures_from_one_address_do_not_lock_the_account_for_other_addresses(demo, demo_app):
    attacker = Client(demo_app, extra_environ={'REMOTE_ADDR': '203.0.113.7'})
    for _ in range(5):
        attacker.login('sophie.lefevre-martin', 'mauvais')
    director = Client(demo_app, extra_environ={'REMOTE_ADDR': '192.0.2.44'})
    assert redirected_to(director.login('sophie.lefevre-martin', 'demo')) == '/'
    assert 'ecole_session' in director.cookies
    refused = attacker.login('sophie.lefevre-martin', 'demo')
    assert 'Trop de tentatives' in refused.text and 'ecole_session' not in attacker.cookies
    locked = AuditEvent.get(AuditEvent.action == 'login.locked')
    assert 'sophie.lefevre-martin' in locked.target and '203.0.113.7' in locked.target


def test_an_ipv6_client_rotating_through_its_64_block_is_still_one_client(demo, demo_app):
    for n in range(5):                  # each failure from another address of the same /64
        attacker = Client(demo_app, extra_environ={'REMOTE_ADDR': f'2001:db8:1:2::{n + 1:x}'})
        attacker.login('julien.roux', 'mauvais')
    refused = Client(demo_app, extra_environ={'REMOTE_ADDR': '2001:db8:1:2::99'}).login('julien.roux', 'demo')
    assert 'Trop de tentatives' in refused.text
    elsewhere = Client(demo_app, extra_environ={'REMOTE_ADDR': '2001:db8:1:3::1'})
    assert redirected_to(elsewhere.login('julien.roux', 'demo')) == '/'


def test_lock_expires_and_success_clears_the_account_counter(demo_client, demo):
    for _ in range(5):
        demo_client.login('julien.roux', 'mauvais')
    Throttle.update(locked_until=now() - timedelta(seconds=1)).execute()
    assert redirected_to(demo_client.login('julien.roux', 'demo')) == '/'
    assert not Throttle.select().where(Throttle.key.startswith('login:julien.roux')).exists()


def test_one_address_trying_many_accounts_is_locked(demo, demo_app):
    client = Client(demo_app, extra_environ={'REMOTE_ADDR': '203.0.113.9'})
    for number in range(30):
        client.login(f'inconnu{number}', 'x')
    assert 'Trop de tentatives' in client.login('julien.roux', 'demo').text
    other = Client(demo_app, extra_environ={'REMOTE_ADDR': '203.0.113.10'})
    assert redirected_to(other.login('julien.roux', 'demo')) == '/'


def test_logout_ends_the_session_on_the_server(demo_client):
    demo_client.login('julien.roux')
    token = demo_client.cookies['ecole_session']
    [form] = [f for f in demo_client.get('/').forms.values() if f.action == '/deconnexion']
    form.submit()
    assert LoginSession.select().count() == 0
    demo_client.set_cookie('ecole_session', token)
    assert redirected_to(demo_client.get('/')) == '/connexion?next=/'


def test_an_anonymous_write_with_a_valid_form_token_is_refused_and_reaches_no_page(demo_client, demo):
    """The allow-list answers 403 to writes (every route: tests/test_route_access.py)."""
    token = demo_client.csrf('/connexion')
    response = demo_client.post('/deconnexion', {'csrf_token': token}, status=403)
    assert 'Connexion requise.' in response.text and 'Location' not in response.headers


def test_post_without_csrf_token_is_refused(demo_client):
    response = demo_client.post('/connexion', {'login': 'julien.roux', 'password': 'demo'}, status=400)
    assert 'Le formulaire a expiré' in response.text
    assert 'Traceback' not in response.text


def test_post_with_a_wrong_csrf_token_is_refused(demo_client):
    demo_client.login('julien.roux')
    response = demo_client.post('/deconnexion', {'csrf_token': 'faux'}, status=400)
    assert 'Le formulaire a expiré' in response.text
    assert LoginSession.select().count() == 1


def test_csrf_token_of_one_session_does_not_work_in_another(demo_app, demo):
    alice, bob = Client(demo_app), Client(demo_app)
    alice.login('julien.roux')
    bob.login('claire.fontaine')
    stolen = alice.csrf('/')
    assert 'Le formulaire a expiré' in bob.post('/deconnexion', {'csrf_token': stolen}, status=400).text


def test_session_cookie_is_httponly_and_samesite_lax(demo_client):
    response = demo_client.login('julien.roux')
    cookie = [v for k, v in response.headerlist if k == 'Set-Cookie' and v.startswith('ecole_session=')][0]
    assert 'HttpOnly' in cookie and 'SameSite=lax' in cookie.replace('Lax', 'lax')
    assert 'Secure' not in cookie


def test_expired_session_sends_back_to_login(demo_client):
    demo_client.login('julien.roux')
    LoginSession.update(expires_at=now() - timedelta(minutes=1)).execute()
    assert redirected_to(demo_client.get('/')) == '/connexion?next=/'
    assert LoginSession.select().count() == 0


def test_sliding_expiry_is_not_written_on_every_page_view(demo_client):
    demo_client.login('julien.roux')
    before = LoginSession.get()
    demo_client.get('/')
    demo_client.get('/')
    assert LoginSession.get().last_seen_at == before.last_seen_at
    LoginSession.update(last_seen_at=now() - timedelta(minutes=10)).execute()
    demo_client.get('/')
    assert LoginSession.get().expires_at > before.expires_at


def test_a_10kb_login_gets_a_clear_message(demo_client):
    response = demo_client.login('a' * 10240, 'x')
    assert response.status_int == 200
    assert 'Identifiant ou mot de passe incorrect.' in response.text


def test_invalid_utf8_in_a_form_gets_a_clear_message(demo_client):
    token = demo_client.csrf('/connexion')
    body = b'csrf_token=' + token.encode() + b'&login=%ff%fe%80&password=%c3%28'
    response = demo_client.post('/connexion', body,
                                headers={'Content-Type': 'application/x-www-form-urlencoded'})
    assert response.status_int == 200
    assert 'Identifiant ou mot de passe incorrect.' in response.text


def test_unknown_url_gets_a_french_404_without_details(demo_client):
    demo_client.login('julien.roux')
    response = demo_client.get('/nulle-part', status=404)
    assert 'Page introuvable' in response.text and 'Traceback' not in response.text


def test_security_headers_are_on_every_response(demo_client):
    for response in (demo_client.get('/connexion'), demo_client.get('/static/css/ecole.css'),
                     demo_client.post('/connexion', {}, status=400)):
        csp = response.headers['Content-Security-Policy']
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and 'http' not in csp
        assert response.headers['X-Content-Type-Options'] == 'nosniff'
        assert response.headers['Referrer-Policy'] == 'same-origin'


def test_pages_load_nothing_from_another_site(demo_client):
    demo_client.login('julien.roux')
    for path in ('/connexion', '/', '/mot-de-passe'):
        text = demo_client.get(path).text
        assert 'http://' not in text and 'https://' not in text and 'src="//' not in text


def test_a_crash_gives_a_french_500_page_without_a_traceback(demo_client, demo_app):
    def boom():
        raise ZeroDivisionError('secret internals')
    demo_app.bottle.route('/boom', 'GET', boom)
    demo_client.login('julien.roux')
    response = demo_client.get('/boom', status=500, expect_errors=True)
    assert 'Erreur du serveur' in response.text
    assert 'ZeroDivisionError' not in response.text and 'secret internals' not in response.text
    assert response.headers['Content-Security-Policy']


def test_a_crafted_multipart_body_is_refused_not_a_crash(demo_client):
    demo_client.login('julien.roux')
    token = demo_client.csrf('/')
    body = (b'--XX\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode()
            + b'\r\n--XX\r\nContent-Disposition: form-data; name="photos"; filename=""><script>x.jpg"'
            b'\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8\xff\xe0 not really\r\n--XX--\r\n')
    response = demo_client.post('/deconnexion', body, expect_errors=True,
                                headers={'Content-Type': 'multipart/form-data; boundary=XX'})
    assert response.status_int in (303, 400) and 'Traceback' not in response.text
