"""Class blogs: one Blog (settings) per class, its posts, comments, attachments."""
from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .accounts import Classroom, User
from .base import BaseModel, now

COMMENT_POLICIES = ('off', 'moderated', 'immediate')
VISIBILITIES = ('class', 'families', 'public')
STATES = ('pending', 'published', 'rejected')


class Blog(BaseModel):
    """Per-class settings; created on first use."""
    classroom = ForeignKeyField(Classroom, unique=True, backref='+', on_delete='CASCADE')
    comment_policy = CharField(default='moderated', max_length=10)


class Post(BaseModel):
    """A post. Readers see it when status is 'published' and publish_at has passed (scheduled
    posts are simply published with a future publish_at). Times are naive UTC."""
    classroom = ForeignKeyField(Classroom, backref='posts', on_delete='CASCADE')
    author = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    title = CharField(max_length=200)
    body_source = TextField(default='')       # the author's Markdown
    body_html = TextField(default='')         # sanitised HTML made from it
    status = CharField(max_length=10)         # STATES
    visibility = CharField(default='families', max_length=10)
    publish_at = DateTimeField(null=True)
    reject_reason = CharField(default='', max_length=300)
    moderated_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    moderated_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((('classroom', 'status', 'publish_at'), False),
                   (('visibility', 'status', 'publish_at'), False))

    @classmethod
    def live(cls, at=None):
        """Published posts whose time has come."""
        return cls.select().where((cls.status == 'published') & (cls.publish_at <= (at or now())))

    @classmethod
    def of_class(cls, classroom, visibilities, at=None):
        """Live posts of a class among these visibilities, newest first."""
        return (cls.live(at).where((cls.classroom == classroom) & cls.visibility.in_(visibilities))
                .order_by(cls.publish_at.desc(), cls.id.desc()))

    @classmethod
    def public_of_school(cls, school, at=None):
        return (cls.live(at).join(Classroom)
                .where((Classroom.school == school) & (cls.visibility == 'public'))
                .order_by(cls.publish_at.desc(), cls.id.desc()))

    @classmethod
    def waiting(cls, classroom):
        return cls.select().where((cls.classroom == classroom) & (cls.status == 'pending')) \
            .order_by(cls.created_at)

    @property
    def is_scheduled(self):
        return self.status == 'published' and self.publish_at is not None and self.publish_at > now()


class Comment(BaseModel):
    post = ForeignKeyField(Post, backref='comments', on_delete='CASCADE')
    author = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    body = TextField()                        # plain text, escaped when shown
    status = CharField(max_length=10)         # STATES
    reject_reason = CharField(default='', max_length=300)
    moderated_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    moderated_at = DateTimeField(null=True)

    class Meta:
        indexes = ((('post', 'status'), False),)

    @classmethod
    def waiting(cls, classroom):
        return (cls.select(cls, Post).join(Post)
                .where((Post.classroom == classroom) & (cls.status == 'pending'))
                .order_by(cls.created_at))


class Attachment(BaseModel):
    """A PDF or an audio file of a post, or a young pupil's camera photo the media pipeline
    re-encoded (kind 'jpg'), stored under media/blog/ by its SHA-256."""
    post = ForeignKeyField(Post, backref='attachments', on_delete='CASCADE')
    kind = CharField(max_length=4)            # files.KINDS
    name = CharField(max_length=120)          # cleaned display name
    sha256 = CharField(max_length=64, index=True)
    size = IntegerField()


__all__ = ['Blog', 'Post', 'Comment', 'Attachment', 'COMMENT_POLICIES', 'VISIBILITIES',
           'STATES']
