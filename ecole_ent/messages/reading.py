"""Reading messages: the inbox (a page of threads, the latest activity first, in one prepared query;
a thread's place is its Thread.last_message_at, so a scheduled message moves its thread up when it
is written, and shows when its time comes), a thread with its messages, files and read receipts,
the unread counts of the homes. Opening a thread marks its messages read for the reader (read_at
set the first time only), through db.write_soon so that the page never waits for SQLite's write
lock.

A message is visible to its author always (scheduled and recalled ones included, marked so), and
to the other members once its send_at has passed, unless recalled.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from peewee import fn

from ..db import prepared, write_soon
from ..errors import NotFound
from ..models import Message, MessageFile, MessageReceipt, Thread, ThreadMember, User
from . import access, service
from .threads import RECALL_WINDOW

PAGE_SIZE = 50


def visible_to(user, message, at=None):
    if message.author_id == user.id:
        return True
    return message.recalled_at is None and message.send_at <= (at or service.clock())


def _visible(model, user_id, moment):
    return (model.author == user_id) | ((model.send_at <= moment) & model.recalled_at.is_null())


def _inbox_query(user_id, moment, offset):
    """The page's threads first (the user's threads by last activity: Thread.last_message_at, kept
    by threads.py), then for those rows only: the last visible moment (None: nothing to show the
    user yet, inbox() leaves the thread out), the unread count, the last visible message's start,
    the first other member, how many members. The work grows with the page, not with the messages
    of every thread."""
    first, page_thread = Message.alias(), Thread.alias()
    page = (ThreadMember.select(ThreadMember.thread.alias('page_id'), page_thread.last_message_at.alias('active_at'))
            .join(page_thread, on=(page_thread.id == ThreadMember.thread))
            .where(ThreadMember.user == user_id)
            .order_by(page_thread.last_message_at.desc(), page_thread.id.desc())
            .limit(PAGE_SIZE + 1).offset(offset)).alias('page')
    last, seen, other, member, others = Message.alias(), Message.alias(), User.alias(), ThreadMember.alias(), \
        ThreadMember.alias()
    last_at = last.select(fn.MAX(last.send_at)).where((last.thread == Thread.id) & _visible(last, user_id, moment))
    unread = (seen.select(fn.COUNT(MessageReceipt.id))
              .join(MessageReceipt, on=((MessageReceipt.message == seen.id) & (MessageReceipt.user == user_id)))
              .where((seen.thread == Thread.id) & MessageReceipt.read_at.is_null() & (seen.send_at <= moment)
                     & seen.recalled_at.is_null()))
    snippet = (first.select(fn.SUBSTR(first.body, 1, 120))
               .where((first.thread == Thread.id) & _visible(first, user_id, moment))
               .order_by(first.send_at.desc(), first.id.desc()).limit(1))
    other_name = (other.select(other.first_name.concat(' ').concat(other.last_name))
                  .join(member, on=(member.user == other.id))
                  .where((member.thread == Thread.id) & (member.user != user_id)).order_by(member.id).limit(1))
    count = others.select(fn.COUNT(others.id)).where(others.thread == Thread.id)
    return (Thread.select(Thread.id, Thread.subject, last_at.alias('last_at'), unread.alias('unread'),
                          snippet.alias('snippet'), other_name.alias('other'), count.alias('members'))
            .join(page, on=(Thread.id == page.c.page_id))
            .order_by(page.c.active_at.desc(), Thread.id.desc()))


_inbox = prepared(_inbox_query, 3)
_unread = prepared(lambda user_id, moment: (
    MessageReceipt.select(fn.COUNT(MessageReceipt.id).alias('n'))
    .join(Message, on=(Message.id == MessageReceipt.message))
    .where((MessageReceipt.user == user_id) & MessageReceipt.read_at.is_null() & (Message.send_at <= moment)
           & Message.recalled_at.is_null())), 2)
_unread_by_author = prepared(lambda user_id, moment: (
    MessageReceipt.select(Message.author.alias('author_id'), fn.COUNT(MessageReceipt.id).alias('n'))
    .join(Message, on=(Message.id == MessageReceipt.message))
    .where((MessageReceipt.user == user_id) & MessageReceipt.read_at.is_null() & (Message.send_at <= moment)
           & Message.recalled_at.is_null())
    .group_by(Message.author)), 2)


def _moment(value):
    """A timestamp as the database returned it for an aggregate (SQLite: ISO text)."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


class InboxLine(NamedTuple):
    """A thread as the inbox lists it (a tuple: cheap to build, and the key of pages.lines_html)."""
    id: int
    subject: str
    last_at: datetime
    unread: int
    snippet: str
    other: str
    others: int          # members besides the reader and `other`


def inbox(user, page=1):
    """(the lines of this page, whether there is a next page): threads the user is a member of
    that hold a message visible to them, by last activity, PAGE_SIZE a page (fewer when a thread
    of the page has nothing to show yet: a recipient's thread whose only message is scheduled or
    taken back)."""
    rows = _inbox(user.id, service.clock(), (page - 1) * PAGE_SIZE)
    lines = [InboxLine(row.id, row.subject, _moment(row.last_at), int(row.unread or 0), row.snippet or '',
                       row.other or '', int(row.members) - 2 if row.members > 2 else 0)
             for row in rows[:PAGE_SIZE] if row.last_at is not None]
    return lines, len(rows) > PAGE_SIZE


def unread_count(user):
    """How many messages the user has not read yet (one prepared query)."""
    rows = _unread(user.id, service.clock())
    return int(rows[0].n) if rows else 0


def unread_by_author(user):
    """{author id: unread messages from them} (one prepared query): the guardian home's cards."""
    return {row.author_id: int(row.n) for row in _unread_by_author(user.id, service.clock())}


# --- a thread -----------------------------------------------------------------------------------------------

@dataclass
class ThreadView:
    thread: Thread
    members: list
    messages: list             # Message rows, oldest first, with .files, .receipts, .new, .recallable
    refusal: str               # why the user may not answer (None when they may)


def open_thread(user, thread_id):
    """The thread as the user sees it (NotFound unless a member, and for a member with nothing to
    read in it yet: a thread whose only message is scheduled or was recalled does not exist for its
    recipients, subject included); marks what they had not read."""
    thread = access.thread_for(user, thread_id)
    moment = service.clock()
    messages = list(Message.select().where((Message.thread == thread.id) & _visible(Message, user.id, moment))
                    .order_by(Message.send_at, Message.id))
    if not messages and thread.created_by_id != user.id:
        raise NotFound(access.hidden())
    members = access.members_of(thread)
    ids = [m.id for m in messages]
    files, receipts, mine = {}, {}, {}
    if ids:
        for row in MessageFile.select().where(MessageFile.message.in_(ids)).order_by(MessageFile.id):
            files.setdefault(row.message_id, []).append(row)
        own = [m.id for m in messages if m.author_id == user.id]
        if own:
            for row in (MessageReceipt.select(MessageReceipt, User).join(User)
                        .where(MessageReceipt.message.in_(own)).order_by(User.last_name, User.first_name)):
                receipts.setdefault(row.message_id, []).append(row)
        mine = {row.message_id: row for row in MessageReceipt.select().where(
            MessageReceipt.message.in_(ids) & (MessageReceipt.user == user.id))}
    for message in messages:
        message.files = files.get(message.id, [])
        message.receipts = receipts.get(message.id, [])
        message.new = message.id in mine and mine[message.id].read_at is None
        message.recallable = (message.author_id == user.id and message.recalled_at is None
                              and moment <= message.send_at + RECALL_WINDOW
                              and not any(r.read_at for r in message.receipts))
    unread = [mine[m.id].id for m in messages if m.new]
    if unread:
        write_soon(lambda: MessageReceipt.update(read_at=moment).where(
            MessageReceipt.id.in_(unread) & MessageReceipt.read_at.is_null()).execute())
    return ThreadView(thread, members, messages, access.reply_refusal(user, members, thread.created_by_id))


def is_scheduled(message, at=None):
    return message.send_at > (at or service.clock()) + timedelta(seconds=1)
