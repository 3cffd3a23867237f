"""Writing and reading threads through the service: one thread per family, read receipts both ways,
recall within the hour while unread, scheduled sending, the read-only switch, the rate limit, bad
input (nothing half-saved), a form sent twice, the notice of a teacher's quiet hours."""
import io
import os
from datetime import timedelta

import pytest

from ecole_ent.errors import Forbidden, NotFound, ValidationError
from ecole_ent.mail import notify
from ecole_ent.messages import access, reading, safety, threads
from ecole_ent.models import AuditEvent, Message, MessageFile, MessageReceipt, Notification, Thread, ThreadMember
from tests.blog.conftest import PDF
from tests.messages.conftest import NOW


def counts():
    return tuple(m.select().count() for m in (Thread, ThreadMember, Message, MessageFile, MessageReceipt, Notification))


def write(sender, recipients, body='Bonjour, Léa a oublié son cahier.', **extra):
    values = {'subject': 'Cahier oublié', 'body': body, 'recipients': [str(u.id) for u in recipients], **extra}
    return threads.start(sender, values, extra.pop('uploads', ()))


def test_a_guardian_writes_to_the_teacher_who_reads_it_and_the_guardian_sees_when(people, clock):
    sent = write(people.guardian, [people.teacher])
    thread = sent.threads[0]
    assert Notification.get(Notification.user == people.teacher).url == f'/messages/{thread.id}'
    assert reading.unread_count(people.teacher) == 1
    view = reading.open_thread(people.guardian, thread.id)
    assert [r.read_at for r in view.messages[0].receipts] == [None]
    clock.set(NOW + timedelta(hours=2))
    reading.open_thread(people.teacher, thread.id)
    assert reading.unread_count(people.teacher) == 0
    receipt = reading.open_thread(people.guardian, thread.id).messages[0].receipts[0]
    assert receipt.user.id == people.teacher.id and receipt.read_at == NOW + timedelta(hours=2)
    clock.set(NOW + timedelta(hours=5))
    reading.open_thread(people.teacher, thread.id)                 # read_at is the first opening only
    assert MessageReceipt.get(MessageReceipt.user == people.teacher).read_at == NOW + timedelta(hours=2)


def test_the_teacher_s_answer_is_read_by_the_guardian_too(people, clock):
    thread = write(people.guardian, [people.teacher]).threads[0]
    message, _notices = threads.reply(people.teacher, thread.id, {'body': 'Merci, je le lui rends demain.'})
    assert reading.unread_count(people.guardian) == 1
    reading.open_thread(people.guardian, thread.id)
    assert MessageReceipt.get(MessageReceipt.message == message).read_at == NOW


def test_a_message_to_a_class_is_one_thread_per_family_member(people):
    form = {'subject': 'Sortie', 'body': 'Jeudi au musée.', 'class_id': str(people.cp.id), 'token': 'a' * 32}
    first = threads.start(people.teacher, form)
    assert first.confirm and first.confirm['guardians'] >= first.confirm['families'] > 1
    assert counts()[0] == 0                                                # nothing before the confirmation
    sent = threads.start(people.teacher, form, confirm=True)
    assert len(sent.threads) == first.confirm['guardians']
    assert {t.batch for t in sent.threads} == {'a' * 32}
    for thread in sent.threads:
        members = access.members_of(thread)
        assert sum(access.is_family(m) for m in members) == 1 and people.teacher.id in {m.id for m in members}
    # a guardian's reply reaches the teacher only
    guardian = next(m for m in access.members_of(sent.threads[0]) if access.is_family(m))
    message, _n = threads.reply(guardian, sent.threads[0].id, {'body': 'Bien reçu.'})
    assert [r.user_id for r in MessageReceipt.select().where(MessageReceipt.message == message)] == [people.teacher.id]


def test_a_form_sent_twice_starts_one_thread(people):
    write(people.guardian, [people.teacher], token='b' * 32)
    again = write(people.guardian, [people.teacher], token='b' * 32)
    assert again.duplicate and Thread.select().count() == 1 and Message.select().count() == 1


def test_a_reply_sent_twice_is_written_once(people, clock):
    thread = write(people.guardian, [people.teacher]).threads[0]
    threads.reply(people.teacher, thread.id, {'body': 'Merci !'})
    threads.reply(people.teacher, thread.id, {'body': 'Merci !'})
    assert Message.select().where(Message.thread == thread).count() == 2


def test_recall_within_the_hour_while_unread(people, clock):
    thread = write(people.teacher, [people.guardian]).threads[0]
    message = thread.messages.get()
    clock.set(NOW + timedelta(minutes=59))
    threads.recall(people.teacher, message.id)
    assert Message.get_by_id(message.id).recalled_at is not None
    assert reading.unread_count(people.guardian) == 0
    assert reading.inbox(people.guardian)[0] == []                         # nothing left to see
    assert not Notification.select().where(Notification.user == people.guardian).exists()
    with pytest.raises(NotFound):
        reading.open_thread(people.staff, thread.id)
    with pytest.raises(NotFound):                        # its subject with it
        reading.open_thread(people.guardian, thread.id)
    assert reading.open_thread(people.teacher, thread.id).messages[0].recalled_at


def test_no_recall_once_read_or_after_the_hour(people, clock):
    read = write(people.teacher, [people.guardian]).threads[0]
    late = write(people.teacher, [people.guardian], body='Autre chose').threads[0]
    reading.open_thread(people.guardian, read.id)
    with pytest.raises(ValidationError) as refused:
        threads.recall(people.teacher, read.messages.get().id)
    assert 'a déjà lu ce message' in refused.value.errors['recall']
    clock.set(NOW + timedelta(minutes=61))
    with pytest.raises(ValidationError) as refused:
        threads.recall(people.teacher, late.messages.get().id)
    assert 'plus d’une heure' in refused.value.errors['recall']
    assert Message.select().where(Message.recalled_at.is_null(False)).count() == 0
    with pytest.raises(Forbidden):
        threads.recall(people.guardian, late.messages.get().id)


def test_a_scheduled_message_appears_and_notifies_at_its_time(people, clock):
    sent = write(people.teacher, [people.guardian], when='later', publish_date='2026-12-07', publish_time='08:30')
    thread = sent.threads[0]
    moment = Message.get().send_at
    assert Notification.get().due_at == moment > NOW
    assert reading.inbox(people.guardian)[0] == [] and reading.unread_count(people.guardian) == 0
    assert reading.inbox(people.teacher)[0][0].id == thread.id               # its author sees it
    with pytest.raises(NotFound):
        reading.open_thread(people.guardian, thread.id + 1000)
    with pytest.raises(NotFound):                        # not yet, subject included
        reading.open_thread(people.guardian, thread.id)
    clock.set(moment)
    assert reading.unread_count(people.guardian) == 1
    assert len(reading.open_thread(people.guardian, thread.id).messages) == 1


def test_read_only_refuses_sending_but_not_reading(people, clock):
    thread = write(people.guardian, [people.teacher]).threads[0]
    safety.set_read_only(people.director, people.director.school, True)
    assert AuditEvent.select().where(AuditEvent.action == 'messaging.read_only').exists()
    before = counts()
    with pytest.raises(Forbidden):
        write(people.guardian, [people.teacher])
    with pytest.raises(Forbidden):
        threads.reply(people.teacher, thread.id, {'body': 'Réponse'})
    assert counts() == before
    assert reading.open_thread(people.teacher, thread.id).messages
    with pytest.raises(Forbidden):
        safety.set_read_only(people.teacher, people.director.school, False)


def test_the_rate_limit_stops_a_flood(people, set_option):
    set_option('messages.per_hour', 3)
    for number in range(3):
        write(people.teacher, [people.guardian], body=f'Message {number}', token=str(number) * 8)
    with pytest.raises(Forbidden) as refused:
        write(people.teacher, [people.guardian], body='Encore')
    assert 'réessayez dans une heure' in str(refused.value)


def test_a_message_to_the_whole_class_counts_once_and_replies_each(people, set_option):
    set_option('messages.per_hour', 3)
    form = {'subject': 'Sortie', 'body': 'Jeudi au musée.', 'class_id': str(people.cp.id), 'token': 'c' * 32}
    sent = threads.start(people.teacher, form, confirm=True)
    assert len(sent.threads) > 3
    threads.reply(people.teacher, sent.threads[0].id, {'body': 'Précision : départ à 9 h.'})
    write(people.teacher, [people.guardian], body='Un mot pour vous', token='b' * 8)
    with pytest.raises(Forbidden, match='réessayez dans une heure'):
        threads.reply(people.teacher, sent.threads[1].id, {'body': 'Encore une précision.'})


@pytest.mark.parametrize('values,field,words', [
    ({'body': ''}, 'body', 'il est vide'),
    ({'body': 'x' * 1_000_000}, 'body', '10 000 caractères au plus'),
    ({'subject': ''}, 'subject', 'objet'),
    ({'recipients': []}, 'recipients', 'au moins un destinataire'),
    ({'recipients': ['abc']}, 'recipients', 'dans la liste'),
    ({'when': 'later', 'publish_date': '2020-01-01'}, 'publish_date', 'déjà passée'),
    ({'kept': ['0' * 32 + ':pdf:' + 'a' * 64 + ':10:faux.pdf']}, 'files', 'joignez-les de nouveau'),
    ({'class_id': 'abc'}, 'class_id', 'une de vos classes'),
])
def test_bad_input_is_refused_in_french_and_saves_nothing(people, values, field, words):
    form = {'subject': 'Objet', 'body': 'Texte', 'recipients': [str(people.teacher.id)], **values}
    with pytest.raises(ValidationError) as refused:
        threads.start(people.guardian, form)
    assert words in refused.value.errors[field]
    assert counts() == (0,) * 6


def test_a_recipient_one_may_not_write_to_is_refused(people, school_b):
    for stranger in (people.other_teacher, school_b.teacher, people.other_guardian, people.pupil):
        with pytest.raises(ValidationError) as refused:
            write(people.guardian, [stranger])
        assert 'Vous ne pouvez pas écrire' in refused.value.errors['recipients']
    assert counts() == (0,) * 6


def test_a_file_that_lies_about_its_type_is_refused_and_nothing_stays(people, config):
    folder = config.data_dir / 'media' / 'messages'
    on_disk = lambda: {p for p in folder.rglob('*') if p.is_file()}      # noqa: E731
    before = on_disk()
    with pytest.raises(ValidationError) as refused:
        write(people.guardian, [people.teacher], uploads=[('photo.png', io.BytesIO(PDF)),
                                                          ('fiche.pdf', io.BytesIO(b'MZ\x90\x00 not a pdf' * 50))])
    assert 'n’est ni un PDF ni une image' in refused.value.errors['files']
    assert counts() == (0,) * 6
    assert on_disk() == before                            # the good PDF stored first went again


def test_a_pdf_is_joined_and_read_by_the_members_only(people, school_b):
    sent = write(people.guardian, [people.teacher], uploads=[('certificat.pdf', io.BytesIO(PDF))])
    row = MessageFile.get()
    assert threads.file_for(people.teacher, row.id)['content_type'] == 'application/pdf'
    assert os.path.exists(threads.file_for(people.guardian, row.id)['path'])
    for outsider in (people.other_teacher, people.director, school_b.director):
        with pytest.raises(NotFound):
            threads.file_for(outsider, row.id)
    assert sent.threads[0].id


def test_one_not_in_the_thread_cannot_reply_nor_learn_it_exists(people):
    thread = write(people.guardian, [people.teacher]).threads[0]
    for outsider in (people.other_guardian, people.other_teacher, people.director):
        with pytest.raises(NotFound):
            threads.reply(outsider, thread.id, {'body': 'Intrus'})
    with pytest.raises(NotFound):
        threads.reply(people.teacher, 10**9, {'body': 'Nulle part'})
    assert Message.select().count() == 1


def test_a_guardian_whose_child_left_the_class_may_not_answer_its_old_teacher(people):
    from ecole_ent.models import Enrolment
    thread = write(people.teacher, [people.guardian]).threads[0]
    Enrolment.update(ended_on='2026-12-01').where(Enrolment.classroom == people.cp).execute()
    with pytest.raises(Forbidden) as refused:
        threads.reply(people.guardian, thread.id, {'body': 'Encore une question'})
    assert 'Vous ne pouvez plus écrire à Julien Roux' in str(refused.value)
    assert reading.open_thread(people.guardian, thread.id).refusal


def test_a_guardian_writing_in_the_teacher_s_quiet_hours_is_told_when_it_will_be_read(people, clock, monkeypatch):
    from datetime import datetime
    monkeypatch.setattr(notify, 'quiet_until', lambda user, moment=None: datetime(2026, 12, 7, 6, 0))
    sent = write(people.guardian, [people.teacher])
    assert sent.notices == ['Julien Roux lira votre message le prochain jour de classe, lundi 7 décembre.']


def test_a_guardian_writing_on_saturday_is_told_the_next_school_day(people, clock):
    from datetime import datetime
    clock.set(datetime(2026, 12, 5, 20, 0))
    sent = write(people.guardian, [people.teacher])
    assert sent.notices == ['Julien Roux lira votre message le prochain jour de classe, lundi 7 décembre.']
    clock.set(NOW)
    assert write(people.guardian, [people.teacher], body='Un vendredi').notices == []


def test_a_message_to_some_niveaux_reaches_their_families_only(people):
    from ecole_ent.models import GuardianLink
    form = {'subject': 'Dictée', 'body': 'Dictée des CE1 vendredi.', 'class_id': str(people.cp.id), 'niveaux': ['CE1']}
    sent = threads.start(people.teacher, form, confirm=True)
    families = {m.id for t in sent.threads for m in access.members_of(t) if access.is_family(m)}
    ce1_families = {link.guardian_id for link in GuardianLink.select().where(GuardianLink.pupil == people.ce1_pupil)}
    cp_only = {link.guardian_id for link in GuardianLink.select().where(GuardianLink.pupil == people.cp_pupil)}
    assert ce1_families <= families and not (cp_only - ce1_families) & families
    with pytest.raises(ValidationError) as refused:
        threads.start(people.teacher, dict(form, niveaux=['CM2']))
    assert 'niveaux' in refused.value.errors
    with pytest.raises(ValidationError) as refused:
        threads.start(people.teacher, dict(form, class_id=str(people.big.id), niveaux=[]))   # not her class
    assert refused.value.errors['class_id'] == 'Choisissez une de vos classes.'


def test_staff_in_copy_are_in_every_family_s_thread(people):
    others = [u for u, _label in access.guardians_of_class(people.cp) if u.id != people.guardian.id][:1]
    sent = write(people.teacher, [people.guardian, *others, people.director])
    assert len(sent.threads) == 2
    for thread in sent.threads:
        members = {m.id for m in access.members_of(thread)}
        assert {people.teacher.id, people.director.id} <= members and len(members) == 3


def test_families_answer_a_thread_with_staff_in_copy_and_reach_both(people):
    sent = write(people.teacher, [people.guardian, people.staff])
    (thread,) = sent.threads
    threads.reply(people.guardian, thread.id, {'body': 'Bien reçu, merci à vous deux.'})
    assert {r.user_id for r in MessageReceipt.select().join(Message).where(Message.thread == thread)
            .where(Message.author == people.guardian)} == {people.teacher.id, people.staff.id}


def test_a_colleague_who_is_a_parent_of_the_class_gets_her_own_thread_as_a_family(people):
    """ines.haddad teaches another class and is a parent in CP-CE1 (a village school): a message
    to the class's families gives her one thread of her own, never a copy of the others'."""
    from ecole_ent.models import GuardianLink, User
    ines = people.big_teacher
    User.update(roles=ines.roles + ',guardian').where(User.id == ines.id).execute()
    GuardianLink.create(guardian=ines.id, pupil=people.cp_pupil.id)
    form = {'subject': 'Sortie', 'body': 'Jeudi au musée.', 'class_id': str(people.cp.id), 'token': 'c' * 32}
    sent = threads.start(people.teacher, form, confirm=True)
    with_ines = [t for t in sent.threads if ines.id in {m.id for m in access.members_of(t)}]
    assert len(with_ines) == 1 and len(access.members_of(with_ines[0])) == 2
    for thread in sent.threads:                       # every family may answer its own thread
        family = next(m for m in access.members_of(thread) if m.id != people.teacher.id)
        assert access.reply_refusal(family, access.members_of(thread), thread.created_by_id) is None


def test_recall_withdraws_this_message_s_notification_only(people, clock):
    first = write(people.teacher, [people.guardian], body='Premier message')
    Notification.update(created_at=NOW - timedelta(hours=3)).execute()       # a digest's, not mailed yet
    threads.reply(people.teacher, first.threads[0].id, {'body': 'Envoyé trop vite'})
    threads.recall(people.teacher, Message.select().order_by(Message.id.desc()).first().id)
    assert Notification.select().where(Notification.user == people.guardian).count() == 1


def test_the_teacher_s_own_quiet_hours_tell_the_family_when_it_will_be_read(people, clock):
    from datetime import datetime

    from ecole_ent.models import MailPreference
    MailPreference.insert(user=people.teacher, quiet_from='19:00', quiet_until='07:30').on_conflict(
        conflict_target=[MailPreference.user], update={MailPreference.quiet_from: '19:00',
                                                       MailPreference.quiet_until: '07:30'}).execute()
    clock.set(datetime(2026, 12, 3, 21, 0))                                   # Thursday, 22:00 in Paris
    sent = write(people.guardian, [people.teacher])
    assert sent.notices == ['Julien Roux lira votre message le prochain jour de classe, vendredi 4 décembre.']
