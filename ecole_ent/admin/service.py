"""School administration: classes and their teachers, local accounts, guardian links, image-rights
consent, account recovery and the audit log.

Every function that reads or writes a school's data first calls require_school_admin(actor,
school): the director administers their own school, the installation's admin every school.
`actor` is the signed-in User (routes), or None for the command line: whoever can run it owns the
data folder, hence every school. Every change writes an audit event in the same transaction.
"""
import re
from datetime import date, datetime, timedelta

from peewee import fn

from .. import audit
from ..accounts import service as accounts
from ..accounts.logins import base_login, fold, unique_login
from ..accounts.setup import check_uai
from ..db import writing
from ..errors import Forbidden, NotFound, ValidationError
from ..i18n import _
from ..models import (CONSENTS, NIVEAUX, AuditEvent, Classroom, Enrolment, GuardianLink, School,
                      SchoolYear, Teaching, User, now)
from ..numbers import as_id

ROLE_LABELS = {'guardian': _('Responsable (parent, famille)'), 'teacher': _('Enseignant·e'),
               'staff': _('Personnel (ATSEM, AESH…)'), 'pupil': _('Élève'),
               'director': _('Direction'), 'admin': _("Administrateur de l'installation")}
RELATIONS = {'mother': _('Mère'), 'father': _('Père'), 'parent': _('Parent'),
             'grandparent': _('Grand-parent'), 'tutor': _('Tuteur ou tutrice'), 'other': _('Autre')}
CONSENT_LABELS = {'granted': _('Autorisé'), 'refused': _('Refusé'), 'unknown': _('Non renseigné')}
STATUS_LABELS = {'active': _('Actif'), 'pending': _("En attente d'activation"),
                 'disabled': _('Désactivé')}
ACTION_LABELS = {
    'school.created': _('École créée'), 'class.created': _('Classe créée'),
    'class.updated': _('Classe modifiée'), 'class.archived': _('Classe archivée'),
    'class.teacher_assigned': _('Enseignant affecté'), 'class.teacher_removed': _('Enseignant retiré'),
    'account.created': _('Compte créé'), 'account.edited': _('Compte modifié'),
    'account.disabled': _('Compte désactivé'), 'account.enabled': _('Compte réactivé'),
    'guardian.linked': _('Responsable relié'), 'guardian.unlinked': _('Responsable détaché'),
    'consent.set': _("Droit à l'image"), 'activation.issued': _("Code d'activation émis"),
    'password.reset': _('Mot de passe à usage unique'), 'sessions.revoked': _('Sessions fermées'),
    'account.activated': _('Compte activé'), 'password.changed': _('Mot de passe changé'),
    'login.locked': _('Connexion bloquée'),
}
TEACHING_ROLES = ('teacher', 'director', 'staff')
LOGIN_PATTERN = re.compile(r'^[a-z0-9][a-z0-9.-]{1,119}$')
SEARCH_LIMIT = 200
AUDIT_LIMIT = 300


# --- who administers what ---------------------------------------------------------------------

def require_school_admin(actor, school):
    """The one ownership check: the admin (or the command line) administers every school, a
    director only their own; anyone else gets Forbidden."""
    if actor is None or actor.has_role('admin'):
        return
    school_id = school.id if isinstance(school, School) else school
    if not (actor.has_role('director') and school_id is not None and actor.school_id == school_id):
        raise Forbidden(_("Vous n'administrez pas cette école."))


def schools_for(actor):
    if actor is None or actor.has_role('admin'):
        return list(School.select().order_by(School.name))
    return [actor.school] if actor.has_role('director') and actor.school_id else []


def get_school(actor, school_id=None, uai=None):
    school = School.get_or_none((School.id == school_id) if uai is None else (School.uai == uai))
    if school is None:
        raise NotFound(_('École introuvable : %s') % (uai or school_id))
    require_school_admin(actor, school)
    return school


def create_school(actor, uai, name):
    """A new school with its current year: the installation's admin only."""
    if actor is not None and not actor.has_role('admin'):
        raise Forbidden(_("Seul l'administrateur de l'installation crée des écoles."))
    uai, name = (uai or '').strip().upper(), (name or '').strip()
    errors = {}
    try:
        check_uai(uai)
    except ValidationError as exc:
        errors.update(exc.errors)
    if School.select().where(School.uai == uai).exists():
        errors['uai'] = _('Une école porte déjà ce code UAI : %s') % uai
    if not name or len(name) > 200:
        errors['name'] = _("Le nom de l'école est obligatoire (200 caractères au plus).")
    if errors:
        raise ValidationError(errors)
    with writing():
        school = accounts.ensure_school(uai, name)
        audit.record(actor, 'school.created', uai, school=school.id, name=name)
    return school


# --- classes ----------------------------------------------------------------------------------

def get_class(actor, class_id):
    classroom = Classroom.get_or_none(Classroom.id == class_id)
    if classroom is None:
        raise NotFound(_('Classe introuvable : %s') % class_id)
    require_school_admin(actor, classroom.school_id)
    return classroom


def list_classes(school, archived=False):
    """The classes of the school's current year, open ones (or archived ones)."""
    year = school.current_year()
    if year is None:
        return []
    return list(Classroom.select().where((Classroom.year == year) & (Classroom.archived == archived))
                .order_by(Classroom.name))


def class_rows(actor, school=None):
    """Current-year classes as plain dicts (the CLI's JSON), every school the actor administers."""
    rows = []
    counts = dict(Enrolment.select(Enrolment.classroom, fn.COUNT(Enrolment.id))
                  .where(Enrolment.ended_on.is_null()).group_by(Enrolment.classroom).tuples())
    for each in [school] if school else schools_for(actor):
        classes = list_classes(each) + list_classes(each, archived=True)
        teachers = accounts.teachers_of(classes)
        rows += [{'id': c.id, 'school_uai': each.uai, 'name': c.name, 'niveaux': c.niveau_list,
                  'archived': c.archived, 'teachers': [t.login for t in teachers[c.id]],
                  'pupils': counts.get(c.id, 0)} for c in classes]
    return rows


def _clean_class(school, name, niveaux, exclude=None):
    name = (name or '').strip()
    niveaux = [n.strip().upper() for n in niveaux if n.strip()] if niveaux else []
    errors = {}
    if not name:
        errors['name'] = _('Le nom de la classe est obligatoire.')
    elif len(name) > 100:
        errors['name'] = _('Le nom de la classe est trop long (100 caractères au plus).')
    else:
        same = Classroom.select().where((Classroom.year == school.current_year())
                                        & (fn.LOWER(Classroom.name) == name.lower())
                                        & ~Classroom.archived)
        if exclude is not None:
            same = same.where(Classroom.id != exclude.id)
        if same.exists():
            errors['name'] = _('Une classe porte déjà ce nom cette année : %s') % name
    unknown = [n for n in niveaux if n not in NIVEAUX]
    if unknown:
        errors['niveaux'] = _('Niveau inconnu : %s (niveaux possibles : TPS, PS, MS, GS, CP, CE1, '
                              'CE2, CM1, CM2)') % ', '.join(unknown)
    elif not niveaux:
        errors['niveaux'] = _('Choisissez au moins un niveau.')
    if errors:
        raise ValidationError(errors)
    return name, ','.join(n for n in NIVEAUX if n in niveaux)


def create_class(actor, school, name, niveaux):
    require_school_admin(actor, school)
    year = school.current_year()
    if year is None:
        raise ValidationError({'name': _("Cette école n'a pas d'année scolaire en cours.")})
    name, niveaux = _clean_class(school, name, niveaux)
    with writing():
        classroom = Classroom.create(school=school, year=year, name=name, niveaux=niveaux)
        audit.record(actor, 'class.created', name, school=school.id, niveaux=niveaux)
    return classroom


def update_class(actor, classroom, name, niveaux):
    """Rename a class and set its niveaux."""
    require_school_admin(actor, classroom.school_id)
    name, niveaux = _clean_class(classroom.school, name, niveaux, exclude=classroom)
    with writing():
        Classroom.update(name=name, niveaux=niveaux).where(Classroom.id == classroom.id).execute()
        audit.record(actor, 'class.updated', name, school=classroom.school_id,
                     before=f'{classroom.name} ({classroom.niveaux})', niveaux=niveaux)
    return Classroom.get_by_id(classroom.id)


def archive_class(actor, classroom, confirmed=False):
    """Archived classes leave every home page; their pupils, posts and history stay. Nothing can
    bring a class back from the pages, hence the explicit confirmation."""
    require_school_admin(actor, classroom.school_id)
    if not confirmed:
        pupils = len(accounts.pupils_of(classroom))
        raise ValidationError({'confirm': _("Archiver la classe %(name)s la retire des pages "
                                            "d'accueil de ses %(count)d élève(s), de leurs familles et "
                                            "de ses enseignants : confirmez pour continuer.") % {
            'name': classroom.name, 'count': pupils}})
    with writing():
        Classroom.update(archived=True).where(Classroom.id == classroom.id).execute()
        audit.record(actor, 'class.archived', classroom.name, school=classroom.school_id)


def teacher_choices(school):
    """Accounts of the school who may be given a class: teachers, the director, staff."""
    return [u for u in User.select().where((User.school == school) & (User.status != 'disabled'))
            .order_by(User.last_name, User.first_name) if u.has_role(*TEACHING_ROLES)]


def assign_teacher(actor, classroom, teacher):
    require_school_admin(actor, classroom.school_id)
    if teacher.school_id != classroom.school_id or not teacher.has_role(*TEACHING_ROLES):
        raise ValidationError({'teacher': _("%s n'est pas enseignant·e ou personnel de cette école.")
                               % teacher.display_name})
    if Teaching.select().where((Teaching.teacher == teacher) & (Teaching.classroom == classroom)).exists():
        raise ValidationError({'teacher': _('%(who)s est déjà affecté·e à la classe %(class)s.')
                               % {'who': teacher.display_name, 'class': classroom.name}})
    with writing():
        Teaching.create(teacher=teacher, classroom=classroom)
        audit.record(actor, 'class.teacher_assigned', f'{classroom.name} : {teacher.login}',
                     school=classroom.school_id)


def remove_teacher(actor, classroom, teacher):
    require_school_admin(actor, classroom.school_id)
    with writing():
        removed = Teaching.delete().where((Teaching.teacher == teacher)
                                          & (Teaching.classroom == classroom)).execute()
        if not removed:
            raise ValidationError({'teacher': _("%(who)s n'est pas affecté·e à la classe %(class)s.")
                                   % {'who': teacher.display_name, 'class': classroom.name}})
        audit.record(actor, 'class.teacher_removed', f'{classroom.name} : {teacher.login}',
                     school=classroom.school_id)


def class_pupils(classroom):
    return accounts.pupils_of(classroom)


def class_page(actor, class_id):
    classroom = get_class(actor, class_id)
    return {'classroom': classroom, 'school': classroom.school,
            'teachers': accounts.teachers_of([classroom])[classroom.id],
            'choices': [(u.login, u.display_name) for u in teacher_choices(classroom.school_id)],
            'pupils': accounts.pupils_of(classroom)}


# --- accounts ---------------------------------------------------------------------------------

def get_account(actor, user_id=None, login=None):
    user = User.get_or_none((User.id == user_id) if login is None
                            else (User.login == (login or '').strip().lower()))
    if user is None:
        raise NotFound(_('Compte introuvable : %s') % (login or user_id))
    try:
        require_school_admin(actor, user.school_id)
    except Forbidden:
        # A guardian is also administered by the schools of the children they are linked to
        # (a parent registered by another school, or by none, whose child is here).
        if not user.has_role('guardian') or not any(
                _administers(actor, pupil.school_id) for pupil in
                User.select(User.school).join(GuardianLink, on=(GuardianLink.pupil == User.id))
                .where(GuardianLink.guardian == user)):
            raise
    return user


def _administers(actor, school_id):
    try:
        require_school_admin(actor, school_id)
        return True
    except Forbidden:
        return False


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
                               if _administers(actor, link.pupil.school_id)]
        school_id = user.school_id if _administers(actor, user.school_id) else actor.school_id
        page['pupil_choices'] = pupils_by_class(school_id) if school_id else []
    if user.image_rights_by_id:
        page['consent_by'] = User.get_or_none(User.id == user.image_rights_by_id)
    return page


def classes_of(user):
    """Current classes of a pupil (enrolled) or of anyone given a class (teacher, director, staff)."""
    if user.has_role('pupil'):
        return accounts.current_classes_of(user)
    return list(Classroom.select().join(Teaching).where(Teaching.teacher == user)
                .join_from(Classroom, SchoolYear).where(SchoolYear.current & ~Classroom.archived)
                .order_by(Classroom.name))


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


# --- audit log --------------------------------------------------------------------------------

def _day(text, field):
    if not text:
        return None
    try:
        return datetime.strptime(text.strip(), '%Y-%m-%d').date()
    except ValueError:
        raise ValidationError({field: _('Date invalide : %s (attendu : AAAA-MM-JJ).') % text}) from None


def audit_log(actor, action='', person='', start='', end=''):
    """Recent audit events the actor may read (director: their school; admin: all), filtered by
    action, person (the actor's login, or a login in the target) and dates (inclusive)."""
    if actor is not None and not actor.has_role('admin', 'director'):
        raise Forbidden(_("Le journal n'est pas accessible avec votre compte."))
    first, last = _day(start, 'start'), _day(end, 'end')
    query = AuditEvent.select().order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if actor is not None and not actor.has_role('admin'):
        query = query.where(AuditEvent.school == actor.school_id)
    if action:
        query = query.where(AuditEvent.action == action)
    if person:
        person = person.strip().lower()
        by = User.select(User.id).where(User.login == person)
        query = query.where(AuditEvent.actor.in_(by) | AuditEvent.target.contains(person))
    if first:
        query = query.where(AuditEvent.created_at >= datetime.combine(first, datetime.min.time()))
    if last:
        query = query.where(AuditEvent.created_at < datetime.combine(last + timedelta(days=1),
                                                                     datetime.min.time()))
    events = list(query.limit(AUDIT_LIMIT))
    actors = {u.id: u for u in User.select().where(User.id.in_({e.actor_id for e in events if e.actor_id}))}
    schools = {s.id: s for s in School.select()}
    return [{'event': e, 'actor': actors.get(e.actor_id), 'school': schools.get(e.school_id),
             'label': ACTION_LABELS.get(e.action, e.action)} for e in events]
