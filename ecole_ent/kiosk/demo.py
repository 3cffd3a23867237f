"""The demo school opens its kiosk: /kiosque, from the school network (127.0.0.1 on a trial
installation), signs in aurelie.dubois (password demo) or a pupil's card. Nothing is drawn at
random, and no account, family or class changes."""
from ..models import School


def seed(demo):
    School.update(kiosk=True).where(School.id == demo.school.id).execute()
