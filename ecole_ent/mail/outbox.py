"""The outbox: every mail the ENT sends is first a row (OutboxMail), written in the transaction of
what caused it, then sent by the 'mail.outbox' job (jobs.py) or `ecole-ent mail flush`, with
retries and a growing back-off; nothing is lost while the relay is down or not yet configured.

Sending never holds the database's write lock while it talks to the relay: the due rows are read,
each is sent outside any transaction, and its outcome is written in its own short transaction.

At least once, not exactly once. If the process dies (or the database refuses the write) after
the relay accepted a mail and before its row is marked sent, the row stays 'pending' and the mail
is sent again at the next run, with the same Message-ID (fixed when the row is made): mail
servers and clients that deduplicate on Message-ID show it once, others show it twice. Nothing
better is possible with SMTP, which has no idempotent submission.

One sender at a time: the job runs under the scheduler's lease (one process of all those serving
the database) and `mail flush` takes the same lease (scheduler.hold), so two processes never send
the same row in normal operation (only the lease's timeout, one hour, after a process hung
mid-run, could let a second one start).

When smtp.host is empty nothing is sent: rows stay pending until a relay is configured."""
import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid

from ..db import writing
from ..i18n import _
from ..models import OutboxMail
from . import service
from .service import MailError

logger = logging.getLogger(__name__)

BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360, 720)      # then 720 (12 h) between attempts
BATCH = 20                                            # rows read at a time
JOB = 'mail.outbox'


@dataclass
class Counts:
    sent: int = 0
    failed: int = 0
    waiting: int = 0

    def as_dict(self):
        return {'sent': self.sent, 'failed': self.failed, 'waiting': self.waiting}


def enqueue(to, subject, text, html='', user=None, headers=None):
    """A mail to `to`, queued in the caller's transaction (open one with db.writing()); its
    Message-ID is fixed now. Returns the OutboxMail row."""
    return OutboxMail.create(
        to=to[:200], user=getattr(user, 'id', user), subject=subject[:300], body_text=text,
        body_html=html or '', headers=json.dumps(headers or {}, ensure_ascii=False),
        message_id=make_msgid(domain=service.domain()), next_try=service.clock(), created_at=service.clock())


def backoff(attempts):
    """The wait after the `attempts`-th failed attempt."""
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def send_due(all=False, relay=None):
    """Send the pending mails whose next try has come (with all=True, every pending one), in
    order; returns Counts (sent now, failed now, pending left). A relay that fails as a whole
    (unreachable, login refused) ends the run after one attempt: the other mails keep their turn
    rather than each spending an attempt on the same failure."""
    relay = relay or service.settings()
    counts = Counts()
    if relay.host:
        last_id = 0
        while True:
            query = OutboxMail.select().where((OutboxMail.state == 'pending') & (OutboxMail.id > last_id))
            if not all:
                query = query.where(OutboxMail.next_try <= service.clock())
            rows = list(query.order_by(OutboxMail.id).limit(BATCH))
            if not rows:
                break
            for row in rows:
                error = _send(row, relay)
                if error is None:
                    counts.sent += 1
                    continue
                counts.failed += 1
                if error.relay_down:
                    rows = []
                    break
            if not rows:
                break
            last_id = rows[-1].id
    counts.waiting = OutboxMail.select().where(OutboxMail.state == 'pending').count()
    return counts


def _send(row, relay):
    """Send one row (no transaction open: the relay may take seconds), then write its outcome in
    a short transaction of its own; returns the MailError, or None when sent."""
    try:
        service.send(row.to, row.subject, row.body_text, relay, html=row.body_html or None,
                     headers=json.loads(row.headers or '{}'), message_id=row.message_id)
    except MailError as exc:
        _failed(row, str(exc))
        return exc
    # The relay has the mail. Should the process die here, the row stays pending and the mail
    # is sent again with the same Message-ID (see the module's docstring). A sent mail keeps
    # its subject, not its body: the database holds no copy of what went (a reset link's token,
    # the children's news) longer than needed.
    with writing():
        OutboxMail.update(state='sent', sent_at=service.clock(), attempts=OutboxMail.attempts + 1,
                          last_error='', body_text='', body_html='').where(OutboxMail.id == row.id).execute()
    return None


def _failed(row, reason):
    attempts = row.attempts + 1
    gave_up = attempts >= service.options().max_attempts
    values = {'attempts': attempts, 'last_error': reason[:1000]}
    if gave_up:         # given up: its body goes too (a reset link's token, news), as a sent one's
        values.update(state='failed', body_text='', body_html='')
    else:
        values['next_try'] = service.clock() + backoff(attempts)
    with writing():
        OutboxMail.update(**values).where(OutboxMail.id == row.id).execute()
    logger.warning('courriel %d pour %s : %s%s', row.id, row.to, reason,
                   ' (abandonné)' if gave_up else '')


def listing(state=None, limit=100):
    """The latest mails (newest first) for `mail outbox`: id, to, subject, state, attempts,
    next_try (ISO, UTC), sent_at, last_error."""
    query = OutboxMail.select().order_by(OutboxMail.id.desc()).limit(limit)
    if state:
        query = query.where(OutboxMail.state == state)
    return [{'id': row.id, 'to': row.to, 'subject': row.subject, 'state': row.state,
             'attempts': row.attempts, 'next_try': _iso(row.next_try), 'sent_at': _iso(row.sent_at),
             'last_error': row.last_error} for row in query]


def _iso(moment):
    return moment.isoformat(timespec='seconds') + 'Z' if moment else None


def not_configured():
    return _("Envoi de courriels désactivé : aucun relais SMTP configuré (option smtp.host).")


def health(report):
    """/healthz (hooks.HEALTH_CHECK): the outbox's counts once a relay is configured; warnings for
    mails waiting over an hour (the relay?), mails given up this week, links without an address."""
    if not service.enabled():
        return
    moment = service.clock()
    pending = OutboxMail.select().where(OutboxMail.state == 'pending')
    failed = OutboxMail.select().where((OutboxMail.state == 'failed')
                                       & (OutboxMail.created_at > moment - timedelta(days=7))).count()
    late = pending.where(OutboxMail.created_at < moment - timedelta(hours=1)).count()
    report['mail'] = {'pending': pending.count(), 'failed_this_week': failed}
    if late:
        report['warnings'].append(_("%d courriel(s) en attente depuis plus d'une heure : le relais SMTP "
                                    "répond-il ? (ecole-ent mail outbox)") % late)
    if failed:
        report['warnings'].append(_('%d courriel(s) abandonné(s) cette semaine : voir ecole-ent mail '
                                    'outbox --state failed') % failed)
    if not service.options().public_url:
        report['warnings'].append(_("server.public_url est vide : les courriels donnent les pages de "
                                    "l'ENT sans lien cliquable."))
