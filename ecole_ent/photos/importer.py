"""The classroom PC's import (`ecole-ent photos import`, photos/commands.py): files and folders of
photos from an SD card into a class's album, through the same pipeline as uploads (service.add_photos).
Runs as the command line, which administers every school: no user, no access check."""
import contextlib
import os
from pathlib import Path

from ..i18n import _
from ..models import Album
from . import service

IMAGE_SUFFIXES = {'.jpg', '.jpeg', '.png', '.gif', '.webp', '.heic', '.heif'}


def find_or_create_album(classroom, title):
    title = service.clean_title(title)
    album = Album.get_or_none((Album.classroom == classroom) & (Album.title == title))
    return album or service.create_album(None, classroom.id, title, quiet=True)


def expand_paths(paths):
    """Files given, and the image files inside folders given (recursively, in name order)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from sorted(p for p in path.rglob('*')
                              if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                              and not p.name.startswith('.'))
        else:
            yield path


def import_files(classroom, album, paths, report):
    """Import files through the pipeline; report(line) once per file. Returns (imported, skipped)."""
    imported = skipped = 0
    for path in expand_paths(paths):
        try:
            stream = open(path, 'rb')
        except OSError:
            report(_('%(name)s : ignoré (fichier introuvable ou illisible)') % {'name': path})
            skipped += 1
            continue
        with contextlib.closing(stream):
            added, refused = service.add_photos(None, album, [(os.path.basename(path), stream)])
        if added:
            imported += 1
            report(_('%(name)s : importée') % {'name': path})
        else:
            skipped += 1
            report(_('%(name)s : ignorée (%(reason)s)') % {'name': path, 'reason': refused[0][1]})
    return imported, skipped
