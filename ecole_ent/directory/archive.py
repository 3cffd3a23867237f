"""A guardian's download of their child's school year, before the rollover archives it.

The zip holds an index page (child, class, teachers, year) and whatever the content
features add through hooks.ARCHIVE_SECTION: functions (guardian, pupil, classroom) that yield
(path inside the zip, content) for what that guardian may see (blog pages, photos...); the
content is bytes or text (a page) or the Path of a file on disk (a photo), which is copied in
chunks. The guardian's own rights are the features' rules, so each section filters its own
content. A year of photos weighs tens of megabytes: the zip is built and sent as every zip is
(media/zips.py: a temporary file, a few at once).
"""
import html
from urllib.parse import quote

from .. import hooks
from ..accounts import service as accounts
from ..accounts.logins import fold
from ..errors import Forbidden
from ..i18n import _
from ..media import zips
from ..models import Classroom, SchoolYear


def children(guardian):
    """[(pupil, classroom or None)] whose year this guardian may download."""
    return accounts.children_of(guardian)


def build(guardian, pupil_id, folder=None):
    """(file name, zip file open at its start, size in bytes) for one of the guardian's children
    (media.zips: the caller closes the file); Forbidden for anyone else, errors.Busy when too many
    zips are being built. `folder`: where the temporary file goes (the data folder)."""
    found = [(p, c) for p, c in children(guardian) if p.id == pupil_id]
    if not found:
        raise Forbidden(_('Cet élève n\'est pas relié à votre compte.'))
    pupil, classroom = found[0]
    classroom = Classroom.get_by_id(classroom.id) if classroom else None   # with its year
    year = SchoolYear.get_by_id(classroom.year_id).label if classroom else ''
    out, size = zips.build(_parts(guardian, pupil, classroom, year), folder)
    return f'{fold(pupil.first_name) or "eleve"}-{year or "annee"}.zip', out, size


def _parts(guardian, pupil, classroom, year):
    """What every feature adds, then the index, which lists them (a zip's order is only its
    listing's)."""
    paths = []
    for section in hooks.ARCHIVE_SECTION:
        for path, content in section(guardian, pupil, classroom):
            paths.append(path)
            yield path, content
    yield 'index.html', _index(pupil, classroom, year, paths)


def _index(pupil, classroom, year, paths):
    teachers = accounts.teachers_of([classroom]).get(classroom.id, []) if classroom else []
    esc = html.escape
    links = ''.join(f'<li><a href="{esc(quote(p))}">{esc(p)}</a></li>' for p in paths)   # '#', '?' in names
    title = _('Année {year} de {name}').format(year=year or '—', name=pupil.first_name)
    rows = [(_('Élève'), pupil.display_name), (_('Classe'), classroom.name if classroom else '—'),
            (_('Enseignant·e(s)'), ', '.join(t.display_name for t in teachers) or '—')]
    table = ''.join(f'<tr><th scope="row">{esc(k)}</th><td>{esc(v)}</td></tr>' for k, v in rows)
    return zips.page(title, f'<table>{table}</table>'
                     + (f'<h2>{esc(_("Contenu"))}</h2><ul>{links}</ul>' if links else ''))
