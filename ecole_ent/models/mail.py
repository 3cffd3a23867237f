"""E-mail: each user's notification settings, the notifications waiting to be mailed, the outbox
the scheduler sends with retries, and the forgotten-password links."""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .accounts import User
from .base import BaseModel, now

NOTIFY_MODES = ('immediate', 'digest', 'none')
OUTBOX_STATES = ('pending', 'sent', 'failed')


class MailPreference(BaseModel):
    """How a user wants to hear of new messages and notes; no row means the defaults (immediate,
    with the item's title, no quiet hours). Quiet hours are local times 'HH:MM' (from may be after
    until: 19:00 to 07:30 spans the night). unsubscribe_generation is in the one-click link's
    token: bumping it retires every link sent."""
    user = ForeignKeyField(User, unique=True, backref='+', on_delete='CASCADE')
    mode = CharField(default='immediate', max_length=10)       # NOTIFY_MODES
    hide_content = BooleanField(default=False)                 # "vous avez un nouveau message"
    quiet_from = CharField(null=True, max_length=5)
    quiet_until = CharField(null=True, max_length=5)
    unsubscribe_generation = IntegerField(default=0)
    digest_sent_at = DateTimeField(null=True)
    updated_at = DateTimeField(default=now)

    class Meta:
        table_name = 'mail_preference'


class Notification(BaseModel):
    """Something new for a user (a message, a note, a reminder), waiting to be mailed: due_at is
    when it may go (after the user's quiet hours), mailed_at when it went into the outbox (or was
    dropped: mode none, no address)."""
    user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    kind = CharField(max_length=12)                 # message | note | reminder
    title = CharField(max_length=200)
    url = CharField(max_length=300)                 # the item's path, e.g. /messages/12
    urgent = BooleanField(default=False)
    due_at = DateTimeField(default=now)
    mailed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((('mailed_at', 'due_at'), False), (('user', 'mailed_at'), False))


class OutboxMail(BaseModel):
    """One e-mail to one address. message_id is fixed when the row is made, so a mail sent twice
    (the process died between the relay's acceptance and the commit) carries the same Message-ID
    and the receiving side can tell. Retried with a growing back-off until MAX_ATTEMPTS, then
    'failed'."""
    to = CharField(max_length=200)
    user = ForeignKeyField(User, null=True, backref='+', on_delete='SET NULL')
    subject = CharField(max_length=300)
    body_text = TextField()
    body_html = TextField(default='')
    headers = TextField(default='{}')               # JSON: extra headers (List-Unsubscribe)
    message_id = CharField(unique=True, max_length=200)
    state = CharField(default='pending', max_length=8)     # OUTBOX_STATES
    attempts = IntegerField(default=0)
    next_try = DateTimeField(default=now)
    last_error = TextField(default='')
    sent_at = DateTimeField(null=True)

    class Meta:
        table_name = 'mail_outbox'
        indexes = ((('state', 'next_try'), False),)


class PasswordReset(BaseModel):
    """A forgotten-password link: only the token's keyed hash is stored; valid once, until
    expires_at."""
    user = ForeignKeyField(User, backref='+', on_delete='CASCADE')
    token_hash = CharField(unique=True, max_length=64)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)

    class Meta:
        table_name = 'password_reset'


__all__ = ['MailPreference', 'Notification', 'OutboxMail', 'PasswordReset', 'NOTIFY_MODES', 'OUTBOX_STATES']
