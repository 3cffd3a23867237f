"""m0010: a pupil's card keeps a random seed from which its printed code is derived with the
installation's secret (directory/cards.py), so that the same card can be printed again without
storing the code itself. Cards issued before this step have no seed: their code is unknown, and
a reprint gives them a new one.

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import CharField
from playhouse.migrate import migrate


def up(migrator, db):
    migrate(migrator.add_column('pupil_card', 'seed', CharField(null=True, max_length=32)))
