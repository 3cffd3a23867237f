"""School calendar fixtures: the data folder's holiday file, a fixed today, and people around the
demo school (zone B, UAI 0061234A) and a second school."""
import html
import re

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.models import GuardianLink, User
from ecole_ent.school_calendar import service

HEADER = 'date,vacances_zone_a,vacances_zone_b,vacances_zone_c,nom_vacances\n'


@pytest.fixture
def data_file(config):
    """write(text or bytes): the data folder's vacances-scolaires.csv, as an admin puts it."""
    path = config.data_dir / 'vacances-scolaires.csv'

    def write(content):
        path.write_bytes(content.encode('utf-8') if isinstance(content, str) else content)
        return path
    return write


@pytest.fixture
def on_day(monkeypatch):
    """on_day(date): the school calendar's today for the rest of the test."""
    return lambda day: monkeypatch.setattr(service, 'today', lambda: day)


def rows(start, end, zones, name=''):
    """CSV lines from start to end (ISO text), each zone True for every day."""
    from datetime import date, timedelta
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return ''.join(f'{first + timedelta(days=n)},' + ','.join(zones) + f',{name}\n'
                   for n in range((last - first).days + 1))


class People:
    """The demo school's director, a teacher, a pupil and a guardian; another school's director."""

    def __init__(self):
        self.school = accounts.ensure_school('0061234A', 'ignored: the demo school exists')
        self.director = User.get(User.login == 'sophie.lefevre-martin')
        self.teacher = User.get(User.login == 'julien.roux')
        self.admin = User.get(User.login == 'admin')
        self.pupil = User.with_role('pupil').where(User.school == self.school).order_by(User.login).first()
        self.guardian = User.select().join(GuardianLink, on=GuardianLink.guardian).where(
            GuardianLink.pupil == self.pupil).first()
        self.other_school = accounts.ensure_school('0139999Z', 'École du Vieux-Port')
        self.other_director = User.create(
            login='marc.durand', first_name='Marc', last_name='Durand', roles='director,teacher',
            school=self.other_school)


@pytest.fixture
def people(demo):
    return People()


def text(response):
    return html.unescape(re.sub(r'\s+', ' ', re.sub(r'<[^>]+>', ' ', response.text)))
