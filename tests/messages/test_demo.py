"""The demo school's messages: threads at every stage (read and unread, answered, taken back,
scheduled, with files, one class-wide batch, between staff), the homes' lines they make, and the
demo's people exactly as they were before the messages came (their own random generator)."""
import re
from datetime import timedelta

import pytest

from ecole_ent import db, runtime
from ecole_ent import demo as demo_school
from ecole_ent.messages import access, reading
from ecole_ent.messages import demo as messages_demo
from ecole_ent.models import Message, MessageFile, MessageReceipt, Thread, ThreadMember, User
from tests.blog.conftest import text
from tests.conftest import DEMO_NOW, PG_URL, make_config
from tests.homework.test_demo import people


def test_the_demo_has_threads_at_every_stage(demo):
    messages = list(Message.select())
    receipts = list(MessageReceipt.select())
    assert any(r.read_at for r in receipts) and any(r.read_at is None for r in receipts)
    assert any(m.recalled_at for m in messages)
    assert any(m.send_at > DEMO_NOW for m in messages)                         # scheduled
    assert {f.kind for f in MessageFile.select()} == {'pdf', 'jpg'}
    batch = [t for t in Thread.select() if Thread.select().where(Thread.batch == t.batch).count() > 1]
    assert len(batch) > 10
    answered = [t for t in Thread.select() if t.messages.count() > 1]
    assert len(answered) >= 3
    for thread in Thread.select():                                            # one family a thread at most
        assert sum(access.is_family(m) for m in access.members_of(thread)) <= 1
        author = User.get_by_id(thread.created_by)
        assert all(access.may_write(author, m) for m in access.members_of(thread) if m.id != author.id)
    assert any(not any(access.is_family(m) for m in access.members_of(t)) for t in Thread.select())   # staff


def test_the_demo_s_homes_show_the_unread_messages(demo, signed_in, monkeypatch):
    from ecole_ent.messages import service
    monkeypatch.setattr(service, 'clock', lambda: DEMO_NOW)
    aurelie = signed_in(demo.user('aurelie.dubois'))
    cards = re.findall(r'<article class="card child-card">(.*?)</article>', aurelie.get('/').text, re.S)
    zoe = next(card for card in cards if 'Zoé' in card)
    assert '1 message non lu' in zoe and "Écrire à l'enseignant" in zoe
    assert '2 messages non lus' in text(signed_in(demo.user('ines.haddad')).get('/'))
    assert 'message non lu' not in text(signed_in(demo.teacher).get('/'))     # julien.roux read his
    assert reading.inbox(demo.user('aurelie.dubois'))[0][0].subject == 'Le doudou de Zoé'
    assert reading.unread_count(demo.staff) == 0                               # the director's message: Monday
    monkeypatch.setattr(service, 'clock', lambda: DEMO_NOW + timedelta(days=3))
    assert reading.unread_count(demo.staff) == 1


@pytest.mark.skipif(bool(PG_URL), reason='a second demo school needs a second database')
def test_the_demo_people_are_the_same_with_or_without_messages(demo, tmp_path, monkeypatch):
    with_messages = people()
    db.close_all()
    runtime.open_database(make_config(tmp_path / 'without'), auto_migrate=True)
    monkeypatch.setattr(messages_demo, 'seed', lambda demo: None)
    seeded = demo_school.seed()
    assert people() == with_messages and not Thread.select().exists()
    monkeypatch.undo()
    state = seeded.rng.getstate()
    with db.writing():
        messages_demo.seed(seeded)
    assert seeded.rng.getstate() == state and ThreadMember.select().exists()
