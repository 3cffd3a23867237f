"""Nothing at the kiosk leads to a full session of the ENT that the next family would inherit: an
ordinary session reaching the kiosk's pages is closed there, the kiosk's pages link nowhere else,
and on the kiosk's terminal (its cookie) any sign-in opens a kiosk session."""
import html
import re

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.models import LoginSession, School, Throttle
from tests.conftest import redirected_to
from tests.kiosk.conftest import SCHOOL_NETWORK, Kiosk, csrf


def ordinary(app, user):
    client = Kiosk(app, extra_environ={'REMOTE_ADDR': SCHOOL_NETWORK})
    client.set_cookie('ecole_session', accounts.open_session(user, SCHOOL_NETWORK))
    return client


def deleted_session_cookie(response):
    return any(k == 'Set-Cookie' and v.startswith('ecole_session=""') or v.startswith('ecole_session=;')
               for k, v in response.headerlist)


@pytest.mark.parametrize('who', ['guardian', 'teacher', 'director'])
def test_an_ordinary_session_coming_to_the_kiosk_is_closed_and_the_kiosk_sign_in_shown(people, demo_app, who):
    user = getattr(people, who)
    client = ordinary(demo_app, user)
    page = client.get(f'/kiosque?ecole={people.school.uai}')
    assert page.status_int == 200 and 'name="password"' in page.text
    assert 'href="/"' not in page.text and user.first_name not in page.text
    assert LoginSession.select().where(LoginSession.user == user).count() == 0
    assert client.get('/', expect_errors=True).status_int == 303     # the ENT is no longer open
    # The kiosk's form shown then signs in the next person, in a kiosk session.
    signed = client.post('/kiosque', {'csrf_token': csrf(page), 'ecole': people.school.uai,
                                      'login': 'aurelie.dubois', 'password': 'demo'})
    assert redirected_to(signed) == '/kiosque/accueil'
    assert LoginSession.get(LoginSession.user == people.guardian).kiosk is True


def test_an_ordinary_session_reaching_a_kiosk_page_is_closed_and_sent_to_the_sign_in(people, demo_app):
    client = ordinary(demo_app, people.guardian)
    answer = client.get('/kiosque/accueil', expect_errors=True)
    assert redirected_to(answer) == '/kiosque'
    assert LoginSession.select().count() == 0


def test_the_director_posting_the_kiosk_setting_keeps_their_session(people, demo_app):
    director = ordinary(demo_app, people.director)
    token = csrf(director.get(f'/admin/ecoles/{people.school.id}'))
    director.post(f'/kiosque/reglage/{people.school.id}', {'csrf_token': token, 'kiosque': '1'})
    assert LoginSession.select().where(LoginSession.user == people.director).count() == 1


def test_the_kiosk_closed_page_links_nowhere_out(people, kiosk):
    School.update(kiosk=False).execute()
    page = kiosk().start()
    assert page.status_int == 403
    links = re.findall(r'href="([^"]*)"', page.text)
    assert [link for link in links if not link.startswith(('#', '/static/'))] == []
    assert 'depuis votre téléphone ou votre ordinateur' in html.unescape(page.text)


def test_on_the_kiosk_terminal_any_sign_in_opens_a_kiosk_session(people, kiosk):
    at_kiosk = kiosk()
    at_kiosk.password('aurelie.dubois')
    token = csrf(at_kiosk.get('/kiosque/accueil'))
    at_kiosk.post('/kiosque/sortie', {'csrf_token': token})
    assert at_kiosk.cookies.get('ecole_kiosque') == people.school.uai
    # Someone types /connexion on the terminal and signs in there.
    page = at_kiosk.get('/connexion')
    at_kiosk.post('/connexion', {'csrf_token': csrf(page), 'login': 'aurelie.dubois', 'password': 'demo',
                                 'next': '/'}, status='*')
    assert LoginSession.get(LoginSession.user == people.guardian).kiosk is True
    assert redirected_to(at_kiosk.get('/', expect_errors=True)) == '/kiosque/accueil'


@pytest.mark.parametrize('who', ['teacher', 'director', 'staff', 'admin'])
def test_on_the_kiosk_terminal_staff_are_refused_at_connexion_as_at_the_kiosk(people, kiosk, who):
    """No confined, empty kiosk session for a staff member who types /connexion on the terminal: the
    kiosk's generic message, nothing opened, counted as a failure (the password never said right)."""
    user = getattr(people, who)
    at_kiosk = kiosk()
    at_kiosk.set_cookie('ecole_kiosque', people.school.uai)
    page = at_kiosk.get('/connexion')
    refused = at_kiosk.post('/connexion', {'csrf_token': csrf(page), 'login': user.login, 'password': 'demo',
                                           'next': '/'}, status='*')
    assert refused.status_int == 200 and 'Identifiant ou mot de passe incorrect.' in html.unescape(refused.text)
    assert LoginSession.select().where(LoginSession.user == user).count() == 0
    assert Throttle.get_by_id(f'login:{user.login}@{SCHOOL_NETWORK}').failures == 1
    # Away from the terminal (no kiosk cookie), the same account signs in as usual.
    elsewhere = kiosk()
    page = elsewhere.get('/connexion')
    elsewhere.post('/connexion', {'csrf_token': csrf(page), 'login': user.login, 'password': 'demo', 'next': '/'})
    assert LoginSession.get(LoginSession.user == user).kiosk is False
