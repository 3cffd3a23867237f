"""Notifications into mails through the real relay: immediate, the daily digest, quiet hours
holding then releasing, the title hidden, mode none, nothing for other users."""
from datetime import datetime

from ecole_ent import i18n
from ecole_ent.db import writing
from ecole_ent.mail import notify, preferences
from ecole_ent.models import Notification, OutboxMail, User

from .conftest import PUBLIC_URL, deliver, parts, with_email


def note(users, title='Sortie au musée', kind='message', url='/messages/12', **kw):
    with writing():
        notify.notify(users, kind, title, url, **kw)


def test_an_immediate_notification_is_one_french_mail_in_text_and_html(mail_relay, clock):
    guardian = with_email('aurelie.dubois', 'aurelie.dubois@example.org')
    note([guardian])
    counts = deliver()
    assert counts.as_dict() == {'sent': 1, 'failed': 0, 'waiting': 0}
    (message,) = mail_relay.messages()
    assert message['Subject'] == 'Nouveau message : Sortie au musée'
    assert message['To'] == 'aurelie.dubois@example.org' and message.get_content_type() == 'multipart/alternative'
    text, html = parts(message)
    for body in (text, html):
        assert PUBLIC_URL + '/messages/12' in body and PUBLIC_URL + '/compte#h-mail' in body
        assert 'Sortie au musée' in body
    stop = message['List-Unsubscribe']
    assert stop.startswith(f'<{PUBLIC_URL}/courriels/arret/{guardian.id}.') and stop.endswith('>')
    assert message['List-Unsubscribe-Post'] == 'List-Unsubscribe=One-Click'
    assert stop[1:-1] in text and stop[1:-1] in html
    assert message['Message-ID'] == OutboxMail.get().message_id
    assert mail_relay.envelopes[0].rcpt_tos == ['aurelie.dubois@example.org']
    assert deliver().sent == 0 and len(mail_relay.envelopes) == 1        # once


def test_titles_are_escaped_in_the_html_part(mail_relay, clock):
    guardian = with_email('aurelie.dubois')
    note([guardian], title='<script>alert(1)</script> & co')
    deliver()
    text, html = parts(mail_relay.messages()[0])
    assert '<script>' not in html and '&lt;script&gt;' in html and '<script>alert(1)</script> & co' in text


def test_hide_content_says_only_that_there_is_something_new(mail_relay, clock):
    guardian = with_email('aurelie.dubois')
    preferences.save_preference(guardian, hide_content=True)
    note([guardian], title='Poux dans la classe', kind='note', url='/cahier-de-liaison/3')
    deliver()
    (message,) = mail_relay.messages()
    assert message['Subject'] == "Vous avez un nouveau message sur l'ENT de l'école"
    text, html = parts(message)
    assert 'Poux' not in text and 'Poux' not in html and PUBLIC_URL + '/cahier-de-liaison/3' in text


def test_mode_none_and_no_address_make_no_mail_and_no_leak_to_others(mail_relay, clock, demo):
    quiet_parent = with_email('aurelie.dubois')
    preferences.save_preference(quiet_parent, mode='none')
    teacher = demo.teacher                      # no e-mail address in the demo
    other = with_email('thomas.dubois')
    note([quiet_parent, teacher], title='Réunion de rentrée')
    note([other], title='Autre chose')
    deliver()
    (message,) = mail_relay.messages()
    assert message['To'] == other.email and 'Réunion' not in message.as_string()
    assert Notification.select().where(Notification.mailed_at.is_null()).count() == 0


def test_quiet_hours_hold_a_teachers_mail_until_they_end(mail_relay, clock, demo):
    teacher = with_email(demo.teacher.login)
    preferences.save_preference(teacher, quiet_from='19:00', quiet_until='7:30')
    clock.set(datetime(2026, 12, 4, 21, 0))                  # 22:00 in Paris
    note([teacher], title='Question sur les devoirs')
    assert notify.quiet_until(teacher) == datetime(2026, 12, 5, 6, 30)   # 07:30 in Paris
    assert deliver().sent == 0
    clock.set(datetime(2026, 12, 5, 6, 29))
    assert deliver().sent == 0 and not mail_relay.envelopes
    clock.set(datetime(2026, 12, 5, 6, 30))
    assert deliver().sent == 1
    assert mail_relay.messages()[0]['Subject'] == 'Nouveau message : Question sur les devoirs'


def test_an_urgent_notification_bypasses_quiet_hours(mail_relay, clock, demo):
    teacher = with_email(demo.teacher.login)
    preferences.save_preference(teacher, quiet_from='19:00', quiet_until='07:30')
    clock.set(datetime(2026, 12, 4, 21, 0))
    note([teacher], title='École fermée demain', kind='note', urgent=True)
    assert deliver().sent == 1
    assert mail_relay.messages()[0]['Subject'] == 'Urgent : Cahier de liaison : École fermée demain'


def test_the_daily_digest_is_one_mail_at_the_digest_hour(mail_relay, clock):
    guardian = with_email('aurelie.dubois')
    preferences.save_preference(guardian, mode='digest')
    for title in ('Sortie au musée', 'Photos de classe', 'Cantine'):
        note([guardian], title=title)
        clock.advance(minutes=5)
    clock.set(datetime(2026, 12, 4, 16, 59))                 # 17:59 in Paris
    assert deliver().sent == 0
    clock.set(datetime(2026, 12, 4, 17, 1))                  # 18:01
    assert deliver().sent == 1
    (message,) = mail_relay.messages()
    assert message['Subject'] == 'Résumé du jour : 3 nouveautés sur l’ENT de l’école'
    text, html = parts(message)
    assert all(title in text and title in html for title in ('Sortie au musée', 'Photos de classe', 'Cantine'))
    clock.advance(minutes=30)
    note([guardian], title='Kermesse')
    assert deliver().sent == 0                               # tomorrow's digest
    clock.set(datetime(2026, 12, 5, 17, 0))
    assert deliver().sent == 1 and 'Kermesse' in parts(mail_relay.messages()[1])[0]


def test_many_news_waiting_together_go_as_one_mail(mail_relay, clock):
    guardian = with_email('aurelie.dubois')
    for number in range(5):
        note([guardian], title=f'Message {number}')
    assert deliver().sent == 1
    assert mail_relay.messages()[0]['Subject'] == '5 nouveautés sur l’ENT de l’école'


def test_without_a_relay_notifications_wait_then_are_forgotten(mail_relay, clock, set_option):
    from ecole_ent.mail import delivery
    set_option('smtp.host', '')
    guardian = with_email('aurelie.dubois')
    note([guardian])
    assert deliver().sent == 0 and OutboxMail.select().count() == 0
    set_option('smtp.host', '127.0.0.1')                  # configured the next day: still mailed
    clock.advance(days=1)
    assert deliver().sent == 1
    set_option('smtp.host', '')
    note([guardian], title='Trop vieux')
    clock.advance(days=8)
    delivery.cleanup()
    assert Notification.select().where(Notification.mailed_at.is_null()).count() == 0


def test_a_withdrawn_item_is_not_mailed(mail_relay, clock):
    guardian, other = with_email('aurelie.dubois'), with_email('thomas.dubois')
    note([guardian, other], url='/messages/40')
    with writing():
        assert notify.withdraw('/messages/40', [guardian]) == 1
    deliver()
    assert [m['To'] for m in mail_relay.messages()] == [other.email]
    with writing():
        assert notify.withdraw('/messages/40') == 0          # mailed already: nothing to forget


def test_news_waiting_for_a_digest_never_hold_up_the_others(mail_relay, clock, monkeypatch):
    """A run reads READ_LIMIT notifications at a time: a digest user's waiting pile (a commune's
    school-wide notes) must not stop the users after them from getting their mail."""
    from ecole_ent.mail import delivery
    monkeypatch.setattr(delivery, 'READ_LIMIT', 5)
    low, high = sorted([with_email('aurelie.dubois', 'a@example.org'), with_email('julien.roux', 'b@example.org')],
                       key=lambda user: user.id)
    preferences.save_preference(low, mode='digest')
    for number in range(6):
        note([low], title=f'Mot {number}', url=f'/cahier-de-liaison/{number}', kind='note')
    note([high], title='Pour vous')
    delivery.run()
    assert [mail.subject for mail in OutboxMail.select().where(OutboxMail.to == high.email)] == [
        'Nouveau message : Pour vous']
    assert not OutboxMail.select().where(OutboxMail.to == low.email).exists()      # before 18:00


def test_a_mail_is_written_in_its_recipient_s_language(mail_relay, clock):
    guardian = with_email('aurelie.dubois', 'aurelie.dubois@example.org')
    with writing():
        User.update(language='en').where(User.id == guardian.id).execute()
    teacher = with_email('julien.roux', 'julien.roux@example.org')
    note([guardian, teacher])
    deliver()
    subjects = {m['To']: m['Subject'] for m in mail_relay.messages()}
    assert subjects['julien.roux@example.org'] == 'Nouveau message : Sortie au musée'
    assert subjects['aurelie.dubois@example.org'] == i18n.catalog('en').gettext('Nouveau message : {title}').format(
        title='Sortie au musée')
