"""The forgotten password through the real relay: the same page for any login, a link that works
once and for mail.reset_minutes, the throttle, every session ended, the token never in the
access log."""
import logging
import re

from ecole_ent.db import writing
from ecole_ent.mail import outbox
from ecole_ent.models import AuditEvent, LoginSession, OutboxMail, PasswordReset, Throttle, User
from ecole_ent.web import access_log
from tests.conftest import Client, redirected_to

from .conftest import PUBLIC_URL, parts, with_email

LINK = re.compile(re.escape(PUBLIC_URL) + r'(/mot-de-passe-oublie/[A-Za-z0-9_-]{43})')


def ask(client, asked):
    page = client.get('/mot-de-passe-oublie')
    form = page.forms[0]
    form['login'] = asked
    return form.submit()


def mailed_link(inbox, index=-1):
    outbox.send_due()
    text, html = parts(inbox.messages()[index])
    (path,) = set(LINK.findall(text))
    assert PUBLIC_URL + path in html
    return path


def choose(client, path, password='nouveau-secret-2026', confirm=None):
    form = client.get(path).forms[0]
    form['password'], form['confirm'] = password, confirm or password
    return form.submit(expect_errors=True)


def test_the_same_page_for_a_known_and_an_unknown_login(mail_relay, clock, demo_app):
    with_email('aurelie.dubois')
    client = Client(demo_app, extra_environ={'REMOTE_ADDR': '203.0.113.9'})
    known, unknown = ask(client, 'aurelie.dubois'), ask(client, 'personne.inconnue')
    assert known.status_int == unknown.status_int == 200
    assert known.text == unknown.text and 'un courriel vient d’y partir' in known.text
    assert OutboxMail.select().count() == 1 and PasswordReset.select().count() == 1


def test_the_mailed_link_sets_a_new_password_once_and_ends_every_session(mail_relay, clock, demo_app):
    guardian = with_email('aurelie.dubois', 'Aurelie.Dubois@Example.org')
    browser = Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
    assert redirected_to(browser.login('aurelie.dubois')) == '/'          # a session open elsewhere
    visitor = Client(demo_app, extra_environ={'REMOTE_ADDR': '203.0.113.9'})
    ask(visitor, 'aurelie.dubois@example.org')                             # by address, any case
    path = mailed_link(mail_relay)
    message = mail_relay.messages()[0]
    assert message['To'] == 'Aurelie.Dubois@Example.org' and 'mot de passe' in message['Subject']
    sent = OutboxMail.get()
    assert sent.state == 'sent' and path.rpartition('/')[2] not in sent.body_text + sent.body_html
    weak = choose(visitor, path, 'court')
    assert weak.status_int == 200 and 'au moins 8 caractères' in weak.text
    done = choose(visitor, path)
    assert redirected_to(done) == '/connexion'
    assert LoginSession.select().where(LoginSession.user == guardian.id).count() == 0
    assert redirected_to(browser.get('/')).startswith('/connexion')       # the old session is over
    assert redirected_to(Client(demo_app).login('aurelie.dubois', 'nouveau-secret-2026')) == '/'
    again = visitor.get(path, expect_errors=True)
    assert again.status_int == 404 and 'il a déjà servi' in again.text
    assert visitor.post(path, {'password': 'x' * 10, 'confirm': 'x' * 10,
                               'csrf_token': visitor.csrf('/mot-de-passe-oublie')},
                        expect_errors=True).status_int == 404
    assert AuditEvent.select().where(AuditEvent.action == 'password.reset_by_mail').count() == 1


def test_an_expired_link_is_refused(mail_relay, clock, demo_app):
    with_email('aurelie.dubois')
    visitor = Client(demo_app)
    ask(visitor, 'aurelie.dubois')
    path = mailed_link(mail_relay)
    clock.advance(minutes=30)
    page = visitor.get(path, expect_errors=True)
    assert page.status_int == 404 and 'plus de 30 minutes' in page.text
    assert visitor.get('/mot-de-passe-oublie/' + 'A' * 43, expect_errors=True).status_int == 404


def test_asking_is_throttled_the_same_for_known_and_unknown_logins(mail_relay, clock, demo_app):
    with_email('aurelie.dubois')
    visitor = Client(demo_app, extra_environ={'REMOTE_ADDR': '203.0.113.9'})
    for asked in ('aurelie.dubois', 'personne.inconnue'):
        for _try in range(3):
            assert 'un courriel vient d’y partir' in ask(visitor, asked).text
        refused = ask(visitor, asked)
        assert 'Trop de demandes de nouveau mot de passe. Réessayez dans 1 minute(s).' in refused.text
    assert OutboxMail.select().count() == 3
    with writing():                   # the lock's minutes go by (the sign-in's throttle, real clock)
        Throttle.update(locked_until=None, failures=0).execute()
    assert 'un courriel vient d’y partir' in ask(visitor, 'aurelie.dubois').text


def test_directory_accounts_get_a_link_and_inactive_ones_do_not(mail_relay, clock, demo_app):
    directory = with_email('aurelie.dubois')
    disabled = with_email('thomas.dubois')
    with writing():
        User.update(source='aaf', external_id='AAF-9').where(User.id == directory.id).execute()
        User.update(status='disabled').where(User.id == disabled.id).execute()
    visitor = Client(demo_app)
    ask(visitor, directory.login)
    ask(visitor, disabled.login)
    outbox.send_due()
    assert [m['To'] for m in mail_relay.messages()] == [directory.email]


def test_without_a_relay_the_page_says_to_ask_the_school(mail_relay, clock, demo_app, set_option):
    set_option('smtp.host', '')
    visitor = Client(demo_app)
    page = visitor.get('/mot-de-passe-oublie')
    assert "L'envoi de courriels (ou l'adresse publique de l'ENT) n'est pas configuré" in page.text
    assert [form.action for form in page.forms.values()] == ['/langue']        # no request form: the switcher only
    assert 'Mot de passe oublié ?' in visitor.get('/connexion').text


def test_the_tokens_never_reach_the_access_log(mail_relay, clock, demo_app, caplog):
    from ecole_ent.mail import unsubscribe
    with_email('aurelie.dubois')
    visitor = Client(demo_app)
    ask(visitor, 'aurelie.dubois')
    path = mailed_link(mail_relay)
    stop = unsubscribe.path_for(User.get(User.login == 'aurelie.dubois').id)
    with caplog.at_level(logging.INFO, logger=access_log.logger.name):
        visitor.get(path)
        visitor.get(stop)
    lines = [record.getMessage() for record in caplog.records if record.name == access_log.logger.name]
    assert any(' GET /mot-de-passe-oublie/* 200 ' in line for line in lines)
    assert any(' GET /courriels/arret/* 200 ' in line for line in lines)
    assert not any(path.rpartition('/')[2] in line or stop.rpartition('/')[2] in line for line in lines)


def test_the_link_is_built_on_server_public_url_never_on_the_request_s_host(mail_relay, clock, demo_app):
    """Anyone may send any Host header: a link built on it would mail the victim a link to the
    sender's site, token included. Without server.public_url no link goes at all."""
    with_email('aurelie.dubois')
    forged = Client(demo_app, extra_environ={'REMOTE_ADDR': '203.0.113.9', 'HTTP_HOST': 'attaquant.example'})
    ask(forged, 'aurelie.dubois')
    assert mailed_link(mail_relay) and 'attaquant.example' not in mail_relay.messages()[-1].as_string()
    mail_relay.configure(**{'server.public_url': ''})
    page = forged.get('/mot-de-passe-oublie')
    assert "l'adresse publique de l'ENT" in page.text and 'name="login"' not in page.text
    forged.post('/mot-de-passe-oublie', {'csrf_token': forged.csrf('/connexion'), 'login': 'aurelie.dubois'})
    assert OutboxMail.select().count() == 1 and PasswordReset.select().count() == 1


def test_over_real_http_a_forged_host_never_reaches_the_mailed_link(mail_relay, clock, live_server):
    """Through waitress on a real socket, as an attacker would send it: the Host header is the
    attacker's, the mailed link is still on server.public_url."""
    from tests.real_http import Browser
    with_email('aurelie.dubois')
    forged = Browser(live_server, headers={'Host': 'attaquant.example'})
    status, _headers, page = forged.form('/mot-de-passe-oublie', login='aurelie.dubois')
    assert status == 200 and 'un courriel vient d’y partir' in page
    assert mailed_link(mail_relay) and 'attaquant.example' not in mail_relay.messages()[-1].as_string()
