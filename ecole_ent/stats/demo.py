"""A year of usage statistics for the demo school: the 365 days up to yesterday, folded as the
nightly job would leave them (StatsCount, StatsVisitors per day and per month), so the director's
statistics page shows lived-in charts on first start.

Plausible, not real: more on school days; parents in the morning, at lunch and in the evening,
on their phones, from home; teachers during the day, at school, on computers; pupils in class on
tablets and at home after school; the director every day. People are drawn as numbers within each
profile's headcount (never accounts, nothing personal), so a person counts once a day and once a
month, as the real keyed hashes do.

It draws from its own random generator, never demo.rng: the accounts, families and classes stay as
they were. It runs inside demo.seed()'s transaction and writes the models directly.
"""
import random
from collections import defaultdict
from datetime import timedelta

from ..models.stats import StatsCount, StatsMonthSeen, StatsVisitors
from ..school_calendar.service import days as school_days
from . import query

SEED = 1919
DAYS = 365
BATCH = 500
# profile: (share of the headcount who come on a school day, on another day)
PRESENCE = {'pupil': (0.18, 0.05), 'guardian': (0.40, 0.12), 'teacher': (0.85, 0.25), 'director': (0.95, 0.35),
            'staff': (0.30, 0.0), 'admin': (0.30, 0.05)}
# profile: hours of the day, weighted (school day)
HOURS = {'pupil': {9: 2, 10: 3, 11: 2, 14: 3, 15: 2, 16: 2, 17: 4, 18: 3, 19: 1},
         'guardian': {7: 4, 8: 3, 12: 2, 13: 2, 17: 3, 18: 5, 19: 6, 20: 8, 21: 6, 22: 2},
         'teacher': {7: 1, 8: 4, 9: 2, 10: 2, 12: 3, 13: 2, 16: 4, 17: 5, 18: 2, 20: 3, 21: 2},
         'director': {7: 2, 8: 5, 9: 3, 11: 2, 12: 2, 14: 2, 16: 3, 17: 4, 18: 2, 21: 1},
         'staff': {8: 3, 9: 2, 13: 2, 16: 2},
         'admin': {9: 3, 10: 2, 14: 2}}
HOLIDAY_HOURS = {9: 1, 10: 2, 11: 2, 14: 2, 15: 2, 16: 1, 17: 2, 18: 2, 20: 2, 21: 1}
FEATURES = {'pupil': {'home': 4, 'blog': 4, 'photos': 3, 'homework': 3},
            'guardian': {'home': 6, 'blog': 4, 'photos': 4, 'homework': 5, 'messages': 3, 'notes': 2},
            'teacher': {'home': 4, 'blog': 4, 'photos': 2, 'homework': 5, 'messages': 3, 'notes': 2,
                        'directory': 1},
            'director': {'home': 3, 'blog': 2, 'messages': 3, 'notes': 1, 'directory': 2, 'admin': 4},
            'staff': {'home': 3, 'blog': 2, 'photos': 2},
            'admin': {'home': 1, 'admin': 5, 'directory': 2}}
DEVICES = {'pupil': {'tablet': 5, 'computer': 4, 'phone': 1},
           'guardian': {'phone': 14, 'computer': 4, 'tablet': 2, 'kiosk': 1},
           'teacher': {'computer': 7, 'phone': 2, 'tablet': 1},
           'director': {'computer': 8, 'phone': 2},
           'staff': {'phone': 3, 'tablet': 2},
           'admin': {'computer': 1}}
SCHOOL_HOURS = range(8, 17)


def seed(demo):
    """The demo school's year of statistics (skipped when the school already has some)."""
    if StatsCount.select().where(StatsCount.school == demo.school).exists():
        return
    headcount = {'pupil': len(demo.pupils), 'guardian': len(demo.guardians), 'teacher': len(demo.teachers),
                 'director': 1, 'staff': len(demo.staff), 'admin': 0}
    write(demo.school, generate(demo.school.id, headcount, query.clock().date()))


def generate(school_id, headcount, today, days=DAYS, seed_value=SEED):
    """(counts, visitors, month_seen): the StatsCount, StatsVisitors and StatsMonthSeen rows (dicts)
    of the `days` days before `today`, for a school of `headcount` people per profile (the month not
    over yet: its seen visitors, each a random stand-in for the month's keyed hash)."""
    rng = random.Random(seed_value)
    calendar = school_days(school_id)
    counts, visitors, month_seen = [], [], defaultdict(set)
    for offset in range(days, 0, -1):
        day = today - timedelta(days=offset)
        open_day = calendar.is_school_day(day)
        cells, seen = _day(rng, headcount, open_day, day.month in (7, 8))
        counts += [{'school': school_id, 'day': day, 'hour': hour, 'profile': profile, 'feature': feature,
                    'device': device, 'at_school': at_school, 'visits': figures[0], 'signins': figures[1]}
                   for (hour, profile, feature, device, at_school), figures in sorted(cells.items())]
        for (dimension, value), people in sorted(seen.items()):
            visitors.append({'school': school_id, 'period': 'day', 'starts_on': day, 'dimension': dimension,
                             'value': value, 'visitors': len(people)})
            if dimension in ('all', 'profile'):
                month_seen[day.replace(day=1), dimension, value] |= people
    this_month = today.replace(day=1)
    open_month = []
    for (month, dimension, value), people in sorted(month_seen.items()):
        if month == this_month:       # not over: its visitors wait in StatsMonthSeen, as hashes
            if dimension == 'profile':
                open_month += [{'school': school_id, 'month': month, 'profile': value,
                                'visitor': f'{rng.getrandbits(64):016x}'} for _person in sorted(people)]
            continue
        visitors.append({'school': school_id, 'period': 'month', 'starts_on': month, 'dimension': dimension,
                         'value': value, 'visitors': len(people)})
    return counts, visitors, open_month


def _pick(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day(rng, headcount, open_day, summer):
    """One day: {(hour, profile, feature, device, at_school): [visits, signins]} and
    {(dimension, value): {person}} (a person: (profile, number))."""
    cells, seen = defaultdict(lambda: [0, 0]), defaultdict(set)
    for profile, count in headcount.items():
        share = PRESENCE[profile][0 if open_day else 1] * (0.3 if summer else 1)
        for number in range(count):
            if rng.random() >= share:
                continue
            person = (profile, number)
            for _session in range(1 if rng.random() < 0.8 else 2):
                hour = _pick(rng, HOURS[profile] if open_day else HOLIDAY_HOURS)
                device = _pick(rng, DEVICES[profile])
                at_school = device == 'kiosk' or (open_day and hour in SCHOOL_HOURS and profile != 'guardian'
                                                  and rng.random() < 0.9)
                signed_in = rng.random() < 0.6
                for page in range(rng.randint(1, 5)):
                    feature = _pick(rng, FEATURES[profile])
                    cell = cells[hour, profile, feature, device, at_school]
                    cell[0] += 1
                    cell[1] += 1 if signed_in and page == 0 else 0
                    for key in (('all', ''), ('profile', profile), ('feature', feature), ('device', device),
                                ('hour', str(hour)), ('at_school', 'yes' if at_school else 'no')):
                        seen[key].add(person)
    return cells, seen


def write(school, generated):
    for model, rows in zip((StatsCount, StatsVisitors, StatsMonthSeen), generated, strict=True):
        for start in range(0, len(rows), BATCH):
            model.insert_many(rows[start:start + BATCH]).execute()
