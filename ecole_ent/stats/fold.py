"""The nightly fold (issue 19): the raw events of every day before today become counts and
distinct-visitor figures, and the day's events and key are deleted; a month over has its distinct
visitors counted and its key deleted; aggregates past [stats] keep_months are deleted.

One day is folded in ONE transaction (its figures read just before it, see fold_day): its
StatsCount rows (per school, hour, profile, feature, device, place), its StatsVisitors rows
(period 'day': distinct day visitors per school for each dimension of models/stats.DIMENSIONS:
'all' over every event, 'feature' over the page views only), its month visitors added to
StatsMonthSeen (per school and profile), then its events and its key deleted. A crash anywhere in
between rolls the whole day back: it is folded again, once, by the next run; a day whose events
are gone is never folded twice. Hence idempotent: a second run finds nothing to do.

A month is over when the first day still to fold is in a later month: its StatsMonthSeen rows
become StatsVisitors (period 'month': 'all' and 'profile'), then they and the month's key are
deleted, in one transaction too.

"Today" is the installation's local day, one minute late (GRACE): the events of 23:59 written by a
background writer a few seconds after midnight are folded with their day, not after it.
Keeping: the current month and the keep_months months before it; older StatsCount and
StatsVisitors rows are deleted. Each run leaves one audit line, 'stats.fold' (the job, every quarter
of an hour, and the backup run it only when due() finds something to fold: no line every 15 minutes).
"""
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from peewee import Case, fn

from .. import audit, runtime
from ..db import writing
from ..models import StatsCount, StatsEvent, StatsKey, StatsMonthSeen, StatsVisitors
from . import recorder
from .query import clock  # the installation's local now (tests replace fold.clock)

logger = logging.getLogger(__name__)

GRACE = timedelta(minutes=1)
BATCH = 500
DAY_DIMENSIONS = {            # dimension -> (column, value as stored, page views only)
    'all': (None, lambda value: '', False),
    'profile': (StatsEvent.profile, str, False),
    'feature': (StatsEvent.feature, str, True),
    'device': (StatsEvent.device, str, False),
    'hour': (StatsEvent.hour, str, False),
    'at_school': (StatsEvent.at_school, lambda value: 'yes' if value else 'no', False),
}


@dataclass(frozen=True)
class Settings:
    keep_months: int


def read_settings(config):
    return Settings(keep_months=config.get('stats.keep_months', 25))


def settings():
    return runtime.settings(read_settings)


def month_start(day, back=0):
    """The first day of `day`'s month, `back` months earlier."""
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def run(today=None, actor=None):
    """Fold every day before `today` (default: the local day, GRACE late) and every month over;
    delete what is past keep_months. Returns {'days', 'months', 'expired'} (how many of each)."""
    today = today or (clock() - GRACE).date()
    days = [day for (day,) in StatsEvent.select(StatsEvent.day).where(StatsEvent.day < today)
            .distinct().order_by(StatsEvent.day).tuples()]
    for day in days:
        fold_day(_as_date(day))
    months = fold_months(today)
    with writing():
        expired = expire(today)
        audit.record(actor, 'stats.fold', today.isoformat(), days=len(days), months=len(months), expired=expired)
    recorder.RECORDER.forget_keys()
    counts = {'days': len(days), 'months': len(months), 'expired': expired}
    logger.info('statistiques : %s', counts)
    return counts


def due(today=None):
    """Whether run() has something to do: an event of a day before `today`, a month over with seen
    visitors, or a key of a period over (cheap: three queries that stop at the first row)."""
    today = today or (clock() - GRACE).date()
    current = month_start(today)
    return (StatsEvent.select().where(StatsEvent.day < today).exists()
            or StatsMonthSeen.select().where(StatsMonthSeen.month < current).exists()
            or StatsKey.select().where(_keys_over(today)).exists())


def _keys_over(today):
    current = month_start(today)
    return ((StatsKey.period < current.strftime('%Y-%m'))
            | ((fn.LENGTH(StatsKey.period) == 10) & (StatsKey.period < today.isoformat())))


def _as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- one day --------------------------------------------------------------------------------------

def fold_day(day):
    """Fold the events of `day` and delete them with the day's key, in one transaction. The day's
    counts and distinct visitors, the long part (a second per 100 000 events), are read before it,
    without SQLite's write lock; inside it they are read again only if the day's events changed
    meanwhile (an event of 23:59 written late, another fold)."""
    of_day = StatsEvent.day == day
    seen = _events_of(of_day)
    counts, visitors = count_rows(of_day), day_visitor_rows(of_day, day)
    with writing():
        if _events_of(of_day) != seen:
            counts, visitors = count_rows(of_day), day_visitor_rows(of_day, day)
        _insert(StatsCount, counts)
        _insert(StatsVisitors, visitors)
        _insert(StatsMonthSeen, month_seen_rows(of_day, month_start(day)))
        delete_day(day)


def _events_of(of_day):
    """How many events the day has and its last id: an event added or deleted changes them."""
    return StatsEvent.select(fn.COUNT(StatsEvent.id), fn.MAX(StatsEvent.id)).where(of_day).tuples().get()


def count_rows(of_day):
    visits = fn.SUM(Case(None, [(StatsEvent.kind == 'visit', 1)], 0))
    signins = fn.SUM(Case(None, [(StatsEvent.kind == 'signin', 1)], 0))
    columns = (StatsEvent.school, StatsEvent.day, StatsEvent.hour, StatsEvent.profile, StatsEvent.feature,
               StatsEvent.device, StatsEvent.at_school)
    query = StatsEvent.select(*columns, visits, signins).where(of_day).group_by(*columns).tuples()
    return [{'school': school, 'day': _as_date(day), 'hour': hour, 'profile': profile, 'feature': feature,
             'device': device, 'at_school': bool(at_school), 'visits': int(visits or 0), 'signins': int(signins or 0)}
            for school, day, hour, profile, feature, device, at_school, visits, signins in query]


def day_visitor_rows(of_day, day):
    rows = []
    distinct = fn.COUNT(StatsEvent.day_visitor.distinct())
    for dimension, (column, shown, visits_only) in DAY_DIMENSIONS.items():
        where = of_day & (StatsEvent.kind == 'visit') if visits_only else of_day
        grouping = (StatsEvent.school,) if column is None else (StatsEvent.school, column)
        for row in StatsEvent.select(*grouping, distinct).where(where).group_by(*grouping).tuples():
            school, value, count = (row[0], None, row[1]) if column is None else row
            rows.append({'school': school, 'period': 'day', 'starts_on': day, 'dimension': dimension,
                         'value': shown(value), 'visitors': count})
    return rows


def month_seen_rows(of_day, month):
    """The day's (school, profile, month visitor) not yet seen this month."""
    seen = set(StatsMonthSeen.select(StatsMonthSeen.school, StatsMonthSeen.profile, StatsMonthSeen.visitor)
               .where(StatsMonthSeen.month == month).tuples())
    today = set(StatsEvent.select(StatsEvent.school, StatsEvent.profile, StatsEvent.month_visitor)
                .where(of_day).distinct().tuples())
    return [{'school': school, 'month': month, 'profile': profile, 'visitor': visitor}
            for school, profile, visitor in sorted(today - seen, key=str) if school is not None]


def delete_day(day):
    """The day's events and key: gone with the day's fold, in its transaction."""
    StatsEvent.delete().where(StatsEvent.day == day).execute()
    StatsKey.delete().where(StatsKey.period == day.isoformat()).execute()


# --- months, keeping ------------------------------------------------------------------------------

def fold_months(today):
    """Fold every month over before `today`'s month; returns their first days."""
    current = month_start(today)
    months = sorted({_as_date(month) for (month,) in StatsMonthSeen.select(StatsMonthSeen.month)
                     .where(StatsMonthSeen.month < current).distinct().tuples()})
    for month in months:
        with writing():
            _insert(StatsVisitors, month_visitor_rows(month))
            StatsMonthSeen.delete().where(StatsMonthSeen.month == month).execute()
            StatsKey.delete().where(StatsKey.period == month.strftime('%Y-%m')).execute()
    with writing():     # keys of periods over that no fold deleted (a day with no event left)
        StatsKey.delete().where(_keys_over(today)).execute()
    return months


def month_visitor_rows(month):
    seen = StatsMonthSeen.month == month
    rows = []
    everyone = fn.COUNT(StatsMonthSeen.visitor.distinct())
    for school, count in (StatsMonthSeen.select(StatsMonthSeen.school, everyone).where(seen)
                          .group_by(StatsMonthSeen.school).tuples()):
        rows.append({'school': school, 'period': 'month', 'starts_on': month, 'dimension': 'all', 'value': '',
                     'visitors': count})
    for school, profile, count in (StatsMonthSeen.select(StatsMonthSeen.school, StatsMonthSeen.profile, everyone)
                                   .where(seen).group_by(StatsMonthSeen.school, StatsMonthSeen.profile).tuples()):
        rows.append({'school': school, 'period': 'month', 'starts_on': month, 'dimension': 'profile',
                     'value': profile, 'visitors': count})
    return rows


def expire(today):
    """Delete the aggregates before the keep_months months before `today`'s month; how many."""
    limit = month_start(today, settings().keep_months)
    return (StatsCount.delete().where(StatsCount.day < limit).execute()
            + StatsVisitors.delete().where(StatsVisitors.starts_on < limit).execute())


def _insert(model, rows):
    for start in range(0, len(rows), BATCH):
        model.insert_many(rows[start:start + BATCH]).execute()
