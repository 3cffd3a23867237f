"""The backup archive format, shared by backup and restore.

One uncompressed tar file (photos do not compress; the database is small next to them):
    ecole.db              a consistent snapshot taken with SQLite's online backup API
    media/...             every media file
    files/...             the other files of the data folder's top level (the signing secret...)
    MANIFEST.json         last member: format, dates, versions, and size + SHA-256 of every member
Because the manifest is written last, a truncated archive has none and is refused; every member is
checked against it, so a corrupt or tampered one is refused too. tarfile is imported by the
functions that read an archive: every serving process imports this module (runtime, through
maintenance.service) and never reads one.
"""
import fcntl
import hashlib
import json
import os
import posixpath
import sqlite3
from contextlib import contextmanager

from ecole_ent.i18n import _
from ecole_ent.maintenance.errors import BackupError

FORMAT = 1
MANIFEST = 'MANIFEST.json'
DATABASE = 'ecole.db'
PREFIX = 'ecole-ent-'
SUFFIX = '.tar'
CHUNK = 1024 * 1024


@contextmanager
def folder_lock(path, busy=None):
    """Holds an flock on the folder `path` itself (made if missing), so no lock file is left
    behind: the data folder's (held by `serve`, needed free by restore) and a backup folder's (one
    backup at a time into it). Waits for another process's hold, or raises `busy` at once when
    given. OSError when the folder cannot be made or opened."""
    os.makedirs(path, exist_ok=True)
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (fcntl.LOCK_NB if busy is not None else 0))
        except BlockingIOError:
            raise busy from None
        yield
    finally:
        os.close(fd)


class HashingReader:
    """Wraps a binary file: what tarfile reads through it is hashed on the way."""

    def __init__(self, fileobj):
        self.fileobj, self.sha256, self.size = fileobj, hashlib.sha256(), 0

    def read(self, n=-1):
        data = self.fileobj.read(n)
        self.sha256.update(data)
        self.size += len(data)
        return data


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(CHUNK), b''):
            digest.update(chunk)
    return digest.hexdigest()


def safe_member_name(name):
    """True when a member name stays inside the folder it is extracted to."""
    normal = posixpath.normpath(name)
    return (name == normal and not name.startswith('/') and normal != '..'
            and not normal.startswith('../') and '\\' not in name and '\x00' not in name)


# Names a restore puts in the data folder itself: an archive may not smuggle one in as files/NAME.
RESERVED = {DATABASE, 'media', 'backups', 'logs', 'tmp'}


def allowed_member(name):
    """ecole.db, media/..., or files/NAME (one top-level file of the data folder)."""
    if not safe_member_name(name):
        return False
    if name == DATABASE or name.startswith('media/'):
        return True
    top = name[len('files/'):] if name.startswith('files/') else ''
    return bool(top) and '/' not in top and top not in RESERVED \
        and not top.startswith(('.', 'replaced-', DATABASE))


def database_check(path):
    """Runs PRAGMA integrity_check and reads the schema version; raises BackupError if not ok."""
    try:
        conn = sqlite3.connect('file:%s?mode=ro' % path, uri=True)
        try:
            result = conn.execute('PRAGMA integrity_check').fetchall()
            version = schema_version(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(_('La base de données de la sauvegarde est illisible : %s') % exc) from None
    if result != [('ok',)]:
        raise BackupError(_('La base de données de la sauvegarde est endommagée (integrity_check : %s).')
                          % '; '.join(row[0] for row in result[:3]))
    return version


def schema_version(conn):
    """The schema version recorded in a SQLite database, or None when it has no version table."""
    try:
        row = conn.execute('SELECT version FROM schema_version').fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def read_manifest(tar):
    """The manifest of an open archive, checked for shape; BackupError when missing or invalid."""
    import tarfile
    try:
        member = tar.getmember(MANIFEST)
    except KeyError:
        raise BackupError(_('Archive incomplète : elle n’a pas de manifeste (copie interrompue ?).')) from None
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(_('Archive incomplète ou tronquée (copie interrompue ?) : %s') % exc) from None
    try:
        manifest = json.load(tar.extractfile(member))
    except (ValueError, tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(_('Le manifeste de l’archive est illisible : %s') % exc) from None
    if not isinstance(manifest, dict) or manifest.get('format') != FORMAT \
            or not isinstance(manifest.get('files'), dict):
        raise BackupError(_('Ce fichier n’est pas une sauvegarde ecole-ent reconnue (format inconnu).'))
    return manifest


def open_archive(path):
    import tarfile
    try:
        return tarfile.open(path, 'r:')
    except FileNotFoundError:
        raise BackupError(_('Archive introuvable : %s') % path) from None
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(_('Ce fichier n’est pas une archive lisible (%s) : %s') % (exc, path)) from None


def verify_members(tar, manifest, extract_to=None):
    """Checks every member against the manifest (names, types, sizes, SHA-256), extracting them
    under `extract_to` when given. Raises BackupError at the first problem."""
    import tarfile
    expected = dict(manifest['files'])
    seen = set()
    try:
        for member in tar:
            name = member.name
            if name == MANIFEST:
                continue
            if not allowed_member(name) or not member.isfile():
                raise BackupError(_('Archive refusée : élément suspect « %s ».') % name)
            if name not in expected:
                raise BackupError(_('Archive refusée : « %s » n’est pas dans le manifeste.') % name)
            if name in seen:
                raise BackupError(_('Archive refusée : « %s » y figure deux fois.') % name)
            seen.add(name)
            _check_member(tar, member, expected[name], extract_to)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(_('Archive endommagée ou tronquée : %s') % exc) from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(_('Archive incomplète : il manque %d fichier(s), dont « %s ».') % (len(missing), missing[0]))
    if DATABASE not in seen:
        raise BackupError(_('Archive incomplète : elle ne contient pas la base de données.'))


def _check_member(tar, member, entry, extract_to):
    source = tar.extractfile(member)
    digest = hashlib.sha256()
    out = _open_target(extract_to, member.name) if extract_to is not None else None
    try:
        for chunk in iter(lambda: source.read(CHUNK), b''):
            digest.update(chunk)
            if out:
                _write(out, chunk, extract_to)
    finally:
        if out:
            out.close()
    if member.size != entry.get('size') or digest.hexdigest() != entry.get('sha256'):
        raise BackupError(_('Archive endommagée : la somme de contrôle de « %s » ne correspond pas.') % member.name)


def _open_target(folder, name):
    target = os.path.join(folder, *name.split('/'))
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        return os.fdopen(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), 'wb', buffering=0)  # private
    except OSError as exc:
        raise _cannot_write(folder, exc) from None


def _write(out, chunk, folder):
    try:
        out.write(chunk)
    except OSError as exc:      # a full disk is not a damaged archive
        raise _cannot_write(folder, exc) from None


def _cannot_write(folder, exc):
    return BackupError(_('Impossible d’écrire dans %s (%s) : rien n’a été modifié.') % (folder, exc.strerror or exc))
