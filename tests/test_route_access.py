"""Deny by default, for every route the app serves: an anonymous visitor is sent to the sign-in
page (GET) or refused (other methods), except on the public allow-list of web/guards.py, which is
written down here once more so that a new public route cannot appear unnoticed. What each role may
do is tested in each feature's tests (tests/*/test_access.py, tests/*/test_routes.py)."""
import re

import pytest

from ecole_ent.web import guards
from tests.conftest import Client

# Who may reach these without signing in, and why.
PUBLIC = {
    '/connexion': 'the sign-in page',
    '/activation': 'first sign-in with an activation code',
    '/healthz': 'the health check (no personal data)',
    '/premiere-installation': 'first-run setup, school networks only, refused once installed',
    '/carte': "pupils' QR cards, school networks only",
    '/static/': 'stylesheets, scripts, icons',
    '/public/': "the school's public page: public posts, consent-safe photos, no surnames",
}


def concrete(rule):
    """A path for a route rule: ids 1, a hash of zeros, a word for anything else."""
    def value(match):
        spec = match.group(1)
        if ':int' in spec:
            return '1'
        if '[0-9a-f]{64}' in spec:
            return '0' * 64
        if re.search(r':re:', spec) and 'A-Z' in spec:
            return '0061234A'
        return 'x'
    return re.sub(r'<([^>]+)>', value, rule)


def all_routes(app):
    return sorted({(route.method, route.rule) for route in app.bottle.routes})


def test_the_public_allow_list_is_the_one_written_down():
    assert set(guards.PUBLIC_PATHS) - {'/favicon.ico'} | set(guards.PUBLIC_PREFIXES) == set(PUBLIC)


def test_every_route_is_closed_to_anonymous_visitors_unless_public(demo_app):
    client = Client(demo_app, extra_environ={'REMOTE_ADDR': '203.0.113.9'})   # not a school network
    checked = 0
    for method, rule in all_routes(demo_app):
        path = concrete(rule)
        if guards.is_public(path):
            continue
        if method == 'GET':
            response = client.get(path, expect_errors=True)
            assert response.status_int == 303 and '/connexion' in response.headers['Location'], \
                (method, rule, response.status_int)
        else:
            response = client.request(path, method=method, expect_errors=True)
            assert response.status_int in (400, 403), (method, rule, response.status_int)
        checked += 1
    assert checked >= 60        # the crawl really covered the application (70 routes today)


@pytest.mark.parametrize('path', ['/connexion', '/healthz', '/public/0061234A/'])
def test_public_pages_answer_without_signing_in(demo_app, path):
    assert Client(demo_app).get(path).status_int == 200
