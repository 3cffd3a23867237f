"""Parent messaging and the cahier de liaison: threads and their messages, the notes to families
with one receipt per (pupil, guardian), and each school's read-only switch.

Read receipts are rows: a MessageReceipt per recipient of a message, a NoteReceipt per legal
guardian of each pupil a note is for (read_at is the first opening; never moved afterwards)."""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .accounts import Classroom, School, User
from .base import BaseModel, now


class Thread(BaseModel):
    """A conversation between its members (ThreadMember). At most one guardian is a member of a
    thread, so a guardian never writes to another guardian (messages/access.py). A message to a
    whole class is one thread per guardian, sharing `batch`."""
    school = ForeignKeyField(School, backref='+', on_delete='CASCADE')
    subject = CharField(max_length=200)
    created_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    last_message_at = DateTimeField(default=now, index=True)   # the newest message's send_at
    batch = CharField(null=True, max_length=32, index=True)


class ThreadMember(BaseModel):
    thread = ForeignKeyField(Thread, backref='members', on_delete='CASCADE')
    user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    archived = BooleanField(default=False)

    class Meta:
        table_name = 'thread_member'
        indexes = ((('thread', 'user'), True), (('user', 'thread'), False))


class Message(BaseModel):
    """A message of a thread: readers see it once send_at (naive UTC) has passed; recalled_at set
    means its author took it back (within the hour, while unread) and nobody else sees it."""
    thread = ForeignKeyField(Thread, backref='messages', on_delete='CASCADE')
    author = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    body = TextField()
    send_at = DateTimeField(default=now)
    recalled_at = DateTimeField(null=True)

    class Meta:
        indexes = ((('thread', 'send_at'), False), (('author', 'created_at'), False))


class MessageFile(BaseModel):
    """A file of a message: a PDF stored as sent, or an image through the media pipeline
    (kind 'jpg'); see media/attachments.py."""
    message = ForeignKeyField(Message, backref='files', on_delete='CASCADE')
    kind = CharField(max_length=4)
    name = CharField(max_length=120)
    sha256 = CharField(max_length=64, index=True)
    size = IntegerField()

    class Meta:
        table_name = 'message_file'


class MessageReceipt(BaseModel):
    """One recipient of a message (every member but its author); read_at: when they first saw it."""
    message = ForeignKeyField(Message, backref='receipts', on_delete='CASCADE')
    user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    read_at = DateTimeField(null=True)

    class Meta:
        table_name = 'message_receipt'
        indexes = ((('message', 'user'), True), (('user', 'read_at'), False))


NOTE_KINDS = ('info', 'sign', 'answer')
ANSWERS = ('oui', 'non')
CHANNELS = ('web', 'paper')


class Note(BaseModel):
    """A note of the cahier de liaison, to the guardians of some pupils of a class (classroom set)
    or of the whole school (classroom null: the director's). Its receipts say who it went to."""
    school = ForeignKeyField(School, backref='+', on_delete='CASCADE')
    classroom = ForeignKeyField(Classroom, null=True, backref='notes', on_delete='CASCADE')
    author = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    kind = CharField(max_length=6)                      # NOTE_KINDS
    title = CharField(max_length=200)
    body_source = TextField(default='')                 # the author's Markdown
    body_html = TextField(default='')                   # sanitised (blog.markup)
    niveaux = CharField(default='', max_length=60)      # as chosen when sent ('' = not by niveau)
    deadline = DateField(null=True)
    remind_days = IntegerField(null=True)               # automatic reminder so many days before
    reminded_at = DateTimeField(null=True)              # the automatic reminder went out
    urgent = BooleanField(default=False)                # director's school-wide note: no quiet hours
    send_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = ((('classroom', 'send_at'), False), (('school', 'send_at'), False))


class NoteFile(BaseModel):
    note = ForeignKeyField(Note, backref='files', on_delete='CASCADE')
    kind = CharField(max_length=4)
    name = CharField(max_length=120)
    sha256 = CharField(max_length=64, index=True)
    size = IntegerField()

    class Meta:
        table_name = 'note_file'


class NoteReceipt(BaseModel):
    """A note for one pupil, as one legal guardian reads and signs it; a pupil without a guardian
    account has one row with guardian null, for the paper slip. channel: 'web' or 'paper' once
    signed (or answered), null before; recorded_by: who recorded a paper signature."""
    note = ForeignKeyField(Note, backref='receipts', on_delete='CASCADE')
    pupil = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    guardian = ForeignKeyField(User, null=True, backref='+', on_delete='CASCADE')
    read_at = DateTimeField(null=True)
    signed_at = DateTimeField(null=True)
    answer = CharField(null=True, max_length=3)         # ANSWERS, for a note to answer
    comment = TextField(default='')
    channel = CharField(null=True, max_length=5)        # CHANNELS
    recorded_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    reminded_at = DateTimeField(null=True)              # the last reminder to this guardian

    class Meta:
        table_name = 'note_receipt'
        indexes = ((('note', 'pupil', 'guardian'), True), (('guardian', 'note'), False))


class MessagingSwitch(BaseModel):
    """A school's messaging put in read-only mode (no new message or note) by its director or the
    admin; no row means open."""
    school = ForeignKeyField(School, unique=True, backref='+', on_delete='CASCADE')
    read_only = BooleanField(default=False)
    changed_by = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    changed_at = DateTimeField(default=now)

    class Meta:
        table_name = 'messaging_switch'


__all__ = ['Thread', 'ThreadMember', 'Message', 'MessageFile', 'MessageReceipt', 'Note', 'NoteFile',
           'NoteReceipt', 'MessagingSwitch', 'NOTE_KINDS', 'ANSWERS', 'CHANNELS']
