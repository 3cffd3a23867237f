"""School administration: accounts (search, local accounts, disabling), guardian links, image-rights
consent and account recovery.

Every change first checks that the actor administers the account's school
(service.require_school_admin); a guardian is also administered by the schools of the children they
are linked to (get_account).
"""
import re
from datetime import date

from .. import audit
from ..accounts import membership
from ..accounts import service as accounts
from ..accounts.logins import base_login, fold, unique_login
from ..db import writing
from ..errors import Forbidden, ValidationError, found
from ..i18n import _, lazy
from ..models import CONSENTS, Classroom, Enrolment, GuardianLink, School, User, now
from ..numbers import as_id
from ..privacy import consent as consent_history
from ..privacy import pages
from .classes import list_classes
from .service import administers, require_school_admin

ROLE_LABELS = {'guardian': lazy('Responsable (parent, famille)'), 'teacher': lazy('Enseignant·e'),
               'staff': lazy('Personnel (ATSEM, AESH…)'), 'pupil': lazy('Élève'),
               'director': lazy('Direction'), 'admin': lazy("Administrateur de l'installation")}
RELATIONS = {'mother': lazy('Mère'), 'father': lazy('Père'), 'parent': lazy('Parent'),
             'grandparent': lazy('Grand-parent'), 'tutor': lazy('Tuteur ou tutrice'), 'other': lazy('Autre')}
CONSENT_LABELS = {'granted': lazy('Autorisé'), 'refused': lazy('Refusé'), 'unknown': lazy('Non renseigné')}
STATUS_LABELS = {'active': lazy('Actif'), 'pending': lazy("En attente d'activation"),
                 'disabled': lazy('Désactivé')}
LOGIN_PATTERN = re.compile(r'^[a-z0-9][a-z0-9.-]{1,119}$')
SEARCH_LIMIT = 200


def get_account(actor, user_id=None, login=None):
    user = found(User.get_or_none((User.id == user_id) if login is None
                                  else (User.login == (login or '').strip().lower())),
                 _('Compte introuvable : %s') % (login or user_id))
    try:
        require_school_admin(actor, user.school_id)
    except Forbidden:
        # A guardian is also administered by the schools of the children they are linked to
        # (a parent registered by another school, or by none, whose child is here).
        if not user.has_role('guardian') or not any(
                administers(actor, pupil.school_id) for pupil in
                User.select(User.school).join(GuardianLink, on=(GuardianLink.pupil == User.id))
                .where(GuardianLink.guardian == user)):
            raise
    return user


def folded(text):
    """Lower case, accents and punctuation dropped, word by word: 'Lefèvre-Martin' -> 'lefevre-martin'."""
    return ' '.join(fold(word) for word in (text or '').replace('.', ' ').split())


def search_accounts(school, query='', role=''):
    """Accounts of one school whose name or login holds every word of query, ignoring accents and
    case. Folded in Python over the school's few hundred rows: identical on SQLite and PostgreSQL,
    and always right whoever wrote the row (a sync, an import), with no extra column to keep."""
    rows = User.select(User.id, User.login, User.first_name, User.last_name, User.roles,
                       User.status, User.source).where(User.school == school)
    if role:
        rows = rows.where(User.id.in_(User.with_role(role).select(User.id)))
    words = folded(query).split()
    found = [u for u in rows.order_by(User.last_name, User.first_name)
             if all(w in folded(f'{u.first_name} {u.last_name} {u.login}') for w in words)]
    return found[:SEARCH_LIMIT], len(found)


def creatable_roles(actor):
    roles = ['guardian', 'teacher', 'staff', 'pupil']
    return roles + ['director'] if actor is None or actor.has_role('admin') else roles


def _clean_person(data, errors):
    first, last = data.get('first_name', '').strip(), data.get('last_name', '').strip()
    for key, value, label in (('first_name', first, _('Le prénom')), ('last_name', last, _('Le nom'))):
        if not value:
            errors[key] = _('%s est obligatoire.') % label
        elif len(value) > 100:
            errors[key] = _('%s compte 100 caractères au plus.') % label
    email = data.get('email', '').strip() or None
    if email and (len(email) > 200 or not re.match(r'^[^@\s]+@[^@\s]+\.[^@\s]+$', email)):
        errors['email'] = _('Adresse électronique invalide : %s') % email
    return first, last, email


def create_account(actor, school, data):
    """A local account waiting for activation (the director then prints its activation letter).
    data: first_name, last_name, role, email, login (optional), class_id and niveau (pupils)."""
    require_school_admin(actor, school)
    errors = {}
    first, last, email = _clean_person(data, errors)
    role = data.get('role', '')
    if role not in creatable_roles(actor):
        errors['role'] = (_('Type de compte impossible ici : %(role)s (possibles : %(roles)s)') % {
            'role': role, 'roles': ', '.join(creatable_roles(actor))}
            if role else _('Choisissez le type de compte.'))
    login = data.get('login', '').strip().lower()
    if login and not LOGIN_PATTERN.match(login):
        errors['login'] = _('Identifiant invalide : lettres minuscules sans accent, chiffres, '
                            'point et tiret seulement.')
    elif login and User.select().where(User.login == login).exists():
        errors['login'] = _('Cet identifiant est déjà pris : %s') % login
    elif not login and first and last and not LOGIN_PATTERN.match(base_login(first, last)):
        errors['login'] = _("Indiquez un identifiant : ce nom ne donne pas de lettres utilisables "
                            "pour en fabriquer un.")
    classroom, niveau = _pupil_class(school, role, data, errors)
    if errors:
        raise ValidationError(errors)
    if not login:
        taken = User.select(User.login).where(User.login.startswith(base_login(first, last)))
        login = unique_login(first, last, {u.login for u in taken})
    with writing():
        user = accounts.create_user(login, first, last, [role], school=school, status='pending',
                                    email=email)
        if classroom is not None:
            Enrolment.create(pupil=user, classroom=classroom, niveau=niveau, started_on=date.today())
        audit.record(actor, 'account.created', login, school=school.id, role=role,
                     classroom=classroom.name if classroom else None)
    return user


def _pupil_class(school, role, data, errors):
    if role != 'pupil' or not data.get('class_id'):
        return None, None
    class_id = as_id(data['class_id'])
    classroom = Classroom.get_or_none(Classroom.id == class_id) if class_id else None
    if classroom is None or classroom.school_id != school.id or classroom.archived:
        errors['class_id'] = _("Cette classe n'existe pas dans cette école.")
        return None, None
    niveau = data.get('niveau') or classroom.niveau_list[0]
    if niveau not in classroom.niveau_list:
        errors['niveau'] = _("Le niveau %(niveau)s n'existe pas dans la classe %(class)s.") % {
            'niveau': niveau, 'class': classroom.name}
    return classroom, niveau


def edit_account(actor, user, data):
    """Change the name and e-mail of a local account (a directory sync owns the others)."""
    require_school_admin(actor, user.school_id)
    if user.source != 'local':
        raise ValidationError({'form': _("Ce compte vient de l'annuaire : modifiez-le dans "
                                         "l'annuaire, la synchronisation écraserait ce changement.")})
    errors = {}
    first, last, email = _clean_person(data, errors)
    if errors:
        raise ValidationError(errors)
    with writing():
        User.update(first_name=first, last_name=last, email=email, updated_at=now()).where(
            User.id == user.id).execute()
        audit.record(actor, 'account.edited', user.login, school=user.school_id,
                     before=f'{user.display_name} <{user.email or ""}>')
    return User.get_by_id(user.id)


def disable_account(actor, user):
    """The account can no longer sign in; every open session ends now."""
    require_school_admin(actor, user.school_id)
    if actor is not None and actor.id == user.id:
        raise ValidationError({'form': _('Vous ne pouvez pas désactiver votre propre compte.')})
    with writing():
        User.update(status='disabled', disabled_at=now(), updated_at=now()).where(
            User.id == user.id).execute()
        ended = accounts.revoke_sessions(user)
        audit.record(actor, 'account.disabled', user.login, school=user.school_id, sessions=ended)


def enable_account(actor, user):
    """Active again if the person had chosen a password, otherwise waiting for activation."""
    require_school_admin(actor, user.school_id)
    status = 'active' if user.password_hash else 'pending'
    with writing():
        User.update(status=status, disabled_at=None, updated_at=now()).where(
            User.id == user.id).execute()
        audit.record(actor, 'account.enabled', user.login, school=user.school_id, status=status)


def account_page(actor, user_id):
    """An account with its classes, its guardians (pupil) or children (guardian)."""
    user = get_account(actor, user_id)
    page = {'account': user, 'school': user.school, 'classes': classes_of(user),
            'guardian_links': [], 'child_links': [], 'pupil_choices': []}
    if user.has_role('pupil'):
        page['guardian_links'] = list(GuardianLink.select(GuardianLink, User)
                                      .join(User, on=GuardianLink.guardian)
                                      .where(GuardianLink.pupil == user).order_by(User.last_name))
    if user.has_role('guardian'):
        # Only the children of schools the actor administers: a parent with a child in another
        # school shows nothing of that school here.
        page['child_links'] = [link for link in GuardianLink.select(GuardianLink, User)
                               .join(User, on=GuardianLink.pupil)
                               .where(GuardianLink.guardian == user).order_by(User.first_name)
                               if administers(actor, link.pupil.school_id)]
        school_id = user.school_id if administers(actor, user.school_id) else actor.school_id
        page['pupil_choices'] = pupils_by_class(school_id) if school_id else []
    if user.image_rights_by_id:
        page['consent_by'] = User.get_or_none(User.id == user.image_rights_by_id)
    if user.has_role('pupil'):
        page['consent_history'] = pages.consent_history(user)
    return page


def classes_of(user):
    """Current classes of a pupil (enrolled) or of anyone given a class (teacher, director, staff)."""
    return membership.classes_of(user, 'pupil' if user.has_role('pupil') else 'teacher')


def pupils_by_class(school_id):
    """[(classroom, [pupil, ...]), ...] for the school's open classes: the pupil picker."""
    school = School.get_by_id(school_id)
    return [(c, accounts.pupils_of(c)) for c in list_classes(school)]


# --- guardian links ---------------------------------------------------------------------------

def _lookup(login, field):
    """The account with this login, or a ValidationError on `field` (no school check here)."""
    login = (login or '').strip().lower()
    user = User.get_or_none(User.login == login) if login else None
    if user is None:
        raise ValidationError({field: _("Aucun compte n'a l'identifiant « %s ».") % login
                               if login else _("Indiquez l'identifiant du compte.")})
    return user


def account_by_login(actor, login, field='login'):
    user = _lookup(login, field)
    require_school_admin(actor, user.school_id)
    return user


def _pair(user, other_login):
    """(guardian, pupil) from the account whose page this is and the other party's login."""
    other = _lookup(other_login, 'other')
    return (user, other) if user.has_role('guardian') else (other, user)


def link_accounts(actor, user, other_login, relation='parent', legal_authority=True):
    """From a guardian's page (other: a pupil) or a pupil's page (other: a guardian)."""
    link_guardian(actor, *_pair(user, other_login), relation, legal_authority)


def unlink_accounts(actor, user, other_login):
    unlink_guardian(actor, *_pair(user, other_login))


def link_guardian(actor, guardian, pupil, relation='parent', legal_authority=True):
    """Link a guardian to a pupil of the same school, with the relation and legal authority."""
    errors = {}
    if not guardian.has_role('guardian'):
        errors['other'] = _("%s n'a pas un compte de responsable.") % guardian.login
    elif not pupil.has_role('pupil'):
        errors['other'] = _("%s n'a pas un compte d'élève.") % pupil.login
    elif guardian.school_id != pupil.school_id:
        errors['other'] = _("Le responsable et l'élève ne sont pas de la même école : un "
                            "responsable ne peut être relié qu'aux élèves de son école.")
    if relation not in RELATIONS:
        errors['relation'] = _('Lien de parenté inconnu : %s') % (relation or '—')
    if errors:
        raise ValidationError(errors)
    require_school_admin(actor, pupil.school_id)
    if GuardianLink.select().where((GuardianLink.guardian == guardian)
                                   & (GuardianLink.pupil == pupil)).exists():
        raise ValidationError({'other': _('%(guardian)s est déjà relié·e à %(pupil)s.') % {
            'guardian': guardian.display_name, 'pupil': pupil.display_name}})
    with writing():
        GuardianLink.create(guardian=guardian, pupil=pupil, relation=relation,
                            legal_authority=legal_authority)
        audit.record(actor, 'guardian.linked', f'{guardian.login} → {pupil.login}',
                     school=pupil.school_id, relation=relation, legal_authority=legal_authority)


def unlink_guardian(actor, guardian, pupil):
    require_school_admin(actor, guardian.school_id)
    require_school_admin(actor, pupil.school_id)
    with writing():
        if not GuardianLink.delete().where((GuardianLink.guardian == guardian)
                                           & (GuardianLink.pupil == pupil)).execute():
            raise ValidationError({'other': _("%(guardian)s n'est pas relié·e à %(pupil)s.") % {
                'guardian': guardian.display_name, 'pupil': pupil.display_name}})
        audit.record(actor, 'guardian.unlinked', f'{guardian.login} → {pupil.login}',
                     school=pupil.school_id)


# --- image rights -----------------------------------------------------------------------------

def _check_consent(value):
    if value not in CONSENTS:
        raise ValidationError({'consent': _("Valeur de droit à l'image inconnue : %s (autorisé, "
                                            "refusé ou non renseigné).") % (value or '—')})


def set_consent(actor, pupil, value):
    """Record the family's image-rights answer for one pupil, with who and when."""
    require_school_admin(actor, pupil.school_id)
    _check_consent(value)
    if not pupil.has_role('pupil'):
        raise ValidationError({'consent': _("Le droit à l'image ne concerne que les élèves.")})
    with writing():
        _write_consent(actor, pupil, value)


def _write_consent(actor, pupil, value):
    User.update(image_rights=value, image_rights_by=actor, image_rights_at=now(),
                updated_at=now()).where(User.id == pupil.id).execute()
    audit.record(actor, 'consent.set', pupil.login, school=pupil.school_id,
                 before=pupil.image_rights, value=value)
    source = 'director' if actor is not None and not actor.has_role('admin') else 'admin'
    consent_history.record_change(pupil, value, source, actor=actor)


def set_class_consent(actor, classroom, pupil_ids, value):
    """The same answer for the ticked pupils of a class; returns how many were set."""
    require_school_admin(actor, classroom.school_id)
    _check_consent(value)
    pupils = {p.id: p for p in accounts.pupils_of(classroom)}
    wanted = {as_id(str(i)) for i in pupil_ids} - {None}
    if not wanted:
        raise ValidationError({'pupils': _('Cochez au moins un élève.')})
    if not wanted <= set(pupils):
        raise ValidationError({'pupils': _("Certains élèves cochés ne sont pas dans cette classe.")})
    with writing():
        for pupil_id in sorted(wanted):
            _write_consent(actor, pupils[pupil_id], value)
    return len(wanted)


# --- account recovery -------------------------------------------------------------------------

def reissue_code(actor, user):
    """A new activation code (the old one stops working); the account waits for activation."""
    require_school_admin(actor, user.school_id)
    if user.status == 'disabled':
        raise ValidationError({'form': _('Ce compte est désactivé : réactivez-le d’abord.')})
    return accounts.issue_activation_code(user, actor)


def one_time_password(actor, user):
    """A password to change at first sign-in, for a pupil or a member of staff."""
    require_school_admin(actor, user.school_id)
    if user.status == 'disabled':
        raise ValidationError({'form': _('Ce compte est désactivé : réactivez-le d’abord.')})
    return accounts.reset_password(user, actor)


def revoke_all_sessions(actor, user):
    require_school_admin(actor, user.school_id)
    with writing():
        ended = accounts.revoke_sessions(user)
        audit.record(actor, 'sessions.revoked', user.login, school=user.school_id, sessions=ended)
    return ended
