"""The real app behind a real waitress (as `serve` runs it) on a free loopback port:
pages, health, concurrent writes."""
import http.cookiejar
import json
import re
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from ecole_ent.models import LoginSession, User


@pytest.fixture
def server(live_server):
    return live_server


class Browser:
    """A cookie-keeping HTTP client, as a person's browser would be."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.status, response.read().decode()

    def sign_in(self, login, password='demo'):
        _status, page = self.get('/connexion')
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({'login': login, 'password': password, 'csrf_token': token})
        with self.opener.open(self.base + '/connexion', body.encode(), timeout=60) as response:
            return response.status, response.url, response.read().decode()


def test_login_page_static_file_and_health_over_real_http(server):
    browser = Browser(server)
    status, page = browser.get('/connexion')
    assert status == 200 and 'Connexion' in page
    status, css = browser.get('/static/css/ecole.css')
    assert status == 200 and 'font' in css
    status, body = browser.get('/healthz')
    health = json.loads(body)
    assert status == 200 and health['database'] == 'ok' and health['status'] == 'ok'


def test_health_answers_200_on_a_fresh_data_folder(client):
    response = client.get('/healthz')
    assert response.status_int == 200 and response.json['database'] == 'ok'
    assert isinstance(response.json['warnings'], list)


def test_teacher_signs_in_over_real_http(server):
    status, url, page = Browser(server).sign_in('julien.roux')
    assert status == 200 and url.endswith('/') and 'Bonjour Julien' in page


def test_fifty_concurrent_sign_ins_lose_no_write(server, demo):
    logins = [u.login for u in User.with_role('guardian').order_by(User.login).limit(50)]
    assert len(logins) == 50

    def sign_in(login):
        return Browser(server).sign_in(login)

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(sign_in, logins))
    assert all(status == 200 and url.endswith('/') for status, url, _page in results)
    assert LoginSession.select().count() == 50
    signed = User.select().where(User.login.in_(logins) & User.last_login_at.is_null(False)).count()
    assert signed == 50
