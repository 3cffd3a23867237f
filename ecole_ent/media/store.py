"""Media files on disk, named by the sha256 of their bytes and written atomically.

Layout under the store's root: `ab/abcdef....jpg` for stored files (two-letter fan-out keeps
folders small), `incoming/` for uploads being received. A file's name is its content hash, so an
identical file is stored once, a name can be cached forever, and a write never changes a file
someone else is reading (temp file in the same folder, fsync, os.replace).
"""
import contextlib
import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass

from .limits import Limits, MediaError

CHUNK = 64 * 1024
_DIGEST = re.compile(r'^[0-9a-f]{64}$')


def process_image(source, limits=Limits()):
    """images.process_image: [full, display, thumb] Renditions of an upload, or MediaError.
    Pillow is imported here, by the first upload, not by every process at start (limits.py)."""
    from . import images
    return images.process_image(source, limits)


@dataclass(frozen=True)
class StoredImage:
    """What the pipeline kept of one upload: three content hashes and their sizes."""
    source_sha256: str            # hash of the upload as received (to spot a re-upload)
    full: str
    display: str
    thumb: str
    width: int                    # of the full rendition
    height: int
    sizes: dict                   # name -> (width, height)

    def digests(self):
        return (self.full, self.display, self.thumb)


class MediaStore:
    def __init__(self, root):
        self.root = os.fspath(root)
        self.incoming = os.path.join(self.root, 'incoming')
        os.makedirs(self.incoming, exist_ok=True)

    # -- receiving an upload ---------------------------------------------------------------
    @contextlib.contextmanager
    def receive(self, stream, max_bytes):
        """Copy a binary stream to a temp file, at most max_bytes; yield (path, sha256).

        The upload is never held whole in memory; the temp file is removed on leaving, whatever
        happens (too large, not an image, or once processed).
        """
        fd, path = tempfile.mkstemp(dir=self.incoming, prefix='upload-')
        try:
            digest = hashlib.sha256()
            size = 0
            with os.fdopen(fd, 'wb') as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise MediaError('media.too_large', max_mb=_megabytes(max_bytes))
                    digest.update(chunk)
                    out.write(chunk)
            yield path, digest.hexdigest()
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)

    def store_image(self, stream, limits=Limits()):
        """Receive, check and re-encode one upload; store its three renditions. Raises MediaError."""
        with self.receive(stream, limits.max_bytes) as (path, source_sha256):
            renditions = process_image(path, limits)
        digests = {r.name: self.put(r.data) for r in renditions}
        sizes = {r.name: (r.width, r.height) for r in renditions}
        return StoredImage(source_sha256, digests['full'], digests['display'], digests['thumb'],
                           *sizes['full'], sizes=sizes)

    def clean_incoming(self, older_than=3600):
        """Remove uploads and temp files left by a process that stopped mid-way (at start-up)."""
        limit = time.time() - older_than
        removed = 0
        folders = [self.incoming] + [e.path for e in os.scandir(self.root) if e.is_dir() and len(e.name) == 2]
        for folder in folders:
            for entry in os.scandir(folder):
                if entry.name.startswith(('upload-', '.tmp-')) and entry.stat().st_mtime < limit:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)
                        removed += 1
        return removed

    # -- stored files ----------------------------------------------------------------------
    def put(self, data, suffix='.jpg'):
        """Store bytes under their sha256 (once: an identical file is already there)."""
        digest = hashlib.sha256(data).hexdigest()
        final = self._path(digest, suffix)
        if os.path.exists(final):
            return digest
        folder = os.path.dirname(final)
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix='.tmp-')
        try:
            with os.fdopen(fd, 'wb') as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, final)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        _fsync_dir(folder)
        return digest

    def path(self, digest, suffix='.jpg'):
        """The file of a digest, or None when absent. Only a 64-hex digest is ever a path."""
        if not isinstance(digest, str) or not _DIGEST.match(digest):
            return None
        path = self._path(digest, suffix)
        return path if os.path.isfile(path) else None

    def remove(self, digest, suffix='.jpg'):
        path = self.path(digest, suffix)
        if path:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)

    def files(self):
        """Every stored file (not the uploads being received): for checks and garbage collection."""
        for entry in sorted(os.scandir(self.root), key=lambda e: e.name):
            if entry.is_dir() and len(entry.name) == 2:
                yield from sorted(f.path for f in os.scandir(entry.path) if not f.name.startswith('.'))

    def _path(self, digest, suffix):
        return os.path.join(self.root, digest[:2], digest + suffix)


def _megabytes(size):
    return f'{size / (1024 * 1024):g}'


def _fsync_dir(folder):
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

