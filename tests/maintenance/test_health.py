"""The backups' state in /healthz, and the nightly backup job."""
import datetime

import webtest

from ecole_ent import db, runtime, scheduler
from ecole_ent.app import create_app
from ecole_ent.maintenance import backup, jobs, service


def test_a_backup_is_due_once_per_night_after_its_hour():
    at, night = (2, 30), datetime.datetime(2026, 11, 29, 2, 30)
    assert jobs.last_due(datetime.datetime(2026, 11, 29, 1, 0), at) == night - datetime.timedelta(days=1)
    assert jobs.last_due(datetime.datetime(2026, 11, 29, 2, 30), at) == night
    assert jobs.is_due(datetime.datetime(2026, 11, 29, 3, 0), at, None)
    assert jobs.is_due(datetime.datetime(2026, 11, 29, 3, 0), at, night - datetime.timedelta(hours=1))
    assert not jobs.is_due(datetime.datetime(2026, 11, 29, 3, 0), at, night + datetime.timedelta(minutes=5))
    assert not jobs.is_due(datetime.datetime(2026, 11, 30, 2, 0), at, night + datetime.timedelta(minutes=5))


def test_healthz_warns_without_a_backup_then_reports_its_age(demo_folder):
    config = runtime.open_config(demo_folder, environ={})
    try:
        runtime.open_database(config)
        client = webtest.TestApp(create_app(config))
        health = client.get('/healthz').json
        assert 'backup' not in health and 'Aucune sauvegarde encore faite (ecole-ent backup).' in health['warnings']
        service.make_backup(config)
        health = client.get('/healthz').json
        assert health['backup']['age_hours'] < 1 and health['backup']['last'].startswith('ecole-ent-')
        assert not [w for w in health['warnings'] if 'sauvegarde' in w]
        assert health['status'] == 'ok' and health['disk_free_mb'] > 0
    finally:
        db.close()


def test_the_nightly_job_backs_up_a_folder_never_backed_up_then_waits_for_the_next_night(demo_folder):
    config = runtime.open_config(demo_folder, environ={})
    try:
        runtime.open_database(config)
        scheduler.configure(config)
        jobs.nightly()
        (archive,) = backup.list_archives(str(demo_folder / 'backups'))
        assert backup.verify_archive(archive)['reason'] == 'nocturne'
        jobs.nightly()
        assert len(backup.list_archives(str(demo_folder / 'backups'))) == 1
    finally:
        db.close()


def test_no_nightly_backup_when_the_hour_is_empty(demo_folder):
    config = runtime.open_config(demo_folder, environ={'ECOLE_BACKUP_TIME': ''})
    try:
        runtime.open_database(config)
        scheduler.configure(config)
        jobs.nightly()
        assert backup.list_archives(str(demo_folder / 'backups')) == []
    finally:
        db.close()
