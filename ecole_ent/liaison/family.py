"""What the cahier de liaison gives the guardian's family feed (hooks.FAMILY_FEED): the notes this
guardian still has to sign or answer, from pages.guardian_notes(), the very list of their page
(/cahier-de-liaison: their own receipts, while they are the child's guardian, once sent); a note
for two children of the family is one item naming both. A school-wide note has no class."""
from ..accounts.service import as_datetime
from ..home.feed import FeedItem, order
from ..i18n import _, date_fr
from ..web.render import url
from . import pages


def items(guardian, classes, before, limit):
    found = {}
    for part in pages.guardian_notes(guardian):
        for note, _receipt in part['todo']:
            seen = found.setdefault(note.id, [note, _class_of(note, part['classroom']), []])
            seen[2].append(part['child'].first_name)
    shown = []
    for note, classroom, children in found.values():
        action = _('Réponse attendue') if note.kind == 'answer' else _('À signer')
        if note.deadline:
            action += ' ' + _('avant le %(date)s') % {'date': date_fr(note.deadline, with_year=False)}
        place = classroom.name if classroom is not None else _("Toute l'école")
        shown.append(FeedItem(as_datetime(note.send_at), 'note', note.id, url('liaison.show', note_id=note.id),
                              note.title, place=place, detail=f'{action} · {", ".join(children)}'))
    shown = sorted((item for item in shown if before is None or before.admits(item)), key=order, reverse=True)
    return shown[:limit]


def _class_of(note, child_class):
    """The note's class (None for a school-wide note): most often the child's current one."""
    if note.classroom_id is None or (child_class is not None and child_class.id == note.classroom_id):
        return child_class if note.classroom_id is not None else None
    return pages.classroom_of(note)
