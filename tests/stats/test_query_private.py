"""query._protect, the one rule of the rows keyed by a profile: a profile with fewer than 5 accounts
in the school shows no figure at all (its figures are a person's), and a figure hidden alone in a
group is not recovered by subtracting the shown ones from the total."""
from datetime import date

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.stats import query
from tests.stats.conftest import event, members

NOV = date(2026, 11, 10)


@pytest.fixture
def school(who):
    school = accounts.ensure_school('0061111X', 'École des Essais')
    members(school, 'director', 1)
    members(school, 'guardian', 30)
    members(school, 'teacher', 8)
    members(school, 'staff', 7)
    return school


def test_a_profile_of_one_person_shows_no_figure_even_a_large_one(school):
    for _n in range(40):
        event(school, NOV, 'd1', profile='director', hour=22)
    for n in range(12):
        event(school, NOV, f'g{n}', profile='guardian', hour=19)
    for n in range(9):
        event(school, NOV, f't{n}', profile='teacher', hour=19)
    director = next(r for r in query.rows([school], NOV, NOV, 'profile') if r['profile'] == 'director')
    assert (director['visits'], director['visitors'], director['signins'], director['suppressed']) == (
        None, None, None, True)
    hour22 = next(r for r in query.crossed([school], NOV, NOV, 'hour', 'profile') if r['hour'] == 22)
    assert hour22['visits'] is None and hour22['suppressed']
    by_month = {r['profile']: r for r in query.month_visitors_by_profile([school], NOV, NOV)}
    assert by_month['director']['visitors'] is None
    exact = next(r for r in query.rows([school], NOV, NOV, 'profile', exact=True) if r['profile'] == 'director')
    assert exact['visits'] == 40


def test_a_hidden_figure_is_not_recovered_by_subtraction(school):
    for n in range(10):
        event(school, NOV, f'g{n}', profile='guardian')
    for n in range(2):
        event(school, NOV, f't{n}', profile='teacher')
    for n in range(7):
        event(school, NOV, f's{n}', profile='staff')
    total = query.rows([school], NOV, NOV, 'month')[0]['visitors']
    by_profile = {r['profile']: r['visitors'] for r in query.month_visitors_by_profile([school], NOV, NOV)}
    assert total == 19 and by_profile == {'guardian': 10, 'teacher': None, 'staff': None}   # 7 hidden too
    rows = {r['profile']: r['visits'] for r in query.rows([school], NOV, NOV, 'profile')}
    assert rows == {'guardian': 10, 'teacher': None, 'staff': None}


def test_two_hidden_figures_need_no_third(school):
    for n in range(10):
        event(school, NOV, f'g{n}', profile='guardian')
    event(school, NOV, 'd', profile='director')
    for n in range(2):
        event(school, NOV, f't{n}', profile='teacher')
    rows = {r['profile']: r['visits'] for r in query.rows([school], NOV, NOV, 'profile')}
    assert rows == {'director': None, 'guardian': 10, 'teacher': None}
