"""Statistics fixtures: the reading clock stopped on the demo's day (Friday 4 December 2026), the
demo school's people, a second school (the admin tests' school_b), and helpers to write folded
counts, distinct visitors and raw events directly."""
from datetime import date

import pytest

from ecole_ent.models import StatsCount, StatsEvent, StatsVisitors, User
from ecole_ent.stats import query
from tests.admin.conftest import school_b  # noqa: F401 (a fixture: École du Port)
from tests.conftest import DEMO_NOW

TODAY = date(2026, 12, 4)


@pytest.fixture
def stats_clock(monkeypatch):
    """query.clock() stopped at the demo's moment (local time)."""
    monkeypatch.setattr(query, 'clock', lambda: DEMO_NOW)
    return DEMO_NOW


class Who:
    def __init__(self):
        get = lambda login: User.get(User.login == login)  # noqa: E731
        self.director = get('sophie.lefevre-martin')
        self.teacher = get('julien.roux')
        self.guardian = get('aurelie.dubois')
        self.pupil = get('zoe.dubois')
        self.staff = get('nadia.belkacem')
        self.admin = get('admin')
        self.school = self.director.school


@pytest.fixture
def who(demo, stats_clock):
    return Who()


def count(school, day, hour=10, profile='guardian', feature='home', device='phone', at_school=False, visits=1,
          signins=0):
    return StatsCount.create(school=school, day=day, hour=hour, profile=profile, feature=feature, device=device,
                             at_school=at_school, visits=visits, signins=signins)


def visitors(school, day, number, dimension='all', value='', period='day'):
    return StatsVisitors.create(school=school, period=period, starts_on=day, dimension=dimension, value=value,
                                visitors=number)


def event(school, day, visitor, kind='visit', hour=18, profile='guardian', feature='home', device='phone',
          at_school=False, month_visitor=None):
    return StatsEvent.create(school=school, day=day, hour=hour, kind=kind, profile=profile,
                             feature='' if kind == 'signin' else feature, device=device, at_school=at_school,
                             day_visitor=visitor, month_visitor=month_visitor or 'm' + visitor)


def members(school, role, number):
    """`number` active accounts of `role` in `school` (a profile under 5 accounts is « small »)."""
    for n in range(number):
        User.create(login=f'{school.uai.lower()}.{role}{n}', first_name='Essai', last_name=f'{role} {n}', roles=role,
                    school=school)
