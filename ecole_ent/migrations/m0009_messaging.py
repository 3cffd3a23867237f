"""m0009: parent messaging and the cahier de liaison (threads, messages, notes, their files and
receipts, the read-only switch) and e-mail (notification settings, notifications, the outbox,
forgotten-password links).

Frozen copies of the models as they were at this step: never import the application's models.
"""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .frozen import base, now, stub


def up(migrator, db):
    Base = base(db)
    School, Classroom, User = stub(Base, 'school'), stub(Base, 'classroom'), stub(Base, 'user')

    class MailPreference(Base):
        user = ForeignKeyField(User, unique=True, on_delete='CASCADE')
        mode = CharField(default='immediate', max_length=10)
        hide_content = BooleanField(default=False)
        quiet_from = CharField(null=True, max_length=5)
        quiet_until = CharField(null=True, max_length=5)
        unsubscribe_generation = IntegerField(default=0)
        digest_sent_at = DateTimeField(null=True)
        updated_at = DateTimeField(default=now)

        class Meta:
            table_name = 'mail_preference'

    class Notification(Base):
        user = ForeignKeyField(User, on_delete='CASCADE')
        kind = CharField(max_length=12)
        title = CharField(max_length=200)
        url = CharField(max_length=300)
        urgent = BooleanField(default=False)
        due_at = DateTimeField(default=now)
        mailed_at = DateTimeField(null=True)

        class Meta:
            table_name = 'notification'
            indexes = ((('mailed_at', 'due_at'), False), (('user', 'mailed_at'), False))

    class OutboxMail(Base):
        to = CharField(max_length=200)
        user = ForeignKeyField(User, null=True, on_delete='SET NULL')
        subject = CharField(max_length=300)
        body_text = TextField()
        body_html = TextField(default='')
        headers = TextField(default='{}')
        message_id = CharField(unique=True, max_length=200)
        state = CharField(default='pending', max_length=8)
        attempts = IntegerField(default=0)
        next_try = DateTimeField(default=now)
        last_error = TextField(default='')
        sent_at = DateTimeField(null=True)

        class Meta:
            table_name = 'mail_outbox'
            indexes = ((('state', 'next_try'), False),)

    class PasswordReset(Base):
        user = ForeignKeyField(User, on_delete='CASCADE')
        token_hash = CharField(unique=True, max_length=64)
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)

        class Meta:
            table_name = 'password_reset'

    class Thread(Base):
        school = ForeignKeyField(School, on_delete='CASCADE')
        subject = CharField(max_length=200)
        created_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        last_message_at = DateTimeField(default=now, index=True)
        batch = CharField(null=True, max_length=32, index=True)

        class Meta:
            table_name = 'thread'

    class ThreadMember(Base):
        thread = ForeignKeyField(Thread, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        archived = BooleanField(default=False)

        class Meta:
            table_name = 'thread_member'
            indexes = ((('thread', 'user'), True), (('user', 'thread'), False))

    class Message(Base):
        thread = ForeignKeyField(Thread, on_delete='CASCADE')
        author = ForeignKeyField(User, null=True, on_delete='SET NULL')
        body = TextField()
        send_at = DateTimeField(default=now)
        recalled_at = DateTimeField(null=True)

        class Meta:
            table_name = 'message'
            indexes = ((('thread', 'send_at'), False), (('author', 'created_at'), False))

    class MessageFile(Base):
        message = ForeignKeyField(Message, on_delete='CASCADE')
        kind = CharField(max_length=4)
        name = CharField(max_length=120)
        sha256 = CharField(max_length=64, index=True)
        size = IntegerField()

        class Meta:
            table_name = 'message_file'

    class MessageReceipt(Base):
        message = ForeignKeyField(Message, on_delete='CASCADE')
        user = ForeignKeyField(User, on_delete='CASCADE')
        read_at = DateTimeField(null=True)

        class Meta:
            table_name = 'message_receipt'
            indexes = ((('message', 'user'), True), (('user', 'read_at'), False))

    class Note(Base):
        school = ForeignKeyField(School, on_delete='CASCADE')
        classroom = ForeignKeyField(Classroom, null=True, on_delete='CASCADE')
        author = ForeignKeyField(User, null=True, on_delete='SET NULL')
        kind = CharField(max_length=6)
        title = CharField(max_length=200)
        body_source = TextField(default='')
        body_html = TextField(default='')
        niveaux = CharField(default='', max_length=60)
        deadline = DateField(null=True)
        remind_days = IntegerField(null=True)
        reminded_at = DateTimeField(null=True)
        urgent = BooleanField(default=False)
        send_at = DateTimeField(default=now)
        updated_at = DateTimeField(default=now)

        class Meta:
            table_name = 'note'
            indexes = ((('classroom', 'send_at'), False), (('school', 'send_at'), False))

    class NoteFile(Base):
        note = ForeignKeyField(Note, on_delete='CASCADE')
        kind = CharField(max_length=4)
        name = CharField(max_length=120)
        sha256 = CharField(max_length=64, index=True)
        size = IntegerField()

        class Meta:
            table_name = 'note_file'

    class NoteReceipt(Base):
        note = ForeignKeyField(Note, on_delete='CASCADE')
        pupil = ForeignKeyField(User, on_delete='CASCADE')
        guardian = ForeignKeyField(User, null=True, on_delete='CASCADE')
        read_at = DateTimeField(null=True)
        signed_at = DateTimeField(null=True)
        answer = CharField(null=True, max_length=3)
        comment = TextField(default='')
        channel = CharField(null=True, max_length=5)
        recorded_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        reminded_at = DateTimeField(null=True)

        class Meta:
            table_name = 'note_receipt'
            indexes = ((('note', 'pupil', 'guardian'), True), (('guardian', 'note'), False))

    class MessagingSwitch(Base):
        school = ForeignKeyField(School, unique=True, on_delete='CASCADE')
        read_only = BooleanField(default=False)
        changed_by = ForeignKeyField(User, null=True, on_delete='SET NULL')
        changed_at = DateTimeField(default=now)

        class Meta:
            table_name = 'messaging_switch'

    db.create_tables([MailPreference, Notification, OutboxMail, PasswordReset, Thread, ThreadMember, Message,
                      MessageFile, MessageReceipt, Note, NoteFile, NoteReceipt, MessagingSwitch])
