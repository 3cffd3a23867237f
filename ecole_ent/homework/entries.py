"""Writing the homework notebook: entries for a class or some of its niveaux (published now or at
a chosen time, for one day or repeated weekly), their files (PDF and audio stored as sent, images
through the media pipeline), copies to another class, and the pupils' "fait". Who may do what is
decided by access.py.

A refused form saves nothing: every field and file is checked first (one ValidationError names
every problem), files are stored before the write transaction and removed again if anything is
refused or the transaction fails.
"""
import contextlib
import secrets
from datetime import datetime, timedelta

from ..blog import markup
from ..db import writing
from ..errors import Forbidden, ValidationError, found
from ..i18n import _, date_fr
from ..models import Homework, HomeworkDone, HomeworkFile, now
from ..numbers import as_id
from ..school_calendar.service import days
from ..school_time import clean_schedule
from ..text import shorten
from . import access, attachments, service, subjects

MAX_BODY = 10_000
MAX_LINKS = 10
MAX_LINK = 500
MAX_OCCURRENCES = 60
MAX_REPEAT = timedelta(days=366)
WEEKDAYS = ('0', '1', '2', '3', '4', '5')          # Monday .. Saturday
COPIED = ('subject', 'given_on', 'due_on', 'body_source', 'body_html', 'links', 'publish_at')


# --- writing entries ------------------------------------------------------------------------------

def create(user, class_id, values, uploads=()):
    """Give homework to a class: one entry, or one per school day of a weekly repeat.

    values: the form's strings (lists for niveaux and repeat_weekdays); uploads: (file name, binary
    stream) pairs. Returns (entries, warnings): French sentences about a due date already past or
    without class, saved anyway.
    """
    classroom = access.class_to_write(user, class_id)
    uploads = attachments.named(uploads)
    errors = {}
    clean = _clean(classroom, values, bool(uploads), errors)
    dates, series = _repeat(classroom, clean, values, errors)
    stored = attachments.store(uploads, errors)
    attachments.refuse(errors, stored)
    clean['publish_at'] = clean['publish_at'] or service.clock()
    with attachments.saving(stored):
        entries = [_write(Homework(classroom=classroom, author=user, series=series),
                          dict(clean, due_on=due_on, given_on=given_on), stored)
                   for due_on, given_on in dates]
    return entries, _warnings(classroom, entries[0].due_on)


def update(user, homework_id, values, uploads=(), remove=()):
    """Change an entry (not its repeat): its fields, new files, and the files whose ids are in
    `remove`. Returns (entry, warnings); the warnings only when the due date changed."""
    entry = access.entry_to_write(user, homework_id)
    uploads = attachments.named(uploads)
    removed_ids = {str(file_id) for file_id in remove}
    kept = [f for f in entry.files if str(f.id) not in removed_ids]
    removed = [f for f in entry.files if str(f.id) in removed_ids]
    errors = {}
    clean = _clean(entry.classroom, values, bool(uploads or kept), errors, current=entry.subject)
    stored = attachments.store(uploads, errors, already=len(kept))
    attachments.refuse(errors, stored)
    if clean['publish_at'] is None:      # "now" publishes a scheduled entry; no choice keeps its time
        now_too = values.get('when') == 'now'
        clean['publish_at'] = min(entry.publish_at, service.clock()) if now_too else entry.publish_at
    due_before = entry.due_on
    with attachments.saving(stored):
        HomeworkFile.delete().where(HomeworkFile.id.in_([f.id for f in removed])).execute()
        _write(entry, clean, stored)
    attachments.forget((f.kind, f.sha256) for f in removed)
    return entry, (_warnings(entry.classroom, entry.due_on) if entry.due_on != due_before else [])


def delete(user, homework_id, series=False):
    """Delete an entry; with series=True also every entry of its weekly repeat still to come (due
    today or later). Returns the entry named."""
    entry = access.entry_to_write(user, homework_id)
    doomed = [entry]
    if series and entry.series:
        doomed.extend(Homework.select().where((Homework.series == entry.series) & (Homework.id != entry.id)
                                              & (Homework.classroom == entry.classroom_id)
                                              & (Homework.due_on >= service.today())))
    ids = [e.id for e in doomed]
    refs = [(f.kind, f.sha256) for f in HomeworkFile.select().where(HomeworkFile.homework.in_(ids))]
    with writing():
        HomeworkDone.delete().where(HomeworkDone.homework.in_(ids)).execute()
        HomeworkFile.delete().where(HomeworkFile.homework.in_(ids)).execute()
        Homework.delete().where(Homework.id.in_(ids)).execute()
    attachments.forget(refs)
    return entry


def copy(user, homework_id, class_id, niveaux=()):
    """A copy of an entry for another class, or other niveaux of its own: same subject, dates, text,
    links, publication time and files (the same stored files); not the pupils' ticks."""
    source = access.entry_to_write(user, homework_id)
    class_id = as_id(str(class_id))
    if class_id is None:
        raise ValidationError({'class_id': _('Choisissez une de vos classes.')})
    target = access.class_to_write(user, class_id)
    errors = {}
    chosen = _niveaux(target, niveaux, errors)
    attachments.refuse(errors)
    with writing():
        entry = Homework.create(classroom=target, author=user, niveaux=chosen,
                                **{name: getattr(source, name) for name in COPIED})
        for f in source.files:
            HomeworkFile.create(homework=entry, kind=f.kind, name=f.name, sha256=f.sha256, size=f.size)
    return entry


def set_done(pupil, homework_id, done=True):
    """A pupil ticks (or unticks) "fait" on an entry they read. Ticking twice keeps one tick."""
    entry, role = access.entry_for(pupil, homework_id)
    if role != 'pupil':
        raise Forbidden(_('Seuls les élèves à qui ces devoirs sont donnés peuvent les cocher.'))
    with writing():
        if done:
            HomeworkDone.insert(homework=entry, pupil=pupil).on_conflict_ignore().execute()
        else:
            HomeworkDone.delete().where((HomeworkDone.homework == entry) & (HomeworkDone.pupil == pupil)).execute()
    return entry


def file_for(user, file_id):
    """What the web layer sends for a file of an entry the user reads: {path, content_type, name,
    inline}. NotFound for a file of an entry the user may not read."""
    row = found(HomeworkFile.get_or_none(HomeworkFile.id == file_id), _("Ce fichier n'existe pas."))
    access.entry_for(user, row.homework_id)
    return attachments.to_send(row)


def _write(entry, clean, stored):
    for name, value in clean.items():
        setattr(entry, name, value)
    entry.updated_at = now()
    entry.save()
    for kind, sha, size, name in stored:
        HomeworkFile.create(homework=entry, kind=kind, sha256=sha, size=size, name=name)
    return entry


# --- the form ---------------------------------------------------------------------------------------

def _clean(classroom, values, has_files, errors, current=None):
    """The entry's fields from the form, its problems put in `errors`. publish_at is None for "now"."""
    body = (values.get('body') or '').replace('\r\n', '\n').strip()
    links = _links(values.get('links'), errors)
    if len(body) > MAX_BODY:
        errors['body'] = _('Le texte est trop long (%(max)s caractères au plus).') % {'max': '10 000'}
    elif not (body or links or has_files):
        errors['body'] = _('Écrivez le travail à faire, ou joignez un fichier ou un lien.')
    due_on = _day(values.get('due_on'), 'due_on', errors)
    given_on = _day(values.get('given_on'), 'given_on', errors)
    if due_on is None and 'due_on' not in errors:
        errors['due_on'] = _('Indiquez le jour où ce travail est à faire.')
    if due_on and given_on and given_on > due_on:
        errors['given_on'] = _('Le travail ne peut pas être donné après le jour où il est à faire.')
    publish_at = clean_schedule(values, errors, service.clock())
    niveaux = _niveaux(classroom, values.get('niveaux'), errors)
    subject = _subject(classroom, values.get('subject'), current, errors)
    return {'niveaux': niveaux, 'subject': subject,
            'due_on': due_on, 'given_on': given_on or (due_on and min(service.today(), due_on)),
            'body_source': body, 'body_html': '' if errors else markup.render_markdown(body),
            'links': '\n'.join(links), 'publish_at': publish_at}


def _as_list(value):
    """A multi-valued field: a list from the form, or one string."""
    return [value] if isinstance(value, str) else list(value or ())


def _day(text, field, errors):
    """The date of a 'YYYY-MM-DD' field, None when empty; a wrong one is put in errors."""
    text = (text or '').strip()
    if not text:
        return None
    with contextlib.suppress(ValueError):
        day = datetime.strptime(text, '%Y-%m-%d').date()
        if day.year in service.YEARS:
            return day
    errors[field] = _('Indiquez une date valide, par exemple 2026-12-03.')
    return None


def _niveaux(classroom, chosen, errors):
    """'' for the whole class (nothing chosen, or every niveau), else the chosen ones in class order."""
    chosen = {n.strip() for n in _as_list(chosen) if n.strip()}
    offered = classroom.niveau_list
    unknown = sorted(chosen - set(offered))
    if unknown:
        errors['niveaux'] = (_('La classe %(classe)s n’a pas le niveau %(niveaux)s : choisissez parmi %(offered)s.')
                             % {'classe': classroom.name, 'niveaux': ', '.join(n[:10] for n in unknown[:3]),
                                'offered': ', '.join(offered)})
    if not chosen or chosen >= set(offered):
        return ''
    return ','.join(n for n in offered if n in chosen)


def _subject(classroom, text, current, errors):
    subject = ' '.join((text or '').split())
    if not subject:
        errors['subject'] = _('Choisissez une matière.')
    elif subject != current and subject not in subjects.of_school(classroom.school_id):
        errors['subject'] = (_('« %(subject)s » n’est pas dans la liste des matières de l’école.')
                             % {'subject': subject[:subjects.MAX_NAME]})
    return subject


def _links(text, errors):
    """The http(s) addresses of a textarea, one a line; every wrong line quoted in errors."""
    lines = [line.strip() for line in (text or '').splitlines() if line.strip()]
    if len(lines) > MAX_LINKS:
        errors['links'] = _('%(max)d liens au plus.') % {'max': MAX_LINKS}
    elif wrong := [line for line in lines if not _is_link(line)]:
        errors['links'] = ' '.join(_('« %(line)s » n’est pas une adresse web (http:// ou https://, %(max)d '
                                     'caractères au plus).') % {'line': shorten(line), 'max': MAX_LINK}
                                   for line in wrong)
    return lines


def _is_link(line):
    scheme, _sep, rest = line.partition('://')
    return (len(line) <= MAX_LINK and scheme.lower() in ('http', 'https') and rest[:1] not in ('', '/')
            and line.isprintable() and not any(ch.isspace() for ch in line))


def _repeat(classroom, clean, values, errors):
    """([(due_on, given_on)], series id): one entry, or a weekly repeat's, on the chosen weekdays from
    the due date to repeat_until, days without class skipped; each repeat is given the school day
    before it is due."""
    weekdays = set(_as_list(values.get('repeat_weekdays')))
    until = _day(values.get('repeat_until'), 'repeat_until', errors)
    if not weekdays and until is None:
        return [(clean['due_on'], clean['given_on'])], None
    if not weekdays or not weekdays <= set(WEEKDAYS):
        errors['repeat_weekdays'] = _('Cochez les jours de la semaine où ces devoirs reviennent.')
    if until is None:
        errors.setdefault('repeat_until', _('Indiquez jusqu’à quand ces devoirs reviennent.'))
    first, given_on = clean['due_on'], clean['given_on']
    if errors.keys() & {'due_on', 'repeat_weekdays', 'repeat_until'}:
        return [], None
    if until < first:
        errors['repeat_until'] = _('La fin de la répétition doit venir après le premier jour.')
    elif until - first > MAX_REPEAT:
        errors['repeat_until'] = _('Une répétition dure un an au plus.')
    if 'repeat_until' in errors:
        return [], None
    calendar, chosen = days(classroom.school_id), {int(w) for w in weekdays}
    due = [first + timedelta(days=n) for n in range((until - first).days + 1)]
    due = [day for day in due if day.weekday() in chosen and calendar.is_school_day(day)]
    if not due:
        errors['repeat_until'] = (_('Pas un seul jour de classe choisi du %(start)s au %(end)s.')
                                  % {'start': date_fr(first), 'end': date_fr(until)})
    elif len(due) > MAX_OCCURRENCES:
        errors['repeat_until'] = (_('Cela ferait %(count)d devoirs : %(max)d au plus par répétition.')
                                  % {'count': len(due), 'max': MAX_OCCURRENCES})
    given = [given_on] + [calendar.previous_school_day(day, floor=given_on) for day in due[1:]]
    return list(zip(due, given)), secrets.token_hex(8)


def _warnings(classroom, due_on):
    warnings = []
    if due_on < service.today():
        warnings.append(_('Le %(date)s est déjà passé : les devoirs sont enregistrés quand même.')
                        % {'date': date_fr(due_on)})
    closed = days(classroom.school_id).closed_warning(due_on)
    return warnings + [closed] if closed else warnings
