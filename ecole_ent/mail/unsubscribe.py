"""The one-click link that stops a user's mails (RFC 8058 List-Unsubscribe), in every mail.

The token is derived, never stored: the user's id and the keyed hash of (id, the preference's
unsubscribe_generation, the user's address), so only this installation can make one, a new
address retires the links mailed to the old one (whoever reads that mailbox cannot stop the mails
of the new), and bumping the generation retires every link already sent. A GET of the link shows
a confirmation page (mail scanners fetch links); its POST, with or without the page (the mail
client's one-click POST has no CSRF token: the token in the path is the authority, see
web/guards.py), sets the user's mode to 'none'.
No bottle here."""
import base64
import re

from .. import audit, security
from ..errors import NotFound
from ..i18n import _
from ..models import User
from . import preferences

TOKEN = re.compile(r'([0-9]{1,12})\.([A-Za-z0-9_-]{43})')
PREFIX = '/courriels/arret/'


def token_for(user_id, generation, address):
    key = f'{user_id}:{generation}:{(address or "").strip().lower()}'
    digest = bytes.fromhex(security.keyed_hash(key, 'mail-unsubscribe'))
    return f'{user_id}.{base64.urlsafe_b64encode(digest).rstrip(b"=").decode()}'


def _token(user):
    return token_for(user.id, preferences.preference(user).unsubscribe_generation, user.email)


def path_for(user):
    """The user's current link (a path: put server.public_url before it); a User or its id."""
    if not isinstance(user, User):
        user = User.get_by_id(user)
    return PREFIX + _token(user)


def user_of(token):
    """The active user a token stands for; NotFound for a malformed, retired or unknown one."""
    match = TOKEN.fullmatch(token or '')
    user = User.get_or_none(User.id == int(match.group(1))) if match else None
    if user is None or user.status == 'disabled' or not security.same(token, _token(user)):
        raise NotFound(_("Ce lien d'arrêt des courriels n'est pas valable."))
    return user


def stop(token):
    """Stop every notification mail of the token's user (mode 'none'); returns the user."""
    user = user_of(token)
    preferences.save_preference(user, mode='none', actor=user)
    audit.record(user, 'mail.unsubscribed', user.login)
    return user
