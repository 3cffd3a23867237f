"""Messaging fixtures: the demo school's people (the homework's People: teacher julien.roux of
CP-CE1, the director, staff nadia.belkacem, guardians, pupils, the admin), a second school, and
the feature's clock stopped on Friday 4 December 2026 (10:00 in Paris)."""
import pytest

from ecole_ent.messages import service
from ecole_ent.models import Message, MessageFile, MessageReceipt, Thread, ThreadMember
from tests.conftest import DEMO_NOW
from tests.homework.conftest import People as HomeworkPeople
from tests.homework.conftest import school_b  # noqa: F401 (a fixture: École du Port)
from tests.homework.test_browser import open_page  # noqa: F401 (a fixture: a phone-sized browser page)

NOW = DEMO_NOW


class People(HomeworkPeople):
    """Who is who around CP-CE1 (tests/homework/conftest.py), seen by messaging."""


@pytest.fixture
def clock(monkeypatch):
    """The messaging's (and the homework's) clock stopped at NOW; clock.set(moment) moves it."""
    from ecole_ent.homework import service as homework

    class Clock:
        def set(self, moment):
            self.now = moment
            monkeypatch.setattr(service, 'clock', lambda: moment)
            monkeypatch.setattr(homework, 'clock', lambda: moment)
    stopped = Clock()
    stopped.set(NOW)
    return stopped


@pytest.fixture
def people(demo, clock):
    """The demo's people with an empty mailbox (the demo's own messages: test_demo.py)."""
    for model in (MessageReceipt, MessageFile, Message, ThreadMember, Thread):
        model.delete().execute()
    return People()
