"""Sending e-mail through the school's SMTP relay (smtplib), and testing that relay.

Every failure becomes a MailError whose French message names what failed: the connection
(refused, no answer, unknown name), TLS, the login, the sender or the recipient. Passwords
never reach a message or a log line. No bottle here.
"""
import logging
import smtplib
import socket
import ssl
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from .. import runtime
from ..errors import EcoleError
from ..i18n import _
from .options import address

logger = logging.getLogger(__name__)


class MailError(EcoleError):
    """The message could not be handed to the relay; str() says why, in French."""


@dataclass(frozen=True)
class Relay:
    host: str = ''                 # '' = mail is off
    port: int = 587
    security: str = 'starttls'     # none | starttls | tls
    user: str = ''
    password: str = ''
    sender: str = ''
    timeout: int = 10

    @classmethod
    def from_config(cls, config):
        """The relay described by the smtp.* options of a configuration (or parsed values)."""
        return cls(**{name: config[f'smtp.{name}'] or cls.__dataclass_fields__[name].default
                      for name in cls.__dataclass_fields__})

    @property
    def where(self):
        return f'{self.host}:{self.port}'


def settings():
    """The school's relay (smtp.* options)."""
    return runtime.settings(Relay.from_config)


def enabled():
    return bool(settings().host)


def send(to, subject, body, relay=None):
    """Send one plain-text message (UTF-8) to `to`; raises MailError saying what failed."""
    relay = relay or settings()
    message = _message(relay, to, subject, body)
    with _session(relay) as smtp:
        smtp.send_message(message)
    logger.info('courriel « %s » remis au relais %s pour %s', subject, relay.where, to)
    return message['Message-ID']


def test_relay(relay, to):
    """Connect, sign in if a user is set, send a short test message; returns a French summary."""
    send(to, _("Test du relais SMTP d'ecole-ent"),
         _("Bonjour,\n\nCe message de test a été envoyé par l'ENT de l'école pour vérifier le "
           "relais SMTP {where}. Il est arrivé : l'envoi de courriels fonctionne.\n\n"
           "Aucune réponse n'est nécessaire.\n").format(where=relay.where), relay)
    return _('Message de test remis au relais SMTP {where} pour {to} : vérifiez la boîte de '
             'réception (et les indésirables).').format(where=relay.where, to=to)


def _message(relay, to, subject, body):
    if not relay.host:
        raise MailError(_("Envoi de courriels désactivé : aucun relais SMTP configuré "
                          "(option smtp.host)."))
    if not relay.sender:
        raise MailError(_("Adresse d'expédition manquante (option smtp.sender)."))
    try:
        to = address(to)
    except ValueError:
        to = ''
    if not to:
        raise MailError(_('Adresse du destinataire invalide.'))
    message = EmailMessage()
    message['Subject'] = subject
    message['From'] = relay.sender
    message['To'] = to
    message['Date'] = formatdate(localtime=True)
    message['Message-ID'] = make_msgid(domain=relay.sender.rpartition('@')[2])
    message.set_content(body)             # text/plain; charset="utf-8"
    return message


@contextmanager
def _session(relay):
    """An SMTP connection, encrypted and signed in as configured; errors become MailError."""
    stage, smtp = 'connect', None
    context = ssl.create_default_context()
    try:
        if relay.security == 'tls':
            smtp = smtplib.SMTP_SSL(relay.host, relay.port, timeout=relay.timeout, context=context)
        else:
            smtp = smtplib.SMTP(relay.host, relay.port, timeout=relay.timeout)
        smtp.ehlo()
        if relay.security == 'starttls':
            stage = 'starttls'
            smtp.starttls(context=context)
            smtp.ehlo()
        if relay.user:
            stage = 'auth'
            smtp.login(relay.user, relay.password)
        stage = 'send'
        yield smtp
    except OSError as exc:               # smtplib and ssl errors are OSErrors too
        raise MailError(_explain(exc, stage, relay)) from None
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except OSError:
                smtp.close()


def _explain(exc, stage, relay):
    """One French sentence naming what failed; never the password."""
    where = relay.where
    if isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(exc.__context__, OSError):
        exc = exc.__context__            # smtplib wraps a read timeout as a disconnection
    if isinstance(exc, ConnectionRefusedError):
        return _('Connexion refusée par le relais SMTP {where} : serveur arrêté ou mauvais '
                 'port.').format(where=where)
    if isinstance(exc, socket.gaierror):
        return _('Relais SMTP introuvable : le nom « {host} » est inconnu.').format(host=relay.host)
    if isinstance(exc, TimeoutError):
        return _('Le relais SMTP {where} ne répond pas (plus de {timeout} s) : adresse, port, '
                 'chiffrement ou pare-feu ?').format(where=where, timeout=relay.timeout)
    if isinstance(exc, ssl.SSLError) or (stage == 'starttls'
                                          and not isinstance(exc, smtplib.SMTPNotSupportedError)):
        reason = getattr(exc, 'reason', None) or getattr(exc, 'verify_message', None) or exc
        return _('Échec du chiffrement TLS avec le relais SMTP {where} ({reason}) : vérifiez '
                 'le port et le chiffrement (starttls, tls).').format(where=where, reason=reason)
    if stage == 'starttls':
        return _('Le relais SMTP {where} ne propose pas STARTTLS : choisissez le chiffrement '
                 'tls (port 465) ou aucun.').format(where=where)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return _('Identifiant ou mot de passe refusé par le relais SMTP {where} (compte '
                 '« {user} »).').format(where=where, user=relay.user)
    if stage == 'auth':
        return _("Authentification impossible auprès du relais SMTP {where} ({error}) : "
                 "laissez l'identifiant vide ou choisissez un chiffrement.").format(
            where=where, error=_reply(exc))
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = ', '.join(f'{to} ({_reply(reply)})' for to, reply in exc.recipients.items())
        return _('Destinataire refusé par le relais SMTP {where} : {refused}.').format(
            where=where, refused=refused)
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return _("Adresse d'expédition {sender} refusée par le relais SMTP {where} "
                 "({error}).").format(sender=relay.sender, where=where, error=_reply(exc))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return _('Le relais SMTP {where} a coupé la connexion : vérifiez le port et le '
                 'chiffrement.').format(where=where)
    if isinstance(exc, smtplib.SMTPException):
        return _('Le relais SMTP {where} a refusé le message ({error}).').format(
            where=where, error=_reply(exc))
    return _('Relais SMTP {where} injoignable : {error}.').format(
        where=where, error=exc.strerror or exc)


def _reply(exc):
    """'550 texte' from an SMTP reply (exception or (code, bytes) pair)."""
    code, text = (exc if isinstance(exc, tuple)
                  else (getattr(exc, 'smtp_code', ''), getattr(exc, 'smtp_error', exc)))
    text = text.decode('utf-8', 'replace') if isinstance(text, bytes) else str(text)
    return f'{code} {text}'.strip()
