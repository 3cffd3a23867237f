"""The first-run web setup: only on an empty installation, only from the school's networks."""
from ecole_ent.models import School, User
from tests.conftest import Client


def test_a_fresh_installation_asks_for_the_school_and_the_admin(app):
    client = Client(app, extra_environ={'REMOTE_ADDR': '192.168.1.20'})
    assert client.get('/connexion').headers['Location'].endswith('/premiere-installation')
    form = client.get('/premiere-installation').forms[0]
    form['uai'], form['name'], form['login'] = '0061111b', 'École du Lac', 'direction'
    form['password'] = form['confirm'] = 'un-secret-solide'
    response = form.submit()
    assert response.status_int == 303
    assert 'Bonjour' in response.follow().text
    assert School.get().uai == '0061111B' and User.get(User.login == 'direction').has_role('admin')
    assert client.get('/premiere-installation').status_int == 303
    again = Client(app, extra_environ={'REMOTE_ADDR': '192.168.1.21'})
    token = again.csrf('/connexion')
    again.post('/premiere-installation', {'csrf_token': token, 'uai': '0062222C', 'name': 'X',
                                          'login': 'pirate', 'password': 'un-secret-solide',
                                          'confirm': 'un-secret-solide'}, status=403)
    assert School.select().count() == 1


def test_bad_input_is_explained_and_nothing_is_saved(app):
    client = Client(app, extra_environ={'REMOTE_ADDR': '10.1.2.3'})
    form = client.get('/premiere-installation').forms[0]
    form['uai'], form['name'], form['login'] = '123', 'École', 'admin'
    form['password'], form['confirm'] = 'un-secret-solide', 'autre-chose'
    page = form.submit()
    assert page.status_int == 200 and 'Code UAI invalide' in page.text
    assert School.select().count() == 0 and User.select().count() == 0


def test_the_first_run_is_refused_from_outside_the_school_networks(app):
    client = Client(app, extra_environ={'REMOTE_ADDR': '203.0.113.7'})
    form = client.get('/premiere-installation').forms[0]
    form['uai'], form['name'], form['login'] = '0061111B', 'École du Lac', 'admin'
    form['password'] = form['confirm'] = 'un-secret-solide'
    assert form.submit(status=403).status_int == 403
    assert School.select().count() == 0
