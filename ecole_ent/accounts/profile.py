"""The account page's rules: what a signed-in user reads of their own account, and the e-mail
address they may change themself (local accounts only: the directory owns the others' addresses,
and its next sync would overwrite a change)."""
import re

from .. import audit
from ..db import writing
from ..errors import ValidationError
from ..i18n import _
from ..models import User, now

EMAIL = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s.]+$')
MAX_EMAIL_LENGTH = 200


def role_labels(user):
    """The user's roles in French, in a fixed order."""
    labels = {'pupil': _('Élève'), 'guardian': _('Parent ou responsable'), 'teacher': _('Enseignant·e'),
              'director': _('Direction'), 'staff': _('Personnel de l’école'),
              'admin': _("Administration de l'ENT")}
    return [label for role, label in labels.items() if user.has_role(role)]


def manages_own_email(user):
    return user.source == 'local'


def check_email(address):
    """The address to store (None to remove it); ValidationError for an implausible one."""
    address = (address or '').strip()
    if not address:
        return None
    if len(address) > MAX_EMAIL_LENGTH:
        raise ValidationError({'email': _("L'adresse est trop longue (%d caractères au plus).")
                               % MAX_EMAIL_LENGTH})
    if not EMAIL.match(address):
        raise ValidationError({'email': _('Cette adresse électronique ne semble pas valide, par '
                                          'exemple : prenom.nom@exemple.fr')})
    return address


def change_email(user, address):
    """Set (or with '' remove) the user's own e-mail address; returns the address stored."""
    if not manages_own_email(user):
        raise ValidationError({'email': _("Votre adresse est gérée par l'annuaire de l'académie.")})
    email = check_email(address)
    with writing():
        User.update(email=email, updated_at=now()).where(User.id == user.id).execute()
        audit.record(user, 'account.email_changed', user.login,
                     before=user.email or '', after=email or '')
    return email


def set_language(user, lang):
    """The language of the user's pages and mails (i18n.LANGUAGES; None: their browser's)."""
    with writing():
        User.update(language=lang, updated_at=now()).where(User.id == user.id).execute()
    user.language = lang
