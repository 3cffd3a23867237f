"""What happens to a note once sent: each guardian opens it (read_at, the first time only), signs
it or answers oui / non with a comment (channel 'web'); the teacher records a paper slip (channel
'paper', recorded_by), which counts like the others; the teacher's « Relancer » and the automatic
reminder before the deadline notify the guardians who have not signed; the status view.

Signing is idempotent: the UPDATE only touches a receipt not yet signed, so a double submit (or
two tabs) keeps the first signature and its answer. After the deadline a signature is still
taken and shown as late (« signé en retard »): the school would rather have it late than not at
all, and a guardian must never meet a dead end. No reminder goes out on the day the note is sent.
"""
from datetime import date, datetime, timedelta

from peewee import JOIN, fn

from ..db import database, instance, prepared, write_soon, writing
from ..errors import Forbidden, ValidationError
from ..i18n import _
from ..mail.notify import notify, withdraw
from ..messages import safety
from ..models import ANSWERS, Enrolment, Note, NoteReceipt, User
from . import access, service

MAX_COMMENT = 1000


# --- a guardian --------------------------------------------------------------------------------

def mark_read(note, receipts):
    """A guardian opened the note: read_at set on their receipts not yet read (first time only),
    through db.write_soon (a GET must not wait on the write lock)."""
    unread = [r.id for r in receipts if r.read_at is None]
    if not unread:
        return
    moment = service.clock()
    for receipt in receipts:
        receipt.read_at = receipt.read_at or moment
    write_soon(lambda: NoteReceipt.update(read_at=moment)
               .where(NoteReceipt.id.in_(unread) & NoteReceipt.read_at.is_null()).execute())


def sign(guardian, note_id, pupil_id, answer=None, comment=''):
    """The guardian signs the note for a child (kind 'sign') or answers it (kind 'answer': oui or
    non, an optional comment). Returns (receipt, new): new False when it was already signed (the
    first signature stays). NotFound for a note not theirs for this child."""
    note, receipt = access.receipt_to_sign(guardian, note_id, pupil_id)
    return _sign(note, receipt, answer, comment, 'web', None)


def record_paper(user, note_id, receipt_id, answer=None, comment=''):
    """The teacher records the paper slip of a pupil's guardian (or of a pupil without a guardian
    account: the receipt with guardian null): channel 'paper', recorded_by the teacher."""
    note = access.note_to_follow(user, note_id)
    receipt = NoteReceipt.get_or_none((NoteReceipt.id == as_int(receipt_id)) & (NoteReceipt.note == note.id))
    if receipt is None:
        raise ValidationError({'receipt': _('Choisissez un responsable de la liste de ce mot.')})
    return _sign(note, receipt, answer, comment, 'paper', user)


def as_int(text):
    text = str(text or '').strip()
    return int(text) if text.isdigit() and len(text) <= 18 else None


def _sign(note, receipt, answer, comment, channel, recorded_by):
    if note.kind == 'info':
        raise ValidationError({'answer': _('Ce mot est une information : il n’y a rien à signer.')})
    comment = (comment or '').replace('\r\n', '\n').strip()
    errors = {}
    if note.kind == 'answer' and answer not in ANSWERS:
        errors['answer'] = _('Répondez « oui » ou « non ».')
    if len(comment) > MAX_COMMENT:
        errors['comment'] = _('Le commentaire est trop long (%(max)d caractères au plus).') % {'max': MAX_COMMENT}
    if receipt.signed_at is not None:
        return receipt, False
    if errors:
        raise ValidationError(errors)
    moment = service.clock()
    values = {'signed_at': moment, 'channel': channel, 'recorded_by': recorded_by,
              'answer': answer if note.kind == 'answer' else None, 'comment': comment if note.kind == 'answer' else '',
              'read_at': receipt.read_at or moment}
    with writing():
        changed = (NoteReceipt.update(**values)
                   .where((NoteReceipt.id == receipt.id) & NoteReceipt.signed_at.is_null()).execute())
        if changed and receipt.guardian_id and not NoteReceipt.select().where(
                (NoteReceipt.note == note.id) & (NoteReceipt.guardian == receipt.guardian_id)
                & NoteReceipt.signed_at.is_null()).exists():      # all their children's: no mail left to send
            withdraw(f'/cahier-de-liaison/{note.id}', [receipt.guardian_id])
    fresh = NoteReceipt.get_by_id(receipt.id)
    return fresh, bool(changed)


def is_late(note, receipt):
    """Signed after the deadline's day (the school's date)."""
    return bool(note.deadline and receipt.signed_at and service.local_day(receipt.signed_at) > note.deadline)


# --- the teacher -------------------------------------------------------------------------------

Guardian = User.alias('guardian')
Pupil = User.alias('pupil')


COLUMNS = (NoteReceipt.id, NoteReceipt.pupil, NoteReceipt.guardian, NoteReceipt.read_at, NoteReceipt.signed_at,
           NoteReceipt.answer, NoteReceipt.comment, NoteReceipt.channel, NoteReceipt.recorded_by,
           NoteReceipt.reminded_at, Pupil.login, Pupil.first_name, Pupil.last_name, Guardian.login,
           Guardian.first_name, Guardian.last_name, Enrolment.niveau)
TIMES = (3, 4, 9)           # the columns of COLUMNS holding times (SQLite gives them as text)


def _status_query(classroom_id, note_id, by_class):
    """The receipts of a note with their pupil's and guardian's names and the pupil's niveau (in
    the note's class, or for a school-wide note the pupil's current class)."""
    # classroom_id + 0: the enrolment is found by its pupil (SQLite otherwise walks the class's
    # enrolments for every receipt: 0.47 ms against 0.18 ms for 43 receipts).
    joined = ((Enrolment.pupil == NoteReceipt.pupil) & Enrolment.ended_on.is_null()
              & (((Enrolment.classroom + 0) == classroom_id) if by_class else True))
    return (NoteReceipt.select(*COLUMNS)
            .join(Pupil, on=(NoteReceipt.pupil == Pupil.id))
            .switch(NoteReceipt).join(Guardian, JOIN.LEFT_OUTER, on=(NoteReceipt.guardian == Guardian.id))
            .switch(NoteReceipt).join(Enrolment, JOIN.LEFT_OUTER, on=joined)
            .where(NoteReceipt.note == note_id)
            .order_by(Pupil.last_name, Pupil.first_name, Pupil.id, Guardian.last_name, Guardian.first_name,
                      NoteReceipt.id))


_sql = {}
CLASS_MARK, NOTE_MARK = 'class-7f3a-mark', 'note-7f3a-mark'


def status_rows(note):
    """The raw rows of the note's status (COLUMNS, as the database returns them), in one query
    whose SQL is built once per engine: the teacher's view keys its kept HTML on them without
    building an object (see pages.status_html)."""
    by_class = note.classroom_id is not None
    key = (type(database.obj), by_class)
    if key not in _sql:
        sql, params = _status_query(CLASS_MARK, NOTE_MARK, by_class).sql()
        _sql[key] = (sql, params)
    sql, params = _sql[key]
    values = {CLASS_MARK: note.classroom_id, NOTE_MARK: note.id}
    return database.execute_sql(sql, [values.get(p, p) if isinstance(p, str) else p for p in params]).fetchall()


def _moment(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def status(note, rows=None):
    """[{'pupil', 'niveau', 'receipts': [receipt with .guardian]}] by pupil name: one query
    whatever the number of pupils (the teacher's view of a note is measured with
    bench/bench_liaison.py); pupils and guardians are User instances holding their names."""
    pupils = {}
    for row in status_rows(note) if rows is None else rows:
        (rid, pupil_id, guardian_id, read_at, signed_at, answer, comment, channel, recorded_by, reminded_at,
         p_login, p_first, p_last, g_login, g_first, g_last, niveau) = row
        entry = pupils.get(pupil_id)
        if entry is None:
            pupil = instance(User, id=pupil_id, login=p_login, first_name=p_first, last_name=p_last)
            entry = pupils[pupil_id] = {'pupil': pupil, 'niveau': niveau or '', 'receipts': []}
        receipt = instance(NoteReceipt, id=rid, note=note.id, pupil=pupil_id, guardian=guardian_id,
                           read_at=_moment(read_at), signed_at=_moment(signed_at), answer=answer,
                           comment=comment or '', channel=channel, recorded_by=recorded_by,
                           reminded_at=_moment(reminded_at))
        receipt.__rel__['pupil'] = entry['pupil']
        if guardian_id is not None:
            receipt.__rel__['guardian'] = instance(User, id=guardian_id, login=g_login, first_name=g_first,
                                                   last_name=g_last)
        entry['receipts'].append(receipt)
    return list(pupils.values())


def counts(note, pupils):
    """{'pupils', 'signed_pupils', 'guardians', 'signed', 'read', 'oui', 'non'} of a status()."""
    receipts = [r for p in pupils for r in p['receipts']]
    return {'pupils': len(pupils),
            'signed_pupils': sum(1 for p in pupils if any(r.signed_at for r in p['receipts'])),
            'guardians': sum(1 for r in receipts if r.guardian_id),
            'signed': sum(1 for r in receipts if r.signed_at),
            'read': sum(1 for r in receipts if r.read_at),
            'oui': sum(1 for r in receipts if r.answer == 'oui'),
            'non': sum(1 for r in receipts if r.answer == 'non')}


def remind(user, note_id):
    """« Relancer »: notify (kind 'reminder') every guardian of the note who has not signed or
    answered, and set their receipts' reminded_at. Refused (French) for an information note, on
    the day the note was sent, a second time the same day, and while the school's messaging is
    read-only (a reminder is a mail to families). Returns how many guardians were reminded."""
    note = access.note_to_follow(user, note_id)
    safety.refuse_if_read_only(note.school_id)
    if note.kind == 'info':
        raise Forbidden(_('Ce mot est une information : il n’y a pas de signature à relancer.'))
    if note.send_at > service.clock():
        raise Forbidden(_('Ce mot n’est pas encore envoyé : il n’y a personne à relancer.'))
    if service.local_day(note.send_at) >= service.today():
        raise Forbidden(_('Pas de relance le jour où le mot est envoyé : les familles viennent de le recevoir. '
                          'Vous pourrez relancer à partir de demain.'))
    if _reminded_on(note) == service.today():
        raise ValidationError({'remind': _('Ce mot a déjà été relancé aujourd’hui : les familles ont reçu le '
                                           'rappel.')})
    with writing():
        return _remind(note, service.clock())


def _reminded_on(note):
    """The school's date of the note's last reminder (by hand or automatic), or None."""
    last = NoteReceipt.select(fn.MAX(NoteReceipt.reminded_at)).where(NoteReceipt.note == note.id).scalar()
    return service.local_day(last) if last else None


def _remind(note, moment):
    """Inside a write transaction: the reminders of a note to its guardians who have not signed."""
    waiting = list(NoteReceipt.select(NoteReceipt.id, NoteReceipt.guardian)
                   .where((NoteReceipt.note == note.id) & NoteReceipt.signed_at.is_null()
                          & NoteReceipt.guardian.is_null(False)))
    guardians = sorted({r.guardian_id for r in waiting})
    notify(guardians, 'reminder', _('Rappel : %s') % note.title, f'/cahier-de-liaison/{note.id}', at=moment)
    if waiting:
        NoteReceipt.update(reminded_at=moment).where(NoteReceipt.id.in_([r.id for r in waiting])).execute()
    return len(guardians)


def remind_due(moment=None):
    """The automatic reminders (jobs.py, hourly): each note with remind_days whose day has come
    (deadline - remind_days <= today <= deadline), sent before today, not reminded yet, reminds
    its guardians who have not signed, once (Note.reminded_at, set by a conditional UPDATE: two
    processes never both send). A school whose messaging is read-only gets none until it reopens.
    Returns the ids of the notes reminded."""
    moment = moment or service.clock()
    today = service.local_day(moment)
    due = (Note.select().where(Note.remind_days.is_null(False) & Note.deadline.is_null(False)
                               & Note.reminded_at.is_null() & (Note.kind != 'info')
                               & (Note.send_at <= moment) & (Note.deadline >= today)))
    done = []
    for note in due:
        if (note.deadline - timedelta(days=note.remind_days) > today or service.local_day(note.send_at) >= today
                or safety.read_only(note.school_id)):
            continue
        if _reminded_on(note) == today:             # « Relancer » today already: that was it
            Note.update(reminded_at=moment).where(Note.id == note.id).execute()
            continue
        with writing():
            if Note.update(reminded_at=moment).where((Note.id == note.id) & Note.reminded_at.is_null()).execute():
                _remind(note, moment)
                done.append(note.id)
    return done


# --- the homes ---------------------------------------------------------------------------------

_to_sign = prepared(lambda guardian_id, moment: (
    NoteReceipt.select(NoteReceipt.pupil, Note.id.alias('n'), Note.deadline.alias('due'))
    .join(Note, on=(NoteReceipt.note == Note.id))
    .where((NoteReceipt.guardian == guardian_id) & NoteReceipt.signed_at.is_null() & (Note.kind != 'info')
           & (Note.send_at <= moment))), 2)


def to_sign(guardian):
    """{pupil id: (count, nearest deadline to come or None)} of the guardian's notes still to sign
    or answer (one prepared query for all the children)."""
    today, found = service.today(), {}
    for row in _to_sign(guardian.id, service.clock()):
        due = row.due if row.due is None or not isinstance(row.due, str) else _date(row.due)
        count, nearest = found.get(row.pupil_id, (0, None))
        if due is not None and due >= today and (nearest is None or due < nearest):
            nearest = due
        found[row.pupil_id] = (count + 1, nearest)
    return found


def _date(text):
    return date.fromisoformat(text[:10])      # SQLite gives the DATE column back as text here
