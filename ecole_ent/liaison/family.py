"""What the cahier de liaison gives the guardian's family feed (hooks.FAMILY_FEED): the notes this
guardian still has to sign or answer, each naming the children whose receipt is not signed yet.
Which receipts: those the note page opens with (access.guardian_receipts() of a note sent, for an
active guardian, as access.own_receipts()), so an item links only to a page that opens; of active
children (the cards' children). A note for two children of the family is one item naming both;
a school-wide note has no class. One query for all the notes (its SQL made once: home.feed.raw_query),
the items made of its rows once (home.feed.kept)."""
from datetime import date

from peewee import JOIN

from ..accounts.service import as_datetime
from ..home.feed import FeedItem, kept, order, raw_query
from ..i18n import _, date_fr
from ..models import Classroom, Note, NoteReceipt, User
from ..web.render import url
from . import access, service

_unsigned = raw_query(lambda guardian_id, moment: (
    access.guardian_receipts(guardian_id)
    .select(NoteReceipt.pupil, Note.id.alias('note_id'), Note.kind.alias('note_kind'), Note.title.alias('note_title'),
            Note.deadline.alias('note_deadline'), Note.send_at.alias('note_send_at'),
            Note.classroom.alias('note_class'), Classroom.name.alias('class_name'), User.first_name.alias('child'))
    .join_from(NoteReceipt, Note, on=(NoteReceipt.note == Note.id))
    .join_from(NoteReceipt, User, on=(NoteReceipt.pupil == User.id))
    .join_from(Note, Classroom, JOIN.LEFT_OUTER, on=(Note.classroom == Classroom.id))
    .where(NoteReceipt.signed_at.is_null() & (Note.kind != 'info') & (Note.send_at <= moment)
           & (User.status != 'disabled'))
    .order_by(Note.id.desc(), NoteReceipt.pupil)), 2)


def items(guardian, classes, before, limit):
    if not access.reads_as_guardian(guardian):
        return []
    found = _unsigned(guardian.id, service.clock())
    shown = [item for item in kept(('note', found.rows), lambda: _items(found.of(NoteReceipt)))
             if before is None or before.admits(item)]
    return shown[:limit]


def _items(receipts):
    notes = {}
    for receipt in receipts:
        notes.setdefault(receipt.note_id, []).append(receipt)
    return sorted((_item(rows) for rows in notes.values()), key=order, reverse=True)


def _item(rows):
    note = rows[0]
    action = _('Réponse attendue') if note.note_kind == 'answer' else _('À signer')
    deadline = note.note_deadline
    if deadline:
        deadline = date.fromisoformat(deadline[:10]) if isinstance(deadline, str) else deadline
        action += ' ' + _('avant le %(date)s') % {'date': date_fr(deadline, with_year=False)}
    place = note.class_name if note.note_class is not None else _("Toute l'école")
    names = ', '.join(row.child for row in rows)
    return FeedItem(as_datetime(note.note_send_at), 'note', note.note_id, url('liaison.show', note_id=note.note_id),
                    note.note_title, place=place, detail=f'{action} · {names}')
