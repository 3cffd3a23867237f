"""The forgotten password: a link sent by e-mail to choose a new one (/mot-de-passe-oublie).

- Anyone may ask, with a login or an e-mail address; the answer is the same whether or not an
  account matches, and the same work is done (a token made, the mail rendered, the throttle
  counted); only active accounts with an address get a mail. Directory accounts are included:
  their password is the ENT's own (set at activation), not the directory's.
- Asking is throttled per login or address asked for (whether it exists or not, so the throttle
  tells nothing) and per client address, with the sign-in's Throttle rule (accounts/service.py).
- The link's token (security.new_token) is stored only as a keyed hash (PasswordReset), valid
  mail.reset_minutes (30) and once; using it sets the password, ends every session of the account
  and every other link of it, with an audit event. The token is masked in the access log.
- The mail goes through the outbox (mail/outbox.py), queued in the transaction that stores the
  link; the outbox job sends it within 30 seconds (the request never waits for the relay). The
  link is in the outbox row until it is sent, then the row keeps only the subject.
No bottle here."""
import re
from datetime import timedelta

from peewee import fn

from .. import audit, security
from ..db import writing
from ..errors import NotFound, ValidationError
from ..i18n import _, language, speaking
from ..mail import compose, outbox
from ..mail import service as mail
from ..models import PasswordReset, Throttle, User, now
from . import service as accounts

TOKEN = re.compile(r'[A-Za-z0-9_-]{43}')
PATH = '/mot-de-passe-oublie/'
MAX_ACCOUNTS = 5            # accounts sharing one address that get a link
MAX_ASKED = 200


def available():
    """Links can be mailed: a relay is configured, and the ENT's public address (server.public_url),
    which the link is built on. Never on the request's Host header: anyone may send any Host, and
    the school's relay would then mail a victim a link to the sender's site, with the token."""
    return mail.enabled() and bool(mail.options().public_url)


def token_hash(token):
    return security.keyed_hash(token, 'password-reset')


def request_link(asked, remote_addr):
    """Mail a reset link (on server.public_url) to the active accounts whose login or address is
    `asked`. ValidationError only for an empty request or while throttled: the
    caller answers the same page in every other case."""
    asked = (asked or '').strip().lower()[:MAX_ASKED]
    if not asked:
        raise ValidationError({'login': _('Indiquez votre identifiant ou votre adresse électronique.')})
    options = mail.options()
    keys = [('reset:' + asked[:120], options.reset_per_account),
            ('reset-addr:' + accounts.client_key(remote_addr), options.reset_per_address)]
    _refuse_if_locked([key for key, _limit in keys])
    for key, limit in keys:
        accounts.count_failure(key, limit)
    users = list(User.select().where(
        ((User.login == asked) | (fn.LOWER(User.email) == asked)) & (User.status == 'active')
        & User.email.is_null(False) & (User.email != '')).order_by(User.id).limit(MAX_ACCOUNTS))
    expires = mail.clock() + timedelta(minutes=options.reset_minutes)
    links = []
    for user in users or [User(first_name='', login=asked)]:       # the same work for nobody
        token = security.new_token()
        with speaking(user.language or language()):      # theirs, else the page's
            message = compose.reset_mail(user, compose.link(PATH + token), options.reset_minutes)
        links.append((user, token_hash(token), message))
    if users:
        with writing():
            for user, hashed, message in links:
                PasswordReset.create(user=user, token_hash=hashed, expires_at=expires)
                outbox.enqueue(user.email, message.subject, message.text, message.html, user=user,
                               headers=message.headers)
                audit.record(None, 'password.reset_link_sent', user.login, school=user.school_id)


def _refuse_if_locked(keys):
    """The sign-in's lock (accounts.service.refuse_if_locked, on the same real clock as
    count_failure), with its own words."""
    locked = (Throttle.select(Throttle.locked_until)
              .where(Throttle.key.in_(keys) & (Throttle.locked_until > now()))
              .order_by(Throttle.locked_until.desc()).first())
    if locked:
        minutes = max(1, round((locked.locked_until - now()).total_seconds() / 60))
        raise ValidationError({'login': _('Trop de demandes de nouveau mot de passe. Réessayez dans '
                                          '%d minute(s).') % minutes})


def invalid():
    return _("Ce lien n'est plus valable : il a déjà servi, ou il date de plus de %d minutes. "
             "Demandez-en un nouveau.") % mail.options().reset_minutes


def link_of(token):
    """(PasswordReset, User) of a link still valid; NotFound (its French reason) otherwise."""
    row = None
    if isinstance(token, str) and TOKEN.fullmatch(token):
        row = PasswordReset.get_or_none(PasswordReset.token_hash == token_hash(token))
    if row is None or row.used_at is not None or row.expires_at <= mail.clock():
        raise NotFound(invalid())
    user = User.get_or_none(User.id == row.user_id)
    if user is None or user.status != 'active':
        raise NotFound(invalid())
    return row, user


def use_link(token, password, confirm):
    """Set the new password chosen through the link, once; ends every session of the account
    and retires its other links. Returns the user."""
    row, user = link_of(token)
    accounts.check_new_password(password, confirm)
    hashed = security.hash_password(password)          # before the transaction: argon2 is slow
    moment = mail.clock()
    with writing():
        used = PasswordReset.update(used_at=moment).where(
            (PasswordReset.id == row.id) & PasswordReset.used_at.is_null()).execute()
        if not used:                                    # the same link used at the same moment
            raise NotFound(invalid())
        PasswordReset.update(used_at=moment).where(
            (PasswordReset.user == user.id) & PasswordReset.used_at.is_null()).execute()
        User.update(password_hash=hashed, must_change_password=False, updated_at=moment).where(
            User.id == user.id).execute()
        ended = accounts.revoke_sessions(user)
        audit.record(user, 'password.reset_by_mail', user.login, sessions=ended)
    return user
