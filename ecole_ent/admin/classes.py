"""School administration: the classes of the current year and who teaches them.

Every change first checks that the actor administers the class's school
(service.require_school_admin).
"""
from peewee import fn

from .. import audit
from ..accounts import service as accounts
from ..db import writing
from ..errors import ValidationError, found
from ..i18n import _
from ..models import NIVEAUX, Classroom, Enrolment, Teaching, User
from .service import require_school_admin, schools_for

TEACHING_ROLES = ('teacher', 'director', 'staff')


def get_class(actor, class_id):
    classroom = found(Classroom.get_or_none(Classroom.id == class_id),
                      _('Classe introuvable : %s') % class_id)
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
