"""Notifications: what is new for a user (a message, a note, a reminder), waiting to be mailed.

The features call notify() inside the transaction that writes the item; the mail jobs (jobs.py,
delivery.py) turn due notifications into outbox mails as each user chose (MailPreference:
immediate, daily digest, none; the item's title or not), after the user's quiet hours, and the
outbox job sends them. preference(user) gives a user's settings (the defaults when they never
chose), save_preference() changes them (preferences.py). No bottle here."""
from ..models import Notification
from . import service
from .preferences import preference, preferences_of, quiet_end, save_preference  # noqa: F401 (API)

KINDS = ('message', 'note', 'reminder')


def notify(users, kind, title, url, urgent=False, at=None):
    """Queue a notification of `kind` about the item at `url` (a path such as /messages/12) for
    each of `users` (User rows or ids). Call it inside the writing transaction of the item: it
    goes with it or not at all. Each one is due after its user's quiet hours, except an urgent
    one (the director's urgent school-wide note). `at` (naive UTC): when the item appears (a
    scheduled message), default now."""
    assert kind in KINDS, kind
    moment = at or service.clock()
    users = list(users)
    prefs = {} if urgent else preferences_of(users)
    rows = []
    for user in users:
        user_id = getattr(user, 'id', user)
        due = moment if urgent else (quiet_end(prefs[user_id], moment) or moment)
        rows.append({'user': user_id, 'kind': kind, 'title': title[:200], 'url': url[:300],
                     'urgent': urgent, 'due_at': due, 'created_at': moment})
    if rows:
        Notification.insert_many(rows).execute()


def due_at(user, moment):
    """When a notification made at `moment` (naive UTC) may be mailed to `user`: `moment`, or the
    end of the user's quiet hours when `moment` falls in them."""
    return quiet_until(user, moment) or moment


def quiet_until(user, moment=None):
    """The end (naive UTC) of the user's quiet hours when `moment` (naive UTC, default now)
    falls in them, else None. (A guardian writing at 22:00 is told the teacher reads it later.)"""
    return quiet_end(preference(user), moment or service.clock())


def withdraw(url, users=None):
    """Forget the notifications about the item at `url` not yet mailed (of `users` only, when
    given): a message recalled, a note withdrawn or already signed before its reminder went.
    Call it inside the item's writing transaction; returns how many were forgotten."""
    query = Notification.delete().where((Notification.url == url[:300]) & Notification.mailed_at.is_null())
    if users is not None:
        query = query.where(Notification.user.in_([getattr(user, 'id', user) for user in users]))
    return query.execute()
