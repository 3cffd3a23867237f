"""Backups of a SQLite data folder: one archive file with a manifest of checksums.

create_backup() snapshots the database with SQLite's online backup API (safe while the server
runs), adds the media files and the data folder's own top-level files, writes the manifest last,
then renames the finished archive into place (a half-written archive never has the final name).
It keeps the last N archives and can copy the archive to a second destination (a USB disk, a
network share), where the copy is read back and verified.
"""
import contextlib
import datetime
import io
import json
import os
import shutil
import sqlite3
import tempfile
import time
from dataclasses import dataclass, field

from ecole_ent import __version__
from ecole_ent.i18n import _
from ecole_ent.maintenance import archive
from ecole_ent.maintenance.errors import BackupError

STATUS_FILE = 'last-backup.json'
RUNS_FILE = 'backup-runs.json'      # the last nightly and page-started runs, failed or not
VERIFIED_FILE = '.verified.json'    # in each backup folder: the archives read back and checked
# Never put in an archive: the live database files (the snapshot replaces them), and folders that
# are not data (backups, logs) or are transient.
SKIPPED_TOP_LEVEL = {'ecole.db', 'ecole.db-wal', 'ecole.db-shm', 'ecole.db-journal', 'backups', 'logs',
                     'media', 'tmp', STATUS_FILE, RUNS_FILE}


@dataclass
class BackupResult:
    path: str
    size: int
    files: int
    schema_version: int = None
    copies: list = field(default_factory=list)
    copy_error: str = None


def create_backup(data_dir, db_path, dest, keep=7, copy_to=None, reason='manual'):
    """Writes a new archive of `data_dir` (database `db_path`) into `dest`; returns a BackupResult."""
    if not os.path.isfile(db_path):
        raise BackupError(_('Pas de base de données à sauvegarder : %s') % db_path)
    # One backup at a time into a folder, whoever starts them (the nightly job, the backups page,
    # `ecole-ent backup`): two in the same second took one archive name and one .partial file, and
    # one of them failed (seen: the nightly backup of a server just started and the command's).
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(archive.folder_lock(dest))
        except OSError as exc:
            raise _unwritable(dest, exc) from None
        return _create_backup(data_dir, db_path, dest, keep, copy_to, reason)


def _unwritable(dest, exc):
    return BackupError(_('Impossible d’écrire la sauvegarde dans %s : %s') % (dest, exc.strerror or exc))


def _create_backup(data_dir, db_path, dest, keep, copy_to, reason):
    try:
        final, files, version = _write_new_archive(data_dir, db_path, dest, reason)
    except OSError as exc:      # full disk, unwritable or missing destination...
        raise _unwritable(dest, exc) from None
    except sqlite3.Error as exc:
        raise BackupError(_('La base de données n’a pas pu être copiée : %s') % exc) from None
    try:
        verify_archive(final)   # read back: a backup is only as good as its restore
    except BackupError as exc:
        os.remove(final)        # never leave an unreadable archive looking like the latest one
        raise BackupError(_('La sauvegarde relue dans %s est illisible (disque défectueux ?) : %s')
                          % (dest, exc)) from None
    mark_verified(final, reason)
    result = BackupResult(final, os.path.getsize(final), files, version)
    prune(dest, keep)
    if copy_to:
        try:
            result.copies.append(copy_and_verify(final, copy_to, keep, reason))
        except BackupError as exc:   # the archive itself is good: say so, and what failed
            result.copy_error = str(exc)
    write_status(data_dir, result)
    return result


def _write_new_archive(data_dir, db_path, dest, reason):
    os.makedirs(dest, exist_ok=True)
    name = _archive_name(dest)
    final = os.path.join(dest, name)
    partial = os.path.join(dest, '.' + name + '.partial')
    with tempfile.TemporaryDirectory(prefix='.snapshot-', dir=dest) as scratch:
        snapshot = os.path.join(scratch, archive.DATABASE)
        _snapshot_database(db_path, snapshot)
        version = archive.database_check(snapshot)
        try:
            files = _write_archive(partial, data_dir, snapshot, version, reason)
            os.replace(partial, final)
        finally:
            if os.path.exists(partial):
                os.remove(partial)
    _fsync_dir(dest)
    return final, files, version


def _archive_name(dest):
    """A new name that sorts after every archive already there (even several in one second)."""
    stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S')
    same_second = [_archive_order(os.path.basename(p))[1] for p in list_archives(dest)
                   if os.path.basename(p).startswith(archive.PREFIX + stamp)]
    if not same_second:
        return archive.PREFIX + stamp + archive.SUFFIX
    return '%s%s-%d%s' % (archive.PREFIX, stamp, max(same_second) + 1, archive.SUFFIX)


def _snapshot_database(db_path, target):
    source = sqlite3.connect('file:%s?mode=ro' % db_path, uri=True, timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        # A self-contained file: no WAL beside it once restored.
        copy.execute('PRAGMA journal_mode=DELETE')
    finally:
        copy.close()
        source.close()


def _write_archive(path, data_dir, snapshot, version, reason):
    import tarfile  # by a backup, not by every serving process at start (0.3 MB)
    files = {}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # children's data and secrets
    with os.fdopen(fd, 'wb') as raw:
        with tarfile.open(fileobj=raw, mode='w:', format=tarfile.PAX_FORMAT) as tar:
            _add_file(tar, snapshot, archive.DATABASE, files)
            media = os.path.join(data_dir, 'media')
            for folder, dirs, names in os.walk(media):
                dirs.sort()
                for filename in sorted(names):
                    full = os.path.join(folder, filename)
                    if os.path.isfile(full) and not os.path.islink(full):
                        relative = os.path.relpath(full, data_dir).replace(os.sep, '/')
                        _add_file(tar, full, relative, files)
            for filename in sorted(os.listdir(data_dir)):
                full = os.path.join(data_dir, filename)
                if filename not in SKIPPED_TOP_LEVEL and not filename.startswith('.') \
                        and os.path.isfile(full) and not os.path.islink(full):
                    _add_file(tar, full, 'files/' + filename, files)
            manifest = {
                'format': archive.FORMAT,
                'created_at': datetime.datetime.now(datetime.UTC).isoformat(timespec='seconds'),
                'app_version': __version__,
                'schema_version': version,
                'reason': reason,
                'files': files,
            }
            body = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(archive.MANIFEST)
            info.size, info.mtime, info.mode = len(body), time.time(), 0o600
            tar.addfile(info, io.BytesIO(body))
        raw.flush()
        os.fsync(raw.fileno())
    return len(files)


def _add_file(tar, path, name, files):
    info = tar.gettarinfo(path, arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ''
    with open(path, 'rb') as f:
        reader = archive.HashingReader(f)
        tar.addfile(info, reader)
    if reader.size != info.size:
        raise BackupError(_('Le fichier « %s » a changé pendant la sauvegarde ; relancez-la.') % name)
    files[name] = {'size': reader.size, 'sha256': reader.sha256.hexdigest()}


def _fsync_dir(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def list_archives(folder):
    """The archives in `folder`, oldest first."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return []
    names = [n for n in names if n.startswith(archive.PREFIX) and n.endswith(archive.SUFFIX)]
    return [os.path.join(folder, n) for n in sorted(names, key=_archive_order)]


def _archive_order(name):
    """ecole-ent-20261129-130940.tar < ecole-ent-20261129-130940-2.tar < ...-130941.tar"""
    parts = name[len(archive.PREFIX):-len(archive.SUFFIX)].split('-')
    counter = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 1
    return parts[:2], counter, name


def prune(folder, keep):
    """Deletes the oldest archives of `folder` beyond the last `keep`."""
    archives = list_archives(folder)
    for old in archives[:max(0, len(archives) - max(1, keep))]:
        os.remove(old)


def verify_archive(path):
    """Reads a whole archive and checks it (manifest, checksums, database); returns its manifest."""
    with archive.open_archive(path) as tar:
        manifest = archive.read_manifest(tar)
        archive.verify_members(tar, manifest)
        with tempfile.TemporaryDirectory(prefix='ecole-verify-') as scratch:
            database = os.path.join(scratch, archive.DATABASE)
            with open(database, 'wb') as out:
                shutil.copyfileobj(tar.extractfile(archive.DATABASE), out)
            archive.database_check(database)
    return manifest


def copy_and_verify(path, folder, keep, reason=''):
    """Copies an archive into a second folder, reads the copy back and verifies it."""
    try:
        os.makedirs(folder, exist_ok=True)
        target = os.path.join(folder, os.path.basename(path))
        partial = os.path.join(folder, '.' + os.path.basename(path) + '.partial')
        shutil.copyfile(path, partial)
        with open(partial, 'rb') as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
    except OSError as exc:
        raise BackupError(_('La copie vers la seconde destination %s a échoué : %s') % (folder, exc)) from None
    if archive.file_sha256(target) != archive.file_sha256(path):
        raise BackupError(_('La copie dans %s diffère de l’original : support défectueux ?') % folder)
    verify_archive(target)
    mark_verified(target, reason)
    prune(folder, keep)
    return target


def write_status(data_dir, result):
    """Records the last successful backup in the data folder (read by /healthz and check)."""
    status = {'path': result.path, 'size': result.size, 'files': result.files,
              'at': time.time(), 'copies': result.copies, 'copy_error': result.copy_error}
    tmp = os.path.join(data_dir, '.' + STATUS_FILE + '.tmp')
    with open(tmp, 'w') as f:
        json.dump(status, f)
    os.replace(tmp, os.path.join(data_dir, STATUS_FILE))


def last_backup(data_dir):
    """The status of the last successful backup ({'path', 'at', ...}), or None."""
    try:
        with open(os.path.join(data_dir, STATUS_FILE)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _read_json(path):
    try:
        with open(path) as f:
            found = json.load(f)
        return found if isinstance(found, dict) else {}
    except (OSError, ValueError):
        return {}


def _write_json(path, value):
    tmp = os.path.join(os.path.dirname(path), '.' + os.path.basename(path) + '.tmp')
    with open(tmp, 'w') as f:
        json.dump(value, f)
    os.replace(tmp, path)


def mark_verified(path, reason=''):
    """Notes in the archive's folder that `path` was read back and checked (with its size and
    date, so that an archive changed since then no longer counts as verified)."""
    folder, name = os.path.split(path)
    ledger = _read_json(os.path.join(folder, VERIFIED_FILE))
    stat = os.stat(path)
    ledger[name] = {'size': stat.st_size, 'mtime': stat.st_mtime, 'at': time.time(), 'reason': reason}
    present = {os.path.basename(p) for p in list_archives(folder)}
    _write_json(os.path.join(folder, VERIFIED_FILE), {k: v for k, v in ledger.items() if k in present})


def verified(folder):
    """{archive name: {'at', 'reason'}} of the archives of `folder` verified and unchanged since."""
    found = {}
    for name, entry in _read_json(os.path.join(folder, VERIFIED_FILE)).items():
        try:
            stat = os.stat(os.path.join(folder, name))
        except OSError:
            continue
        if isinstance(entry, dict) and entry.get('size') == stat.st_size and entry.get('mtime') == stat.st_mtime:
            found[name] = entry
    return found


def record_run(data_dir, kind, path=None, error=None):
    """Notes the outcome of the last `kind` run ('nightly', 'manual'): its archive or its error."""
    runs = _read_json(os.path.join(data_dir, RUNS_FILE))
    runs[kind] = {'at': time.time(), 'path': path, 'error': error}
    _write_json(os.path.join(data_dir, RUNS_FILE), runs)


def last_runs(data_dir):
    """{'nightly': {'at', 'path', 'error'}, 'manual': ...}, for the runs recorded so far."""
    return _read_json(os.path.join(data_dir, RUNS_FILE))
