"""`ecole-ent backup` and `ecole-ent restore` through the real command line, on the demo school."""
import os
import pty
import sqlite3
import subprocess
import sys
import tarfile

import pytest

from ecole_ent.maintenance import backup
from tests.maintenance.conftest import ROOT, cli_env, run_cli, table_rows, tree_digest


def only_archive(folder):
    (archive,) = backup.list_archives(str(folder))
    return archive


def test_backup_wipe_restore_brings_back_every_row_and_every_media_file(demo_folder, tmp_path):
    rows, media = table_rows(demo_folder / 'ecole.db'), tree_digest(demo_folder / 'media')
    result = run_cli(demo_folder, 'backup', '--dest', tmp_path / 'sauvegardes')
    assert result.returncode == 0, result.stderr
    archive = result.stdout.strip()
    assert archive == only_archive(tmp_path / 'sauvegardes') and 'vérifiée' in result.stderr

    wiped = tmp_path / 'machine-neuve'
    result = run_cli(wiped, 'restore', archive, '--yes')
    assert result.returncode == 0, result.stderr
    assert table_rows(wiped / 'ecole.db') == rows
    assert tree_digest(wiped / 'media') == media and len(media) >= 2
    check = run_cli(wiped, 'check')
    assert check.returncode == 0 and check.stdout.startswith('OK'), check.stdout
    users = run_cli(wiped, 'users', 'list')
    assert users.returncode == 0 and '"julien.roux"' in users.stdout


def test_the_backup_command_folds_the_statistics_past_days_first(demo_folder, tmp_path):
    """`ecole-ent backup` binds the database (never migrating it) before the BEFORE_BACKUP hooks:
    the archive holds a past day's totals, not its events next to its key."""
    conn = sqlite3.connect(demo_folder / 'ecole.db')
    with conn:
        conn.execute("INSERT INTO stats_key (created_at, period, secret) VALUES "
                     "('2025-01-02 08:00:00', '2025-01-02', ?), ('2025-01-02 08:00:00', '2025-01', ?)",
                     ('11' * 32, '22' * 32))
        for visitor in ('a', 'b'):
            conn.execute("INSERT INTO stats_event (created_at, school_id, day, hour, kind, profile, feature, device, "
                         "at_school, day_visitor, month_visitor) VALUES ('2025-01-02 08:00:00', "
                         "(SELECT min(id) FROM school), '2025-01-02', 8, 'visit', 'guardian', 'home', 'phone', "
                         "0, ?, ?)",
                         (visitor, visitor))
    conn.close()
    result = run_cli(demo_folder, 'backup', '--dest', tmp_path / 'sauvegardes')
    assert result.returncode == 0 and 'Traceback' not in result.stderr, result.stderr
    with tarfile.open(result.stdout.strip()) as archive:
        archive.extract('ecole.db', tmp_path / 'copie')
    copy = sqlite3.connect(tmp_path / 'copie' / 'ecole.db')
    assert copy.execute("SELECT count(*) FROM stats_event WHERE day = '2025-01-02'").fetchone() == (0,)
    assert copy.execute("SELECT count(*) FROM stats_key WHERE period LIKE '2025-01%'").fetchone() == (0,)
    assert copy.execute("SELECT sum(visits) FROM stats_count WHERE day = '2025-01-02'").fetchone() == (2,)
    copy.close()


def test_restore_without_a_terminal_and_without_yes_refuses_and_changes_nothing(demo_folder, tmp_path):
    archive = run_cli(demo_folder, 'backup', '--dest', tmp_path / 'b').stdout.strip()
    before = tree_digest(demo_folder)
    result = run_cli(demo_folder, 'restore', archive)
    assert result.returncode == 1
    assert 'Pas de terminal pour confirmer' in result.stderr and 'Traceback' not in result.stderr
    assert tree_digest(demo_folder) == before


def test_restore_asks_on_the_terminal_and_only_oui_proceeds(demo_folder, tmp_path):
    archive = run_cli(demo_folder, 'backup', '--dest', tmp_path / 'b').stdout.strip()
    target = tmp_path / 'cible'

    def restore_answering(answer):
        leader, follower = pty.openpty()
        process = subprocess.Popen([sys.executable, '-m', 'ecole_ent', '--data', str(target), 'restore', archive],
                                   cwd=ROOT, env=cli_env(), stdin=follower, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True)
        os.close(follower)
        os.write(leader, answer.encode() + b'\n')
        out, err = process.communicate(timeout=60)
        os.close(leader)
        return process.returncode, out + err

    code, output = restore_answering('non')
    assert code == 1 and 'Remplacer les données' in output and 'annulée' in output
    assert not (target / 'ecole.db').exists()
    code, output = restore_answering('oui')
    assert code == 0, output
    assert table_rows(target / 'ecole.db') == table_rows(demo_folder / 'ecole.db')


def test_a_corrupt_archive_is_refused_with_a_clear_message_and_changes_nothing(demo_folder, tmp_path):
    archive = run_cli(demo_folder, 'backup', '--dest', tmp_path / 'b').stdout.strip()
    with open(archive, 'r+b') as f:      # one flipped byte in the middle of the database
        f.seek(20_000)
        byte = f.read(1)
        f.seek(20_000)
        f.write(bytes([byte[0] ^ 0x55]))
    before = tree_digest(demo_folder)
    result = run_cli(demo_folder, 'restore', archive, '--yes')
    assert result.returncode == 1
    assert 'Erreur : Archive endommagée' in result.stderr and 'Traceback' not in result.stderr
    assert tree_digest(demo_folder) == before


def test_backup_keeps_the_last_n_and_copies_to_a_second_destination(demo_folder, tmp_path):
    usb = tmp_path / 'usb'
    for _ in range(3):
        result = run_cli(demo_folder, 'backup', ECOLE_BACKUP_KEEP='2', ECOLE_BACKUP_COPY_TO=str(usb))
        assert result.returncode == 0, result.stderr
    kept = backup.list_archives(str(demo_folder / 'backups'))
    copies = backup.list_archives(str(usb))
    assert len(kept) == 2 and [os.path.basename(p) for p in copies] == [os.path.basename(p) for p in kept]
    health = run_cli(demo_folder, 'check')
    assert 'ATTENTION' not in health.stdout


def test_a_failed_copy_to_the_second_destination_fails_the_command_but_keeps_the_backup(demo_folder, tmp_path):
    (tmp_path / 'file').write_text('')
    result = run_cli(demo_folder, 'backup', ECOLE_BACKUP_COPY_TO=str(tmp_path / 'file' / 'usb'))
    assert result.returncode == 1 and 'ÉCHEC de la copie' in result.stderr
    backup.verify_archive(only_archive(demo_folder / 'backups'))
    check = run_cli(demo_folder, 'check')
    assert check.returncode == 0
    assert 'ATTENTION : La dernière copie vers la seconde destination a échoué' in check.stdout


def test_check_warns_when_no_backup_was_ever_made(demo_folder):
    result = run_cli(demo_folder, 'check')
    assert result.returncode == 0
    assert 'ATTENTION : Aucune sauvegarde encore faite' in result.stdout


def test_backup_on_postgresql_is_refused_with_a_pointer_to_pg_dump(tmp_path):
    result = run_cli(tmp_path / 'data', 'backup', ECOLE_DATABASE_URL='postgresql://nobody@127.0.0.1:1/none')
    assert result.returncode == 1 and 'pg_dump' in result.stderr and 'Traceback' not in result.stderr


def test_a_bad_backup_time_names_the_option(tmp_path):
    result = run_cli(tmp_path / 'data', 'backup', ECOLE_BACKUP_TIME='25:00')
    assert result.returncode == 1 and 'backup.time' in result.stderr and 'HH:MM' in result.stderr


@pytest.fixture
def small_disk(tmp_path):
    """A 128 kB tmpfs: a disk that fills up for real (needs the right to mount; skipped without)."""
    folder = tmp_path / 'petit-disque'
    folder.mkdir()
    if subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip('mounting a tmpfs is not allowed here')
    yield folder
    subprocess.run(['umount', str(folder)], check=True)


def test_a_full_disk_gives_a_clear_error_and_leaves_nothing_behind(demo_folder, small_disk):
    result = run_cli(demo_folder, 'backup', '--dest', small_disk / 'sauvegardes')
    assert result.returncode == 1 and 'Traceback' not in result.stderr
    assert 'Erreur : ' in result.stderr and ('disk is full' in result.stderr or 'Impossible d’écrire' in result.stderr)
    assert list((small_disk / 'sauvegardes').iterdir()) == []

    archive = run_cli(demo_folder, 'backup').stdout.strip()
    result = run_cli(small_disk / 'donnees', 'restore', archive, '--yes')
    assert result.returncode == 1 and 'Traceback' not in result.stderr
    assert 'Impossible d’écrire' in result.stderr and 'rien n’a été modifié' in result.stderr
    assert list((small_disk / 'donnees').iterdir()) == []
