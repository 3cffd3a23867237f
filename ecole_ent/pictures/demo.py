"""The demo school's maternelle class signs in with pictures (its pupils' seeds from this feature's
own random generator; the accounts themselves are unchanged)."""
import random

from ..models import now
from ..models.pictures import PictureClass, PicturePassword


def seed(demo):
    rng = random.Random(1812)
    classroom = next((c for c in demo.classes if 'PS' in c.niveau_list), None)
    if classroom is None:
        return
    teacher = demo.teachers[0] if demo.teachers else None
    PictureClass.create(classroom=classroom, enabled_by=teacher)
    for pupil, pupil_class in demo.pupils:
        if pupil_class.id == classroom.id:
            PicturePassword.create(pupil=pupil, seed=f'{rng.getrandbits(128):032x}', issued_by=teacher,
                                   issued_at=now())
