"""What happens to a note once sent (receipts.py): each guardian reads and signs separately, the
teacher sees both; double submits; late signatures; paper slips; the teacher's « Relancer » and
the automatic reminder go only to those who have not signed, never on the day of sending; the CSV
export is inert in a spreadsheet. The clock stands on Friday 4 December 2026 (conftest.NOW)."""
import csv
import io
from datetime import date, datetime

import pytest

from ecole_ent import scheduler
from ecole_ent.errors import Forbidden, NotFound, ValidationError
from ecole_ent.liaison import access, export, jobs, receipts
from ecole_ent.messages import safety
from ecole_ent.models import Note, NoteReceipt, Notification, User
from tests.liaison.conftest import NOW, send

CALC = "=cmd|' /C calc'!A0"


def receipt(note, pupil, guardian):
    return NoteReceipt.get(note=note.id, pupil=pupil.id, guardian=guardian.id if guardian else None)


def reminders(note):
    return Notification.select().where((Notification.kind == 'reminder')
                                       & (Notification.url == f'/cahier-de-liaison/{note.id}'))


def by_login(note):
    """{pupil login: {guardian login or None: receipt}} as the teacher's status shows it."""
    return {entry['pupil'].login: {(r.guardian.login if r.guardian_id else None): r for r in entry['receipts']}
            for entry in receipts.status(note)}


def test_two_separated_guardians_each_sign_and_the_teacher_sees_both(people, clock):
    note = send(people.teacher, class_id=people.cp.id, deadline='2026-12-08')
    _seen, _follows, mine = access.note_for(people.mother, note.id)
    receipts.mark_read(note, mine)
    clock.set(datetime(2026, 12, 4, 18, 30))
    signed, new = receipts.sign(people.mother, note.id, people.two.id)
    assert new and signed.channel == 'web' and signed.signed_at == datetime(2026, 12, 4, 18, 30)
    assert signed.read_at == NOW                                   # opened at 10:00, signed in the evening
    row = by_login(note)[people.two.login]
    assert row[people.mother.login].signed_at and row[people.father.login].signed_at is None
    clock.set(datetime(2026, 12, 5, 8, 0))
    receipts.sign(people.father, note.id, people.two.id)
    row = by_login(note)[people.two.login]
    assert {login: r.signed_at for login, r in row.items()} == {
        people.mother.login: datetime(2026, 12, 4, 18, 30), people.father.login: datetime(2026, 12, 5, 8, 0)}
    counts = receipts.counts(note, receipts.status(note))
    assert counts['signed_pupils'] == 1 and counts['signed'] == 2 and counts['pupils'] == len(people.cp_pupils)


def test_the_first_opening_is_kept(people, clock):
    note = send(people.teacher, class_id=people.cp.id)
    receipts.mark_read(note, access.note_for(people.mother, note.id)[2])
    clock.days(1)
    receipts.mark_read(note, access.note_for(people.mother, note.id)[2])
    assert receipt(note, people.two, people.mother).read_at == NOW
    assert receipt(note, people.two, people.father).read_at is None


def test_a_double_submit_keeps_the_first_signature_and_answer(people, clock):
    note = send(people.teacher, class_id=people.cp.id, kind='answer', title='Piscine')
    first, new = receipts.sign(people.mother, note.id, people.two.id, 'oui', 'Avec plaisir')
    clock.set(datetime(2026, 12, 4, 9, 0, 1))
    again, new_again = receipts.sign(people.mother, note.id, people.two.id, 'non', '')
    assert new and not new_again
    assert (again.answer, again.comment, again.signed_at) == ('oui', 'Avec plaisir', first.signed_at)
    assert NoteReceipt.select().where((NoteReceipt.note == note.id) & NoteReceipt.signed_at.is_null(False)).count() == 1


def test_answers_and_signatures_are_checked(people):
    answer = send(people.teacher, class_id=people.cp.id, kind='answer')
    with pytest.raises(ValidationError) as caught:
        receipts.sign(people.mother, answer.id, people.two.id, 'peut-être')
    assert caught.value.errors == {'answer': 'Répondez « oui » ou « non ».'}
    info = send(people.teacher, class_id=people.cp.id, kind='info')
    with pytest.raises(ValidationError, match='rien à signer'):
        receipts.sign(people.mother, info.id, people.two.id)
    with pytest.raises(NotFound):                   # not the mother's child
        receipts.sign(people.mother, answer.id, people.one.id, 'oui')
    with pytest.raises(NotFound):                   # not a guardian of the class at all
        receipts.sign(people.other_guardian, answer.id, people.two.id, 'oui')


def test_a_signature_after_the_deadline_is_taken_and_shown_late(people, clock):
    note = send(people.teacher, class_id=people.cp.id, deadline='2026-12-07')
    clock.set(datetime(2026, 12, 8, 17, 0))
    late, new = receipts.sign(people.mother, note.id, people.two.id)
    assert new and receipts.is_late(note, late)
    on_time, _new = receipts.sign(people.lone, note.id, people.one.id)
    assert receipts.is_late(note, on_time)
    assert not receipts.is_late(Note.get_by_id(note.id), receipt(note, people.two, people.father))


def test_a_scheduled_note_is_hidden_from_families_until_sent(people, clock):
    note = send(people.teacher, class_id=people.cp.id, when='later', publish_date='2026-12-07')
    with pytest.raises(NotFound):
        access.note_for(people.mother, note.id)
    assert access.note_for(people.teacher, note.id)[1]
    clock.set(datetime(2026, 12, 7, 7, 0))
    assert access.note_for(people.mother, note.id)[2]


def test_a_paper_signature_counts_like_the_others(people, clock):
    other = send(people.teacher, class_id=people.cp.id, pupils=[people.one.id])
    note = send(people.teacher, class_id=people.cp.id, kind='answer', pupils=[people.two.id, people.one.id])
    row = receipt(note, people.two, people.father)
    paper, new = receipts.record_paper(people.teacher, note.id, row.id, 'non', 'Il sera chez sa grand-mère')
    assert new and (paper.channel, paper.recorded_by_id, paper.answer) == ('paper', people.teacher.id, 'non')
    assert receipts.counts(note, receipts.status(note))['signed'] == 1
    with pytest.raises(Forbidden):                  # a guardian does not record paper slips
        receipts.record_paper(people.mother, note.id, row.id, 'oui')
    with pytest.raises(ValidationError):            # a receipt of another note
        receipts.record_paper(people.teacher, note.id, receipt(other, people.one, people.lone).id, 'oui')


def test_a_pupil_without_guardian_account_is_signed_on_paper(people):
    User.update(status='disabled').where(User.id == people.lone.id).execute()
    note = send(people.teacher, class_id=people.cp.id, pupils=[people.one.id])
    row = receipt(note, people.one, None)
    receipts.record_paper(people.teacher, note.id, row.id)
    assert by_login(note)[people.one.login][None].channel == 'paper'
    assert receipts.counts(note, receipts.status(note))['signed_pupils'] == 1


def test_relancer_reminds_only_those_who_have_not_signed_and_never_on_the_day_of_sending(people, clock):
    note = send(people.teacher, class_id=people.cp.id, deadline='2026-12-11')
    receipts.sign(people.mother, note.id, people.two.id)
    with pytest.raises(Forbidden, match='Pas de relance le jour où le mot est envoyé'):
        receipts.remind(people.teacher, note.id)
    assert reminders(note).count() == 0
    clock.days(3)                                    # Monday 7 December
    count = receipts.remind(people.teacher, note.id)
    reminded = {n.user_id for n in reminders(note)}
    unsigned = {r.guardian_id for r in NoteReceipt.select().where((NoteReceipt.note == note.id)
                                                                  & NoteReceipt.signed_at.is_null()
                                                                  & NoteReceipt.guardian.is_null(False))}
    assert count == len(reminded) and reminded == unsigned
    assert people.mother.id not in reminded and people.father.id in reminded
    assert receipt(note, people.two, people.father).reminded_at == clock.at
    assert receipt(note, people.two, people.mother).reminded_at is None
    with pytest.raises(Forbidden):
        receipts.remind(people.mother, note.id)


def test_the_automatic_reminder_goes_once_remind_days_before_the_deadline(people, clock):
    note = send(people.teacher, class_id=people.cp.id, deadline='2026-12-09', remind_days='2')
    same_day = send(people.teacher, class_id=people.cp.id, deadline='2026-12-08', remind_days='5')
    receipts.sign(people.father, note.id, people.two.id)
    assert receipts.remind_due() == []                       # Friday: sent today, too early anyway
    clock.days(2)                                            # Sunday 6: two days before... the 8th
    assert receipts.remind_due() == [same_day.id]
    assert note.id not in receipts.remind_due(datetime(2026, 12, 6, 10, 0))
    clock.days(3)                                            # Monday 7 = 9 - 2
    scheduler.load()
    scheduler.JOBS['liaison.reminders'].function()
    assert Note.get_by_id(note.id).reminded_at == clock.at
    reminded = {n.user_id for n in reminders(note)}
    assert people.father.id not in reminded and people.mother.id in reminded
    clock.days(4)
    assert receipts.remind_due() == []                       # once
    assert reminders(note).count() == len(reminded)
    assert jobs.reminders is scheduler.JOBS['liaison.reminders'].function


def test_no_automatic_reminder_on_the_day_of_sending_even_when_due(people, clock):
    note = send(people.teacher, class_id=people.cp.id, deadline='2026-12-07', remind_days='3')
    assert receipts.remind_due() == [] and reminders(note).count() == 0
    clock.days(1)
    assert receipts.remind_due() == [note.id] and reminders(note).count() > 0


def test_relancer_once_a_day_and_no_reminder_while_messaging_is_read_only(people, clock):
    note = send(people.teacher, class_id=people.cp.id, deadline='2026-12-11', remind_days='4')
    clock.days(3)                                            # Monday 7 December = 11 - 4
    safety.set_read_only(people.director, people.director.school, True)
    with pytest.raises(Forbidden, match='lecture seule'):
        receipts.remind(people.teacher, note.id)
    assert receipts.remind_due() == [] and reminders(note).count() == 0
    safety.set_read_only(people.director, people.director.school, False)
    assert note.id in receipts.remind_due()                  # the automatic one, once reopened
    with pytest.raises(ValidationError, match='déjà été relancé aujourd’hui'):
        receipts.remind(people.teacher, note.id)
    clock.days(4)                                            # Tuesday 8
    assert receipts.remind(people.teacher, note.id) > 0


def test_signing_goes_on_while_messaging_is_read_only(people):
    note = send(people.teacher, class_id=people.cp.id)
    safety.set_read_only(people.director, people.director.school, True)
    assert receipts.sign(people.mother, note.id, people.two.id)[1]


def test_the_csv_export_renders_formulas_inert(people):
    note = send(people.teacher, class_id=people.cp.id, kind='answer', pupils=[people.two.id])
    receipts.sign(people.mother, note.id, people.two.id, 'non', CALC)
    receipts.sign(people.father, note.id, people.two.id, 'oui', '+33 6 12 34 56 78')
    text = export.csv_text(note)
    assert text.startswith('\ufeffÉlève;Niveau;Responsable;Lu le;Signé le;Canal;Réponse;Commentaire\r\n')
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=';'))[1:]
    comments = {row[2]: row[7] for row in rows}
    assert comments[people.mother.display_name] == "'" + CALC
    assert comments[people.father.display_name] == "'+33 6 12 34 56 78"
    assert all(row[0] == people.two.display_name and row[5] == 'en ligne' for row in rows)
    assert not any(cell[:1] in '=+-@\t\r' for row in rows for cell in row if cell)
    assert date.fromisoformat(rows[0][4][:10]) == date(2026, 12, 4)


def test_no_automatic_reminder_on_a_day_already_reminded_by_hand(people, clock):
    note = send(people.teacher, class_id=people.cp.id, deadline='2026-12-11', remind_days='4')
    clock.days(3)                                            # Monday 7 = 11 - 4: the automatic one's day
    sent = receipts.remind(people.teacher, note.id)
    assert note.id not in receipts.remind_due() and reminders(note).count() == sent
    assert Note.get_by_id(note.id).reminded_at is not None  # and not tomorrow either: it was that day's


def test_a_signature_withdraws_the_mails_not_yet_sent_about_the_note(people, clock):
    note = send(people.teacher, class_id=people.cp.id, pupils=[people.two.id])
    url = f'/cahier-de-liaison/{note.id}'
    def waiting():
        return {n.user_id for n in Notification.select().where(Notification.url == url)}
    assert waiting() == {people.mother.id, people.father.id}
    receipts.sign(people.mother, note.id, people.two.id)
    assert waiting() == {people.father.id}


def test_a_guardian_no_longer_linked_to_the_child_no_longer_reads_or_signs_its_notes(people):
    from ecole_ent.models import GuardianLink
    note = send(people.teacher, class_id=people.cp.id, kind='answer', pupils=[people.two.id])
    assert access.note_for(people.father, note.id)[2]
    GuardianLink.delete().where((GuardianLink.guardian == people.father.id)
                                & (GuardianLink.pupil == people.two.id)).execute()
    with pytest.raises(NotFound):
        access.note_for(people.father, note.id)
    with pytest.raises(NotFound):
        receipts.sign(people.father, note.id, people.two.id, 'oui')
    assert access.note_for(people.mother, note.id)[2]
