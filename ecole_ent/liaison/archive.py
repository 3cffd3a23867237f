"""The cahier de liaison in a guardian's download of their child's year (hooks.ARCHIVE_SECTION):
one page with every note that guardian received for that child, with their own reading,
signature or answer, and the notes' files beside it, copied from disk."""
import re
from pathlib import Path
from urllib.parse import quote

from markupsafe import Markup

from ..i18n import _, date_fr, datetime_fr
from ..media import zips
from ..models import Note, NoteFile, NoteReceipt
from . import attachments, service

WINDOWS_REFUSES = re.compile(r'[\\/:*?"<>|]')     # in a file name once the zip is opened


def archive_section(guardian, pupil, classroom):
    """('cahier-de-liaison.html', bytes) and ('cahier-de-liaison/<n>-<name>', Path) per file, or
    nothing. Only the receipts where `guardian` is the guardian: another guardian's signature is
    theirs."""
    rows = list(NoteReceipt.select(NoteReceipt, Note).join(Note, on=(NoteReceipt.note == Note.id))
                .where((NoteReceipt.guardian == guardian.id) & (NoteReceipt.pupil == pupil.id)
                       & (Note.send_at <= service.clock()))
                .order_by(Note.send_at, Note.id))
    if not rows:
        return
    by_note = {}
    for row in NoteFile.select().where(NoteFile.note.in_([r.note_id for r in rows])):
        by_note.setdefault(row.note_id, []).append(row)
    parts, listed = [], {}
    for receipt in rows:
        for number, row in enumerate(by_note.get(receipt.note_id, ()), start=1):
            path = attachments.path_of(row)
            if path is not None:
                name = f'cahier-de-liaison/{receipt.note_id}-{number}-{WINDOWS_REFUSES.sub("_", row.name)}'
                parts.append((name, Path(path)))
                listed.setdefault(receipt.note_id, []).append((name, row.name))
    yield 'cahier-de-liaison.html', _page(pupil, rows, listed).encode()
    yield from parts


def state(receipt):
    """« Signé le … (en ligne) », « Réponse : oui », « Lu le … », « Non lu »."""
    note = receipt.note
    if receipt.signed_at:
        how = _('sur papier') if receipt.channel == 'paper' else _('en ligne')
        said = _('Répondu « %(answer)s »') % {'answer': receipt.answer} if note.kind == 'answer' else _('Signé')
        return f'{said} {_("le")} {datetime_fr(service.to_local(receipt.signed_at))} ({how})'
    if receipt.read_at:
        return _('Lu le %(when)s') % {'when': datetime_fr(service.to_local(receipt.read_at))}
    return _('Non lu')


def _page(pupil, rows, listed):
    esc = Markup.escape
    title = _('Le cahier de liaison de %(name)s') % {'name': pupil.first_name}
    items = ''.join(
        f'<article><h2>{esc(date_fr(service.to_local(r.note.send_at)))} · {esc(r.note.title)}</h2>'
        f'{r.note.body_html}'                                         # body_html: sanitised by nh3
        + (f'<p>{esc(_("Date limite :"))} {esc(date_fr(r.note.deadline))}</p>' if r.note.deadline else '')
        + (f'<p><strong>{esc(state(r))}</strong></p>' if r.note.kind != 'info' or r.read_at else '')
        + (f'<p>{esc(_("Commentaire :"))} {esc(r.comment)}</p>' if r.comment else '')
        + ''.join(f'<p><a href="{esc(quote(path))}">{esc(name)}</a></p>' for path, name in listed.get(r.note_id, ()))
        + '</article>' for r in rows)
    return zips.page(title, items)
