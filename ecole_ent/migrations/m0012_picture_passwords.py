"""m0012_picture_passwords: (being written for issue 18).

Frozen copies of the models as they were at this step: never import the application's models.
"""


def up(migrator, db):
    pass
