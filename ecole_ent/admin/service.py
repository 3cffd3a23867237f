"""School administration: who administers which school, the schools themselves, and the audit log.
Classes and their teachers are in classes.py; accounts, guardian links, image-rights consent and
account recovery in accounts.py.

Every function that reads or writes a school's data first calls require_school_admin(actor,
school): the director administers their own school, the installation's admin every school.
`actor` is the signed-in User (routes), or None for the command line: whoever can run it owns the
data folder, hence every school. Every change writes an audit event in the same transaction.
"""
from datetime import datetime, timedelta

from .. import audit
from ..accounts import service as accounts
from ..accounts.setup import check_uai
from ..db import writing
from ..errors import Forbidden, ValidationError, found
from ..i18n import _, lazy
from ..models import AuditEvent, School, User
from ..privacy.rules import RULES

ACTION_LABELS = {
    'school.created': lazy('École créée'), 'class.created': lazy('Classe créée'),
    'class.updated': lazy('Classe modifiée'), 'class.archived': lazy('Classe archivée'),
    'class.teacher_assigned': lazy('Enseignant affecté'), 'class.teacher_removed': lazy('Enseignant retiré'),
    'account.created': lazy('Compte créé'), 'account.edited': lazy('Compte modifié'),
    'account.disabled': lazy('Compte désactivé'), 'account.enabled': lazy('Compte réactivé'),
    'guardian.linked': lazy('Responsable relié'), 'guardian.unlinked': lazy('Responsable détaché'),
    'consent.set': lazy("Droit à l'image"), 'activation.issued': lazy("Code d'activation émis"),
    'password.reset': lazy('Mot de passe à usage unique'), 'sessions.revoked': lazy('Sessions fermées'),
    'account.activated': lazy('Compte activé'), 'password.changed': lazy('Mot de passe changé'),
    'login.locked': lazy('Connexion bloquée'), 'calendar.saved': lazy('Calendrier scolaire enregistré'),
    'account.email_changed': lazy('Adresse électronique changée'),
    'calendar_feed.revoked': lazy('Lien d’agenda des devoirs désactivé'),
    'calendar_feed.renewed': lazy('Lien d’agenda des devoirs renouvelé'),
    'homework.subjects_saved': lazy('Liste des matières enregistrée'),
    'cards.printed': lazy('Cartes de connexion de la classe imprimées'),
    'card.reprinted': lazy('Carte de connexion réimprimée'), 'card.revoked': lazy('Carte de connexion désactivée'),
    'pictures.on': lazy('Connexion par images activée pour la classe'),
    'kiosk.enabled': lazy('Borne du hall activée'), 'kiosk.disabled': lazy('Borne du hall désactivée'),
    'kiosk.unlocked': lazy('Borne du hall débloquée'),
    'pictures.off': lazy('Connexion par images désactivée pour la classe'),
    'pictures.renewed': lazy('Nouvelles images de connexion d’un élève'),
    'pictures.renewed_class': lazy('Nouvelles images de connexion pour toute la classe'),
    'backup.started': lazy('Sauvegarde lancée'), 'backup.downloaded': lazy('Sauvegarde téléchargée'),
    'backup.verified': lazy('Vérification de sauvegarde lancée'),
    'account.erased': lazy('Compte effacé (RGPD)'), 'privacy.export': lazy('Export des données d’une famille (RGPD)'),
    'privacy.retention': lazy('Règles de conservation appliquées'),
    'stats.fold': lazy('Statistiques du jour regroupées (événements et clés du jour effacés)'),
    'privacy.photos_until': lazy('Date de suppression des photos d’une année close'),
    **{f'privacy.retention.{rule.kind}': lazy('Effacé selon sa durée de conservation : %s', rule.title)
       for rule in RULES},
}
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


def administers(actor, school_id):
    """require_school_admin as a yes or no."""
    try:
        require_school_admin(actor, school_id)
        return True
    except Forbidden:
        return False


def schools_for(actor):
    if actor is None or actor.has_role('admin'):
        return list(School.select().order_by(School.name))
    return [actor.school] if actor.has_role('director') and actor.school_id else []


def school_to_administer(actor, uai=''):
    """The school whose settings `actor` changes on a settings page (the calendar, the subjects):
    the one named by its UAI (the director's own, any for the admin), else the director's school,
    else the only school; None when the admin has to pick one. Forbidden for anyone else, and
    for another school's director."""
    if uai:
        return get_school(actor, uai=uai.strip().upper())
    if actor.has_role('director') and actor.school_id:
        return get_school(actor, actor.school_id)
    if not actor.has_role('admin'):
        raise Forbidden(_("Vous n'administrez pas cette école."))
    schools = schools_for(actor)
    return schools[0] if len(schools) == 1 else None


def get_school(actor, school_id=None, uai=None):
    school = found(School.get_or_none((School.id == school_id) if uai is None else (School.uai == uai)),
                   _('École introuvable : %s') % (uai or school_id))
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
