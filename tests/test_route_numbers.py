"""Numbers in URLs that no database could hold (ids in paths, page numbers) are pages that do not
exist: 404, never a 500 with a traceback, for every route with an id and whoever asks."""
import re

import pytest

from tests.conftest import Client
from tests.kiosk.conftest import Kiosk
from tests.test_route_access import all_routes, concrete

HUGE = [str(2**63), str(2**64), '99999999999999999999']


def with_ids(rule, number):
    """A path for a route rule with every `<...:int>` replaced by number (the rest as the
    anonymous crawl fills it)."""
    return concrete(re.sub(r'<[^>]*:int>', number, rule))


@pytest.mark.parametrize('login', ['admin', 'julien.roux', 'guardian', 'guardian at the kiosk'])
def test_every_id_too_large_for_the_database_is_not_found(demo_app, demo, login):
    """An ordinary session is closed at the kiosk's pages before any route is matched (kiosk/routes.py
    confine, tests/kiosk/test_leaving.py), and a kiosk session reaches only them: each is checked
    on the routes it may reach."""
    guardian = demo.first('guardian').login
    routes = [(method, rule) for method, rule in all_routes(demo_app) if ':int>' in rule]
    assert len(routes) >= 105       # the crawl really covered the application (105 routes today)
    at_kiosk = login == 'guardian at the kiosk'
    settings = ('/kiosque/reglage/', '/kiosque/deblocage/')      # posted from the school's admin page
    routes = [(method, rule) for method, rule in routes
              if (rule.startswith('/kiosque/') and not rule.startswith(settings)) == at_kiosk]
    if at_kiosk:
        client = Kiosk(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.7'})
        assert client.password(guardian).status_int == 303
        token = client.csrf('/kiosque/accueil')
    else:
        client = Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
        client.login(guardian if login == 'guardian' else login)
        token = client.csrf('/')
    assert routes
    answers = {}
    for method, rule in routes:
        for number in HUGE:
            path = with_ids(rule, number)
            if method == 'GET':
                response = client.get(path, expect_errors=True)
            else:
                response = client.request(path, method=method, POST={'csrf_token': token},
                                          expect_errors=True)
            answers[method, path] = response.status_int
    assert {key: status for key, status in answers.items() if status != 404} == {}


@pytest.mark.parametrize('number', HUGE + ['1' + '0' * 5000])
def test_a_page_number_too_large_is_not_found(demo_app, demo, number):
    visitor = Client(demo_app, extra_environ={'REMOTE_ADDR': '203.0.113.9'})
    assert visitor.get('/public/0061234A/?page=' + number, expect_errors=True).status_int == 404
    teacher = Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
    teacher.login('julien.roux')
    blog = teacher.get('/blog').follow()       # the teacher's one class blog
    assert teacher.get(blog.request.path + '?page=' + number, expect_errors=True).status_int == 404


@pytest.mark.parametrize('page', ['2', '999999', 'abc', '-1', ''])
def test_any_other_page_number_shows_a_page(demo_app, demo, page):
    visitor = Client(demo_app, extra_environ={'REMOTE_ADDR': '203.0.113.9'})
    assert visitor.get('/public/0061234A/?page=' + page).status_int == 200
