"""The demo school's cahier de liaison: notes at every stage (signed by some guardians and not
others, two guardians of one pupil with one signature, past and future deadlines, a paper slip,
oui / non answers with comments, an information note, the director's school-wide note, a
scheduled note), aurelie.dubois's « mot à signer », and the demo's people exactly as without it."""
from datetime import datetime

import pytest

from ecole_ent import db, runtime
from ecole_ent import demo as demo_school
from ecole_ent.liaison import demo as liaison_demo
from ecole_ent.liaison import receipts, service
from ecole_ent.models import Note, NoteReceipt, User
from tests.conftest import PG_URL, make_config
from tests.homework.test_demo import people


def check_the_notes():
    now, today = service.clock(), service.today()
    notes = {n.title: n for n in Note.select()}
    outing, pool = notes['Sortie au musée des Beaux-Arts'], notes['Autorisation : piscine']
    assert outing.kind == 'sign' and outing.deadline > today and outing.remind_days == 2
    assert pool.kind == 'answer' and pool.deadline < today
    rows = list(NoteReceipt.select().where(NoteReceipt.note == outing.id))
    signed = [r for r in rows if r.signed_at]
    assert 0 < len(signed) < len(rows) and [r.channel for r in signed].count('paper') == 1
    by_pupil = {}
    for r in rows:
        by_pupil.setdefault(r.pupil_id, []).append(r)
    assert any(len(pair) == 2 and len([r for r in pair if r.signed_at]) == 1 for pair in by_pupil.values())
    answers = [r for r in NoteReceipt.select().where(NoteReceipt.note == pool.id) if r.signed_at]
    assert {r.answer for r in answers} == {'oui', 'non'} and any(r.comment for r in answers)
    assert notes['Photo de classe'].kind == 'info'
    council = notes["Conseil d'école"]
    assert council.classroom_id is None and council.author.has_role('director')
    assert notes['Réunion parents-professeurs'].send_at > now
    assert all(r.signed_at is None or r.signed_at <= now for r in NoteReceipt.select())
    assert all(r.read_at is None or r.read_at >= n.send_at for n in notes.values()
               for r in NoteReceipt.select().where(NoteReceipt.note == n.id))
    aurelie = User.get(User.login == 'aurelie.dubois')
    assert sum(count for count, _d in receipts.to_sign(aurelie).values()) >= 1


def test_the_demo_notes_as_the_tests_see_them(demo, clock):
    check_the_notes()


@pytest.mark.skipif(bool(PG_URL), reason='a demo school per day needs a database per day')
@pytest.mark.parametrize('day', ['2026-12-18', '2026-12-20', '2027-01-04', '2027-07-15'])
def test_the_demo_notes_hold_on_days_around_the_holidays(day, tmp_path, monkeypatch):
    moment = datetime.fromisoformat(day + ' 15:00')
    monkeypatch.setattr(service, 'clock', lambda: moment)
    runtime.open_database(make_config(tmp_path / 'data'), auto_migrate=True)
    try:
        demo_school.seed()
        check_the_notes()
    finally:
        db.close_all()


@pytest.mark.skipif(bool(PG_URL), reason='a second demo school needs a second database')
def test_the_demo_people_are_the_same_with_or_without_the_notes(demo, tmp_path, monkeypatch):
    with_notes = people()
    db.close_all()
    runtime.open_database(make_config(tmp_path / 'without'), auto_migrate=True)
    monkeypatch.setattr(liaison_demo, 'seed', lambda demo: None)
    seeded = demo_school.seed()
    assert people() == with_notes and not Note.select().exists()
    monkeypatch.undo()
    state = seeded.rng.getstate()
    with db.writing():
        liaison_demo.seed(seeded)
    assert seeded.rng.getstate() == state and Note.select().exists()
