"""Applying the retention rules (rules.py): what each rule finds due at a moment, and deleting it in
small transactions. Idempotent: what is deleted is gone and an erased account is never erased twice,
so a second run finds nothing. run() is the daily job's and the command line's; a dry run only
counts, with the same queries, and writes nothing (not even the audit).
"""
import calendar
import logging
import os
import re
import time
from datetime import date, datetime

from peewee import fn

from .. import audit
from ..db import writing
from ..errors import ValidationError
from ..i18n import _, date_fr
from ..models import (
    Album,
    AuditEvent,
    Classroom,
    ErasedAccount,
    Homework,
    HomeworkDone,
    HomeworkFile,
    LoginSession,
    Message,
    MessageFile,
    MessageReceipt,
    Note,
    NoteFile,
    NoteReceipt,
    Photo,
    PhotoTag,
    SchoolYear,
    Thread,
    ThreadMember,
    Throttle,
    User,
)
from ..models.privacy import ArchiveDeadline
from . import erase, rules, service

logger = logging.getLogger(__name__)

BATCH = 200                      # rows per transaction: the school keeps working meanwhile
ROTATED_LOG = re.compile(r'^[\w.-]+\.log\.\d+$')     # ecole-ent.log.3, access.1.log.2
LIVE_LOG = re.compile(r'^[\w.-]+\.log$')             # ecole-ent.log, access.2.log: a process may hold it open


def run(as_of=None, dry_run=False, actor=None):
    """{rule kind: how many items were erased (or, dry run, would be)} at `as_of` (a date: that day
    at 00:00 UTC; None: service.clock()). A day after today only for a dry run: ValidationError
    (French, nothing changed) otherwise, since applying the rules as in the future deletes what is
    still within its time."""
    at, config = service.moment(as_of), service.settings()
    if as_of is not None and not dry_run and at.date() > service.clock().date():
        raise ValidationError({'as_of': _('Le {day} est à venir : les règles ne s’appliquent pas à une date future '
                                          '(--dry-run pour seulement compter). Rien n’a été effacé.')
                               .format(day=date_fr(at.date()))})
    counts = {}
    for kind in rules.APPLIED:
        due, apply = KINDS[kind]
        items = due(at, config)
        counts[kind] = len(items) if dry_run else apply(items, config)
        if not dry_run and counts[kind]:
            with writing():
                audit.record(actor, f'privacy.retention.{kind}', kind, count=counts[kind], at=at.isoformat())
    if not dry_run:
        with writing():
            audit.record(actor, 'privacy.retention', at.date().isoformat(), **counts)
        logger.info('conservation des données : %s', ', '.join(f'{k} {n}' for k, n in counts.items()))
    return counts


def _chunks(ids):
    ids = list(ids)
    for start in range(0, len(ids), BATCH):
        yield ids[start:start + BATCH]


def _ids(query):
    return [row[0] for row in query.tuples()]


# --- leavers ----------------------------------------------------------------------------------

def due_leavers(at, config):
    """Disabled accounts not yet erased whose deactivation is older than the rule's days; without the
    admins while no admin account is active (erase.check_erasable keeps the last one): a dry run
    counts what the real run erases."""
    limit = service.days_ago(at, config.leavers_days)
    erased = ErasedAccount.select(ErasedAccount.user).where(ErasedAccount.user.is_null(False))
    query = User.select(User.id).where(
        (User.status == 'disabled') & (fn.COALESCE(User.disabled_at, User.updated_at) < limit)
        & User.id.not_in(erased))
    if not User.with_role('admin').where(User.status == 'active').exists():
        query = query.where(User.id.not_in(User.with_role('admin').select(User.id)))
    return _ids(query.order_by(User.id))


def erase_leavers(ids, config):
    done = 0
    for user_id in ids:
        user = User.get_or_none(User.id == user_id)
        if user is None:
            continue
        try:
            erase.erase_account(None, user, keep_contributions=config.leavers_contributions == 'keep',
                                reason='retention')
        except ValidationError as exc:       # the last admin: kept, and said in the log
            logger.warning('compte %s non effacé : %s', user.login, ' '.join(exc.errors.values()))
            continue
        done += 1
    return done


# --- the cahier de liaison: messages and notes ------------------------------------------------

def due_liaison(at, config):
    """('message', id) and ('note', id) sent before the school year plus the rule's years."""
    limit = service.school_years_ago(at, config.liaison_years)
    return ([('message', i) for i in _ids(Message.select(Message.id).where(Message.send_at < limit))]
            + [('note', i) for i in _ids(Note.select(Note.id).where(Note.send_at < limit))])


def delete_liaison(items, config):
    from ..liaison import attachments as note_files
    from ..messages import attachments as message_files
    messages = [i for kind, i in items if kind == 'message']
    notes = [i for kind, i in items if kind == 'note']
    for chunk in _chunks(messages):
        refs = [(f.kind, f.sha256) for f in MessageFile.select().where(MessageFile.message.in_(chunk))]
        threads = set(_ids(Message.select(Message.thread).where(Message.id.in_(chunk))))
        with writing():
            MessageReceipt.delete().where(MessageReceipt.message.in_(chunk)).execute()
            MessageFile.delete().where(MessageFile.message.in_(chunk)).execute()
            Message.delete().where(Message.id.in_(chunk)).execute()
            empty = list(threads - set(_ids(Message.select(Message.thread).where(Message.thread.in_(list(threads))))))
            if empty:              # a conversation whose every message is gone
                ThreadMember.delete().where(ThreadMember.thread.in_(empty)).execute()
                Thread.delete().where(Thread.id.in_(empty)).execute()
        message_files.forget(refs)
    for chunk in _chunks(notes):
        refs = [(f.kind, f.sha256) for f in NoteFile.select().where(NoteFile.note.in_(chunk))]
        with writing():
            NoteReceipt.delete().where(NoteReceipt.note.in_(chunk)).execute()
            NoteFile.delete().where(NoteFile.note.in_(chunk)).execute()
            Note.delete().where(Note.id.in_(chunk)).execute()
        note_files.forget(refs)
    return len(messages) + len(notes)


# --- homework ---------------------------------------------------------------------------------

def due_homework(at, config):
    limit = service.school_years_ago(at, config.homework_years).date()
    return _ids(Homework.select(Homework.id).where(Homework.due_on < limit))


def delete_homework(ids, config):
    from ..homework import attachments as homework_files
    for chunk in _chunks(ids):
        refs = [(f.kind, f.sha256) for f in HomeworkFile.select().where(HomeworkFile.homework.in_(chunk))]
        with writing():
            HomeworkDone.delete().where(HomeworkDone.homework.in_(chunk)).execute()
            HomeworkFile.delete().where(HomeworkFile.homework.in_(chunk)).execute()
            Homework.delete().where(Homework.id.in_(chunk)).execute()
        homework_files.forget(refs)
    return len(ids)


# --- sign-in sessions, throttling records, server logs -----------------------------------------

def due_connections(at, config):
    """('session', token hash), ('throttle', key) and ('log', file name) older than the rule's days."""
    limit = service.days_ago(at, config.connections_days)
    found = [('session', key) for key in _ids(LoginSession.select(LoginSession.token_hash)
                                              .where(LoginSession.last_seen_at < limit))]
    found += [('throttle', key) for key in _ids(Throttle.select(Throttle.key).where(Throttle.updated_at < limit))]
    return found + [('log', name) for name in _old_logs(config.logs_dir, limit)]


def _old_logs(folder, limit):
    """Rotated log files whose month began before `limit` (naive UTC): a log file holds the lines
    of one month at most (web/access_log.RotatingFileHandler rotates at each month's turn), so
    none of its lines is older than the rule once it is deleted then. A live file rotates only when
    a line comes: one left quiet since its month began before `limit` is due too (emptied, not
    deleted: a process may hold it open, and appends to it after)."""
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return []
    stamp = limit.timestamp() if limit.tzinfo else (limit - datetime(1970, 1, 1)).total_seconds()

    def month_began(name):
        year, month = time.gmtime(os.path.getmtime(os.path.join(folder, name)))[:2]
        return calendar.timegm((year, month, 1, 0, 0, 0))
    return [name for name in names if (ROTATED_LOG.match(name) or LIVE_LOG.match(name))
            and os.path.getsize(os.path.join(folder, name)) and month_began(name) < stamp]


def delete_connections(items, config):
    sessions = [key for kind, key in items if kind == 'session']
    throttles = [key for kind, key in items if kind == 'throttle']
    for model, column, keys in ((LoginSession, LoginSession.token_hash, sessions),
                                (Throttle, Throttle.key, throttles)):
        for chunk in _chunks(keys):
            with writing():
                model.delete().where(column.in_(chunk)).execute()
    removed = 0
    for kind, name in items:
        if kind == 'log':
            path = os.path.join(config.logs_dir, name)
            try:
                if LIVE_LOG.match(name):
                    os.truncate(path, 0)      # its writers append (O_APPEND): their next line starts it again
                else:
                    os.unlink(path)
                removed += 1
            except FileNotFoundError:
                pass
    return len(sessions) + len(throttles) + removed


# --- the audit log ----------------------------------------------------------------------------

def due_audit(at, config):
    return _ids(AuditEvent.select(AuditEvent.id).where(
        AuditEvent.created_at < service.days_ago(at, config.audit_days)))


def delete_audit(ids, config):
    for chunk in _chunks(ids):
        with writing():
            AuditEvent.delete().where(AuditEvent.id.in_(chunk)).execute()
    return len(ids)


# --- photos of closed school years ------------------------------------------------------------

def photos_deadline(year, config):
    """The last day a closed year's photos are kept: the director's date, or the rule's months
    after the 31 August that ends the year."""
    chosen = ArchiveDeadline.get_or_none(ArchiveDeadline.year == year.id)
    if chosen:
        return chosen.photos_until
    return add_months(service.year_end(year.label), config.photos_months)


def add_months(day, months):
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - date(year, month, 1)).days
    return date(year, month, min(day.day, last))


def due_photos(at, config):
    closed = []
    for year in SchoolYear.select().where(~SchoolYear.current):
        try:
            if at.date() > photos_deadline(year, config):
                closed.append(year.id)
        except ValueError:           # a label that is not '2025-2026': its end is unknown, kept
            continue
    if not closed:
        return []
    return _ids(Photo.select(Photo.id).join(Album).join(Classroom)
                .where(Classroom.year.in_(closed)).order_by(Photo.id))


def delete_photos(ids, config):
    from ..photos.service import media_store
    albums = set()
    for chunk in _chunks(ids):
        photos = list(Photo.select().where(Photo.id.in_(chunk)))
        albums.update(p.album_id for p in photos)
        digests = {d for p in photos for d in p.digests()}
        with writing():
            PhotoTag.delete().where(PhotoTag.photo.in_(chunk)).execute()
            Photo.delete().where(Photo.id.in_(chunk)).execute()
        store = media_store()
        for digest in digests:
            if not Photo.with_digest(digest).exists():
                store.remove(digest)
    if albums:
        with writing():            # the albums left empty
            Album.delete().where(Album.id.in_(list(albums)) & Album.id.not_in(Photo.select(Photo.album))).execute()
    return len(ids)


KINDS = {'leavers': (due_leavers, erase_leavers), 'liaison': (due_liaison, delete_liaison),
         'homework': (due_homework, delete_homework), 'connections': (due_connections, delete_connections),
         'audit': (due_audit, delete_audit), 'photos': (due_photos, delete_photos)}
