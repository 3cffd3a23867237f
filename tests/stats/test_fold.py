"""The nightly fold: a day's events become counts and distinct visitors, and are deleted with the
day's key in the same transaction; a second run changes nothing; a failure or a killed process
between the fold and the delete counts nothing twice; a month over becomes its distinct visitors
and loses its key; aggregates past keep_months go."""
import os
import signal
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest

from ecole_ent import scheduler
from ecole_ent.models import AuditEvent, School, StatsCount, StatsEvent, StatsKey, StatsMonthSeen, StatsVisitors
from ecole_ent.stats import fold
from tests.stats.conftest import count, event

ROOT = Path(__file__).resolve().parents[2]
DEC3, DEC4 = date(2026, 12, 3), date(2026, 12, 4)


@pytest.fixture
def school(demo):
    """The demo school, its statistics emptied (the demo seeds a year of them)."""
    for model in (StatsEvent, StatsKey, StatsMonthSeen, StatsCount, StatsVisitors):
        model.delete().execute()
    return School.select().order_by(School.id).first()


def day_of_events(school, day=DEC3):
    """Two parents and a teacher: 7 page views and 3 sign-ins, the day's and the month's keys."""
    month = day.strftime('%Y-%m')
    StatsKey.insert_many([{'period': day.isoformat(), 'secret': '11' * 32},
                          {'period': month, 'secret': '22' * 32}]).on_conflict_ignore().execute()
    for visitor, profile, device in (('a', 'guardian', 'phone'), ('b', 'guardian', 'computer'),
                                     ('t', 'teacher', 'computer')):
        event(school, day, visitor, kind='signin', profile=profile, device=device, hour=8)
    event(school, day, 'a', feature='home', hour=8)
    event(school, day, 'a', feature='blog', hour=8)
    event(school, day, 'a', feature='blog', hour=20, at_school=True)
    event(school, day, 'b', feature='home', device='computer', hour=20)
    event(school, day, 't', feature='notes', profile='teacher', device='computer', hour=8, at_school=True)
    event(school, day, 't', feature='home', profile='teacher', device='computer', hour=8, at_school=True)
    event(school, day, 't', feature='notes', profile='teacher', device='computer', hour=9, at_school=True)


def snapshot():
    def rows(model):
        return sorted(tuple(v for k, v in row.items() if k not in ('id', 'created_at'))
                      for row in model.select().dicts())
    return {model.__name__: rows(model) for model in (StatsEvent, StatsKey, StatsMonthSeen, StatsCount,
                                                       StatsVisitors)}


def test_a_day_is_folded_into_counts_and_visitors_and_its_events_and_key_deleted(school):
    day_of_events(school)
    event(school, DEC4, 'x', feature='home')                   # today: stays as it is
    assert fold.run(today=DEC4) == {'days': 1, 'months': 0, 'expired': 0}
    counts = list(StatsCount.select().where(StatsCount.day == DEC3))
    assert sum(c.visits for c in counts) == 7 and sum(c.signins for c in counts) == 3
    blog = [c for c in counts if c.feature == 'blog']
    assert sorted((c.hour, c.visits, c.at_school) for c in blog) == [(8, 1, False), (20, 1, True)]
    figures = {(v.dimension, v.value): v.visitors for v in StatsVisitors.select()}
    assert figures == {('all', ''): 3, ('profile', 'guardian'): 2, ('profile', 'teacher'): 1,
                       ('feature', 'home'): 3, ('feature', 'blog'): 1, ('feature', 'notes'): 1,
                       ('device', 'phone'): 1, ('device', 'computer'): 2,
                       ('hour', '8'): 3, ('hour', '9'): 1, ('hour', '20'): 2,
                       ('at_school', 'yes'): 2, ('at_school', 'no'): 3}
    assert StatsMonthSeen.select().where(StatsMonthSeen.month == date(2026, 12, 1)).count() == 3
    assert [e.day for e in StatsEvent.select()] == [DEC4]
    assert StatsKey.get_or_none(StatsKey.period == '2026-12-03') is None
    assert StatsKey.get_or_none(StatsKey.period == '2026-12') is not None      # the month is not over
    line = AuditEvent.select().where(AuditEvent.action == 'stats.fold').get()
    assert '"days": 1' in line.details


def test_folding_again_changes_nothing(school):
    day_of_events(school)
    fold.run(today=DEC4)
    before = snapshot()
    assert fold.run(today=DEC4) == {'days': 0, 'months': 0, 'expired': 0}
    assert snapshot() == before


def test_a_failure_between_the_fold_and_the_delete_rolls_the_day_back(school, monkeypatch):
    day_of_events(school)
    before = snapshot()

    def fail(day):
        assert StatsCount.select().count() > 0           # the fold's rows are written at this point...
        raise RuntimeError('panne entre le regroupement et l’effacement')
    monkeypatch.setattr(fold, 'delete_day', fail)
    with pytest.raises(RuntimeError):
        fold.run(today=DEC4)
    assert snapshot() == before                          # ...and rolled back with the transaction
    monkeypatch.undo()
    fold.run(today=DEC4)
    assert sum(c.visits for c in StatsCount.select()) == 7


KILLED = textwrap.dedent('''
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from tests.conftest import make_config
    from ecole_ent import runtime
    from ecole_ent.stats import fold
    runtime.open_database(make_config({data!r}), auto_migrate=False)
    real = fold.delete_day
    def die(day):
        real(day)                                   # the events are deleted too, not committed
        os.kill(os.getpid(), signal.SIGKILL)
    fold.delete_day = die
    fold.run(today=__import__('datetime').date(2026, 12, 4))
''')


def test_a_process_killed_between_the_fold_and_the_commit_counts_nothing_twice(school, config):
    day_of_events(school)
    before = snapshot()
    from ecole_ent import db
    db.close_all()                                   # the child writes; this process reads after
    script = KILLED.format(root=str(ROOT), data=str(config.data_dir))
    env = {**os.environ, 'ECOLE_SECURITY_SECRET_KEY': 'test-secret-key-for-this-run'}
    child = subprocess.run([sys.executable, '-c', script], env=env, capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert snapshot() == before
    fold.run(today=DEC4)
    fold.run(today=DEC4)
    assert sum(c.visits for c in StatsCount.select()) == 7 and sum(c.signins for c in StatsCount.select()) == 3
    assert StatsEvent.select().count() == 0


def test_a_month_over_becomes_its_distinct_visitors_and_loses_its_key(school):
    for day in (date(2026, 11, 29), date(2026, 11, 30)):     # the same three people both days
        day_of_events(school, day)
    day_of_events(school, DEC3)
    assert fold.run(today=DEC4)['months'] == 1
    month = {(v.dimension, v.value): v.visitors for v in StatsVisitors.select().where(StatsVisitors.period == 'month')}
    assert month == {('all', ''): 3, ('profile', 'guardian'): 2, ('profile', 'teacher'): 1}
    assert {v.starts_on for v in StatsVisitors.select().where(StatsVisitors.period == 'month')} == {date(2026, 11, 1)}
    assert not StatsMonthSeen.select().where(StatsMonthSeen.month == date(2026, 11, 1)).exists()
    assert StatsMonthSeen.select().where(StatsMonthSeen.month == date(2026, 12, 1)).count() == 3
    assert sorted(k.period for k in StatsKey.select()) == ['2026-12']


def test_aggregates_older_than_keep_months_are_deleted(school, set_option):
    set_option('stats.keep_months', 25)
    count(school, date(2024, 10, 31))
    kept = count(school, date(2024, 11, 1))
    StatsVisitors.create(school=school, period='month', starts_on=date(2024, 10, 1), dimension='all', value='',
                         visitors=9)
    assert fold.run(today=DEC4)['expired'] == 2
    assert [c.id for c in StatsCount.select()] == [kept.id] and StatsVisitors.select().count() == 0


def test_the_fold_is_a_job_of_the_scheduler():
    assert 'stats.fold' in scheduler.load()


def test_the_command_line_folds_now(school, run_cli):
    day_of_events(school, date(2026, 12, 1))
    _out, err = run_cli('stats', 'fold')
    assert 'Statistiques regroupées : 1 jour(s)' in err
    assert StatsEvent.select().count() == 0 and sum(c.visits for c in StatsCount.select()) == 7


def test_a_day_is_read_before_the_write_lock_and_again_if_an_event_came_meanwhile(school, monkeypatch):
    """The long reads of a day (its counts, its distinct visitors) run outside the write
    transaction; an event of that day written between them and the transaction (the writer a few
    seconds late) is folded with its day, not deleted uncounted."""
    from ecole_ent import db
    day_of_events(school)
    outside, real = [], fold.day_visitor_rows

    def read(of_day, day):
        outside.append(not db.database.in_transaction())
        rows = real(of_day, day)
        if len(outside) == 1:
            event(school, day, 'c', feature='photos', hour=23)          # 23:59's, written late
        return rows
    monkeypatch.setattr(fold, 'day_visitor_rows', read)
    fold.fold_day(DEC3)
    assert outside == [True, False]                     # read outside, then again inside (an event came)
    assert sum(c.visits for c in StatsCount.select()) == 8 and StatsEvent.select().count() == 0
    everyone = StatsVisitors.get(StatsVisitors.dimension == 'all', StatsVisitors.starts_on == DEC3)
    assert everyone.visitors == 4
