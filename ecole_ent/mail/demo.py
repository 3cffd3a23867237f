"""Mail settings for the demo school: every guardian has an address under example.org (those the
families' seeding left without one get login@example.org), julien.roux keeps quiet hours from
19:00 to 07:30, the director and some families chose the daily digest, one family hides titles.

The relay stays unconfigured (smtp.host empty): the demo never tries to send, and its
notifications wait, then are forgotten (delivery.py). Accounts keep their logins, names and
passwords. Its own random generator, never demo.rng; it runs inside demo.seed()'s transaction."""
import random

from ..models import MailPreference, User

SEED = 2525
DIGEST_SHARE = 0.25          # of the guardians
README_FAMILY = ('aurelie.dubois', 'thomas.dubois')     # the README's family keeps the defaults
DEFAULTS = {'mode': 'immediate', 'hide_content': False, 'quiet_from': None, 'quiet_until': None}


def seed(demo):
    rng = random.Random(SEED)
    for guardian in demo.guardians:
        if not guardian.email:
            guardian.email = f'{guardian.login}@example.org'
            User.update(email=guardian.email).where(User.id == guardian.id).execute()
    rows = {}
    teacher = next((t for t in demo.teachers if t.login == 'julien.roux'), demo.teachers[0])
    rows[teacher.id] = {'quiet_from': '19:00', 'quiet_until': '07:30'}
    if demo.director is not None:
        rows[demo.director.id] = {'mode': 'digest', 'quiet_from': '20:00', 'quiet_until': '07:00'}
    others = [g for g in demo.guardians if g.login not in README_FAMILY]
    for guardian in rng.sample(others, round(len(others) * DIGEST_SHARE)):
        rows[guardian.id] = {'mode': 'digest'}
    hidden = rng.choice([g for g in others if g.id not in rows])
    rows[hidden.id] = {'hide_content': True}
    MailPreference.insert_many([{'user': user_id, **DEFAULTS, **values}
                                for user_id, values in rows.items()]).execute()
