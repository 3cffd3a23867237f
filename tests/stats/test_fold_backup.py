"""The fold runs every quarter of an hour and before every backup: no archive holds a past day's
key next to that day's events (re-identifiable), and a day's key lives until shortly after its
midnight, not up to a day more."""
import sqlite3
import tarfile
import zipfile
from datetime import date

import pytest

from ecole_ent import scheduler
from ecole_ent.maintenance import jobs as maintenance_jobs
from ecole_ent.maintenance import service as maintenance
from ecole_ent.models import School, StatsCount, StatsEvent, StatsKey, StatsMonthSeen, StatsVisitors
from ecole_ent.stats import fold
from ecole_ent.stats import jobs as stats_jobs
from tests.conftest import DEMO_NOW
from tests.homework.test_data import SQLITE_ONLY
from tests.stats.test_fold import DEC3, day_of_events


@pytest.fixture
def school(demo):
    for model in (StatsEvent, StatsKey, StatsMonthSeen, StatsCount, StatsVisitors):
        model.delete().execute()
    return School.select().order_by(School.id).first()


def archived_database(path, into):
    if tarfile.is_tarfile(path):
        with tarfile.open(path) as archive:
            member = next(n for n in archive.getnames() if n.endswith(('.db', '.sqlite', '.sqlite3')))
            archive.extract(member, into)
    else:
        with zipfile.ZipFile(path) as archive:
            member = next(n for n in archive.namelist() if n.endswith(('.db', '.sqlite', '.sqlite3')))
            archive.extract(member, into)
    return sqlite3.connect(into / member)


def test_the_fold_looks_every_quarter_of_an_hour_and_folds_a_past_day(school, monkeypatch):
    monkeypatch.setattr(fold, 'clock', lambda: DEMO_NOW)
    assert scheduler.load()['stats.fold'].every == 900
    assert not fold.due()
    day_of_events(school)
    assert fold.due()
    stats_jobs.nightly()
    assert StatsEvent.select().count() == 0 and StatsKey.get_or_none(StatsKey.period == DEC3.isoformat()) is None
    assert sum(c.visits for c in StatsCount.select()) == 7 and not fold.due()


@SQLITE_ONLY
def test_a_backup_folds_the_past_days_before_copying_the_database(school, config, monkeypatch, tmp_path):
    monkeypatch.setattr(fold, 'clock', lambda: DEMO_NOW)
    day_of_events(school)
    result = maintenance.make_backup(config, dest=str(tmp_path / 'archives'))
    copy = archived_database(result.path, tmp_path / 'x')
    assert copy.execute("select count(*) from stats_key where period = ?", (DEC3.isoformat(),)).fetchone() == (0,)
    assert copy.execute("select count(*) from stats_event where day = ?", (DEC3.isoformat(),)).fetchone() == (0,)
    assert copy.execute("select sum(visits) from stats_count where day = ?", (DEC3.isoformat(),)).fetchone() == (7,)


@SQLITE_ONLY
def test_the_nightly_backup_job_folds_first(school, config, monkeypatch):
    monkeypatch.setattr(fold, 'clock', lambda: DEMO_NOW)
    day_of_events(school, date(2026, 12, 2))
    folded_before_copy = []

    def copy(*args, **kwargs):
        folded_before_copy.append(StatsEvent.select().count())
        raise RuntimeError('stop')
    monkeypatch.setattr(maintenance.backup, 'create_backup', copy)
    monkeypatch.setattr(maintenance_jobs, 'current_config', lambda: config)
    with pytest.raises(RuntimeError):
        maintenance_jobs.nightly()
    assert folded_before_copy == [0]


def test_a_backup_before_the_statistics_tables_exist_logs_no_error(school, config, caplog):
    """The backup taken before the migration that makes the statistics' tables folds nothing and
    says nothing (no « regroupement avant sauvegarde impossible » on every upgrade)."""
    from ecole_ent import db
    db.database.execute_sql('DROP TABLE stats_event')
    stats_jobs.before_backup(config)
    assert [r.getMessage() for r in caplog.records if r.levelname in ('WARNING', 'ERROR')] == []


@SQLITE_ONLY
def test_a_fold_that_fails_before_a_backup_is_logged_and_the_backup_is_written(school, config, monkeypatch,
                                                                                tmp_path, caplog):
    """make_backup guards every BEFORE_BACKUP hook: the archive matters more than the fold."""
    monkeypatch.setattr(fold, 'clock', lambda: DEMO_NOW)
    day_of_events(school)

    def broken():
        raise OSError('disque plein')
    monkeypatch.setattr(fold, 'run', broken)
    result = maintenance.make_backup(config, dest=str(tmp_path / 'archives'))
    assert tarfile.is_tarfile(result.path) or zipfile.is_zipfile(result.path)
    failed = [r for r in caplog.records if r.levelname == 'ERROR' and 'avant la sauvegarde' in r.getMessage()]
    assert failed and 'disque plein' in failed[0].exc_text
