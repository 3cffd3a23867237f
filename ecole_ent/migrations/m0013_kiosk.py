"""m0013_kiosk: a school may open a kiosk (a shared terminal in its hall, /kiosque), and a session
opened there is marked as a kiosk session (a short expiry after inactivity, see kiosk/).

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import BooleanField
from playhouse.migrate import migrate


def up(migrator, db):
    migrate(migrator.add_column('school', 'kiosk', BooleanField(default=False)),
            migrator.add_column('login_session', 'kiosk', BooleanField(default=False)))
