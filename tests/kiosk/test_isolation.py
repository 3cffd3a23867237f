"""Two schools on one installation (the admin tests' school_b, École du Port): each kiosk signs in
only its own school's people, by password or by card; with two kiosks open, /kiosque lets the
terminal pick its school; a kiosk session reaches no child or note of another family or school; the
director of one school cannot open the other's kiosk."""
import html

import pytest

from ecole_ent.directory import cards
from ecole_ent.models import LoginSession, NoteReceipt, School, Throttle, User
from tests.conftest import redirected_to
from tests.kiosk.conftest import csrf, open_kiosk
from tests.kiosk.test_routes import client_of

NOT_HERE = 'Identifiant ou mot de passe incorrect.'    # never says the password was right
NO_CARD = 'Cette carte ne fonctionne pas.'



@pytest.fixture
def two_kiosks(people, school_b):
    open_kiosk(school_b.school)
    return people, school_b


def test_with_two_kiosks_open_the_terminal_picks_its_school(two_kiosks, kiosk):
    people, other = two_kiosks
    page = kiosk().start()
    assert page.status_int == 200 and 'name="password"' not in page.text
    assert f'?ecole={people.school.uai}' in page.text and f'?ecole={other.school.uai}' in page.text
    chosen = kiosk().start(f'?ecole={other.school.uai}')
    assert 'name="ecole" value="0069999Z"' in chosen.text


def test_a_kiosk_signs_in_only_its_own_schools_guardians(two_kiosks, kiosk):
    people, other = two_kiosks
    refused = kiosk().password(other.guardian.login, uai=people.school.uai)
    assert refused.status_int == 400 and NOT_HERE in html.unescape(refused.text)
    refused = kiosk().password(people.guardian.login, uai=other.school.uai)
    assert refused.status_int == 400 and NOT_HERE in html.unescape(refused.text)
    assert LoginSession.select().count() == 0
    # Counted as a wrong password, and not as a sign-in.
    assert User.get_by_id(people.guardian.id).last_login_at is None
    assert Throttle.get_by_id(f'login:{people.guardian.login}@10.0.0.7').failures == 1
    assert redirected_to(kiosk().password(other.guardian.login, uai=other.school.uai)) == '/kiosque/accueil'


def test_a_kiosk_signs_in_only_its_own_schools_pupils_by_card(two_kiosks, kiosk):
    people, other = two_kiosks
    token = next(t for p, t, _new in cards.print_class(other.classroom, None) if p.id == other.pupil.id)
    refused = kiosk().card(token, people.school.uai)
    assert refused.status_int == 400 and NO_CARD in html.unescape(refused.text)
    assert LoginSession.select().count() == 0
    assert User.get_by_id(other.pupil.id).last_login_at is None
    assert Throttle.get_by_id('card:10.0.0.7').failures == 1
    assert redirected_to(kiosk().card(token, other.school.uai)) == '/kiosque/accueil'


def test_a_closed_kiosk_signs_in_no_one_even_when_named(people, school_b, kiosk):
    closed = kiosk().start(f'?ecole={school_b.school.uai}')
    assert closed.status_int == 403
    at_kiosk = kiosk()
    token = csrf(at_kiosk.get('/connexion'))
    refused = at_kiosk.post('/kiosque', {'csrf_token': token, 'ecole': school_b.school.uai,
                                         'login': school_b.guardian.login, 'password': 'demo'}, expect_errors=True)
    assert refused.status_int == 403 and LoginSession.select().count() == 0


def test_a_kiosk_session_reaches_no_other_child(two_kiosks, demo_app):
    people, other = two_kiosks
    at_kiosk = client_of(demo_app, people.guardian, kiosk=True)
    assert at_kiosk.get(f'/kiosque/devoirs/{other.pupil.id}', expect_errors=True).status_int == 404
    pupil_kiosk = client_of(demo_app, other.pupil, kiosk=True)
    for child in people.children:
        assert pupil_kiosk.get(f'/kiosque/devoirs/{child.id}', expect_errors=True).status_int == 404
    page = client_of(demo_app, other.guardian, kiosk=True).get('/kiosque/accueil')
    assert all(child.display_name not in page.text for child in people.children)
    receipts = NoteReceipt.select().where(NoteReceipt.guardian == people.guardian).order_by(NoteReceipt.id)
    receipt = next(r for r in receipts if r.note.kind != 'info')     # a note to sign, as the home links to
    own_note = f'/kiosque/mot/{receipt.note_id}/{receipt.pupil_id}'
    assert at_kiosk.get(own_note).status_int == 200
    for client, path in ((client_of(demo_app, other.guardian, kiosk=True), own_note), (pupil_kiosk, own_note),
                         (at_kiosk, f'/kiosque/mot/{receipt.note_id}/{other.pupil.id}')):
        assert client.get(path, expect_errors=True).status_int == 404, path


def test_a_director_cannot_open_another_schools_kiosk(people, school_b, demo_app):
    director = client_of(demo_app, people.director)
    token = csrf(director.get('/compte'))
    refused = director.post(f'/kiosque/reglage/{school_b.school.id}', {'csrf_token': token, 'kiosque': '1'},
                            expect_errors=True)
    assert refused.status_int == 403
    assert School.get_by_id(school_b.school.id).kiosk is False
