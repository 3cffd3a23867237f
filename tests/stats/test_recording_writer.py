"""The writer's edge cases: an event of a day already folded is dropped (a new day key would count
its people twice), a deleted school loses its own events only, and a queue full while the
database cannot be written keeps the newest events."""
from datetime import UTC, datetime, timedelta

import pytest

from ecole_ent import db
from ecole_ent.models import StatsEvent, StatsKey
from ecole_ent.stats import fold, recorder
from tests.stats.conftest import TODAY

NOW = datetime(2026, 12, 4, 9, 0)              # 10:00 in Paris, naive UTC
YESTERDAY = TODAY - timedelta(days=1)


@pytest.fixture
def writer(who, monkeypatch):
    monkeypatch.setattr(recorder, 'clock', lambda: NOW.replace(tzinfo=UTC).timestamp())
    monkeypatch.setattr(fold, 'clock', lambda: NOW + timedelta(hours=1))
    recorder.RECORDER.reset()
    StatsEvent.delete().execute()
    StatsKey.delete().execute()
    yield who
    recorder.RECORDER.reset()


def visit(user, school_id, day=TODAY):
    return ('visit', user.id, school_id, None, 'guardian', 'blog', 'phone', False, day, 20)


def queued(*events):
    """Put events in the queue as RECORDER.add does (for this database), without starting the writer."""
    recorder.RECORDER.pending.extend((db.database.obj, event) for event in events)


def test_an_event_of_a_day_already_folded_is_dropped_and_makes_no_key(writer):
    StatsKey.create(period=YESTERDAY.isoformat(), secret='11' * 32)    # made by yesterday's first event
    queued(visit(writer.guardian, writer.school.id, YESTERDAY))
    assert recorder.flush() == 1                             # 23:59's event written at 0:00: not folded yet
    fold.run()
    queued(visit(writer.guardian, writer.school.id, YESTERDAY), visit(writer.guardian, writer.school.id))
    assert recorder.flush() == 1                             # today's only
    assert [e.day for e in StatsEvent.select()] == [TODAY]
    assert StatsKey.get_or_none(StatsKey.period == YESTERDAY.isoformat()) is None


def test_a_deleted_school_loses_its_own_events_only(writer):
    before = StatsEvent.select().count()
    good = visit(writer.guardian, writer.school.id)
    queued(good, good, visit(writer.teacher, 999_999))
    assert recorder.flush() == 2
    assert StatsEvent.select().count() == before + 2


def test_a_failed_write_keeps_the_newest_events(writer, monkeypatch):
    monkeypatch.setattr(recorder, 'LIMIT', 5)
    queue = recorder.deque(maxlen=5)
    monkeypatch.setattr(recorder.RECORDER, 'pending', queue)      # the next tests get the real queue back
    queued(*range(5))                                        # the batch about to fail (oldest)
    def failing(batch):
        queued(*range(5, 8))                                 # 3 events arrive while it fails
        raise OSError('database unreachable')
    monkeypatch.setattr(recorder.RECORDER, 'insert', failing)
    assert recorder.flush() == 0
    assert [event for _database, event in queue] == [3, 4, 5, 6, 7]      # the newest 5 of all 8, in order


def test_an_event_recorded_against_another_database_is_never_written_here(writer):
    """A process that changed databases (the test suite, a command) drops what it recorded for the
    other one rather than writing it into this one."""
    recorder.RECORDER.pending.append((object(), visit(writer.guardian, writer.school.id)))
    queued(visit(writer.guardian, writer.school.id))
    assert recorder.flush() == 1 and StatsEvent.select().count() == 1


def test_a_backlog_is_written_in_short_transactions_of_batch_events(writer, monkeypatch):
    """After the database was locked for minutes, the queue is written BATCH events per transaction,
    so that SQLite's write lock is never held long: the pages' writes pass between two batches."""
    monkeypatch.setattr(recorder, 'BATCH', 3)
    sizes, real = [], recorder.RECORDER.insert

    def insert(batch):
        sizes.append(len(batch))
        assert not db.database.in_transaction()              # each batch its own transaction
        return real(batch)
    monkeypatch.setattr(recorder.RECORDER, 'insert', insert)
    queued(*[visit(writer.guardian, writer.school.id)] * 7)
    assert recorder.flush() == 7
    assert sizes == [3, 3, 1] and StatsEvent.select().count() == 7
