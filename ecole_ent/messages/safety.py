"""What keeps messaging safe: a per-user sending rate limit, and a school's messaging in
read-only mode: its director (or the admin) stops every new message and note at once, when
accounts are hijacked to send threats to families (as national ENT messaging was suspended in
March 2024). Reading, and signing notes, go on. Audited.

The features call refuse_if_read_only(school_id) and check_rate(user) before writing a message or
a note."""
from datetime import timedelta

from peewee import fn

from .. import audit, runtime
from ..db import prepared, writing
from ..errors import Forbidden
from ..i18n import _
from ..models import Message, MessagingSwitch, Note, Thread, now

_switch = prepared(lambda school_id: (
    MessagingSwitch.select(MessagingSwitch.read_only).where(MessagingSwitch.school == school_id).limit(1)), 1)


def read_only(school_id):
    """Whether the school's messaging is read-only now (one prepared query)."""
    row = next(iter(_switch(school_id)), None)
    return bool(row and row.read_only)


def refuse_if_read_only(school_id):
    """Forbidden, in French, while the school's messaging is read-only."""
    if school_id and read_only(school_id):
        raise Forbidden(_("La messagerie de l'école est en lecture seule : aucun nouveau message ni "
                          "mot ne peut être envoyé pour le moment. Les messages reçus restent lisibles."))


def set_read_only(actor, school, on):
    """Switch the school's messaging to read-only (on) or back; the director of the school or the
    admin only (Forbidden otherwise). Records an audit event."""
    if not (actor.has_role('admin') or (actor.has_role('director') and actor.school_id == school.id)):
        raise Forbidden(_("Seuls la direction de l'école et l'administrateur peuvent changer ce réglage."))
    with writing():
        (MessagingSwitch.insert(school=school.id, read_only=bool(on), changed_by=actor.id, changed_at=now())
         .on_conflict(conflict_target=[MessagingSwitch.school],
                      update={MessagingSwitch.read_only: bool(on), MessagingSwitch.changed_by: actor.id,
                              MessagingSwitch.changed_at: now()})
         .execute())
        audit.record(actor, 'messaging.read_only' if on else 'messaging.reopened', school.uai, school=school.id)


def per_hour():
    return runtime.settings(lambda config: config['messages.per_hour'])


def check_rate(user, at=None):
    """Forbidden, in French, when the user has sent messages.per_hour messages and notes in the
    last hour (a hijacked account cannot flood families). Counted from the tables themselves: a
    message to several families (one thread each, sharing Thread.batch) counts once, as a note to
    a class does; each reply counts."""
    since = (at or now()) - timedelta(hours=1)
    messages = Message.select().where((Message.author == user.id) & (Message.created_at > since)).count()
    started = Thread.select().where((Thread.created_by == user.id) & (Thread.created_at > since))
    batches = started.select(fn.COUNT(fn.DISTINCT(Thread.batch))).scalar() or 0
    notes = Note.select().where((Note.author == user.id) & (Note.created_at > since)).count()
    sent = messages - started.count() + batches + notes
    if sent >= per_hour():
        raise Forbidden(_("Vous avez envoyé beaucoup de messages en peu de temps : réessayez dans une "
                          "heure. Si votre compte envoie des messages sans vous, prévenez la direction."))
