"""The figures read the same before and after the nightly fold: query.py's reading of the events
not folded yet agrees with stats/fold.py's counts and distinct visitors, for every grouping,
across the end of a month."""
from datetime import date

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.stats import fold, query
from tests.stats.conftest import TODAY, event

START = date(2026, 11, 27)


@pytest.fixture
def school(who):
    return accounts.ensure_school('0061111X', 'École des Essais')


def test_folding_changes_no_figure(school):
    people = [f'p{n}' for n in range(9)]
    for offset, day in enumerate((date(2026, 11, 27), date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 3), TODAY)):
        for n, person in enumerate(people[offset:offset + 6]):
            profile = ('guardian', 'teacher', 'pupil')[n % 3]
            month = f'{person}-{day.month}'          # the month's hash of the person
            event(school, day, f'{person}-{day}', kind='signin', hour=7 + n, profile=profile, device='phone',
                  month_visitor=month)
            for feature in ('home', 'blog', 'photos')[:1 + n % 3]:
                event(school, day, f'{person}-{day}', hour=7 + n, profile=profile, feature=feature,
                      device=('phone', 'computer')[n % 2], at_school=n % 2 == 1, month_visitor=month)
    before = {by: query.rows([school], START, TODAY, by, exact=True) for by in query.GROUPINGS}
    crossed = query.crossed([school], START, TODAY, 'hour', 'profile', exact=True)
    by_profile = query.month_visitors_by_profile([school], START, TODAY, exact=True)
    assert before['month'][0]['visitors'] == 7 and before['day'][0]['visitors'] == 6
    done = fold.run(today=TODAY)
    assert done['days'] == 4 and done['months'] == 1
    for by in query.GROUPINGS:
        assert query.rows([school], START, TODAY, by, exact=True) == before[by], by
    assert query.crossed([school], START, TODAY, 'hour', 'profile', exact=True) == crossed
    assert query.month_visitors_by_profile([school], START, TODAY, exact=True) == by_profile
