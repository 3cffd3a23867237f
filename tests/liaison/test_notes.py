"""Sending notes (notes.py): to a class, some niveaux or chosen pupils; one receipt per pupil and
legal guardian with an active account; who may send what; bad input refused in French with
nothing half-saved. The clock stands on Friday 4 December 2026 (conftest.NOW)."""
import io
import os
from datetime import date, datetime, timedelta

import pytest

from ecole_ent.errors import Forbidden, ValidationError
from ecole_ent.liaison import notes, service
from ecole_ent.messages import safety
from ecole_ent.models import GuardianLink, Message, Note, NoteFile, NoteReceipt, Notification, User, now
from tests.blog.conftest import PDF
from tests.liaison.conftest import send

HTML = b'<!DOCTYPE html><html><body><script>alert(1)</script></body></html>'


def on_disk():
    root = os.path.dirname(service.settings().files_dir)
    return sorted(os.path.join(folder, name) for folder, _dirs, names in os.walk(root) for name in names)


def refused(user, files=(), **values):
    values = {'kind': 'sign', 'title': 'Sortie', 'body': 'Texte', 'when': 'now', **values}
    before = (Note.select().count(), NoteReceipt.select().count(), Notification.select().count(), on_disk())
    with pytest.raises(ValidationError) as caught:
        notes.send(user, values, files)
    assert (Note.select().count(), NoteReceipt.select().count(), Notification.select().count(),
            on_disk()) == before
    return caught.value.errors


def receipts_of(note):
    return {(r.pupil_id, r.guardian_id) for r in NoteReceipt.select().where(NoteReceipt.note == note.id)}


def expected(pupils):
    """(pupil, guardian) of every legal guardian with an active account, (pupil, None) without any."""
    pairs = set()
    for pupil in pupils:
        guardians = [link.guardian_id for link in GuardianLink.select().join(User, on=GuardianLink.guardian)
                     .where((GuardianLink.pupil == pupil.id) & GuardianLink.legal_authority
                            & (User.status == 'active'))]
        pairs |= {(pupil.id, g) for g in guardians} or {(pupil.id, None)}
    return pairs


def test_a_note_to_the_class_has_one_receipt_per_pupil_and_legal_guardian(people):
    note = send(people.teacher, class_id=people.cp.id)
    assert receipts_of(note) == expected(people.cp_pupils)
    assert {(people.two.id, people.mother.id), (people.two.id, people.father.id)} <= receipts_of(note)
    mailed = Notification.select().where(Notification.url == f'/cahier-de-liaison/{note.id}')
    assert sorted(n.user_id for n in mailed) == sorted({g for _p, g in receipts_of(note)})
    assert {n.kind for n in mailed} == {'note'} and {n.title for n in mailed} == {'Sortie au musée'}
    assert note.body_html == '<p>Merci de <strong>signer</strong> ce mot.</p>'


def test_a_note_to_one_niveau_or_to_chosen_pupils(people):
    ce1 = send(people.teacher, class_id=people.cp.id, niveaux=['CE1'])
    assert ce1.niveaux == 'CE1'
    assert {p for p, _g in receipts_of(ce1)} == {p.id for p in people.cp_pupils if p.niveau == 'CE1'}
    chosen = send(people.teacher, class_id=people.cp.id, pupils=[str(people.two.id), str(people.one.id)])
    assert receipts_of(chosen) == expected([people.two, people.one])


def test_guardians_without_legal_authority_or_active_account_and_pupils_without_any(people):
    GuardianLink.update(legal_authority=False).where((GuardianLink.pupil == people.two.id)
                                                     & (GuardianLink.guardian == people.father.id)).execute()
    User.update(status='disabled').where(User.id == people.lone.id).execute()
    note = send(people.teacher, class_id=people.cp.id, pupils=[people.two.id, people.one.id])
    assert receipts_of(note) == {(people.two.id, people.mother.id), (people.one.id, None)}


def test_a_note_to_a_class_one_does_not_teach_is_refused(people):
    for outsider in (people.other_teacher, people.staff, people.guardian, people.pupil):
        with pytest.raises(Forbidden):
            notes.send(outsider, {'class_id': people.cp.id, 'kind': 'sign', 'title': 'T', 'body': 'B'})
    assert not Note.select().where(Note.classroom == people.cp.id, Note.title == 'T').exists()
    assert send(people.director, class_id=people.cp.id).classroom_id == people.cp.id
    assert send(people.admin, class_id=people.cp.id).classroom_id == people.cp.id


def test_school_wide_and_urgent_notes_are_the_directors(people):
    with pytest.raises(Forbidden, match='direction'):
        notes.send(people.teacher, {'class_id': 'ecole', 'kind': 'info', 'title': 'T', 'body': 'B'})
    with pytest.raises(Forbidden, match='urgent'):
        notes.send(people.teacher, {'class_id': people.cp.id, 'urgent': '1', 'kind': 'info', 'title': 'T',
                                    'body': 'B'})
    note = send(people.director, class_id='ecole', kind='info', urgent='1', title='Alerte neige')
    assert note.classroom_id is None and note.urgent and note.school_id == people.director.school_id
    pupils = {p for p, _g in receipts_of(note)}
    assert {p.id for p in people.cp_pupils} | {people.other_pupil.id} <= pupils
    mailed = Notification.select().where(Notification.url == f'/cahier-de-liaison/{note.id}')
    assert mailed.count() > 40 and all(n.urgent for n in mailed)


def test_bad_input_is_refused_in_french_with_nothing_saved(people):
    cls = people.cp.id
    assert refused(people.teacher, class_id=cls, title='  ', body='') == {
        'title': 'Donnez un titre au mot.', 'body': 'Écrivez le texte du mot.'}
    assert refused(people.teacher, class_id=cls, body='x' * 2**20) == {
        'body': 'Le texte est trop long (10 000 caractères au plus).'}
    assert refused(people.teacher, class_id=cls, deadline='2026-12-03') == {
        'deadline': 'La date limite du jeudi 3 décembre 2026 est déjà passée : choisissez une date à venir.'}
    assert 'deadline' in refused(people.teacher, class_id=cls, deadline='03/12/2026')
    assert 'kind' in refused(people.teacher, class_id=cls, kind='vote')
    assert refused(people.teacher, class_id=cls, remind_days='2') == {
        'remind_days': 'Une relance se fait avant la date limite : indiquez-en une.'}
    assert 'remind_days' in refused(people.teacher, class_id=cls, kind='info', deadline='2026-12-10', remind_days='2')
    assert 'niveaux' in refused(people.teacher, class_id=cls, niveaux=['CM2'])
    assert 'pupils' in refused(people.teacher, class_id=cls, pupils=[str(people.other_pupil.id)])
    assert 'publish_date' in refused(people.teacher, class_id=cls, when='later', publish_date='2026-12-01')
    lying = refused(people.teacher, [('sortie.pdf', io.BytesIO(HTML))], class_id=cls)
    assert lying == {'files': '« sortie.pdf » n’est ni un PDF ni une image.'}
    # a good file with a bad field: the file stored for the form is forgotten again
    assert 'title' in refused(people.teacher, [('ok.pdf', io.BytesIO(PDF))], class_id=cls, title='')


def test_a_deadline_on_a_day_without_class_is_a_warning(people):
    note, warnings = notes.send(people.teacher, {'class_id': people.cp.id, 'kind': 'sign', 'title': 'T',
                                                 'body': 'B', 'deadline': '2026-12-06'})
    assert note.deadline == date(2026, 12, 6)
    assert warnings == ['Pas de classe le dimanche 6 décembre 2026 : vérifiez la date.']


def test_files_scheduled_sending_and_the_notifications_due_then(people):
    note = send(people.teacher, [('autorisation.pdf', io.BytesIO(PDF))], class_id=people.cp.id,
                when='later', publish_date='2026-12-07', publish_time='08:00', deadline='2026-12-11',
                remind_days='2')
    assert note.send_at == datetime(2026, 12, 7, 7, 0) and note.remind_days == 2
    assert [f.name for f in NoteFile.select().where(NoteFile.note == note.id)] == ['autorisation.pdf']
    due = {n.due_at for n in Notification.select().where(Notification.url == f'/cahier-de-liaison/{note.id}')}
    assert due == {datetime(2026, 12, 7, 7, 0)}


def test_a_failed_transaction_forgets_the_stored_files(people, monkeypatch):
    before = on_disk()

    def broken(*_args, **_kw):
        raise RuntimeError('disk full')
    monkeypatch.setattr(notes, 'notify', broken)
    with pytest.raises(RuntimeError):
        send(people.teacher, [('a.pdf', io.BytesIO(PDF))], class_id=people.cp.id, title='Perdu')
    assert on_disk() == before and not Note.select().where(Note.title == 'Perdu').exists()


def test_the_read_only_switch_and_the_rate_limit_stop_new_notes(people, set_option):
    safety.set_read_only(people.director, people.director.school, True)
    with pytest.raises(Forbidden, match='lecture seule'):
        send(people.teacher, class_id=people.cp.id)
    safety.set_read_only(people.director, people.director.school, False)
    since = now() - timedelta(hours=1)
    recent = (Note.select().where((Note.author == people.teacher.id) & (Note.created_at > since)).count()
              + Message.select().where((Message.author == people.teacher.id) & (Message.created_at > since)).count())
    set_option('messages.per_hour', recent + 2)
    send(people.teacher, class_id=people.cp.id)
    send(people.teacher, class_id=people.cp.id)
    with pytest.raises(Forbidden, match='beaucoup de messages'):
        send(people.teacher, class_id=people.cp.id)
