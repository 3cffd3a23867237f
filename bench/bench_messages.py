"""A guardian's inbox (/messages) with 200 threads under load, at 10 and 50 connections, with a
bare waitress "hello" app started the same way, measured in the same run.

    .venv/bin/python -m bench.bench_messages [--seconds 10] [--workers 1,2]

Target (issue 15, 2-core machine): the inbox >= 20 % of the bare-waitress requests/s and p99 <=
150 ms at 50 connections. aurelie.dubois gets 200 threads with her children's teachers (two or
three messages each, some unread, one with a file in ten) written to the seeded data folder
before the server starts (add_threads). The inbox page is one prepared query for the page of 50
threads (last message, unread count, other party) besides the session's.

Measured (2 cores, a quiet machine, 4 December 2026): 50 connections, 1372 and 1415 req/s, 26.7 %
and 25.4 % of bare waitress, p99 97.5 and 91.9 ms (the guardian's week of bench_homework in the same
window: 27.7 %). With other test suites running on the machine the ratio fell to 6-16 %, for the
homework's week too: run it alone.
"""
import re
from datetime import timedelta

from bench.common import page, page_against_waitress

GUARDIAN = 'aurelie.dubois'
THREADS = 200


def add_threads(data, count=THREADS):
    """`count` threads between the guardian and her children's teachers, written through the
    models to the seeded folder `data` (ecole-ent --data DATA)."""
    from ecole_ent import db, runtime
    from ecole_ent.accounts import service as accounts
    from ecole_ent.models import Message, MessageFile, MessageReceipt, Thread, ThreadMember, User, now
    runtime.open_database(runtime.open_config(data))
    try:
        guardian = User.get(User.login == GUARDIAN)
        teachers = [t for _p, _c, found in accounts.children_with_teachers(guardian) for t in found]
        start = now() - timedelta(days=60)
        with db.writing():
            for number in range(count):
                teacher = teachers[number % len(teachers)]
                at = start + timedelta(hours=7 * number)
                thread = Thread.create(school=guardian.school_id, subject=f'Échange n° {number + 1}',
                                       created_by=teacher.id, last_message_at=at, batch=f'bench{number}', created_at=at)
                ThreadMember.insert_many([{'thread': thread.id, 'user': user}
                                          for user in (teacher.id, guardian.id)]).execute()
                for turn in range(2 + number % 2):
                    author, reader = (teacher, guardian) if turn % 2 == 0 else (guardian, teacher)
                    moment = at + timedelta(minutes=40 * turn)
                    message = Message.create(thread=thread, author=author.id, created_at=moment, send_at=moment,
                                             body=f'Bonjour, voici le message {turn + 1} de cet échange. ' * 3)
                    if number % 10 == 0 and turn == 0:
                        MessageFile.create(message=message, kind='pdf', name='fiche.pdf', sha256='0' * 64, size=10)
                    unread = number % 7 == 0 and turn == 0
                    MessageReceipt.create(message=message, user=reader.id, read_at=None if unread else moment)
                    Thread.update(last_message_at=moment).where(Thread.id == thread.id).execute()
        return count
    finally:
        db.close_all()


def lines_shown(base, cookie):
    """How many threads /messages lists (a check that the page is the one measured)."""
    return len(re.findall(r'<li class="inbox-line', page(base, '/messages', cookie)))


def prepare(data):
    count = add_threads(data)
    return '/messages', lambda base, cookie: (f'guardian {GUARDIAN}: {count} threads added, '
                                              f'{lines_shown(base, cookie)} on the first page')


def main():
    page_against_waitress(__doc__, GUARDIAN, "guardian's inbox (200 threads)", prepare)


if __name__ == '__main__':
    main()
