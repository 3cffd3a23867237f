"""m0016_photo_dates: an index of each album's photos by date, for the count of the photos added
since a family's last visit on the guardian home (photos.service._new_for_guardian).

Frozen copies of the models as they were at this step: never import the application's models.
"""
from playhouse.migrate import migrate


def up(migrator, db):
    migrate(migrator.add_index('photo', ('album_id', 'created_at'), False))
