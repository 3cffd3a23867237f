"""Deny by default, for every route the app serves: an anonymous visitor is sent to the sign-in
page (GET) or refused (other methods), except on the public allow-list of web/guards.py, which is
written down here once more so that a new public route cannot appear unnoticed. What each role may
do is tested in each feature's tests (tests/*/test_access.py, tests/*/test_routes.py)."""
import re

import bottle
import pytest

from ecole_ent.web import guards
from tests.conftest import Client

# Who may reach these without signing in, and why.
PUBLIC = {
    '/connexion': 'the sign-in page',
    '/activation': 'first sign-in with an activation code',
    '/healthz': 'the health check (no personal data)',
    '/manifest.webmanifest': "the installable app's manifest: the school's name, icons (pwa/)",
    '/sw.js': 'the service worker: code, no data; what it keeps is decided per page (web/offline.py)',
    '/hors-ligne': "the worker's offline page, the same for everyone",
    '/premiere-installation': 'first-run setup, school networks only, refused once installed',
    '/carte': "pupils' QR cards, school networks only",
    '/kiosque': "the hall kiosk's sign-in, school networks only, schools with their kiosk open",
    '/kiosque/carte': "the hall kiosk's QR card sign-in, the same conditions",
    '/images': "pupils' picture passwords, school networks only",
    '/static/': 'stylesheets, scripts, icons',
    '/public/': "the school's public page: public posts, consent-safe photos, no surnames",
    '/agenda/': 'private calendar feeds: a secret token per child, no data without it',
    '/mot-de-passe-oublie': 'asks for a reset link by mail; the same answer for any login',
    '/mot-de-passe-oublie/': 'a reset link: a secret token sent by mail, once, 30 minutes',
    '/courriels/arret/': "a mail's one-click stop link: a secret token per user",
    '/donnees-personnelles': 'the notice for families (RGPD): contacts and retention figures, no personal data',
    '/langue': "the language switcher (POST, CSRF-checked): a cookie, and a signed-in user's own choice",
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


@pytest.mark.parametrize('address', ['203.0.113.9', '10.0.0.5'],
                         ids=['outside the school networks', 'inside the school networks'])
def test_every_route_is_closed_to_anonymous_visitors_unless_public(demo_app, address):
    """Writes carry the visitor's valid anonymous CSRF token, so that what refuses them is the
    allow-list, not the CSRF check (which runs first and would answer 400 to anything); and no
    route's own code runs, so it is the allow-list, not a route's require_user(). Being on a
    school network opens nothing."""
    client = Client(demo_app, extra_environ={'REMOTE_ADDR': address})
    token = client.csrf('/connexion')           # and the ecole_anon cookie it is bound to
    assert 'ecole_anon' in client.cookies
    refused = client.post('/connexion', {'csrf_token': token, 'login': 'x', 'password': 'x'})
    assert refused.status_int == 200 and 'Identifiant ou mot de passe incorrect.' in refused.text
    reached = []

    def spy(callback):      # installed last, so it wraps the route's own function, innermost
        def wrapper(*args, **kwargs):
            reached.append(bottle.request.path)
            return callback(*args, **kwargs)
        return wrapper
    demo_app.bottle.install(spy)
    checked = 0
    for method, rule in all_routes(demo_app):
        path = concrete(rule)
        if guards.is_public(path):
            continue
        if method == 'GET':
            response = client.get(path, expect_errors=True)
        else:
            response = client.request(path, method=method, POST={'csrf_token': token},
                                      headers={'X-CSRF-Token': token}, expect_errors=True)
        if method == 'GET':             # sent to the sign-in page (the kiosk's, for its pages)
            sign_in_page = '/kiosque' if rule.startswith('/kiosque/') else '/connexion'
            assert response.status_int == 303 and sign_in_page in response.headers['Location'], \
                (method, rule, response.status_int)
        else:                           # refused, saying why
            assert response.status_int == 403 and 'Connexion requise.' in response.text, \
                (method, rule, response.status_int)
        checked += 1
    assert checked >= 145       # the crawl really covered the application (145 routes today)
    assert reached == []


@pytest.mark.parametrize('path', ['/connexion', '/healthz', '/public/0061234A/', '/donnees-personnelles',
                                  '/manifest.webmanifest', '/sw.js', '/hors-ligne'])
def test_public_pages_answer_without_signing_in(demo_app, path):
    assert Client(demo_app).get(path).status_int == 200
