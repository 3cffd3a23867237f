"""A note's answers as CSV for a spreadsheet: one line per pupil and guardian, cells neutralised
against formula injection with the accounts export's safe_cell (a cell starting with = + - @ tab
or CR gets a leading apostrophe). Semicolons, as the accounts export and French Excel use, and a
UTF-8 byte order mark: Excel opens a downloaded CSV without one as Windows-1252 and garbles every
accent (the accounts export goes to stdout for scripts, where a BOM would be in the way)."""
import csv
import io

from ..accounts.export import safe_cell
from ..i18n import _
from ..school_time import to_local
from . import receipts

BOM = '\ufeff'


def header():
    return [_('Élève'), _('Niveau'), _('Responsable'), _('Lu le'), _('Signé le'), _('Canal'), _('Réponse'),
            _('Commentaire')]


def _moment(value):
    return f'{to_local(value):%Y-%m-%d %H:%M}' if value else ''


def rows(note):
    """The export's lines (lists of strings), in the status view's order."""
    found = []
    for entry in receipts.status(note):
        pupil = entry['pupil']
        for receipt in entry['receipts']:
            guardian = receipt.guardian.display_name if receipt.guardian_id else _('(sans compte)')
            channel = {'web': _('en ligne'), 'paper': _('papier')}.get(receipt.channel, '')
            found.append([pupil.display_name, entry['niveau'], guardian, _moment(receipt.read_at),
                          _moment(receipt.signed_at), channel, receipt.answer or '', receipt.comment])
    return found


def csv_text(note):
    """The whole file, as text (BOM first)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=';')
    writer.writerow(header())
    for row in rows(note):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def filename(note):
    return f'mot-{note.id}-reponses.csv'
