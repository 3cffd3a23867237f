"""Young pupils' space fixtures: the demo school's CP-CE1 class seen from a CP pupil (young) and a
CE1 pupil (not young), real recordings made by Chromium's fake microphone (data/), a camera photo."""
import io
from pathlib import Path

import pytest
from PIL import Image

from ecole_ent.models import Enrolment
from tests.blog.conftest import People as BlogPeople

DATA = Path(__file__).parent / 'data'
VOICE = (DATA / 'voice.webm').read_bytes()      # MediaRecorder, audio/webm;codecs=opus, 1.5 s
FILM = (DATA / 'film.webm').read_bytes()        # MediaRecorder, video/webm (its first 4 KB)


def camera_jpeg(size=(1200, 900)):
    """A phone-like photo with EXIF (a GPS-ish comment in the description) that must not survive."""
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = 'GPS 43.70,7.26'
    Image.new('RGB', size, (200, 120, 40)).save(out, 'JPEG', exif=exif)
    return out.getvalue()


class People(BlogPeople):
    """The blog's people, plus young (a CP pupil of CP-CE1) and older (a CE1 pupil there)."""

    def __init__(self):
        super().__init__()
        rows = list(Enrolment.select().where((Enrolment.classroom == self.cp) & Enrolment.ended_on.is_null())
                    .order_by(Enrolment.id))
        self.young = next(row.pupil for row in rows if row.niveau == 'CP')
        self.older = next(row.pupil for row in rows if row.niveau == 'CE1')
        self.guardian_of_young = guardian_of(self.young)


def guardian_of(pupil):
    from ecole_ent.models import GuardianLink
    return GuardianLink.select().where(GuardianLink.pupil == pupil).first().guardian


@pytest.fixture
def people(demo):
    return People()
