"""Who may use the hall's kiosk, from where, and what a kiosk session may open: the rules in one place.

A kiosk is a shared terminal on a school network (security.school_networks, the client's address as
the trusted proxy names it, as for the QR cards). A school opens it on its admin page (School.kiosk).
It signs in families and pupils only (accounts.kiosk_account: an adult with a staff role signs in
at their own computer), and only people of that school: a guardian whose account or one of whose
children belongs to it, a pupil of it; anyone else is refused as wrong credentials. A session
opened there is a kiosk session (LoginSession.kiosk): it reaches only the kiosk's pages
(/kiosque/…), ends after a short inactivity (kiosk.inactivity_seconds, enforced by
accounts.service.session_user), is refused and closed outside the school networks, and every
answer to it is kept out of caches and history.
"""
from .. import security
from ..accounts import service as accounts
from ..errors import Forbidden
from ..i18n import _
from ..models import School

HOME = '/kiosque'


def outside_message():
    return _("La borne ne fonctionne que depuis le réseau de l’école. Connectez-vous depuis "
             "l’ENT habituel, à l’adresse /connexion.")


def require_school_network(address, networks):
    """security.require_school_network, with the kiosk's own message."""
    security.require_school_network(address, networks, outside_message())


def kiosk_schools():
    return list(School.select().where(School.kiosk).order_by(School.name))


def kiosk_school(uai=''):
    """The school whose kiosk this is: the one named by its UAI, else the only school with its
    kiosk open; None when several have one (the page lets the terminal pick). Forbidden when the
    named school, or every school, has its kiosk closed."""
    schools = kiosk_schools()
    if uai:
        school = next((s for s in schools if s.uai == uai.strip().upper()), None)
        if school is None:
            raise Forbidden(_("Le mode borne n’est pas activé pour cette école."))
        return school
    if not schools:
        raise Forbidden(_("Le mode borne n’est activé pour aucune école. La directrice ou le "
                          "directeur l’active sur la page d’administration de l’école."))
    return schools[0] if len(schools) == 1 else None


def belongs(user, school):
    """True for a pupil of the school, or a guardian whose account or one of whose children is in it."""
    if user.school_id == school.id:
        return True
    return user.has_role('guardian') and any(
        classroom is not None and classroom.school_id == school.id
        for _pupil, classroom in accounts.children_of(user))


def may_sign_in(user, school):
    """True for a family or a pupil of this school. Checked with the password or the card
    (accounts.authenticate, cards.card_user `allowed`): an account refused here is refused as
    wrong credentials, so the kiosk never tells that a staff member's or another school's
    password was right, nor counts it as a success."""
    return accounts.kiosk_account(user) and belongs(user, school)


def require_may_sign_in(user, school):
    """Forbidden, with why, unless this eligible user (may_sign_in) may open a kiosk session now."""
    if not may_sign_in(user, school):
        raise Forbidden(_('Identifiant ou mot de passe incorrect.'))
    if user.must_change_password:
        raise Forbidden(_('Vous devez d’abord choisir un nouveau mot de passe : faites-le depuis '
                          'un téléphone ou un ordinateur, puis revenez à la borne.'))


def is_kiosk_session(user):
    return user is not None and bool(getattr(user, 'session_kiosk', False))


def school_setting_path(path):
    """The kiosk's settings, posted by the director from the school's admin page (an ordinary session)."""
    return path.startswith((HOME + '/reglage/', HOME + '/deblocage/'))


def kiosk_path(path):
    """The paths a kiosk session may reach; anything else goes back to the kiosk's home."""
    return path == HOME or path.startswith(HOME + '/')
