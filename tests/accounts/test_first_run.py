"""The first-run web setup: only on an empty installation, only from the school's networks."""
import html
import os
import stat

import pytest

from ecole_ent import config as configuration
from ecole_ent.mail import service as mail
from ecole_ent.models import School, User
from tests.conftest import Client, redirected_to
from tests.directory import slapd as ldap_server
from tests.directory.conftest import COMPLET
from tests.mail import relay


def test_a_fresh_installation_asks_for_the_school_and_the_admin(app):
    client = Client(app, extra_environ={'REMOTE_ADDR': '192.168.1.20'})
    assert client.get('/connexion').headers['Location'].endswith('/premiere-installation')
    form = client.get('/premiere-installation').forms[0]
    form['uai'], form['name'], form['login'] = '0061111b', 'École du Lac', 'direction'
    form['password'] = form['confirm'] = 'un-secret-solide'
    response = form.submit()
    assert redirected_to(response) == '/'
    home = html.unescape(response.follow().text)
    assert "L'ENT est installé. Bienvenue !" in home and 'Bonjour' in home
    assert School.get().uai == '0061111B' and User.get(User.login == 'direction').has_role('admin')
    assert redirected_to(client.get('/premiere-installation')) == '/connexion'
    again = Client(app, extra_environ={'REMOTE_ADDR': '192.168.1.21'})
    token = again.csrf('/connexion')
    refused = again.post('/premiere-installation', {
        'csrf_token': token, 'uai': '0062222C', 'name': 'X', 'login': 'pirate',
        'password': 'un-secret-solide', 'confirm': 'un-secret-solide'}, status=403)
    assert "L'ENT est déjà installé." in html.unescape(refused.text)
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
    refused = form.submit(status=403)
    assert "La première installation se fait depuis le réseau de l'école." in html.unescape(refused.text)
    assert School.select().count() == 0


# --- the optional SMTP relay and directory source, their "Tester" buttons, and saving them ---


def smtp_form(client, port, password=relay.PASSWORD):
    form = client.get('/premiere-installation').forms[0]
    form['smtp_host'], form['smtp_port'], form['smtp_security'] = '127.0.0.1', str(port), 'none'
    form['smtp_user'], form['smtp_password'] = relay.USER, password
    form['smtp_sender'], form['smtp_test_to'] = 'ent@ecole-du-lac.fr', 'direction@exemple.fr'
    return form


def test_the_smtp_button_sends_a_test_message_and_keeps_the_form_but_not_the_password(app, config,
                                                                                    smtpd):
    client = Client(app, extra_environ={'REMOTE_ADDR': '192.168.1.20'})
    form = smtp_form(client, smtpd.port)
    form['uai'] = '0061111B'
    page = form.submit('test_smtp')
    assert page.status_int == 200 and 'Message de test remis au relais SMTP' in page.text
    assert smtpd.messages()[0]['To'] == 'direction@exemple.fr'
    again = page.forms[0]
    assert again['smtp_host'].value == '127.0.0.1' and again['uai'].value == '0061111B'
    assert again['smtp_password'].value == '' and relay.PASSWORD not in page.text
    assert School.select().count() == 0 and not (config.data_dir / 'ecole-ent.ini').exists()


def test_the_smtp_button_explains_a_refused_password(app, smtpd):
    client = Client(app, extra_environ={'REMOTE_ADDR': '192.168.1.20'})
    page = smtp_form(client, smtpd.port, password='mauvais-secret').submit('test_smtp')
    assert 'Identifiant ou mot de passe refusé par le relais SMTP' in page.text
    assert 'role="alert"' in page.text and 'mauvais-secret' not in page.text
    assert not smtpd.envelopes


@pytest.mark.ldap
def test_the_directory_button_reads_the_ldap_directory_without_importing(app, slapd):
    client = Client(app, extra_environ={'REMOTE_ADDR': '10.1.2.3'})
    form = client.get('/premiere-installation').forms[0]
    form['uai'], form['directory_source'] = '0061234A', 'ldap'
    form['directory_ldap_url'], form['directory_ldap_base_dn'] = slapd.url, ldap_server.SUFFIX
    form['directory_ldap_bind_dn'] = ldap_server.ADMIN_DN
    form['directory_ldap_password'] = ldap_server.ADMIN_PASSWORD
    page = form.submit('test_directory')
    assert f'Annuaire LDAP {slapd.url} joint : école 0061234A' in page.text
    assert '23 personne(s)' in page.text and ldap_server.ADMIN_PASSWORD not in page.text
    assert User.select().count() == 0


def test_the_directory_button_reads_an_aaf_folder(app):
    client = Client(app, extra_environ={'REMOTE_ADDR': '10.1.2.3'})
    form = client.get('/premiere-installation').forms[0]
    form['directory_source'], form['directory_aaf_inbox'] = 'aaf1d', str(COMPLET)
    page = form.submit('test_directory')
    assert 'Jeu AAF ENT_0061234A_Complet_20241105 lisible : 23 personne(s), 2 classe(s).' in page.text
    missing = page.forms[0]
    missing['directory_aaf_inbox'] = '/nulle/part'
    assert 'introuvable' in missing.submit('test_directory').text
    assert User.select().count() == 0


def test_the_test_buttons_are_refused_from_outside_the_school_networks(app, smtpd):
    client = Client(app, extra_environ={'REMOTE_ADDR': '203.0.113.7'})
    outside = "La première installation se fait depuis le réseau de l'école."
    assert outside in html.unescape(smtp_form(client, smtpd.port).submit('test_smtp', status=403).text)
    form = client.get('/premiere-installation').forms[0]
    form['directory_source'], form['directory_aaf_inbox'] = 'aaf1d', str(COMPLET)
    assert outside in html.unescape(form.submit('test_directory', status=403).text)
    assert not smtpd.envelopes


def test_the_test_buttons_need_the_csrf_token(app):
    client = Client(app, extra_environ={'REMOTE_ADDR': '10.1.2.3'})
    client.get('/premiere-installation')
    refused = client.post('/premiere-installation', {
        'test_directory': '1', 'directory_source': 'aaf1d', 'directory_aaf_inbox': str(COMPLET)},
        status=400)
    assert 'Le formulaire a expiré' in refused.text


def test_installing_saves_the_relay_and_the_directory_in_the_data_folder(app, config, smtpd):
    client = Client(app, extra_environ={'REMOTE_ADDR': '192.168.1.20'})
    form = smtp_form(client, smtpd.port)
    form['uai'], form['name'], form['login'] = '0061111B', 'École du Lac', 'direction'
    form['password'] = form['confirm'] = 'un-secret-solide'
    form['directory_source'], form['directory_aaf_inbox'] = 'aaf1d', '/srv/depot-aaf'
    assert redirected_to(form.submit()) == '/'
    path = config.data_dir / 'ecole-ent.ini'
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    loaded = configuration.load(config.data_dir, environ={})
    assert (loaded['smtp.host'], loaded['smtp.port'], loaded['smtp.security']) == (
        '127.0.0.1', smtpd.port, 'none')
    assert loaded['smtp.password'] == relay.PASSWORD and loaded['smtp.sender'] == 'ent@ecole-du-lac.fr'
    assert (loaded['directory.source'], loaded['directory.aaf_inbox']) == ('aaf1d', '/srv/depot-aaf')
    assert config['directory.source'] == 'aaf1d'           # in use at once, no restart
    mail.send('parent@exemple.fr', 'Bienvenue', 'Texte')
    assert smtpd.envelopes[-1].rcpt_tos == ['parent@exemple.fr']


def test_a_bad_relay_setting_is_explained_and_nothing_is_saved(app, config):
    client = Client(app, extra_environ={'REMOTE_ADDR': '192.168.1.20'})
    form = client.get('/premiere-installation').forms[0]
    form['uai'], form['name'], form['login'] = '0061111B', 'École du Lac', 'direction'
    form['password'] = form['confirm'] = 'un-secret-solide'
    form['smtp_host'], form['smtp_port'], form['smtp_sender'] = 'smtp.exemple.fr', 'vingt-cinq', 'x'
    page = form.submit()
    assert page.status_int == 200
    assert "smtp.port = &#39;vingt-cinq&#39; : attendu : un nombre entier" in page.text
    assert 'smtp.sender' in page.text
    assert School.select().count() == 0
    assert not (config.data_dir / 'ecole-ent.ini').exists()
