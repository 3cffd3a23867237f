"""query.py: the figures add up from the folded tables and the events not folded yet, each day
counted once, visitors as the docstring defines them per grouping, small counts suppressed."""
from datetime import date

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.models import StatsMonthSeen
from ecole_ent.stats import query
from tests.stats.conftest import TODAY, count, event, members, visitors

NOV = date(2026, 11, 10)       # a Tuesday, folded
NOV2 = date(2026, 11, 12)      # a Thursday, folded


@pytest.fixture
def school(who):
    """A school of its own (the demo school has its generated year), with 6 teachers and 20 guardians."""
    school = accounts.ensure_school('0061111X', 'École des Essais')
    members(school, 'teacher', 6)
    members(school, 'guardian', 20)
    return school


@pytest.fixture
def filled(school):
    """Two folded days and today's events, not folded yet."""
    count(school, NOV, hour=8, profile='teacher', feature='homework', device='computer', at_school=True,
          visits=30, signins=6)
    count(school, NOV, hour=19, profile='guardian', feature='blog', device='phone', visits=12, signins=3)
    count(school, NOV2, hour=19, profile='guardian', feature='blog', device='phone', visits=2)
    visitors(school, NOV, 8)
    visitors(school, NOV2, 2)
    visitors(school, NOV, 5, 'profile', 'teacher')
    visitors(school, NOV, 3, 'profile', 'guardian')
    visitors(school, NOV2, 2, 'profile', 'guardian')
    visitors(school, NOV, 5, 'hour', '8')
    visitors(school, NOV, 3, 'hour', '19')
    visitors(school, date(2026, 11, 1), 9, 'all', period='month')
    for n in range(3):                        # today: 3 guardians, one of them twice, and a sign-in
        event(school, TODAY, f'g{n}', hour=20)
    event(school, TODAY, 'g0', hour=20, feature='photos')
    event(school, TODAY, 'g0', kind='signin', hour=20)
    StatsMonthSeen.create(school=school, month=date(2026, 12, 1), profile='guardian', visitor='mg1')
    StatsMonthSeen.create(school=school, month=date(2026, 12, 1), profile='guardian', visitor='mold')
    return school


def test_days_add_folded_and_unfolded(filled):
    got = {row['day']: row for row in query.rows([filled], date(2026, 9, 1), TODAY, 'day', exact=True)}
    assert got[NOV] == {'uai': filled.uai, 'day': NOV, 'visits': 42, 'visitors': 8, 'signins': 9,
                        'suppressed': False}
    assert (got[TODAY]['visits'], got[TODAY]['visitors'], got[TODAY]['signins']) == (4, 3, 1)
    assert sorted(got) == [NOV, NOV2, TODAY]


def test_months_visitors_distinct_in_the_month(filled):
    got = {row['month']: row for row in query.rows([filled], date(2026, 9, 1), TODAY, 'month', exact=True)}
    assert got[date(2026, 11, 1)]['visits'] == 44
    assert got[date(2026, 11, 1)]['visitors'] == 9                 # the folded month, not 8 + 2
    # December: mg1, mold already seen this month, plus today's mg0, mg1 (again), mg2: 4 people
    assert got[date(2026, 12, 1)]['visitors'] == 4


def test_profile_person_days_and_suppression(filled):
    exact = {row['profile']: row for row in query.rows([filled], NOV, TODAY, 'profile', exact=True)}
    assert exact['guardian']['visitors'] == 3 + 2 + 3               # person-days
    assert exact['guardian']['visits'] == 12 + 2 + 4
    hidden = {row['profile']: row for row in query.rows([filled], NOV, TODAY, 'profile')}
    assert hidden['teacher']['visits'] == 30 and hidden['teacher']['visitors'] == 5
    assert hidden['guardian']['signins'] is None and hidden['guardian']['suppressed'] is True
    assert hidden['guardian']['visits'] == 18


def test_hour_weekday_feature(filled):
    hours = {row['hour']: row for row in query.rows([filled], NOV, TODAY, 'hour', exact=True)}
    assert hours[20]['visits'] == 4 and hours[20]['visitors'] == 3 and hours[8]['visitors'] == 5
    days = {row['weekday']: row for row in query.rows([filled], NOV, TODAY, 'weekday', exact=True)}
    assert days[1]['visits'] == 42 and days[4]['visitors'] == 3     # Tuesday; Friday is today
    features = {row['feature']: row['visits'] for row in query.rows([filled], NOV, TODAY, 'feature')}
    assert features == {'homework': 30, 'blog': 14, 'home': 3, 'photos': 1, '': 0}


def test_a_folded_day_ignores_leftover_events(filled):
    event(filled, NOV, 'late', hour=19)             # left by a fold killed before its delete
    got = {row['day']: row for row in query.rows([filled], NOV, NOV, 'day', exact=True)}
    assert got[NOV]['visits'] == 42


def test_crossed_hour_profile(filled):
    got = {(row['hour'], row['profile']): row['visits']
           for row in query.crossed([filled], NOV, TODAY, 'hour', 'profile', exact=True)}
    assert got == {(8, 'teacher'): 30, (19, 'guardian'): 14, (20, 'guardian'): 4}


def test_other_schools_and_bad_input(filled, school_b):
    count(school_b.school, NOV, visits=100)
    mine = query.rows([filled], NOV, NOV, 'day', exact=True)
    assert [row['visits'] for row in mine] == [42]
    both = query.rows([filled, school_b.school], NOV, NOV, 'day', exact=True)
    assert {row['uai']: row['visits'] for row in both} == {filled.uai: 42, school_b.school.uai: 100}
    assert query.rows([filled, school_b.school], NOV, NOV, 'day', combined=True)[0]['visits'] == 142
    everyone = {row['uai'] for row in query.rows(None, NOV, NOV, 'day')}
    assert {filled.uai, school_b.school.uai, '0061234A'} <= everyone
    assert query.rows([], NOV, NOV, 'day') == []
    with pytest.raises(ValueError):
        query.rows([filled], NOV, NOV, 'user')
    with pytest.raises(ValueError):
        query.rows([filled], TODAY, NOV, 'day')


def test_accounts_created_and_activated(who):
    rows = {row['profile']: row for row in query.accounts([who.school], exact=True)}
    assert rows['guardian']['created'] >= rows['guardian']['activated'] > 0
    assert rows['director']['created'] == 1
    hidden = {row['profile']: row for row in query.accounts([who.school])}
    assert hidden['director']['created'] is None and hidden['director']['suppressed']
