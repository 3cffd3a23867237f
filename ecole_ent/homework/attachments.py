"""The files of homework entries on disk: PDF and audio stored as sent (media.files, by content
hash, under DATA/media/homework/files), images through the media pipeline (its display rendition
only, kind 'jpg', under DATA/media/homework/images). The kind comes from the file's first bytes,
never from its name. A stored file is removed when no entry's file refers to it any more."""
import contextlib
import os

from ..i18n import _
from ..media import MediaError, files
from ..models import HomeworkFile
from ..text import shorten
from . import service

MAX_FILES = 5
IMAGE = 'jpg'            # the kind of an image's row: its display rendition, in service.settings().images


class _Refused(Exception):
    """An upload that is not kept; str() says why, in French."""


def named(uploads):
    return [(name, stream) for name, stream in uploads if name]     # an empty file field has no name


def store(uploads, errors, already=0):
    """[(kind, sha256, size, name)] of the uploads, stored by content; a refused file is named in
    errors['files'] with why (the caller then forgets the stored ones)."""
    if len(uploads) + already > MAX_FILES:
        errors['files'] = _('%(max)d fichiers au plus par devoir.') % {'max': MAX_FILES}
        return []
    stored, problems = [], []
    for filename, stream in uploads:
        try:
            stored.append(_store_one(filename, stream))
        except _Refused as refusal:
            problems.append(str(refusal))
    if problems:
        errors['files'] = ' '.join(problems)
    return stored


def _store_one(filename, stream):
    """The kind comes from the first bytes: PDF or audio (media.files), else an image (the media
    pipeline, which keeps the display size), else refused. The stream must be seekable."""
    start = stream.tell()
    kind = files.sniff(stream.read(16))
    stream.seek(start)
    names = {'name': shorten(filename.replace('\\', '/').rsplit('/', 1)[-1])}
    if kind:
        try:
            kind, sha, size = files.store(stream, service.settings().files_dir, service.settings().max_bytes)
        except files.TooLarge:
            raise _Refused(_('« %(name)s » dépasse %(max)d Mo.')
                           % dict(names, max=service.settings().max_bytes // 2**20)) from None
        return kind, sha, size, files.clean_name(filename, kind)
    try:
        image = service.settings().images.store_image(stream, service.settings().limits)
    except MediaError as error:
        if error.key == 'media.not_image':
            raise _Refused(_('« %(name)s » n’est ni un PDF, ni un fichier audio, ni une image.') % names) from None
        raise _Refused(_('« %(name)s » : %(reason)s') % dict(names, reason=error)) from None
    forget((IMAGE, digest) for digest in image.digests() if digest != image.display)
    name = files.clean_name(filename, extension='jpg')
    return IMAGE, image.display, os.path.getsize(service.settings().images.path(image.display)), name


def forget(refs):
    """Delete the stored files of (kind, sha256) pairs that no entry's file refers to any more."""
    for kind, sha in set(refs):
        if HomeworkFile.select().where((HomeworkFile.sha256 == sha) & (HomeworkFile.kind == kind)).exists():
            continue
        if kind == IMAGE:
            service.settings().images.remove(sha)
        else:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(files.path_of(service.settings().files_dir, sha, kind))


def path_of(row):
    """The stored file of a HomeworkFile row, or None when it is not on disk."""
    if row.kind == IMAGE:
        return service.settings().images.path(row.sha256)
    path = files.path_of(service.settings().files_dir, row.sha256, row.kind)
    return path if os.path.exists(path) else None


def sent_as(row):
    """{'content_type', 'inline'}: images and audio show in the page, a PDF is downloaded."""
    if row.kind == IMAGE:
        return {'content_type': 'image/jpeg', 'inline': True}
    _extension, content_type, inline = files.KINDS[row.kind]
    return {'content_type': content_type, 'inline': inline}
