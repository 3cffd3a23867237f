"""The kiosk's routes through the app: who may reach each one (anonymous on the school network, a
kiosk session of a guardian and of a pupil, ordinary sessions of a guardian, a teacher, the
director, the admin, a staff member and a pupil), the sign-in forms with good and bad input, and
a kiosk session kept on the kiosk's pages. Another school: test_isolation.py; expiry, outside
addresses: test_sessions.py."""
import html
import re
from datetime import timedelta

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.homework import service as homework
from ecole_ent.i18n import date_fr
from ecole_ent.models import AuditEvent, LoginSession, NoteReceipt, School, Throttle, User
from tests.conftest import declared_routes, redirected_to
from tests.kiosk.conftest import SCHOOL_NETWORK, Kiosk, csrf

WHO = ('anonymous', 'kiosk_guardian', 'kiosk_pupil', 'guardian', 'teacher', 'director', 'admin', 'staff', 'pupil')
MATRIX = {
    # An ordinary session is closed on the kiosk's pages, which then answer as to anyone there.
    ('GET', '/kiosque'): (200, 303, 303, 200, 200, 200, 200, 200, 200),
    ('POST', '/kiosque'): (400, 303, 303, 400, 400, 400, 400, 400, 400),
    ('POST', '/kiosque/carte'): (400, 303, 303, 400, 400, 400, 400, 400, 400),
    ('GET', '/kiosque/accueil'): (303, 200, 200, 303, 303, 303, 303, 303, 303),
    ('GET', '/kiosque/devoirs/{child}'): (303, 200, 404, 303, 303, 303, 303, 303, 303),
    ('GET', '/kiosque/mot/{note}/{child}'): (303, 200, 404, 303, 303, 303, 303, 303, 303),
    ('POST', '/kiosque/presence'): (403, 204, 204, 403, 403, 403, 403, 403, 403),
    ('POST', '/kiosque/sortie'): (403, 303, 303, 403, 403, 403, 403, 403, 403),
    ('POST', '/kiosque/reglage/{school}'): (403, 403, 403, 403, 403, 303, 303, 403, 403),
    ('POST', '/kiosque/deblocage/{school}'): (403, 403, 403, 403, 403, 303, 303, 403, 403),
}


def text(response):
    return html.unescape(response.text)


def client_of(app, user=None, kiosk=False):
    """A browser on the school network; with `user`, holding a session of theirs (a kiosk one or
    not), opened by the service (the forms are tested below)."""
    client = Kiosk(app, extra_environ={'REMOTE_ADDR': SCHOOL_NETWORK})
    if user is not None:
        client.set_cookie('ecole_session', accounts.open_session(user, SCHOOL_NETWORK, kiosk=kiosk))
    return client


def test_every_kiosk_route_is_in_the_matrix(demo_app):
    declared = declared_routes(demo_app, 'kiosk.')
    names = {'{child}': '{pupil_id}', '{note}': '{note_id}', '{school}': '{school_id}'}
    expected = set()
    for method, path in MATRIX:
        for short, long in names.items():
            path = path.replace(short, long)
        expected.add((method, path))
    assert declared == expected


@pytest.mark.parametrize('method,path', list(MATRIX))
def test_who_may_reach_each_kiosk_route(people, demo_app, method, path):
    child = people.children[0]
    receipt = NoteReceipt.get((NoteReceipt.guardian == people.guardian) & (NoteReceipt.pupil == child)
                              & NoteReceipt.signed_at.is_null())
    address = path.format(child=child.id, note=receipt.note_id, school=people.school.id)
    clients = {'anonymous': lambda: client_of(demo_app),
               'kiosk_guardian': lambda: client_of(demo_app, people.guardian, kiosk=True),
               'kiosk_pupil': lambda: client_of(demo_app, people.pupil, kiosk=True),
               'guardian': lambda: client_of(demo_app, people.guardian),
               'teacher': lambda: client_of(demo_app, people.teacher),
               'director': lambda: client_of(demo_app, people.director),
               'admin': lambda: client_of(demo_app, people.admin),
               'staff': lambda: client_of(demo_app, people.staff),
               'pupil': lambda: client_of(demo_app, people.pupil)}
    fields = {'ecole': people.school.uai, 'login': 'aurelie.dubois', 'password': 'faux', 'jeton': 'ZZZZZZZZ',
              'kiosque': '1'}
    for role, expected in zip(WHO, MATRIX[(method, path)]):
        client = clients[role]()
        if method == 'GET':
            response = client.get(address, expect_errors=True)
        else:
            token = csrf(client.get('/kiosque/accueil' if role.startswith('kiosk') else '/connexion'
                                    if role == 'anonymous' else '/compte'))
            response = client.post(address, dict(fields, csrf_token=token), expect_errors=True)
        assert response.status_int == expected, (role, method, address, response.status_int)
        if not role.startswith('kiosk') and expected == 303 and method == 'GET':
            assert redirected_to(response) == '/kiosque'


def test_a_guardian_signs_in_with_their_password_and_sees_each_child_with_the_notes_to_sign(people, kiosk):
    at_kiosk = kiosk()
    response = at_kiosk.password('aurelie.dubois')
    assert redirected_to(response) == '/kiosque/accueil'
    page = at_kiosk.get('/kiosque/accueil')
    for child in people.children:
        assert child.display_name in page.text
        assert f'/kiosque/devoirs/{child.id}' in page.text
    waiting = NoteReceipt.select().where((NoteReceipt.guardian == people.guardian) & NoteReceipt.signed_at.is_null())
    for receipt in waiting:
        if receipt.note.kind != 'info':
            assert f'/kiosque/mot/{receipt.note_id}/{receipt.pupil_id}' in page.text
    assert 'Terminer' in page.text and 'data-kiosk-seconds="90"' in page.text
    session = LoginSession.get(LoginSession.user == people.guardian)
    assert session.kiosk is True


def test_the_session_cookie_is_never_remembered_and_every_answer_is_no_store(people, kiosk):
    at_kiosk = kiosk()
    response = at_kiosk.password('aurelie.dubois')
    cookie = next(v for k, v in response.headerlist if k == 'Set-Cookie' and v.startswith('ecole_session='))
    assert 'max-age' not in cookie.lower() and 'expires' not in cookie.lower()
    child = people.children[0]
    for path in ('/kiosque/accueil', f'/kiosque/devoirs/{child.id}', '/kiosque/devoirs/999999', '/', '/devoirs'):
        answer = at_kiosk.get(path, expect_errors=True)
        assert answer.headers.get('Cache-Control') == 'no-store', path


def test_an_ordinary_session_is_not_no_store_on_its_pages(people, demo_app):
    page = client_of(demo_app, people.guardian).get('/')
    assert page.headers.get('Cache-Control') != 'no-store'


def test_a_kiosk_session_stays_on_the_kiosk_pages(people, demo_app):
    at_kiosk = client_of(demo_app, people.guardian, kiosk=True)
    for path in ('/', '/devoirs', '/compte', '/cahier-de-liaison', '/messages'):
        assert redirected_to(at_kiosk.get(path, expect_errors=True)) == '/kiosque/accueil', path
    token = csrf(at_kiosk.get('/kiosque/accueil'))
    refused = at_kiosk.post('/mot-de-passe', {'csrf_token': token, 'current': 'demo', 'password': 'x' * 12,
                                              'confirm': 'x' * 12}, expect_errors=True)
    assert redirected_to(refused) == '/kiosque/accueil'


def test_a_wrong_password_says_so_in_french_and_opens_nothing(people, kiosk):
    at_kiosk = kiosk()
    response = at_kiosk.password('aurelie.dubois', 'mauvais')
    assert response.status_int == 400 and 'Identifiant ou mot de passe incorrect.' in response.text
    # The shared terminal keeps nothing typed: the login is not echoed back, the focus returns to it.
    assert 'aurelie.dubois' not in response.text
    assert re.search(r'<input[^>]*name="login"[^>]*autofocus', response.text)
    assert LoginSession.select().where(LoginSession.user == people.guardian).count() == 0


@pytest.mark.parametrize('who', ['teacher', 'director', 'admin', 'staff'])
def test_staff_accounts_are_refused_at_the_kiosk(people, kiosk, who):
    user = getattr(people, who)
    Throttle.create(key=f'login:{user.login}@{SCHOOL_NETWORK}', failures=2, updated_at=accounts.now())
    response = kiosk().password(user.login)
    assert response.status_int == 400
    # Refused as a wrong password: nothing tells that the password was right, nor records it.
    assert 'Identifiant ou mot de passe incorrect.' in response.text and 'réservée' not in response.text
    assert LoginSession.select().where(LoginSession.user == user).count() == 0
    assert User.get_by_id(user.id).last_login_at == user.last_login_at
    assert Throttle.get_by_id(f'login:{user.login}@{SCHOOL_NETWORK}').failures == 3


def test_a_guardian_who_must_change_their_password_is_told_so_at_the_kiosk(people, kiosk):
    User.update(must_change_password=True).where(User.id == people.guardian.id).execute()
    response = kiosk().password(people.guardian.login)
    assert response.status_int == 400 and 'choisir un nouveau mot de passe' in text(response)
    assert LoginSession.select().count() == 0


def test_a_pupil_signs_in_with_the_card_code(people, kiosk):
    token = people.card_of(people.pupil)
    at_kiosk = kiosk()
    response = at_kiosk.card(token.upper(), people.school.uai)
    assert redirected_to(response) == '/kiosque/accueil'
    page = at_kiosk.get('/kiosque/accueil')
    assert people.pupil.display_name in page.text and f'/kiosque/devoirs/{people.pupil.id}' in page.text
    assert at_kiosk.get(f'/kiosque/devoirs/{people.pupil.id}').status_int == 200
    assert LoginSession.get(LoginSession.user == people.pupil).kiosk is True


@pytest.mark.parametrize('token', ['', 'ZZZZZZZZ', 'x' * 500, '<script>'])
def test_a_bad_card_code_says_so_in_french(people, kiosk, token):
    response = kiosk().card(token, people.school.uai)
    assert response.status_int == 400 and 'Cette carte ne fonctionne pas.' in response.text
    assert LoginSession.select().count() == 0


def test_the_kiosk_is_refused_when_the_school_has_not_opened_it(people, kiosk):
    School.update(kiosk=False).execute()
    response = kiosk().start()
    assert response.status_int == 403 and 'Le mode borne n’est activé pour aucune école.' in text(response)
    named = kiosk().start(f'?ecole={people.school.uai}')
    assert named.status_int == 403 and 'Le mode borne n’est pas activé pour cette école.' in text(named)


def test_the_director_opens_and_closes_the_kiosk_from_the_school_page(people, demo_app):
    director = client_of(demo_app, people.director)
    page = director.get(f'/admin/ecoles/{people.school.id}')
    assert 'Borne du hall' in page.text and 'name="kiosque" value="1" checked' in page.text
    token = csrf(page)
    closed = director.post(f'/kiosque/reglage/{people.school.id}', {'csrf_token': token})
    assert redirected_to(closed) == f'/admin/ecoles/{people.school.id}'
    assert School.get_by_id(people.school.id).kiosk is False
    assert 'Borne du hall désactivée.' in director.get(f'/admin/ecoles/{people.school.id}').text
    event = AuditEvent.get(AuditEvent.action == 'kiosk.disabled')
    assert event.actor_id == people.director.id and event.school_id == people.school.id
    assert 'Borne du hall désactivée' in director.get('/admin/journal').text
    assert client_of(demo_app).get('/kiosque', expect_errors=True).status_int == 403
    director.post(f'/kiosque/reglage/{people.school.id}', {'csrf_token': token, 'kiosque': '1'})
    assert School.get_by_id(people.school.id).kiosk is True


def test_a_note_past_its_deadline_says_it_is_late(people, demo_app):
    """The home says « En retard » of a note to sign whose deadline is past, « avant le … » else."""
    waiting = NoteReceipt.select().where((NoteReceipt.guardian == people.guardian) & NoteReceipt.signed_at.is_null())
    note = next(receipt.note for receipt in waiting if receipt.note.kind != 'info')
    today = homework.today()
    at_kiosk = client_of(demo_app, people.guardian, kiosk=True)
    for deadline, late in ((today - timedelta(days=4), True), (today + timedelta(days=3), False)):
        type(note).update(deadline=deadline).where(type(note).id == note.id).execute()
        page = html.unescape(at_kiosk.get('/kiosque/accueil').text)
        said = f'à rendre avant le {date_fr(deadline, with_year=False)}'
        assert ('En retard : ' + said in page) is late
        assert (f'{note.title} · avant le {date_fr(deadline, with_year=False)}' in page) is not late


def test_the_week_and_the_note_are_print_views_of_the_child(people, demo_app):
    at_kiosk = client_of(demo_app, people.guardian, kiosk=True)
    child = people.children[0]
    week = at_kiosk.get(f'/kiosque/devoirs/{child.id}')
    sheet = html.unescape(week.text)
    assert f'Devoirs de {child.display_name}' in sheet and 'Semaine du lundi 30 novembre' in sheet
    assert 'print-sheet' in week.text and 'data-kiosk-print' in week.text
    following = at_kiosk.get(f'/kiosque/devoirs/{child.id}?semaine=2026-W50')
    assert 'Semaine du lundi 7 décembre' in following.text
    receipt = next(r for r in NoteReceipt.select().where(      # a note to sign: an information has no slip
        (NoteReceipt.guardian == people.guardian) & (NoteReceipt.pupil == child) & NoteReceipt.signed_at.is_null())
        .order_by(NoteReceipt.id) if r.note.kind != 'info')
    note = at_kiosk.get(f'/kiosque/mot/{receipt.note_id}/{child.id}')
    shown = html.unescape(note.text)            # a title may hold an apostrophe (« Conseil d'école »)
    assert receipt.note.title in shown and 'Signature du responsable' in shown
    assert f'Pour la famille de {child.display_name}' in shown


def test_a_child_or_note_not_found_says_so_on_the_kiosks_own_page(people, demo_app):
    at_kiosk = client_of(demo_app, people.guardian, kiosk=True)
    for path in ('/kiosque/devoirs/999999', '/kiosque/mot/999999/1'):
        missing = at_kiosk.get(path, expect_errors=True)
        assert missing.status_int == 404 and 'Page introuvable' in missing.text, path
        assert 'kiosk-countdown' in missing.text and 'href="/kiosque/accueil"' in missing.text
        assert missing.headers['Cache-Control'] == 'no-store'
