"""Sending a note of the cahier de liaison: to the guardians of a class, of some of its niveaux or
of chosen pupils of it, or (the director's) of the whole school. A note is information, to sign,
or to answer oui / non; it may have a deadline, an automatic reminder some days before it, files,
a later sending time; the director's school-wide note may be urgent (its mails ignore quiet hours).

On sending, one NoteReceipt per pupil and legal guardian (GuardianLink.legal_authority, active
accounts), or one with guardian null for a pupil without any guardian account (the paper slip is
recorded on it), and a notification for each guardian, due from the sending time. A refused form
saves nothing: every field and file is checked first (one ValidationError names every problem),
files are stored before the write transaction and removed again if anything fails.
"""
import contextlib
from datetime import datetime

from ..blog import markup
from ..errors import Forbidden, ValidationError, found
from ..i18n import _, date_fr
from ..mail.notify import notify
from ..messages import safety
from ..models import NOTE_KINDS, Classroom, Enrolment, GuardianLink, Note, NoteFile, NoteReceipt, SchoolYear, User
from ..numbers import as_id
from ..school_calendar.service import days
from ..school_time import clean_schedule
from . import access, attachments, service

MAX_TITLE = 200
MAX_BODY = 10_000
MAX_REMIND_DAYS = 30
YEARS = range(2000, 2100)


def send(user, values, uploads=(), school_id=None):
    """Send a note; returns (note, warnings) (French sentences: a deadline on a day without class).

    values: the form's strings: class_id (or 'ecole' for the school-wide note of school_id, by
    default the user's school), niveaux and pupils (lists; pupils are ids), kind, title, body,
    deadline (YYYY-MM-DD), remind_days, urgent ('1'), when / publish_date / publish_time.
    uploads: (file name, binary stream) pairs. Forbidden for a class the user does not manage, a
    school-wide or urgent note by anyone but the director or the admin, a read-only school, a
    user over the sending rate."""
    classroom, school = _target(user, values, school_id)
    safety.refuse_if_read_only(school.id)
    safety.check_rate(user)
    uploads = attachments.named(uploads)
    errors = {}
    clean = _clean(values, errors)
    pupils = _pupils(classroom, school, values, errors, clean)
    stored = attachments.store(uploads, errors)
    attachments.refuse(errors, stored)
    note = Note(school=school.id, classroom=classroom, author=user, **clean)
    note.send_at = note.send_at or service.clock()
    with attachments.saving(stored):
        note.save()
        for kind, sha, size, name in stored:
            NoteFile.create(note=note, kind=kind, sha256=sha, size=size, name=name)
        guardians = _receipts(note, pupils)
        notify(guardians, 'note', note.title, f'/cahier-de-liaison/{note.id}', urgent=note.urgent, at=note.send_at)
    return note, _warnings(school.id, note.deadline)


def file_for(user, file_id):
    """What the web layer sends for a file of a note the user sees: {path, content_type, name,
    inline}. NotFound for a file of a note the user may not see."""
    row = found(NoteFile.get_or_none(NoteFile.id == file_id), _("Ce fichier n'existe pas."))
    access.note_for(user, row.note_id)
    return attachments.to_send(row)


def _target(user, values, school_id):
    """(classroom or None, school): the class the note goes to, or the school for a school-wide one."""
    urgent = values.get('urgent') in ('1', 'on', True)
    if values.get('class_id') == 'ecole':
        return None, access.school_to_send(user, school_id or user.school_id)
    if urgent:
        raise Forbidden(_("Seule la direction de l'école peut envoyer un mot urgent, à toutes les familles."))
    class_id = as_id(str(values.get('class_id') or ''))
    if class_id is None:
        raise ValidationError({'class_id': _('Choisissez une de vos classes.')})
    classroom = access.class_to_send(user, class_id)
    return classroom, classroom.school


def _clean(values, errors):
    """The note's own fields, its problems put in `errors`."""
    kind = values.get('kind') or ''
    if kind not in NOTE_KINDS:
        errors['kind'] = _('Choisissez le genre du mot : information, à signer ou à répondre (oui / non).')
    title = ' '.join((values.get('title') or '').split())
    if not title:
        errors['title'] = _('Donnez un titre au mot.')
    elif len(title) > MAX_TITLE:
        errors['title'] = _('Le titre est trop long (%(max)d caractères au plus).') % {'max': MAX_TITLE}
    body = (values.get('body') or '').replace('\r\n', '\n').strip()
    if not body:
        errors['body'] = _('Écrivez le texte du mot.')
    elif len(body) > MAX_BODY:
        errors['body'] = _('Le texte est trop long (%(max)s caractères au plus).') % {'max': '10 000'}
    send_at = clean_schedule(values, errors, service.clock())
    deadline = _deadline(values.get('deadline'), send_at, errors)
    remind_days = _remind_days(values.get('remind_days'), kind, deadline, errors)
    return {'kind': kind, 'title': title, 'body_source': body,
            'body_html': '' if errors else markup.render_markdown(body), 'deadline': deadline,
            'remind_days': remind_days, 'send_at': send_at,
            'urgent': values.get('urgent') in ('1', 'on', True) and values.get('class_id') == 'ecole'}


def _deadline(text, send_at, errors):
    text = (text or '').strip()
    if not text:
        return None
    day = None
    with contextlib.suppress(ValueError):
        day = datetime.strptime(text, '%Y-%m-%d').date()
    if day is None or day.year not in YEARS:
        errors['deadline'] = _('Indiquez une date limite valide, par exemple 2026-12-08.')
        return None
    if day < service.today():
        errors['deadline'] = (_('La date limite du %(date)s est déjà passée : choisissez une date à venir.')
                              % {'date': date_fr(day)})
    elif send_at is not None and day < service.local_day(send_at):
        errors['deadline'] = _('La date limite vient avant l’envoi du mot : choisissez-la après.')
    return day


def _remind_days(text, kind, deadline, errors):
    text = str(text or '').strip()
    if not text or text == '0':
        return None
    number = as_id(text)
    if number is None or number > MAX_REMIND_DAYS:
        errors['remind_days'] = (_('Indiquez un nombre de jours entre 1 et %(max)d pour la relance.')
                                 % {'max': MAX_REMIND_DAYS})
    elif kind == 'info':
        errors['remind_days'] = _('Un mot d’information n’a rien à signer : pas de relance.')
    elif deadline is None and 'deadline' not in errors:
        errors['remind_days'] = _('Une relance se fait avant la date limite : indiquez-en une.')
    return number


def _as_list(value):
    return [value] if isinstance(value, str) else list(value or ())


def _pupils(classroom, school, values, errors, clean):
    """The ids of the pupils the note is for: the class's current pupils (the school's, for a
    school-wide note), of the chosen niveaux, or the chosen pupils of it."""
    query = Enrolment.current().select(Enrolment.pupil, Enrolment.niveau).join(User, on=(Enrolment.pupil == User.id))
    if classroom is not None:
        query = query.where(Enrolment.classroom == classroom.id)
    else:
        query = (query.switch(Enrolment).join(Classroom).join(SchoolYear)
                 .where((Classroom.school == school.id) & SchoolYear.current & ~Classroom.archived))
    enrolled = {row.pupil_id: row.niveau for row in query.where(User.status != 'disabled')}
    niveaux = {n.strip().upper() for n in _as_list(values.get('niveaux')) if n.strip()}
    if niveaux and classroom is not None:
        unknown = sorted(niveaux - set(classroom.niveau_list))
        if unknown:
            errors['niveaux'] = (_('La classe %(classe)s n’a pas le niveau %(niveaux)s : choisissez parmi '
                                   '%(offered)s.') % {'classe': classroom.name,
                                                      'offered': ', '.join(classroom.niveau_list),
                                                      'niveaux': ', '.join(n[:10] for n in unknown[:3])})
        clean['niveaux'] = ','.join(n for n in classroom.niveau_list if n in niveaux)
        enrolled = {pupil: niveau for pupil, niveau in enrolled.items() if niveau in niveaux}
    chosen = [as_id(str(p)) for p in _as_list(values.get('pupils')) if str(p).strip()]
    if chosen:
        if None in chosen or not set(chosen) <= set(enrolled):
            errors['pupils'] = (_('Choisissez des élèves de la classe (des niveaux choisis).')
                                if classroom is not None else _('Un mot à toute l’école va à tous ses élèves.'))
        return sorted(set(chosen) & set(enrolled))
    if not enrolled and 'niveaux' not in errors:
        errors['pupils'] = _('Aucun élève ne recevrait ce mot : la classe (ou ce niveau) n’a pas d’élève.')
    return sorted(enrolled)


def _receipts(note, pupil_ids):
    """One receipt per (pupil, legal guardian with an active account), a guardian-null one for a
    pupil without any; returns the guardians' ids, each once."""
    guardians = {}
    for link in (GuardianLink.select(GuardianLink.pupil, GuardianLink.guardian)
                 .join(User, on=(GuardianLink.guardian == User.id))
                 .where(GuardianLink.pupil.in_(pupil_ids) & GuardianLink.legal_authority
                        & (User.status == 'active'))):
        guardians.setdefault(link.pupil_id, set()).add(link.guardian_id)
    rows = [{'note': note.id, 'pupil': pupil, 'guardian': guardian}
            for pupil in pupil_ids for guardian in sorted(guardians.get(pupil, ())) or [None]]
    for start in range(0, len(rows), 500):
        NoteReceipt.insert_many(rows[start:start + 500]).execute()
    return sorted({g for found in guardians.values() for g in found})


def _warnings(school_id, deadline):
    closed = days(school_id).closed_warning(deadline) if deadline else None
    return [closed] if closed else []
