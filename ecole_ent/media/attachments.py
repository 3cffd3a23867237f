"""The files attached to an item (a homework entry, a message, a note of the cahier de liaison) on
disk: PDF and audio stored as sent (media.files, by content hash), images through the media
pipeline (their display rendition only, kind 'jpg'). The kind comes from the file's first bytes,
never from its name. A stored file is removed when no row of the feature's file table refers to it
any more.

Each feature makes one Attachments with its file model (kind, name, sha256, size columns), a
function giving its Settings (where files go, the size limits), the kinds it takes and how many
files an item may have."""
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..db import writing
from ..errors import NotFound, ValidationError
from ..i18n import _
from ..text import shorten
from . import Limits, MediaError, MediaStore, files

IMAGE = 'jpg'            # the kind of an image's row: its display rendition, in settings().images
DOCUMENTS = ('pdf',)
DOCUMENTS_AND_AUDIO = ('pdf',) + files.AUDIO


@dataclass(frozen=True)
class Settings:
    files_dir: str            # documents, stored as sent
    images: MediaStore        # images through the media pipeline
    max_bytes: int            # a document's
    limits: Limits            # an image's


def read_settings(config, folder, max_mb):
    """The Settings of a feature's files under DATA/media/<folder>: documents up to max_mb MB,
    images within the photos' limits (photos.*), kept at their display size."""
    root = Path(config.data_dir) / 'media' / folder
    return Settings(files_dir=str(root / 'files'), images=MediaStore(root / 'images'), max_bytes=max_mb * 2**20,
                    limits=Limits(max_bytes=config['photos.max_upload_mb'] * 2**20,
                                  max_pixels=config['photos.max_megapixels'] * 1_000_000, full_edge=1600,
                                  decode_pixels=config['photos.decode_megapixels'] * 1_000_000))


class Refused(Exception):
    """An upload that is not kept; str() says why, in French."""


def named(uploads):
    return [(name, stream) for name, stream in uploads if name]     # an empty file field has no name


class Attachments:
    def __init__(self, model, settings, kinds=DOCUMENTS_AND_AUDIO, max_files=5):
        self.model, self.settings, self.kinds, self.max_files = model, settings, kinds, max_files

    def store(self, uploads, errors, already=0):
        """[(kind, sha256, size, name)] of the uploads, stored by content; a refused file is named
        in errors['files'] with why (the caller then forgets the stored ones)."""
        if len(uploads) + already > self.max_files:
            errors['files'] = _('%(max)d fichiers au plus.') % {'max': self.max_files}
            return []
        stored, problems = [], []
        for filename, stream in uploads:
            try:
                stored.append(self._store_one(filename, stream))
            except Refused as refusal:
                problems.append(str(refusal))
        if problems:
            errors['files'] = ' '.join(problems)
        return stored

    def _store_one(self, filename, stream):
        """The kind comes from the first bytes: a document kind (media.files), else an image (the
        media pipeline, which keeps the display size), else refused. The stream must be seekable."""
        settings = self.settings()
        start = stream.tell()
        kind = files.sniff(stream.read(files.CHUNK))     # a WebM tells audio from film further in
        stream.seek(start)
        names = {'name': shorten(filename.replace('\\', '/').rsplit('/', 1)[-1])}
        if kind in self.kinds:
            try:
                kind, sha, size = files.store(stream, settings.files_dir, settings.max_bytes)
            except files.TooLarge:
                raise Refused(_('« %(name)s » dépasse %(max)d Mo.')
                              % dict(names, max=settings.max_bytes // 2**20)) from None
            return kind, sha, size, files.clean_name(filename, kind)
        try:
            image = settings.images.store_image(stream, settings.limits)
        except MediaError as error:
            if error.key == 'media.not_image':
                raise Refused(self._not_accepted() % names) from None
            raise Refused(_('« %(name)s » : %(reason)s') % dict(names, reason=error)) from None
        self.forget((IMAGE, digest) for digest in image.digests() if digest != image.display)
        name = files.clean_name(filename, extension='jpg')
        return IMAGE, image.display, os.path.getsize(settings.images.path(image.display)), name

    def _not_accepted(self):
        if any(kind in self.kinds for kind in files.AUDIO):
            return _('« %(name)s » n’est ni un PDF, ni un fichier audio, ni une image.')
        return _('« %(name)s » n’est ni un PDF ni une image.')

    def forget(self, refs):
        """Delete the stored files of (kind, sha256) pairs that no row refers to any more."""
        settings, model = self.settings(), self.model
        for kind, sha in set(refs):
            if model.select().where((model.sha256 == sha) & (model.kind == kind)).exists():
                continue
            if kind == IMAGE:
                settings.images.remove(sha)
            else:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(files.path_of(settings.files_dir, sha, kind))

    def refuse(self, errors, stored=()):
        """ValidationError(errors) when there are errors, the files just stored forgotten first."""
        if errors:
            self.forget((kind, sha) for kind, sha, _size, _name in stored)
            raise ValidationError(errors)

    @contextlib.contextmanager
    def saving(self, stored):
        """A write transaction; the files just stored go again if it fails."""
        try:
            with writing():
                yield
        except BaseException:
            self.forget((kind, sha) for kind, sha, _size, _name in stored)
            raise

    def path_of(self, row):
        """The stored file of a file row, or None when it is not on disk."""
        settings = self.settings()
        if row.kind == IMAGE:
            return settings.images.path(row.sha256)
        path = files.path_of(settings.files_dir, row.sha256, row.kind)
        return path if os.path.exists(path) else None

    def to_send(self, row):
        """sent(row) for a row the caller has checked the user may read; NotFound, in French, when
        its file is not on disk."""
        found = self.sent(row)
        if found['path'] is None:
            raise NotFound(_('Ce fichier est introuvable sur le serveur.'))
        return found

    def sent(self, row):
        """What web.files.send_file needs of a row: {'path', 'name', 'content_type', 'inline'}
        (images and audio show in the page, a PDF is downloaded); path None when not on disk."""
        if row.kind == IMAGE:
            content_type, inline = 'image/jpeg', True
        else:
            _extension, content_type, inline = files.KINDS[row.kind]
        return {'path': self.path_of(row), 'name': row.name, 'content_type': content_type, 'inline': inline}
