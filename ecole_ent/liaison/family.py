"""What the cahier de liaison gives the guardian's family feed (hooks.FAMILY_FEED): the notes this
guardian still has to sign or answer. Which notes: those of the children cards' line (receipts'
prepared query of the notes to sign); what of each: access.note_for(), the note page's own check
(the guardian's receipts, while they are the child's guardian, once sent), so an item links only
to a page that opens, and counts the children whose receipt is not signed yet. A note for two
children of the family is one item naming both. A school-wide note has no class."""
from ..accounts import service as accounts
from ..accounts.service import as_datetime
from ..errors import NotFound
from ..home.feed import FeedItem, order
from ..i18n import _, date_fr
from ..web.render import url
from . import access, pages, receipts, service


def items(guardian, classes, before, limit):
    waiting = sorted({row.n for row in receipts._to_sign(guardian.id, service.clock())}, reverse=True)
    if not waiting:
        return []
    children = {pupil.id: (pupil, classroom) for pupil, classroom in accounts.children_of(guardian)}
    shown = []
    for note_id in waiting:
        try:
            note, _follows, mine = access.note_for(guardian, note_id)
        except NotFound:
            continue
        unsigned = [children[r.pupil_id] for r in mine if r.signed_at is None and r.pupil_id in children]
        if note.kind == 'info' or not unsigned:
            continue
        item = _item(note, unsigned)
        if before is None or before.admits(item):
            shown.append(item)
    return sorted(shown, key=order, reverse=True)[:limit]


def _item(note, unsigned):
    action = _('Réponse attendue') if note.kind == 'answer' else _('À signer')
    if note.deadline:
        action += ' ' + _('avant le %(date)s') % {'date': date_fr(note.deadline, with_year=False)}
    classroom = _class_of(note, unsigned[0][1])
    place = classroom.name if classroom is not None else _("Toute l'école")
    names = ', '.join(pupil.first_name for pupil, _classroom in unsigned)
    return FeedItem(as_datetime(note.send_at), 'note', note.id, url('liaison.show', note_id=note.id), note.title,
                    place=place, detail=f'{action} · {names}')


def _class_of(note, child_class):
    """The note's class (None for a school-wide note): most often the child's current one."""
    if note.classroom_id is None:
        return None
    if child_class is not None and child_class.id == note.classroom_id:
        return child_class
    return pages.classroom_of(note)
