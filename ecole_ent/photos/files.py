"""The photos' files as they leave the server: one stored file (the media route), an album's zip,
and the guardian's year archive (directory/archive.py). Each goes through the same rule as the
pages (service.visible_photos): a photo a user may not see is not in any of them."""
import re
from pathlib import Path

from ..accounts import membership
from ..errors import NotFound, found
from ..i18n import _
from ..media import zips
from ..models import Album, Photo
from ..text import to_ascii
from . import service


def media_path(user, digest):
    """The stored file for a digest, if some photo using it is visible to user; NotFound otherwise."""
    path = found(service.media_store().path(digest), _('Ce fichier n’existe pas.'))
    visible = set(membership.class_ids(user))
    for photo in Photo.with_digest(digest).select(Photo, Album).join(Album):   # album loaded too
        if photo.album.classroom_id in visible and \
                service.visible_photos(user, photo.album).where(Photo.id == photo.id).exists():
            return path
    raise NotFound(_('Ce fichier n’existe pas.'))


def album_zip(user, album_id):
    """(file name, zip of the full-size photos the user may see open at its start, size): built
    as every zip is (media/zips.py); the caller closes the file."""
    album = service.get_album(user, album_id)
    store = service.media_store()
    out, size = zips.build(_album_parts(user, album, store), store.incoming)
    return f'album{_slug(album.title, "-") or "-photos"}.zip', out, size


def _album_parts(user, album, store):
    for number, photo in enumerate(service.visible_photos(user, album), 1):
        path = store.path(photo.full)
        if path:
            yield f'{number:03d}{_slug(photo.caption, "-")}.jpg', Path(path)


def _slug(text, prefix):
    """ASCII letters, digits and dashes only: a safe name inside a zip and in a header."""
    slug = re.sub(r'[^A-Za-z0-9]+', '-', to_ascii(text)).strip('-').lower()[:40].strip('-')
    return prefix + slug if slug else ''


def archive_section(guardian, pupil, classroom):
    """(path in the zip, file on disk) of every photo of the class's albums that this guardian may
    see, full size, for the zip of the child's year: the same consent rule as the pages. The
    archive copies each file in chunks (never a whole year of photos in memory)."""
    if classroom is None:
        return
    store = service.media_store()
    condition = service.visibility(guardian, classroom.id)
    for album in Album.select().where(Album.classroom == classroom.id).order_by(Album.id):
        folder = f'photos/{album.id:03d}{_slug(album.title, "-")}'
        for number, photo in enumerate(service.visible_photos(guardian, album, condition), 1):
            path = store.path(photo.full)
            if path:
                yield f'{folder}/{number:03d}{_slug(photo.caption, "-")}.jpg', Path(path)
