"""Homework fixtures: the demo school's people around the CP-CE1 class (the blog's People, plus a
pupil of each niveau), a second school (the admin tests' school_b), and the feature's clock
stopped on Friday 4 December 2026."""

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.homework import access, service
from ecole_ent.models import User
from tests.admin.conftest import school_b  # noqa: F401 (a fixture: École du Port)
from tests.blog.conftest import People as BlogPeople
from tests.conftest import DEMO_NOW

NOW = DEMO_NOW                           # naive UTC: Friday 4 December 2026, 10:00 in Paris


class People(BlogPeople):
    """The blog's people (teacher julien.roux of CP-CE1, the director, staff, guardians...), and
    a CP pupil, a CE1 pupil, and ines.haddad who teaches CE2-CM1-CM2."""

    def __init__(self):
        super().__init__()
        by_niveau = {access.niveau_of(p, self.cp): p for p in reversed(accounts.pupils_of(self.cp))}
        self.cp_pupil, self.ce1_pupil = by_niveau['CP'], by_niveau['CE1']
        self.big_teacher = User.get(User.login == 'ines.haddad')
        self.admin = User.get(User.login == 'admin')


@pytest.fixture
def clock(monkeypatch):
    """The homework's clock stopped at NOW; clock.set(moment) moves it."""
    class Clock:
        def set(self, moment):
            monkeypatch.setattr(service, 'clock', lambda: moment)
    stopped = Clock()
    stopped.set(NOW)
    return stopped


@pytest.fixture
def people(demo, clock):
    return People()
