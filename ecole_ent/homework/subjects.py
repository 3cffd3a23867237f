"""Each school's subject list for the homework notebook. A school whose director never edited it
uses DEFAULT; reading never writes. Entries keep the subject's name as text, so editing the list
never changes homework already given."""
from types import SimpleNamespace

from .. import audit
from ..accounts import membership
from ..db import writing
from ..errors import Forbidden, ValidationError, found
from ..i18n import _
from ..models import School, Subject
from ..text import strip_accents

# The subjects of the French primary curriculum (cycles 2 and 3), as the programmes name them. They
# are data, not interface text: stored on entries and compared with them, so not passed to _().
DEFAULT = ('Français', 'Mathématiques', 'Questionner le monde', 'Langues vivantes', 'Arts plastiques',
           'Éducation musicale', 'EPS', 'EMC', 'Histoire-géographie', 'Sciences et technologie')
MAX_SUBJECTS = 40
MAX_NAME = 60


def of_school(school_id):
    """The school's subjects in its order, or DEFAULT when its director never edited the list."""
    names = [s.name for s in Subject.select(Subject.name).where(Subject.school == school_id)
             .order_by(Subject.position, Subject.id)]
    return names or list(DEFAULT)


def save(user, school_id, text):
    """Replace the school's list with the subjects of `text`, one a line. Only the school's
    director (or the admin) may; returns the new list."""
    if user is None or not user.is_active or not membership.heads(user, SimpleNamespace(school_id=school_id)):
        raise Forbidden(_('Seule la direction de l’école peut modifier la liste des matières.'))
    school = found(School.get_or_none(School.id == school_id), _("Cette école n'existe pas."))
    names = clean(text)
    with writing():
        Subject.delete().where(Subject.school == school).execute()
        Subject.insert_many([{'school': school, 'name': name, 'position': position}
                             for position, name in enumerate(names)]).execute()
        audit.record(user, 'homework.subjects_saved', school.uai, school=school.id, subjects=names)
    return names


def clean(text):
    """The subjects of a text, one a line (blank lines skipped, spaces normalised); ValidationError
    naming every problem: none, too many, too long, the same subject twice (case and accents
    aside)."""
    names = [' '.join(line.split()) for line in (text or '').splitlines()]
    names = [name for name in names if name]
    problems, seen, twice = [], set(), set()
    if not names:
        problems.append(_('Indiquez au moins une matière.'))
    elif len(names) > MAX_SUBJECTS:
        problems.append(_('%(max)d matières au plus (la liste en compte %(count)d).')
                        % {'max': MAX_SUBJECTS, 'count': len(names)})
    for name in names:
        key = strip_accents(name).casefold()
        if len(name) > MAX_NAME:
            problems.append(_('« %(name)s… » est trop long (%(max)d caractères au plus).')
                            % {'name': name[:MAX_NAME], 'max': MAX_NAME})
        elif key in seen and key not in twice:
            problems.append(_('« %(name)s » apparaît deux fois.') % {'name': name})
            twice.add(key)
        seen.add(key)
    if problems:
        raise ValidationError({'subjects': ' '.join(problems)})
    return names
