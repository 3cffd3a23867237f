"""Zips sent to families (an album, a child's year), built one way: part by part into a nameless
temporary file on the data disk (gone once closed, never in a backup), then sent from it in
chunks, so memory stays bounded whatever the size; photos are stored as they are (deflating a
JPEG costs CPU for nothing), text is deflated.

Each build reads every file and writes it again: only BUILDS_AT_ONCE run at once per process, and
one over the limit is refused at once (errors.Busy, a 503 with Retry-After) rather than queued: a
waiting request would hold one of the worker threads that sign-ins and uploads need.
"""
import html
import os
import tempfile
import threading

from ..errors import Busy
from ..i18n import _, direction, language

STORED_SUFFIXES = ('.jpg', '.jpeg', '.png', '.gif', '.webp')
BUILDS_AT_ONCE = 2
RETRY_AFTER = 60          # seconds
_builds = threading.BoundedSemaphore(BUILDS_AT_ONCE)


def build(parts, folder=None):
    """(zip file open at its start, size in bytes) of `parts`: (path in the zip, content), the
    content bytes or text (a page) or the os.PathLike of a file on disk (copied in chunks).
    `folder`: where the temporary file goes. The caller closes the file (bottle hands it to
    waitress, which closes it once sent). Raises Busy when BUILDS_AT_ONCE are being built."""
    import zipfile  # by a download, not by every serving process at start (0.3 MB)
    if not _builds.acquire(blocking=False):
        raise Busy(_("Trop d'archives en préparation, réessayez dans une minute."), RETRY_AFTER)
    try:
        out = tempfile.TemporaryFile(dir=folder)
        try:
            with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as archive:
                for path, content in parts:
                    kind = zipfile.ZIP_STORED if path.lower().endswith(STORED_SUFFIXES) \
                        else zipfile.ZIP_DEFLATED
                    if isinstance(content, os.PathLike):
                        archive.write(content, path, compress_type=kind)
                    else:
                        archive.writestr(path, content, compress_type=kind)
            size = out.tell()
            out.seek(0)
        except BaseException:
            out.close()
            raise
    finally:
        _builds.release()
    return out, size


def page(title, body):
    """An HTML page of a zip (a child's year) in the language it is written in: `title` is text
    (escaped here), `body` HTML already escaped or sanitised."""
    title = html.escape(str(title), quote=False)
    return (f'<!doctype html><html lang="{language()}" dir="{direction()}"><head><meta charset="utf-8">'
            f'<title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>')
