"""A guardian's download of their child's school year, before the rollover archives it.

The zip holds an index page (child, class, teachers, year) and whatever the content
features add through hooks.ARCHIVE_SECTION: functions (guardian, pupil, classroom) that yield
(path inside the zip, content) for what that guardian may see (blog pages, photos...); the
content is bytes (a page) or the path of a file on disk (a photo), which is copied in chunks.
The guardian's own rights are the features' rules, so each section filters its own content.

A year of photos weighs tens of megabytes and a process's whole budget is about 60 MB: the zip is
written to a temporary file (on the data disk, nameless, gone once closed) and sent from it, so
memory stays bounded whatever its size; and only BUILDS_AT_ONCE are built at once per process.
"""
import html
import os
import tempfile
import threading
import zipfile

from .. import hooks
from ..accounts import service as accounts
from ..accounts.logins import fold
from ..errors import EcoleError, Forbidden
from ..i18n import _
from ..models import Classroom, SchoolYear

# Already compressed: deflating them again costs CPU for nothing, so they are stored as they are.
STORED_SUFFIXES = ('.jpg', '.jpeg', '.png', '.gif', '.webp', '.pdf', '.mp3', '.m4a', '.ogg',
                   '.zip')
# Each build reads every file of a year and writes them again: two at once keep the disk and a
# worker thread for everyone else. A request over the limit is refused at once (RETRY_AFTER
# seconds) rather than queued: a waiting request would hold a worker thread meanwhile.
BUILDS_AT_ONCE = 2
RETRY_AFTER = 60
_builds = threading.BoundedSemaphore(BUILDS_AT_ONCE)


class Busy(EcoleError):
    """BUILDS_AT_ONCE archives are being built in this process: try again in a minute."""


def children(guardian):
    """[(pupil, classroom or None)] whose year this guardian may download."""
    return accounts.children_of(guardian)


def build(guardian, pupil_id, folder=None):
    """(file name, zip file open at its start, size in bytes) for one of the guardian's children;
    Forbidden for anyone else, Busy when too many are being built. The caller closes the file.
    `folder`: where the temporary file goes (the data folder; None: the system's)."""
    found = [(p, c) for p, c in children(guardian) if p.id == pupil_id]
    if not found:
        raise Forbidden(_('Cet élève n\'est pas relié à votre compte.'))
    if not _builds.acquire(blocking=False):
        raise Busy(_("Trop d'archives en préparation, réessayez dans une minute."))
    try:
        pupil, classroom = found[0]
        classroom = Classroom.get_by_id(classroom.id) if classroom else None   # with its year
        year = SchoolYear.get_by_id(classroom.year_id).label if classroom else ''
        out = tempfile.TemporaryFile(dir=folder)
        try:
            _write(out, guardian, pupil, classroom, year)
            size = out.tell()
            out.seek(0)
        except BaseException:
            out.close()
            raise
    finally:
        _builds.release()
    return f'{fold(pupil.first_name) or "eleve"}-{year or "annee"}.zip', out, size


def _write(out, guardian, pupil, classroom, year):
    """The zip into `out`, part by part: at most one copy buffer in memory at a time. The index,
    which lists the parts, is written last (a zip's order is only its listing's)."""
    paths = []
    with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as archive:
        for section in hooks.ARCHIVE_SECTION:
            for path, content in section(guardian, pupil, classroom):
                kind = zipfile.ZIP_STORED if path.lower().endswith(STORED_SUFFIXES) \
                    else zipfile.ZIP_DEFLATED
                if isinstance(content, (bytes, bytearray)):
                    archive.writestr(path, content, compress_type=kind)
                else:
                    archive.write(os.fspath(content), path, compress_type=kind)
                paths.append(path)
        archive.writestr('index.html', _index(pupil, classroom, year, paths))


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
