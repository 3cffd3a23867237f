"""What the cahier de liaison's pages and the homes show, read in a fixed number of queries: a
guardian's notes per child (those to sign or answer first), a class's notes with their signature
counts, the teacher's « À faire » line, the guardian cards' first line, and the status of a note.

The status (who read, signed or answered) is the page a teacher reloads all morning: its part is
rendered from templates/liaison/_status.html and kept by the process under a key of everything
it shows (each receipt as stored, the names and niveaux, the note's kind and deadline). A change
to any of them is a new key, so a kept copy is never out of date; the one query still runs on
every view, only the template is spared (measured with bench/bench_liaison.py). Its forms' CSRF
token is a placeholder in the kept copy, replaced for each session."""
from datetime import timedelta

from markupsafe import Markup
from peewee import JOIN, Case, fn

from ..accounts import membership
from ..accounts import service as accounts
from ..db import prepared
from ..homework.reading import managed_classes  # noqa: F401 (the classes a teacher, director or admin writes to)
from ..i18n import _, date_fr, ngettext
from ..models import Note, NoteFile, NoteReceipt, User
from ..web.kept import Kept
from ..web.render import env
from . import receipts, service

LISTED = 60            # notes a page lists per child or per user
TODO_DAYS = 21         # a note older than this (and past its deadline) leaves the teacher's « À faire »


def guardian_notes(user):
    """[{'child', 'classroom', 'todo': [(note, receipt)], 'done': [(note, receipt)]}] per child of
    the guardian: to sign or answer first (nearest deadline first), then the others (newest
    first). One query for every child."""
    children = accounts.children_of(user)
    if not children:
        return []
    rows = (NoteReceipt.select(NoteReceipt, Note).join(Note, on=(NoteReceipt.note == Note.id))
            .where((NoteReceipt.guardian == user.id) & (Note.send_at <= service.clock()))
            .order_by(Note.send_at.desc(), Note.id.desc()).limit(LISTED * len(children)))
    found = {pupil.id: {'child': pupil, 'classroom': classroom, 'todo': [], 'done': []}
             for pupil, classroom in children}
    for row in rows:
        part = found.get(row.pupil_id)
        if part is not None:
            waiting = row.note.kind != 'info' and row.signed_at is None
            part['todo' if waiting else 'done'].append((row.note, row))
    for part in found.values():
        part['todo'].sort(key=lambda pair: (pair[0].deadline is None, pair[0].deadline or 0, pair[0].id))
    return list(found.values())


_files = prepared(lambda note_id: NoteFile.select().where(NoteFile.note == note_id).order_by(NoteFile.id), 1)


def files_of(note):
    return _files(note.id)


def classroom_of(note):
    """The note's class (None for a school-wide note), from membership's prepared query."""
    return membership.classroom(note.classroom_id) if note.classroom_id else None


def pupils_of(classroom):
    """The class's pupils (with .niveau), for choosing some of them."""
    return accounts.pupils_of(classroom)


def children_named(mine):
    """{pupil id: pupil} of a guardian's receipts (their children the note is for)."""
    ids = [r.pupil_id for r in mine]
    return {pupil.id: pupil for pupil in User.select().where(User.id.in_(ids))} if ids else {}


def _signed_pupils():
    return fn.COUNT(fn.DISTINCT(Case(None, [(NoteReceipt.signed_at.is_null(False), NoteReceipt.pupil)], None)))


def with_counts(query):
    """The notes of `query` with .pupils (how many pupils) and .signed_pupils (with at least one
    signature or answer), in the same query."""
    return (query.select(Note, fn.COUNT(fn.DISTINCT(NoteReceipt.pupil)).alias('pupils'),
                         _signed_pupils().alias('signed_pupils'))
            .join(NoteReceipt, JOIN.LEFT_OUTER, on=(NoteReceipt.note == Note.id)).group_by(Note.id))


def followed_notes(user, classes):
    """The notes the user follows among these classes', and the school-wide notes of the school
    they head (director, admin), newest first, with their counts."""
    condition = Note.classroom.in_([c.id for c in classes]) if classes else None
    school_ids = _headed_schools(user, classes)
    if school_ids:
        school_wide = Note.classroom.is_null() & Note.school.in_(school_ids)
        condition = school_wide if condition is None else (condition | school_wide)
    if condition is None:
        return []
    return list(with_counts(Note.select().where(condition)).order_by(Note.send_at.desc(), Note.id.desc())
                .limit(LISTED))


def _headed_schools(user, classes):
    if user.has_role('admin'):
        return sorted({c.school_id for c in classes})
    return [user.school_id] if user.has_role('director') and user.school_id else []


def missing_signatures(user):
    """The teacher's « À faire »: [(note, missing pupils)] of the notes to sign or answer of their
    classes (and the director's school-wide notes) sent, recent or not yet past, with pupils
    without any signature. One query."""
    classes = membership.classes_of(user, 'teacher') if user.has_role('teacher') else []
    condition = Note.classroom.in_([c.id for c in classes]) if classes else None
    if user.has_role('director') and user.school_id:
        school_wide = Note.classroom.is_null() & (Note.school == user.school_id)
        condition = school_wide if condition is None else (condition | school_wide)
    if condition is None:
        return []
    today, now = service.today(), service.clock()
    recent = Note.deadline.is_null() & (Note.send_at >= now - timedelta(days=TODO_DAYS))
    query = (with_counts(Note.select().where(condition & (Note.kind != 'info') & (Note.send_at <= now)
                                             & (recent | (Note.deadline >= today - timedelta(days=TODO_DAYS)))))
             .order_by(Note.deadline.asc(nulls='LAST'), Note.id).limit(20))
    return [(note, note.pupils - note.signed_pupils) for note in query if note.pupils > note.signed_pupils]


def card_label(count, deadline):
    """« 1 mot à signer avant le mardi 8 décembre » (the nearest deadline to come), or without it."""
    label = ngettext('%(num)d mot à signer', '%(num)d mots à signer', count) % {'num': count}
    if deadline is None:
        return label
    return label + ' ' + _('avant le %(date)s') % {'date': date_fr(deadline, with_year=False)}


def card_lines(user, cards):
    """{pupil id: label} for the guardian's cards with notes to sign (one prepared query)."""
    return {pupil_id: card_label(count, deadline)
            for pupil_id, (count, deadline) in receipts.to_sign(user).items()
            if pupil_id in {card.pupil.id for card in cards}}


TOKEN = 'csrf-7f3a-placeholder'
_kept = Kept(2000)          # status parts kept per process (some tens of KB each)


def status_html(note, csrf_token):
    """The HTML of a note's status (liaison/_status.html) for those who follow it."""
    rows = receipts.status_rows(note)
    key = (note.id, note.kind, note.deadline, tuple(rows))

    def make():
        pupils = receipts.status(note, rows)
        return env.get_template('liaison/_status.html').render(
            note=note, pupils=pupils, counts=receipts.counts(note, pupils), csrf_token=TOKEN,
            local=service.to_local, is_late=receipts.is_late)
    return Markup(_kept.get(key, make).replace(TOKEN, csrf_token))
