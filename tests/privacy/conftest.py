"""Privacy fixtures: the demo school (zoe.dubois, a maternelle pupil, with her guardian
aurelie.dubois, the director, the admin) and the feature's clock stopped on Friday 4 December 2026."""
from datetime import timedelta

import pytest

from ecole_ent import models
from ecole_ent.models import User
from ecole_ent.privacy import service
from tests.conftest import DEMO_NOW, StoppedClock

NOW = DEMO_NOW


@pytest.fixture
def clock(monkeypatch):
    """The privacy clock stopped at NOW; clock.set(moment) moves it."""
    return StoppedClock(monkeypatch, NOW, (service, 'clock'))


class People:
    def __init__(self):
        get = lambda login: User.get(User.login == login)   # noqa: E731
        self.pupil, self.guardian = get('zoe.dubois'), get('aurelie.dubois')
        self.director, self.teacher, self.admin = get('sophie.lefevre-martin'), get('julien.roux'), get('admin')


@pytest.fixture
def people(demo, clock):
    return People()


def disable(user, days_ago):
    """`user` disabled `days_ago` days before NOW (as the sync or the director would)."""
    User.update(status='disabled', disabled_at=NOW - timedelta(days=days_ago)).where(User.id == user.id).execute()
    return User.get_by_id(user.id)


def row_counts():
    """{table: rows} of every table: what 'nothing changed' compares. Not the statistics' events
    and keys: every page view adds them, written a moment later by the recorder's thread (a
    refused form is a page view too), so their count moves by itself."""
    return {model._meta.table_name: model.select().count() for model in models.ALL_MODELS
            if model not in (models.StatsEvent, models.StatsKey)}
