"""Password change, forced change after a reset, activation codes."""
import html

import pytest

from ecole_ent import security
from ecole_ent.accounts import service
from ecole_ent.errors import ValidationError
from ecole_ent.models import AuditEvent, LoginSession, User
from tests.conftest import Client, redirected_to

REFUSED = 'Identifiant ou mot de passe incorrect.'


def test_passwords_are_hashed_with_argon2id_at_owasp_cost(demo):
    service.reset_password(demo.teacher)
    stored = User.get_by_id(demo.teacher.id).password_hash
    assert stored.startswith('$argon2id$') and 'm=19456,t=2' in stored


def test_session_tokens_are_stored_as_keyed_hashes(demo_client):
    demo_client.login('julien.roux')
    token = demo_client.cookies['ecole_session']
    row = LoginSession.get()
    assert row.token_hash != token and row.token_hash == security.keyed_hash(token, 'session')


def test_password_change_keeps_this_session_and_ends_the_others(demo_app, demo):
    phone, laptop = Client(demo_app), Client(demo_app)
    phone.login('julien.roux')
    laptop.login('julien.roux')
    form = laptop.get('/mot-de-passe').forms[1]
    form['current'], form['password'], form['confirm'] = 'demo', 'nouveau-secret-42', 'nouveau-secret-42'
    changed = form.submit()
    assert redirected_to(changed) == '/'
    assert 'Votre mot de passe a été changé.' in html.unescape(changed.follow().text)
    assert 'Bonjour Julien' in laptop.get('/').text
    assert redirected_to(phone.get('/')) == '/connexion?next=/'
    assert redirected_to(Client(demo_app).login('julien.roux', 'nouveau-secret-42')) == '/'
    old = Client(demo_app).login('julien.roux', 'demo')
    assert REFUSED in old.text and 'ecole_session' not in old.headers.get('Set-Cookie', '')


def test_password_change_refuses_a_wrong_current_password_or_a_short_one(demo_client):
    demo_client.login('julien.roux')
    form = demo_client.get('/mot-de-passe').forms[1]
    form['current'], form['password'], form['confirm'] = 'faux', 'nouveau-secret-42', 'nouveau-secret-42'
    assert 'Le mot de passe actuel est incorrect.' in form.submit().text
    form['current'], form['password'], form['confirm'] = 'demo', 'court', 'court'
    assert 'au moins 8 caractères' in form.submit().text


def test_reset_password_forces_a_change_at_first_sign_in(demo_app, demo):
    one_time = service.reset_password(demo.teacher)
    client = Client(demo_app)
    response = client.login('julien.roux', one_time)
    assert redirected_to(response) == '/mot-de-passe'
    assert redirected_to(client.get('/')) == '/mot-de-passe'
    form = client.get('/mot-de-passe').forms[1]
    assert 'current' not in form.fields
    form['password'] = form['confirm'] = 'mon-choix-2026'
    changed = form.submit()
    assert redirected_to(changed) == '/'
    assert 'Votre mot de passe a été changé.' in html.unescape(changed.follow().text)
    assert 'Bonjour Julien' in client.get('/').text


def test_activation_code_lets_a_guardian_choose_a_password_once(demo_app, demo):
    guardian = service.create_user('marie.test', 'Marie', 'Test', 'guardian', school=demo.teacher.school,
                                   status='pending')
    code = service.issue_activation_code(guardian)
    client = Client(demo_app)
    form = client.get('/activation').forms[0]
    form['login'], form['code'] = 'marie.test', code.upper()
    form['password'] = form['confirm'] = 'famille-test-1'
    activated = form.submit()
    assert redirected_to(activated) == '/'
    assert 'Votre compte est activé. Bienvenue !' in html.unescape(activated.follow().text)
    assert 'Bonjour Marie' in client.get('/').text
    assert User.get_by_id(guardian.id).status == 'active'
    again = Client(demo_app).get('/activation').forms[0]
    again['login'], again['code'] = 'marie.test', code
    again['password'] = again['confirm'] = 'autre-secret-1'
    assert "code d'activation incorrect" in html.unescape(again.submit().text)


def test_a_reissued_activation_code_makes_the_old_one_useless(demo):
    guardian = service.create_user('paul.test', 'Paul', 'Test', 'guardian', status='pending')
    old = service.issue_activation_code(guardian)
    new = service.issue_activation_code(guardian)
    with pytest.raises(ValidationError):
        service.activate('paul.test', old, 'secret-choisi-1', 'secret-choisi-1')
    assert service.activate('paul.test', new, 'secret-choisi-1', 'secret-choisi-1').status == 'active'
    assert AuditEvent.select().where(AuditEvent.action == 'activation.issued').count() == 2


def test_wrong_activation_codes_from_one_address_lock_that_address_only(demo):
    guardian = service.create_user('zoe.test', 'Zoé', 'Test', 'guardian', status='pending')
    code = service.issue_activation_code(guardian)
    for _ in range(5):
        with pytest.raises(ValidationError):
            service.activate('zoe.test', 'mauvais', 'secret-choisi-1', 'secret-choisi-1', '203.0.113.7')
    with pytest.raises(ValidationError) as refused:
        service.activate('zoe.test', code, 'secret-choisi-1', 'secret-choisi-1', '203.0.113.7')
    assert 'Trop de tentatives' in refused.value.errors['code']
    assert service.activate('zoe.test', code, 'secret-choisi-1', 'secret-choisi-1',
                            '192.0.2.44').status == 'active'


def test_a_pending_account_cannot_sign_in_with_a_password(demo):
    service.create_user('lea.attente', 'Léa', 'Attente', 'guardian', status='pending',
                               password='mot-de-passe-1')
    with pytest.raises(service.LoginError):
        service.authenticate('lea.attente', 'mot-de-passe-1', '10.0.0.1')


def test_a_disabled_account_cannot_sign_in_and_loses_its_sessions(demo_app, demo):
    client = Client(demo_app)
    client.login('julien.roux')
    User.update(status='disabled').where(User.login == 'julien.roux').execute()
    assert redirected_to(client.get('/')) == '/connexion?next=/'
    refused = Client(demo_app).login('julien.roux')
    assert refused.status_int == 200 and REFUSED in refused.text
    assert 'ecole_session' not in refused.headers.get('Set-Cookie', '')
