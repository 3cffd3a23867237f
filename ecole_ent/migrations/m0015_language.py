"""m0015_language: each user may choose the interface's language on their account page (None: the
browser's Accept-Language, or the switcher's choice before sign-in).

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import CharField
from playhouse.migrate import migrate


def up(migrator, db):
    migrate(migrator.add_column('user', 'language', CharField(null=True, max_length=5)))
