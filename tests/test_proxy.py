"""Behind the trusted reverse proxy, through the real server on a real socket (waitress drops
X-Forwarded-* headers unless told which proxy to trust: a WSGI-level test could not see it).

Here the proxy is 127.0.0.1 (nginx on the same machine, as provisioning/GUIDE.md sets it up) and the
test client is that proxy: it names the client in X-Forwarded-For, HTTPS in X-Forwarded-Proto."""
from urllib.parse import urlsplit

import pytest

from ecole_ent import db
from ecole_ent.app import create_app
from ecole_ent.models import LoginSession, User
from tests.conftest import make_config, real_server
from tests.real_http import Browser

OUTSIDE = '203.0.113.7'        # an Internet client (documentation range)
SCHOOL = '192.168.1.20'        # a classroom PC (in the default school networks)
ANOTHER = '198.51.100.9'       # another Internet client


def via(base, client=None, https=False):
    """A browser behind the trusted proxy: the proxy names `client` in X-Forwarded-For and says
    when the browser spoke HTTPS to it; redirects are not followed."""
    headers = {'X-Forwarded-For': client} if client else {}
    if https:
        headers['X-Forwarded-Proto'] = 'https'
    return Browser(base, headers=headers, follow_redirects=False, proxied_https=True)


def session_cookies(headers):
    return [v for v in headers.get_all('Set-Cookie') or [] if v.startswith('ecole_session=')]


def session_cookie(headers):
    (cookie,) = session_cookies(headers)
    return cookie


@pytest.fixture
def behind_proxy(tmp_path, demo_template, request):
    """build(**options) -> the base URL of a real server trusting the proxy 127.0.0.1."""
    servers = []

    def build(seeded=True, **options):
        import shutil

        from ecole_ent import demo, runtime
        config = make_config(tmp_path / f'data{len(servers)}', **options)
        if seeded and demo_template:
            shutil.copy(demo_template, config.data_dir / 'ecole.db')
        runtime.open_database(config, auto_migrate=True)
        if seeded and not demo_template:
            demo.seed()
        server = real_server(config, create_app(config))
        servers.append(server)
        return server.__enter__()
    yield build
    for server in servers:
        server.__exit__(None, None, None)
    db.close_all()
    from tests.conftest import PG_URL, reset_postgres
    if PG_URL:
        reset_postgres()


def test_first_run_is_refused_to_an_outside_client(behind_proxy):
    base = behind_proxy(seeded=False, server_trusted_proxy='127.0.0.1')
    fields = {'uai': '0061234A', 'name': 'École des Mimosas', 'login': 'pirate',
              'password': 'un mot de passe solide 42', 'confirm': 'un mot de passe solide 42'}
    status, _headers, page = via(base, OUTSIDE).form('/premiere-installation', **fields)
    assert status == 403 and "depuis le réseau de l" in page
    assert not User.select().where(User.login == 'pirate').exists()
    status, headers, _page = via(base, SCHOOL).form('/premiere-installation', **fields)
    assert status == 303 and headers['Location'].endswith('/')
    assert User.select().where(User.login == 'pirate').exists()


def test_card_sign_in_is_refused_to_an_outside_client(behind_proxy):
    base = behind_proxy(server_trusted_proxy='127.0.0.1')
    status, _headers, page = via(base, OUTSIDE).request('/carte?jeton=abcd2345')
    assert status == 403 and "réseau de l" in page
    status, _headers, page = via(base, SCHOOL).request('/carte?jeton=abcd2345')
    assert status == 403 and 'Cette carte ne fonctionne pas' in page      # the network was fine
    status, _headers, page = via(base).request('/carte?jeton=abcd2345')   # the proxy named nobody
    assert status == 403 and "réseau de l" in page
    status, _headers, page = via(base, '127.0.0.1').request('/carte?jeton=abcd2345')
    assert status == 403 and 'Cette carte ne fonctionne pas' in page      # a browser on the server


def test_over_https_the_session_cookie_is_secure_and_hsts_is_sent(behind_proxy):
    base = behind_proxy(server_trusted_proxy='127.0.0.1')
    family = via(base, OUTSIDE, https=True)
    status, headers, _page = family.form('/connexion', login='julien.roux', password='demo')
    assert status == 303
    cookie = session_cookie(headers)
    assert 'Secure' in cookie and 'HttpOnly' in cookie
    assert headers['Strict-Transport-Security'] == 'max-age=31536000'
    assert LoginSession.get().remote_addr == OUTSIDE
    _status, headers, _page = via(base, OUTSIDE).request('/connexion')    # plain HTTP
    assert 'Strict-Transport-Security' not in headers and 'Secure' not in headers['Set-Cookie']


def test_the_address_throttle_counts_the_client_not_the_proxy(behind_proxy):
    base = behind_proxy(server_trusted_proxy='127.0.0.1', security_address_max_failures=3)
    attacker = via(base, OUTSIDE)
    for n in range(4):
        status, _headers, page = attacker.form('/connexion', login=f'inconnu{n}', password='faux')
        assert status == 200
    assert 'Trop de tentatives' in page                         # this client now waits
    status, headers, page = attacker.form('/connexion', login='julien.roux', password='demo')
    assert status == 200 and 'Trop de tentatives' in page      # even with a right password
    assert not session_cookies(headers)
    status, headers, _page = via(base, ANOTHER).form(
        '/connexion', login='julien.roux', password='demo')
    assert status == 303 and session_cookie(headers)            # everybody else signs in


def test_an_account_locked_from_one_client_still_opens_from_another(behind_proxy):
    base = behind_proxy(server_trusted_proxy='127.0.0.1')
    attacker = via(base, OUTSIDE)
    for n in range(5):
        status, _headers, page = attacker.form('/connexion', login='julien.roux', password=f'faux{n}')
        assert status == 200 and 'Identifiant ou mot de passe incorrect.' in page
    status, headers, page = attacker.form('/connexion', login='julien.roux', password='demo')
    assert status == 200 and 'Trop de tentatives' in page      # locked for this client...
    assert not session_cookies(headers)
    status, headers, _page = via(base, ANOTHER).form(
        '/connexion', login='julien.roux', password='demo')
    assert status == 303 and urlsplit(headers['Location']).path == '/'   # ...not for the teacher
    assert session_cookie(headers)


def test_without_a_trusted_proxy_forwarded_headers_are_ignored(behind_proxy):
    base = behind_proxy(security_school_networks='192.168.0.0/16')
    liar = via(base, SCHOOL, https=True)
    status, _headers, page = liar.request('/carte?jeton=abcd2345')
    assert status == 403 and "réseau de l" in page               # seen as 127.0.0.1, outside
    status, headers, _page = liar.form('/connexion', login='julien.roux', password='demo')
    assert status == 303 and 'Secure' not in session_cookie(headers)
    assert 'Strict-Transport-Security' not in headers
    assert LoginSession.get().remote_addr == '127.0.0.1'


def test_a_client_talking_to_the_app_directly_cannot_pretend_to_be_the_proxy(behind_proxy):
    base = behind_proxy(server_trusted_proxy='10.9.9.9')       # the proxy is elsewhere
    status, headers, _page = via(base, OUTSIDE, https=True).form(
        '/connexion', login='julien.roux', password='demo')
    assert status == 303 and 'Secure' not in session_cookie(headers)
    assert LoginSession.get().remote_addr == '127.0.0.1'
