"""Blog fixtures: the demo school's people, seen from the CP-CE1 class."""
import html
import re

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.models import Classroom, GuardianLink, Teaching, User
from tests.conftest import Client, redirected_to

UAI = '0061234A'


class People:
    """Who is who around the CP-CE1 class of the demo school."""

    def __init__(self):
        self.cp = Classroom.get(Classroom.name == 'CP-CE1')
        self.big = Classroom.get(Classroom.name == 'CE2-CM1-CM2')
        self.teacher = User.get(User.login == 'julien.roux')
        self.other_teacher = User.get(User.login == 'claire.fontaine')
        self.director = User.get(User.login == 'sophie.lefevre-martin')
        cp_pupils = list(accounts.pupils_of(self.cp))
        self.pupil, self.pupil2 = cp_pupils[0], cp_pupils[1]
        self.other_pupil = accounts.pupils_of(self.big)[0]
        cp_ids = {p.id for p in cp_pupils}
        self.guardian = User.select().join(GuardianLink, on=GuardianLink.guardian).where(
            GuardianLink.pupil == self.pupil).first()
        self.other_guardian = next(
            g for g in User.with_role('guardian').order_by(User.login)
            if not {p.id for p, _c in accounts.children_of(g)} & cp_ids)
        self.staff = User.get(User.login == 'nadia.belkacem')
        self.staff_class = Classroom.select().join(Teaching).where(Teaching.teacher == self.staff).get()


@pytest.fixture
def people(demo):
    return People()


@pytest.fixture
def as_user(demo_app):
    """as_user(user) -> a signed-in WebTest client."""
    def sign_in(user):
        client = Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
        assert redirected_to(client.login(user.login)) == '/'
        return client
    return sign_in


@pytest.fixture
def anonymous(demo_app):
    return Client(demo_app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})


def text(response):
    return html.unescape(re.sub(r'\s+', ' ', response.text))


def csrf_of(response):
    return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)


def send(client, path, fields=None, files=(), status=None):
    """POST a form with the session's CSRF token; files: [(field, name, bytes)]; status '*' = any."""
    params = dict(fields or {})
    if not hasattr(client, 'token'):
        client.token = client.csrf('/')
    params['csrf_token'] = client.token
    return client.post(path, params, upload_files=list(files) or None, status=status,
                       expect_errors=status == '*' or (isinstance(status, int) and status >= 400))


PDF = (b'%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>'
       b'endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n')
MP3 = b'ID3\x03\x00\x00\x00\x00\x00\x0f' + b'\x00' * 15 + b'\xff\xfb\x90\x64' + b'\x00' * 400
OGG = b'OggS\x00\x02' + b'\x00' * 200
M4A = b'\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00M4A mp42isom' + b'\x00' * 200
