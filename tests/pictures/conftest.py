"""Picture passwords' fixtures: the demo school, whose maternelle class (Claire Fontaine's) signs in
with pictures; CP-CE1 (julien.roux, zoe.dubois) does not; and helpers to walk the sign-in."""
import re

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.models import Classroom, User
from ecole_ent.pictures import service
from ecole_ent.pictures.catalogue import PICTURES
from tests.admin.conftest import school_b  # noqa: F401 (a fixture: École du Port)
from tests.conftest import Client
from tests.homework.test_browser import open_page  # noqa: F401 (a fixture: a browser page on the live server)
from tests.test_proxy import behind_proxy  # noqa: F401 (a fixture: a real server behind the trusted proxy)

SCHOOL = '10.0.0.5'          # a classroom PC, in the default school networks
OUTSIDE = '203.0.113.9'      # an Internet client (documentation range)


class People:
    def __init__(self):
        get = lambda login: User.get(User.login == login)   # noqa: E731
        self.small = Classroom.get(Classroom.name == 'Maternelle PS-MS-GS')
        self.cp = Classroom.get(Classroom.name == 'CP-CE1')
        self.small_teacher, self.teacher = get('claire.fontaine'), get('julien.roux')
        self.director, self.admin = get('sophie.lefevre-martin'), get('admin')
        self.small_pupil, self.small_pupil2 = accounts.pupils_of(self.small)[:2]
        self.cp_pupil = accounts.pupils_of(self.cp)[0]
        self.guardian, self.staff = get('aurelie.dubois'), get('nadia.belkacem')
        self.other_teacher = get('ines.haddad')


@pytest.fixture
def people(demo):
    return People()


def pupil_client(app, address=SCHOOL):
    return Client(app, extra_environ={'REMOTE_ADDR': address})


def wrong_sequence(names):
    """Three pictures that are not `names` (the same set, another order)."""
    return [names[1], names[2], names[0]]


def post_pictures(client, login, names, status='*'):
    """The last step of the sign-in: POST /images with login, images and the page's CSRF token."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get('/images').text).group(1)
    return client.post('/images', {'csrf_token': token, 'login': login, 'images': ','.join(names)},
                       status=status, expect_errors=True)


def sequence(pupil):
    return service.sequence_for(pupil)


ALL = list(PICTURES)
