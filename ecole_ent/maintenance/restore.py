"""Restoring a backup archive into a stopped instance or a new data folder.

Everything is checked before anything is changed: the archive is extracted into a staging folder
inside the data folder, every checksum and the database are verified there, and only then are the
current database and media moved aside (into replaced-DATE/, kept until the IT person deletes it)
and the restored ones renamed into place. A corrupt or incomplete archive changes nothing.
"""
import datetime
import os
import tempfile

from ecole_ent.i18n import _
from ecole_ent.maintenance import archive
from ecole_ent.maintenance.errors import BackupError


def instance_lock(data_dir, before):
    """Holds the data folder's lock (archive.folder_lock): `serve` holds it while it runs; restore
    needs it free."""
    return archive.folder_lock(data_dir, busy=BackupError(
        _('Un serveur ecole-ent utilise ce dossier de données (%s) : arrêtez-le (systemctl stop ecole-ent) %s.')
        % (data_dir, before)))


def restore_archive(path, data_dir, db_name='ecole.db', confirm=None, max_schema=None):
    """Restores archive `path` into `data_dir`. `confirm(manifest)` is asked before any change and
    may refuse by returning False. Returns (manifest, folder holding the replaced data or None)."""
    path = os.path.abspath(path)
    with instance_lock(data_dir, _('avant de restaurer')):
        with tempfile.TemporaryDirectory(prefix='.restore-', dir=data_dir) as staging:
            with archive.open_archive(path) as tar:
                manifest = archive.read_manifest(tar)
                archive.verify_members(tar, manifest, extract_to=staging)
            version = archive.database_check(os.path.join(staging, archive.DATABASE))
            if max_schema is not None and version is not None and version > max_schema:
                raise BackupError(_('Cette sauvegarde vient d’une version plus récente d’ecole-ent '
                                    '(schéma %s, celle-ci connaît %s) : installez au moins cette version-là '
                                    'pour la restaurer.') % (version, max_schema))
            if confirm is not None and not confirm(manifest):
                raise BackupError(_('Restauration annulée : rien n’a été modifié.'))
            replaced = _swap_in(staging, data_dir, db_name)
    return manifest, replaced


def _swap_in(staging, data_dir, db_name):
    """Moves the current data aside, then the staged data into place (renames on one disk). The
    database's -wal and -shm files go aside with it: a stale WAL beside the restored database
    would be replayed into it."""
    db_path = os.path.join(data_dir, db_name)      # db_name may be absolute
    incoming = [(os.path.join(staging, archive.DATABASE), db_path)]
    if os.path.isdir(os.path.join(staging, 'media')):
        incoming.append((os.path.join(staging, 'media'), os.path.join(data_dir, 'media')))
    files = os.path.join(staging, 'files')
    for name in sorted(os.listdir(files)) if os.path.isdir(files) else []:
        incoming.append((os.path.join(files, name), os.path.join(data_dir, name)))
    media = os.path.join(data_dir, 'media')
    if os.path.isdir(media) and not os.listdir(media):
        os.rmdir(media)     # an empty media folder is not data worth keeping aside
    current = [target for _source, target in incoming] + [media] + \
              [db_path + suffix for suffix in ('-wal', '-shm', '-journal')]
    present = sorted({path for path in current if os.path.lexists(path)})
    replaced = None
    if present:
        stamp = datetime.datetime.now().strftime('%Y%m%d-%H%M%S')
        replaced = os.path.join(data_dir, 'replaced-' + stamp)
        os.makedirs(replaced)
        for path in present:
            os.rename(path, os.path.join(replaced, os.path.basename(path)))
    for source, target in incoming:
        os.rename(source, target)
    os.makedirs(media, exist_ok=True)
    archive.database_check(db_path)
    return replaced
