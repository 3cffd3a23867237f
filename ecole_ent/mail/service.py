"""Sending e-mail through the school's SMTP relay (smtplib), and testing that relay; the mail
feature's options ([mail]) and its clock.

Every failure becomes a MailError whose French message names what failed: the connection
(refused, no answer, unknown name), TLS, the login, the sender or the recipient. Passwords
never reach a message or a log line. No bottle here.
"""
import logging
import socket
import ssl
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from .. import runtime
from ..errors import EcoleError
from ..i18n import _
from ..models import now
from .options import address

logger = logging.getLogger(__name__)


class MailError(EcoleError):
    """The message could not be handed to the relay; str() says why, in French. `relay_down` is
    False when only this message is refused (its recipient), True when the relay itself fails
    (unreachable, TLS, login, sender refused): the next messages would fail the same way."""

    def __init__(self, message, relay_down=True):
        super().__init__(message)
        self.relay_down = relay_down


@dataclass(frozen=True)
class Options:
    """The [mail] options and what mails need of [server]."""
    digest_hour: int          # local hour of the daily digest
    max_attempts: int         # sending attempts before an outbox mail is 'failed'
    reset_minutes: int        # validity of a forgotten-password link
    hide_content: bool        # the default of the per-user setting
    keep_days: int            # unmailed notifications (no relay yet) and old outbox rows
    reset_per_account: int    # forgotten-password requests per login or address...
    reset_per_address: int    # ...and per client address, before a lock
    public_url: str           # server.public_url without its trailing slash ('' if unset)


def read_options(config):
    return Options(digest_hour=config['mail.digest_hour'], max_attempts=config['mail.max_attempts'],
                   reset_minutes=config['mail.reset_minutes'], hide_content=config['mail.hide_content'],
                   keep_days=config['mail.keep_days'], reset_per_account=config['mail.reset_per_account'],
                   reset_per_address=config['mail.reset_per_address'],
                   public_url=(config['server.public_url'] or '').rstrip('/'))


def options():
    return runtime.settings(read_options)


def clock():
    """Now, in naive UTC: the one clock of mail (notifications, digests, retries, reset links).
    Tests replace it (monkeypatch) to move through quiet hours and back-offs, never by sleeping."""
    return now()


def domain():
    """The domain of Message-IDs: the sender's, else server.public_url's host, else a reserved one."""
    sender = settings().sender
    return (sender.rpartition('@')[2] if sender else '') or urlsplit(options().public_url).hostname \
        or 'ecole-ent.invalid'


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


def send(to, subject, body, relay=None, html=None, headers=None, message_id=None):
    """Send one message (UTF-8) to `to`: plain text, with `html` as its alternative when given,
    `headers` added (List-Unsubscribe...), and `message_id` when fixed beforehand (the outbox);
    returns the Message-ID; raises MailError saying what failed."""
    relay = relay or settings()
    message = _message(relay, to, subject, body, html, headers, message_id)
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


def _message(relay, to, subject, body, html=None, headers=None, message_id=None):
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
        raise MailError(_('Adresse du destinataire invalide.'), relay_down=False)
    message = EmailMessage()
    message['Subject'] = subject
    message['From'] = relay.sender
    message['To'] = to
    message['Date'] = formatdate(localtime=True)
    message['Message-ID'] = message_id or make_msgid(domain=relay.sender.rpartition('@')[2])
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)             # text/plain; charset="utf-8"
    if html:
        message.add_alternative(html, subtype='html')     # multipart/alternative
    return message


@contextmanager
def _session(relay):
    """An SMTP connection, encrypted and signed in as configured; errors become MailError."""
    import smtplib  # by a mail sent, not by every serving process at start (0.2 MB)
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
        raise MailError(_explain(exc, stage, relay),
                        relay_down=not isinstance(exc, smtplib.SMTPRecipientsRefused)) from None
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except OSError:
                smtp.close()


def _explain(exc, stage, relay):
    """One French sentence naming what failed; never the password."""
    import smtplib
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
