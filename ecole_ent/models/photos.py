"""Class photo albums, their photos (three stored renditions each) and the pupils tagged on them."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField

from .accounts import Classroom, User
from .base import BaseModel, now


class Album(BaseModel):
    classroom = ForeignKeyField(Classroom, backref='albums', on_delete='CASCADE')
    title = CharField(max_length=200)
    created_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    updated_at = DateTimeField(default=now)

    @classmethod
    def of_class(cls, classroom):
        return cls.select().where(cls.classroom == classroom).order_by(cls.created_at.desc(), cls.id.desc())


class Photo(BaseModel):
    album = ForeignKeyField(Album, backref='photos', on_delete='CASCADE')
    caption = CharField(default='', max_length=500)        # also the image's alt text
    original_name = CharField(default='', max_length=255)  # as uploaded: shown to teachers only
    full = CharField(max_length=64)                        # sha256 names of the stored JPEGs
    display = CharField(max_length=64)
    thumb = CharField(max_length=64)
    width = IntegerField()                                 # of the full size
    height = IntegerField()
    source_sha256 = CharField(max_length=64)               # of the upload: a re-upload is skipped
    uploaded_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')

    class Meta:
        # album, created_at: the photos of an album since a date (photos.service's « N nouvelles photos »)
        indexes = ((('album', 'source_sha256'), True), (('album', 'created_at'), False))

    def digests(self):
        return (self.full, self.display, self.thumb)

    def fitted(self, edge):
        """(width, height) of this photo scaled into edge x edge: the thumbnail's is fitted(400)."""
        ratio = min(1, edge / max(self.width, self.height))
        return max(1, round(self.width * ratio)), max(1, round(self.height * ratio))

    @classmethod
    def in_album(cls, album):
        return cls.select().where(cls.album == album).order_by(cls.created_at, cls.id)

    @classmethod
    def hidden_by_consent(cls, restricted_consents, allowed_pupils=()):
        """Ids of photos tagged with a pupil whose consent is in restricted_consents (None
        standing for 'never set'), other than allowed_pupils (a guardian's own children)."""
        consent = User.image_rights.in_([c for c in restricted_consents if c])
        if None in restricted_consents:
            consent |= User.image_rights.is_null()
        query = (PhotoTag.select(PhotoTag.photo).join(User, on=(PhotoTag.pupil == User.id))
                 .where(consent))
        if allowed_pupils:
            query = query.where(User.id.not_in(list(allowed_pupils)))
        return query

    @classmethod
    def with_digest(cls, digest):
        return cls.select().where((cls.full == digest) | (cls.display == digest) | (cls.thumb == digest))


class PhotoTag(BaseModel):
    """A pupil a teacher tagged on a photo: the pupil's image-rights consent then applies to it."""
    photo = ForeignKeyField(Photo, backref='tags', on_delete='CASCADE')
    pupil = ForeignKeyField(User, backref='photo_tags', on_delete='CASCADE')

    class Meta:
        indexes = ((('photo', 'pupil'), True),)
