"""The demo school's generated year of statistics is plausible: a year of days, more on school days,
parents in the evening and on their phones, teachers during the day at school; and it is seeded
from the aggregates only (no raw event, no key kept)."""
from datetime import date, timedelta

from ecole_ent.models import StatsCount, StatsEvent, StatsKey, StatsVisitors
from ecole_ent.stats import query


def test_a_plausible_year(who):
    school = who.school
    days = {day for (day,) in StatsCount.select(StatsCount.day).where(StatsCount.school == school).distinct()
            .tuples()}
    assert len(days) > 300
    last = max(days)
    start = last - timedelta(days=364)
    hours = {(row['hour'], row['profile']): row['visits']
             for row in query.crossed([school], start, last, 'hour', 'profile', exact=True)}
    evening = sum(hours.get((h, 'guardian'), 0) for h in range(18, 23))
    school_hours = sum(hours.get((h, 'guardian'), 0) for h in range(9, 12))
    assert evening > 3 * school_hours
    assert sum(hours.get((h, 'teacher'), 0) for h in range(8, 18)) > sum(hours.get((h, 'teacher'), 0)
                                                                         for h in range(18, 24))
    devices = {(row['profile'], row['device']): row['visits']
               for row in query.crossed([school], start, last, 'profile', 'device', exact=True)}
    assert devices[('guardian', 'phone')] > devices[('guardian', 'computer')]
    assert devices[('teacher', 'computer')] > devices[('teacher', 'phone')]
    weekdays = {row['weekday']: row['visits'] for row in query.rows([school], start, last, 'weekday', exact=True)}
    assert weekdays[0] > 2 * weekdays[5]                 # Monday, a school day, over Saturday
    months = query.rows([school], date(2026, 9, 1), last, 'month', exact=True)
    assert all(row['visitors'] > 0 for row in months)
    assert StatsVisitors.select().where((StatsVisitors.school == school) & (StatsVisitors.period == 'month')).exists()


def test_seeded_as_aggregates_only(who):
    assert not StatsEvent.select().exists() and not StatsKey.select().exists()
