"""The backups' state in /healthz, and the nightly backup thread."""
import datetime
import threading

import webtest

from ecole_ent import db, runtime
from ecole_ent.app import create_app
from ecole_ent.maintenance import backup, schedule, service


def test_next_run_is_today_before_the_hour_and_tomorrow_after_it():
    at = (2, 30)
    assert schedule.next_run(datetime.datetime(2026, 11, 29, 1, 0), at) == datetime.datetime(2026, 11, 29, 2, 30)
    assert schedule.next_run(datetime.datetime(2026, 11, 29, 2, 30), at) == datetime.datetime(2026, 11, 30, 2, 30)
    assert schedule.next_run(datetime.datetime(2026, 12, 31, 23, 0), at) == datetime.datetime(2027, 1, 1, 2, 30)


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


def test_the_nightly_thread_takes_a_backup_when_its_hour_comes(demo_folder, monkeypatch):
    config = runtime.open_config(demo_folder, environ={})
    taken = threading.Event()
    real = service.make_backup

    def make_backup(config, reason):
        result = real(config, reason=reason)
        taken.set()
        return result

    due = iter([0.05])     # the first run is due at once, the next one never within the test
    monkeypatch.setattr(schedule, 'next_run',
                        lambda now, at: now + datetime.timedelta(seconds=next(due, 3600)))
    monkeypatch.setattr(service, 'make_backup', make_backup)
    stop = threading.Event()
    thread = schedule.start(config, stop)
    try:
        assert taken.wait(60)
    finally:
        stop.set()
        thread.join(10)
    (archive,) = backup.list_archives(str(demo_folder / 'backups'))
    assert backup.verify_archive(archive)['reason'] == 'nocturne'
    assert not thread.is_alive()


def test_no_nightly_thread_when_the_hour_is_empty(demo_folder):
    config = runtime.open_config(demo_folder, environ={'ECOLE_BACKUP_TIME': ''})
    assert schedule.start(config) is None
