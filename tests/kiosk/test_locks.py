"""The kiosk's locks: everyone at the kiosk comes from one address, so wrong codes or passwords typed
there lock it for all; the school's director clears them from the school's admin page
(« Débloquer la borne »), audited, and only the locks of that school's kiosk addresses."""
import html
from datetime import timedelta

from ecole_ent.accounts import service as accounts
from ecole_ent.directory import cards
from ecole_ent.models import AuditEvent, Throttle
from tests.conftest import redirected_to
from tests.kiosk.conftest import SCHOOL_NETWORK, csrf
from tests.kiosk.test_routes import client_of

ELSEWHERE = '10.0.0.99'       # another terminal of the school network, not the kiosk


def unlock(client, school):
    page = client.get(f'/admin/ecoles/{school.id}')
    assert 'Débloquer la borne' in html.unescape(page.text)
    return client.post(f'/kiosque/deblocage/{school.id}', {'csrf_token': csrf(page)}, expect_errors=True)


def test_wrong_codes_lock_the_kiosk_and_the_director_unlocks_it(people, kiosk, demo_app):
    at_kiosk = kiosk()
    for _attempt in range(cards.MAX_FAILURES):
        at_kiosk.card('ZZZZZZZZ', people.school.uai)
    right = people.card_of(people.pupil)
    locked = at_kiosk.card(right, people.school.uai)
    assert locked.status_int == 400 and 'Trop de codes faux.' in html.unescape(locked.text)
    accounts.count_failure(f'card:{ELSEWHERE}', 1)       # another address's lock stays
    done = unlock(client_of(demo_app, people.director), people.school)
    assert redirected_to(done) == f'/admin/ecoles/{people.school.id}'
    assert redirected_to(at_kiosk.card(right, people.school.uai)) == '/kiosque/accueil'
    assert Throttle.get_by_id(f'card:{ELSEWHERE}').locked_until is not None
    event = AuditEvent.get(AuditEvent.action == 'kiosk.unlocked')
    assert event.actor_id == people.director.id and event.school_id == people.school.id
    assert SCHOOL_NETWORK in event.details and '"locked": 1' in event.details


def test_wrong_passwords_lock_the_kiosk_address_and_the_director_unlocks_it(people, kiosk, demo_app):
    at_kiosk = kiosk()
    assert at_kiosk.password('aurelie.dubois', 'mauvais').status_int == 400
    Throttle.update(failures=30, locked_until=accounts.now() + timedelta(hours=1)).where(
        Throttle.key.in_([f'addr:{SCHOOL_NETWORK}', f'login:aurelie.dubois@{SCHOOL_NETWORK}'])).execute()
    locked = at_kiosk.password('aurelie.dubois')
    assert locked.status_int == 400 and 'Trop de tentatives' in html.unescape(locked.text)
    unlock(client_of(demo_app, people.director), people.school)
    assert redirected_to(at_kiosk.password('aurelie.dubois')) == '/kiosque/accueil'
    left = [row.key for row in Throttle.select().where(Throttle.key.endswith(SCHOOL_NETWORK))]
    assert left == [f'kiosk:{people.school.id}@{SCHOOL_NETWORK}']      # the kiosk's address, remembered


def test_another_schools_director_cannot_unlock_this_kiosk(people, school_b, kiosk, demo_app):
    at_kiosk = kiosk()
    at_kiosk.card('ZZZZZZZZ', people.school.uai)
    other = client_of(demo_app, school_b.director)
    token = csrf(other.get(f'/admin/ecoles/{school_b.school.id}'))
    refused = other.post(f'/kiosque/deblocage/{people.school.id}', {'csrf_token': token}, expect_errors=True)
    assert refused.status_int in (403, 404)
    assert Throttle.get_by_id(f'card:{SCHOOL_NETWORK}').failures == 1
    assert not AuditEvent.select().where(AuditEvent.action == 'kiosk.unlocked').exists()
    # Unlocking their own school's kiosk (which saw no failure) clears nothing of this one.
    unlock(other, school_b.school)
    assert Throttle.get_by_id(f'card:{SCHOOL_NETWORK}').failures == 1
