"""A guardian's download of their child's school year, before the rollover archives it.

The zip holds an index page (child, class, teachers, year) and whatever the content
features add: each appends to SECTIONS a function (guardian, pupil, classroom) that yields
(path inside the zip, bytes) for what that guardian may see (blog pages, photos...). The
guardian's own rights are the features' rules, so each section filters its own content.
"""
import html
import io
import zipfile

from ..accounts import service as accounts
from ..errors import Forbidden
from ..i18n import _
from ..models import Classroom, SchoolYear
from ..accounts.logins import fold

SECTIONS = []


def children(guardian):
    """[(pupil, classroom or None)] whose year this guardian may download."""
    return accounts.children_of(guardian)


def build(guardian, pupil_id):
    """(file name, zip bytes) for one of the guardian's children; Forbidden for anyone else."""
    found = [(p, c) for p, c in children(guardian) if p.id == pupil_id]
    if not found:
        raise Forbidden(_('Cet élève n\'est pas relié à votre compte.'))
    pupil, classroom = found[0]
    classroom = Classroom.get_by_id(classroom.id) if classroom else None   # with its year
    year = SchoolYear.get_by_id(classroom.year_id).label if classroom else ''
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
        parts = [(path, data) for section in SECTIONS
                 for path, data in section(guardian, pupil, classroom)]
        archive.writestr('index.html', _index(pupil, classroom, year, [p for p, _d in parts]))
        for path, data in parts:
            archive.writestr(path, data)
    name = f'{fold(pupil.first_name) or "eleve"}-{year or "annee"}.zip'
    return name, buffer.getvalue()


def _index(pupil, classroom, year, paths):
    teachers = accounts.teachers_of([classroom]).get(classroom.id, []) if classroom else []
    esc = html.escape
    links = ''.join(f'<li><a href="{esc(p)}">{esc(p)}</a></li>' for p in paths)
    title = _('Année {year} de {name}').format(year=year or '—', name=pupil.first_name)
    rows = [(_('Élève'), pupil.display_name), (_('Classe'), classroom.name if classroom else '—'),
            (_('Enseignant·e(s)'), ', '.join(t.display_name for t in teachers) or '—')]
    table = ''.join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in rows)
    return (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{esc(title)}'
            f'</title></head><body><h1>{esc(title)}</h1><table>{table}</table>'
            + (f'<h2>{esc(_("Contenu"))}</h2><ul>{links}</ul>' if links else '')
            + '</body></html>')
