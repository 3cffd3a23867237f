"""From notifications to outbox mails, as each user chose (run every minute by the 'mail.notify'
job, jobs.py):

- 'none', no e-mail address, or an account that is not active: the notification is marked
  mailed_at and no mail is made;
- 'immediate': each due notification becomes one mail; when more than GROUP_ABOVE wait together
  (after quiet hours) they go as one mail listing them;
- 'digest': once a day, at the first run after mail.digest_hour (local time) and outside the
  user's quiet hours, one mail lists every due notification (digest_sent_at records it); an
  urgent notification goes at once, as for 'immediate'. (Digest users' notifications waiting for
  their hour are read again each minute, READ_LIMIT at a time, user after user: however many
  wait, the users after them get their mails in the same run.)

While no relay is configured (smtp.host empty: the demo, an install not finished) notifications
are kept, not turned into mails, so that nothing is lost when the relay is configured later; those
older than mail.keep_days are then dropped (cleanup()), so that they never pile up and a relay
configured in March does not mail December's news. No bottle here."""
from collections import defaultdict
from datetime import datetime, timedelta

from peewee import JOIN

from ..db import writing
from ..i18n import speaking
from ..models import MailPreference, Notification, OutboxMail, PasswordReset, User
from ..school_time import from_local, to_local
from . import compose, outbox, service
from .preferences import default, quiet_end

GROUP_ABOVE = 3            # more immediate notifications waiting together than this: one mail
READ_LIMIT = 2000          # notifications read at a time
SENT_KEEP_DAYS = 30        # sent and failed outbox rows, mailed notifications


def run():
    """One pass: drop what will never be mailed, then make the due mails; returns how many mails."""
    moment = service.clock()
    if not Notification.select().where(Notification.mailed_at.is_null()).exists():
        return 0                      # a cheap read first: most minutes write nothing
    drop_unmailable(moment)
    if not service.enabled():
        return 0
    made = 0
    for user, prefs, notifications in _due_by_user(moment):
        if prefs.mode == 'digest':
            urgent = [n for n in notifications if n.urgent]
            made += _immediate(user, prefs, urgent)
            waiting = [n for n in notifications if not n.urgent]
            if waiting and _digest_due(prefs, waiting, moment) and not quiet_end(prefs, moment):
                made += _digest(user, prefs, waiting, moment)
        else:
            made += _immediate(user, prefs, notifications)
    return made


def drop_unmailable(moment):
    """Mark mailed (without a mail) the notifications of users in mode 'none', without an address,
    or whose account is not active."""
    none_users = MailPreference.select(MailPreference.user).where(MailPreference.mode == 'none')
    unmailable = User.select(User.id).where(User.email.is_null() | (User.email == '') | (User.status != 'active'))
    dropped = Notification.mailed_at.is_null() & (Notification.user.in_(none_users)
                                                  | Notification.user.in_(unmailable))
    if Notification.select().where(dropped).exists():
        with writing():
            Notification.update(mailed_at=moment).where(dropped).execute()


def _due_by_user(moment):
    """(user, preference, [due notifications]) of every user with something due, read READ_LIMIT
    rows at a time in the order of users; a user's rows are never split over two reads (unless
    one user alone has more than READ_LIMIT: the rest go at the next run)."""
    after = 0
    while True:
        rows = list(Notification.select(Notification, User, MailPreference)
                    .join(User).join_from(Notification, MailPreference, JOIN.LEFT_OUTER,
                                          on=(MailPreference.user == Notification.user), attr='pref')
                    .where(Notification.mailed_at.is_null() & (Notification.due_at <= moment)
                           & (Notification.user > after))
                    .order_by(Notification.user, Notification.id).limit(READ_LIMIT))
        full = len(rows) == READ_LIMIT
        if full and rows[0].user_id != rows[-1].user_id:          # the last user again, whole, next
            rows = [row for row in rows if row.user_id != rows[-1].user_id]
        yield from _grouped(rows)
        if not full:
            return
        after = rows[-1].user_id


def _grouped(rows):
    grouped = defaultdict(list)
    users, prefs = {}, {}
    for row in rows:
        users[row.user_id] = row.user
        pref = getattr(row, 'pref', None)
        prefs[row.user_id] = pref if pref is not None and pref.id is not None else default(row.user_id)
        grouped[row.user_id].append(row)
    return [(users[i], prefs[i], grouped[i]) for i in grouped]


def _immediate(user, prefs, notifications):
    if not notifications:
        return 0
    with speaking(user.language):        # the recipient's language (None: French)
        if len(notifications) > GROUP_ABOVE:
            mails = [compose.summary_mail(user.id, notifications, prefs.hide_content, digest=False)]
        else:
            mails = [compose.notification_mail(user.id, n, prefs.hide_content) for n in notifications]
    return _queue(user, mails, notifications)


def _queue(user, mails, notifications, **preference_values):
    """The mails into the outbox and the notifications marked, in one transaction: once only
    (a notification another run marked meanwhile is not mailed twice)."""
    ids = [n.id for n in notifications]
    with writing():
        marked = Notification.update(mailed_at=service.clock()).where(
            Notification.id.in_(ids) & Notification.mailed_at.is_null()).execute()
        if marked != len(ids):
            raise RuntimeError('notifications marked by another run: the job runs twice?')
        for mail in mails:
            outbox.enqueue(user.email, mail.subject, mail.text, mail.html, user=user, headers=mail.headers)
        if preference_values:
            MailPreference.insert(user=user.id, **preference_values).on_conflict(
                conflict_target=[MailPreference.user], update=preference_values).execute()
    return len(mails)


def digest_slot(moment):
    """The latest digest time (naive UTC) at or before `moment`: today's mail.digest_hour (local),
    or yesterday's."""
    local = to_local(moment)
    slot = datetime.combine(local.date(), datetime.min.time()).replace(hour=service.options().digest_hour)
    if slot > local:
        slot -= timedelta(days=1)
    return from_local(slot)


def _digest_due(prefs, notifications, moment):
    """A digest goes once a day, at the first run after the digest hour, and lists what was due
    before that hour (a notification at 10:00 waits for 18:00, even on the day the user chose
    the digest)."""
    slot = digest_slot(moment)
    return ((prefs.digest_sent_at is None or prefs.digest_sent_at < slot)
            and min(n.due_at for n in notifications) <= slot)


def _digest(user, prefs, notifications, moment):
    if not notifications:
        return 0
    with speaking(user.language):
        mail = compose.summary_mail(user.id, notifications, prefs.hide_content, digest=True)
    return _queue(user, [mail], notifications, digest_sent_at=moment)


def cleanup():
    """Forget what is old: notifications never mailed after mail.keep_days (no relay configured),
    mailed ones and sent or failed outbox mails after SENT_KEEP_DAYS (they hold personal data),
    forgotten-password links a day after they expired."""
    moment = service.clock()
    kept_until = moment - timedelta(days=service.options().keep_days)
    with writing():
        Notification.delete().where(
            (Notification.mailed_at.is_null() & (Notification.due_at < kept_until))
            | (Notification.mailed_at < moment - timedelta(days=SENT_KEEP_DAYS))).execute()
        PasswordReset.delete().where(PasswordReset.expires_at < moment - timedelta(days=1)).execute()
        OutboxMail.delete().where((OutboxMail.state != 'pending')
                                  & (OutboxMail.created_at < moment - timedelta(days=SENT_KEEP_DAYS))).execute()
