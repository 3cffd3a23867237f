"""Cahier de liaison fixtures: the demo school's people around the CP-CE1 class (the homework's
People), a pupil of it with two separated guardians, and the feature's clock stopped on Friday 4
December 2026 (10:00 in Paris)."""
from datetime import timedelta

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.liaison import notes, service
from ecole_ent.models import GuardianLink, User
from tests.conftest import DEMO_NOW
from tests.homework.conftest import People as HomeworkPeople

NOW = DEMO_NOW


class People(HomeworkPeople):
    """julien.roux teaches CP-CE1; `two` is a pupil of it with two guardians (mother and father,
    each with their own account), `one` a pupil with a single guardian."""

    def __init__(self):
        super().__init__()
        pupils = accounts.pupils_of(self.cp)
        by_pupil = {}
        for link in GuardianLink.select().where(GuardianLink.pupil.in_([p.id for p in pupils])):
            by_pupil.setdefault(link.pupil_id, []).append(link.guardian_id)
        self.two = next(p for p in pupils if len(by_pupil.get(p.id, ())) == 2)
        self.one = next(p for p in pupils if len(by_pupil.get(p.id, ())) == 1)
        self.mother, self.father = (User.get_by_id(g) for g in sorted(by_pupil[self.two.id]))
        self.lone = User.get_by_id(by_pupil[self.one.id][0])
        self.cp_pupils = pupils


@pytest.fixture
def clock(monkeypatch):
    """The liaison's clock stopped at NOW; clock.set(moment) moves it, clock.days(n) n days on."""
    class Clock:
        at = NOW

        def set(self, moment):
            self.at = moment
            monkeypatch.setattr(service, 'clock', lambda: moment)

        def days(self, number, hours=0):
            self.set(NOW + timedelta(days=number, hours=hours))
    stopped = Clock()
    stopped.set(NOW)
    return stopped


@pytest.fixture
def people(demo, clock):
    return People()


def send(user, files=(), **values):
    """A note of julien.roux's class by default: kind sign, a title and a text."""
    values.setdefault('kind', 'sign')
    values.setdefault('title', 'Sortie au musée')
    values.setdefault('body', 'Merci de **signer** ce mot.')
    values.setdefault('when', 'now')
    note, _warnings = notes.send(user, values, files)
    return note
