"""A class album with three photos: one showing only pupils with consent, one tagging a pupil
whose consent is refused, one tagging a pupil whose consent is unknown; and the people around."""
import io
import re
from dataclasses import dataclass

import pytest
from PIL import Image

from ecole_ent.accounts import service as accounts
from ecole_ent.models import Classroom, GuardianLink, User
from ecole_ent.photos import service
from tests.conftest import Client


def jpeg(color, size=(640, 480)):
    out = io.BytesIO()
    Image.new('RGB', size, color).save(out, 'JPEG')
    return out.getvalue()


def guardians_of(pupil):
    return [link.guardian for link in GuardianLink.select().where(GuardianLink.pupil == pupil)]


def only_guardian_of(pupil, others):
    """A guardian of pupil who is guardian of none of `others`."""
    other_ids = {o.id for o in others}
    for guardian in guardians_of(pupil):
        children = {link.pupil_id for link in GuardianLink.select().where(GuardianLink.guardian == guardian)}
        if not children & other_ids:
            return guardian
    raise AssertionError(f'no guardian of {pupil.login} outside {other_ids}')


@dataclass
class Scene:
    classroom: Classroom
    other_class: Classroom
    album: object
    open: object          # tags only a pupil with consent granted
    refused: object       # tags a pupil whose consent is refused
    unknown: object       # tags a pupil whose consent is unknown
    pupils: dict          # 'granted' | 'refused' | 'unknown' -> pupil of the class
    people: dict          # role name -> User

    def client(self, app, who):
        client = Client(app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
        if who != 'anonymous':
            assert client.login(self.people[who].login).status_int == 303
        return client

    def set_consent(self, which, value):
        User.update(image_rights=value).where(User.id == self.pupils[which].id).execute()


@pytest.fixture
def scene(demo, demo_app):
    teacher = demo.teacher                                   # julien.roux teaches CP-CE1
    classroom = Classroom.get(Classroom.name == 'CP-CE1')
    other_class = Classroom.get(Classroom.name == 'CE2-CM1-CM2')
    pupils = accounts.pupils_of(classroom)
    granted, refused, unknown = pupils[0], pupils[1], pupils[2]
    for pupil, value in ((granted, 'granted'), (refused, 'refused'), (unknown, 'unknown')):
        User.update(image_rights=value).where(User.id == pupil.id).execute()
    album = service.create_album(teacher, classroom.id, 'Sortie au parc')
    added, refused_files = service.add_photos(teacher, album, [
        ('parc.jpg', io.BytesIO(jpeg((200, 30, 30)))), ('refus.jpg', io.BytesIO(jpeg((30, 200, 30)))),
        ('inconnu.jpg', io.BytesIO(jpeg((30, 30, 200))))])
    assert refused_files == []
    open_photo, refused_photo, unknown_photo = added
    service.update_photo(teacher, open_photo.id, 'Au parc', [granted.id])
    service.update_photo(teacher, refused_photo.id, 'Le toboggan', [granted.id, refused.id])
    service.update_photo(teacher, unknown_photo.id, 'La balançoire', [unknown.id])
    other_pupil = accounts.pupils_of(other_class)[0]
    people = {
        'teacher': teacher,
        'pupil': granted,
        'refused_pupil': refused,
        'guardian': only_guardian_of(granted, [refused, unknown]),
        'guardian_of_refused': only_guardian_of(refused, [unknown]),
        'guardian_of_unknown': only_guardian_of(unknown, [refused]),
        'director': demo.director,                          # teaches CE2-CM1-CM2, not this class
        'admin': demo.admin,
        'other_pupil': other_pupil,
        'other_guardian': next(g for g in guardians_of(other_pupil)
                               if classroom.id not in accounts.visible_class_ids(g)),
        'other_teacher': User.get(User.login == 'ines.haddad'),
    }
    return Scene(classroom, other_class, album, open_photo, refused_photo, unknown_photo,
                 {'granted': granted, 'refused': refused, 'unknown': unknown}, people)


def media_urls(html):
    return set(re.findall(r'/media/([0-9a-f]{64})\.jpg', html))
