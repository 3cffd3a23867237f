"""Attached documents on disk (the blog's and the homework's): recognise PDF and audio by their
bytes, store them by content hash.

The name and the type the browser sends are never trusted: the first bytes decide the kind, and the
stored name is the SHA-256 of the content (an identical file is stored once). Files are streamed to
a temporary file in the destination folder with a size bound, then renamed into place.
"""
import hashlib
import os
import re
import tempfile
import unicodedata

KINDS = {   # kind: (extension, content type, shown in the page rather than downloaded)
    'pdf': ('pdf', 'application/pdf', False),
    'mp3': ('mp3', 'audio/mpeg', True),
    'm4a': ('m4a', 'audio/mp4', True),
    'ogg': ('ogg', 'audio/ogg', True),      # Firefox's recordings (Opus in Ogg) among them
    'webm': ('webm', 'audio/webm', True),   # Chromium's recordings (Opus in WebM), audio only
    'jpg': ('jpg', 'image/jpeg', True),     # never sniffed: only an image the media pipeline re-encoded
}
AUDIO = ('mp3', 'm4a', 'ogg', 'webm')
M4A_BRANDS = {b'M4A ', b'M4B ', b'mp42', b'mp41', b'isom', b'iso2', b'iso5', b'iso6', b'dash'}   # iso5/6: recorders
WEBM_MAGIC = b'\x1a\x45\xdf\xa3'          # EBML
WEBM_AUDIO = (b'A_OPUS', b'A_VORBIS')
WEBM_VIDEO = (b'V_VP8', b'V_VP9', b'V_AV1', b'V_MPEG')
CHUNK = 64 * 1024


class TooLarge(Exception):
    pass


class UnknownType(Exception):
    pass


def sniff(head):
    """The kind ('pdf', 'mp3', 'm4a', 'ogg', 'webm') of a file from its first bytes, else None."""
    if head.startswith(b'%PDF-'):
        return 'pdf'
    if head.startswith(b'OggS'):
        return 'ogg'
    if head.startswith(WEBM_MAGIC):
        return 'webm' if _audio_only_webm(head) else None
    if head[4:8] == b'ftyp' and head[8:12] in M4A_BRANDS:
        return 'm4a'
    if head.startswith(b'ID3') or (len(head) > 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
                                   and head[1] & 0x06 != 0):   # MPEG audio frame, layer set
        return 'mp3'
    return None


def _audio_only_webm(head):
    """A WebM (Matroska DocType 'webm') whose track list, in its first bytes, holds an audio codec
    and no video one: what MediaRecorder writes for a voice. A film is not an audio attachment."""
    return (b'webm' in head[:64] and any(codec in head for codec in WEBM_AUDIO)
            and not any(codec in head for codec in WEBM_VIDEO))


def clean_name(name, kind=None, extension=None):
    """A display name without folders or control characters, with the extension of its real kind
    (or the extension given, for a kind of another module: an image re-encoded as 'jpg')."""
    name = unicodedata.normalize('NFC', (name or '').replace('\\', '/').rsplit('/', 1)[-1])
    name = ''.join(ch for ch in name if unicodedata.category(ch)[0] != 'C').strip(' .')
    stem = re.sub(r'\.[A-Za-z0-9]{1,5}$', '', name)[:100].strip() or 'piece-jointe'
    return f'{stem}.{extension or KINDS[kind][0]}'


def store(stream, folder, max_bytes, kind=None):
    """Copy `stream` into `folder`; returns (kind, sha256, size). Raises TooLarge or UnknownType.
    The kind comes from the first bytes, unless the caller made the bytes itself (`kind`: 'jpg' for
    an image the media pipeline re-encoded).

    Nothing is left on disk when the file is refused.
    """
    os.makedirs(folder, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp = tempfile.mkstemp(dir=folder, prefix='.upload-')
    try:
        with os.fdopen(fd, 'wb') as out:
            head = stream.read(CHUNK)
            kind = kind or sniff(head)
            if kind is None:
                raise UnknownType()
            chunk = head
            while chunk:
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge()
                digest.update(chunk)
                out.write(chunk)
                chunk = stream.read(CHUNK)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        final = path_of(folder, sha, kind)
        os.makedirs(os.path.dirname(final), exist_ok=True)
        if os.path.exists(final):
            os.unlink(tmp)
        else:
            os.replace(tmp, final)
        return kind, sha, size
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def path_of(folder, sha, kind):
    return os.path.join(folder, sha[:2], f'{sha}.{KINDS[kind][0]}')
