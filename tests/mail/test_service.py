"""Sending through a real SMTP relay (aiosmtpd): UTF-8 message, AUTH, and French errors that say
what failed, never with the password in them."""
import socket

import pytest

from ecole_ent.mail import service
from ecole_ent.mail.service import MailError, Relay

from . import relay


def relay_on(port, **kw):
    values = {'host': '127.0.0.1', 'port': port, 'security': 'none', 'user': relay.USER,
              'password': relay.PASSWORD, 'sender': 'ent@ecole-des-mimosas.fr', 'timeout': 3}
    return Relay(**{**values, **kw})


def test_a_message_arrives_with_its_utf8_subject_date_and_message_id(smtpd):
    service.send('parent@exemple.fr', 'Sortie à la forêt : réponse attendue',
                 'Bonjour,\nLa sortie a lieu jeudi. Merci de répondre avant mardi.\n',
                 relay_on(smtpd.port))
    (message,) = smtpd.messages()
    assert message['Subject'] == 'Sortie à la forêt : réponse attendue'
    assert message['From'] == 'ent@ecole-des-mimosas.fr' and message['To'] == 'parent@exemple.fr'
    assert message['Date'] and message['Message-ID'].endswith('@ecole-des-mimosas.fr>')
    assert message.get_content_charset() == 'utf-8'
    assert 'La sortie a lieu jeudi' in message.get_content()
    assert smtpd.envelopes[0].rcpt_tos == ['parent@exemple.fr']


def test_the_relay_test_sends_a_french_message_and_says_so(smtpd):
    summary = service.test_relay(relay_on(smtpd.port), 'directrice@exemple.fr')
    assert 'Message de test remis au relais SMTP 127.0.0.1' in summary
    assert smtpd.messages()[0]['Subject'] == "Test du relais SMTP d'ecole-ent"


def test_a_wrong_password_is_named_and_never_shown(smtpd):
    with pytest.raises(MailError) as error:
        service.test_relay(relay_on(smtpd.port, password='mauvais-secret'), 'a@exemple.fr')
    assert 'Identifiant ou mot de passe refusé' in str(error.value)
    assert 'mauvais-secret' not in str(error.value) and not smtpd.envelopes


def test_a_closed_port_is_a_refused_connection():
    with pytest.raises(MailError, match='Connexion refusée par le relais SMTP 127.0.0.1:'):
        service.test_relay(relay_on(relay.free_port()), 'a@exemple.fr')


def test_a_relay_that_never_answers_times_out():
    with socket.socket() as silent:             # accepts connections, never says hello
        silent.bind(('127.0.0.1', 0))
        silent.listen()
        with pytest.raises(MailError, match='ne répond pas'):
            service.test_relay(relay_on(silent.getsockname()[1], timeout=1), 'a@exemple.fr')


def test_tls_problems_are_named(smtpd):
    with pytest.raises(MailError, match='ne propose pas STARTTLS'):
        service.test_relay(relay_on(smtpd.port, security='starttls'), 'a@exemple.fr')
    with pytest.raises(MailError, match='Échec du chiffrement TLS'):
        service.test_relay(relay_on(smtpd.port, security='tls'), 'a@exemple.fr')


def test_a_refused_recipient_is_named(smtpd):
    with pytest.raises(MailError, match='Destinataire refusé .* inconnu@exemple.fr \\(550'):
        service.test_relay(relay_on(smtpd.port), 'inconnu@exemple.fr')


def test_no_relay_configured_means_no_mail():
    with pytest.raises(MailError, match='aucun relais SMTP configuré'):
        service.send('a@exemple.fr', 'Objet', 'Texte', Relay())
    with pytest.raises(MailError, match='destinataire invalide'):
        service.send('pas une adresse', 'Objet', 'Texte', relay_on(25))
