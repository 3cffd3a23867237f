"""Recording through the real server (waitress on a socket, the recorder's own writer thread): the
events add up to the requests made, by profile, feature, hour, device and place; what is not a page
view of a feature is not counted; nothing is recorded with [stats] enabled = false; an event
reaches the database within 10 seconds of its request."""
import time
from collections import Counter
from datetime import UTC, date, datetime

from ecole_ent.models import GuardianLink, School, StatsEvent, StatsVisitors, User
from ecole_ent.stats import fold, recorder
from tests.conftest import with_config
from tests.real_http import Browser

PHONE = ('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) '
         'Version/17.5 Mobile/15E148 Safari/604.1')
TABLET = ('Mozilla/5.0 (Linux; Android 14; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) '
          'Chrome/126.0 Safari/537.36')
COMPUTER = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'


def written(expected, seconds=10):
    """The events in the database once there are `expected` of them, polling (the writer thread
    writes every few seconds); after `seconds`, whatever is there."""
    deadline = time.monotonic() + seconds
    while True:
        rows = list(StatsEvent.select().dicts())
        if len(rows) >= expected or time.monotonic() > deadline:
            return rows
        time.sleep(0.1)


def at(monkeypatch, moment):
    """The recorder's clock set to `moment` (naive UTC)."""
    monkeypatch.setattr(recorder, 'clock', lambda: moment.replace(tzinfo=UTC).timestamp())


def browser(url, agent):
    person = Browser(url)
    person.opener.addheaders = [(name, value) for name, value in person.opener.addheaders
                                if name.lower() != 'user-agent'] + [('User-Agent', agent)]
    return person


def test_the_events_add_up_to_the_requests_made_by_profile_feature_hour_and_device(live_server, monkeypatch):
    at(monkeypatch, datetime(2026, 12, 4, 7, 15))                 # 8:15 in Paris
    guardian = browser(live_server, PHONE).sign_in('aurelie.dubois')          # sign-in, then the home
    for path in ('/blog', '/photos', '/devoirs', '/devoirs', '/static/css/ecole.css', '/messages/999999'):
        guardian.get(path)                   # a stylesheet and a 404 count for nothing
    at(monkeypatch, datetime(2026, 12, 4, 17, 5))                 # 18:05
    teacher = browser(live_server, COMPUTER).sign_in('julien.roux')
    teacher.get('/cahier-de-liaison')
    teacher.get('/messages')
    teacher.form('/deconnexion', token_from='/messages')    # a view of /messages, a POST, the sign-in page
    director = browser(live_server, TABLET).sign_in('sophie.lefevre-martin')
    director.get('/annuaire')
    expected = Counter({
        ('signin', 'guardian', '', 8, 'phone'): 1, ('visit', 'guardian', 'home', 8, 'phone'): 1,
        ('visit', 'guardian', 'blog', 8, 'phone'): 1, ('visit', 'guardian', 'photos', 8, 'phone'): 1,
        ('visit', 'guardian', 'homework', 8, 'phone'): 2,
        ('signin', 'teacher', '', 18, 'computer'): 1, ('visit', 'teacher', 'home', 18, 'computer'): 1,
        ('visit', 'teacher', 'notes', 18, 'computer'): 1, ('visit', 'teacher', 'messages', 18, 'computer'): 2,
        ('signin', 'director', '', 18, 'tablet'): 1, ('visit', 'director', 'home', 18, 'tablet'): 1,
        ('visit', 'director', 'directory', 18, 'tablet'): 1})
    assert len(written(sum(expected.values()))) >= sum(expected.values())
    recorder.flush()                         # queued before each response was sent: nothing more comes
    rows = list(StatsEvent.select().dicts())
    assert Counter((r['kind'], r['profile'], r['feature'], r['hour'], r['device']) for r in rows) == expected
    assert {r['school'] for r in rows} == {User.get(User.login == 'julien.roux').school_id}
    assert all(r['day'] == date(2026, 12, 4) and r['at_school'] for r in rows)    # 127.0.0.1: a school network
    per_person = {(r['profile'], r['day_visitor'], r['month_visitor']) for r in rows}
    assert len(per_person) == 3 and len({v for _p, v, _m in per_person}) == 3


def test_outside_the_school_networks_the_events_say_so(live_server, set_option):
    set_option('security.school_networks', [])
    browser(live_server, COMPUTER).sign_in('aurelie.dubois')
    rows = written(2)
    assert len(rows) == 2 and not any(r['at_school'] for r in rows)


def test_a_person_is_one_visitor_of_the_day_however_many_sign_ins_and_pages(live_server, monkeypatch):
    at(monkeypatch, datetime(2026, 12, 4, 16, 0))
    for agent in (PHONE, COMPUTER):          # the same parent on two devices, the same day
        parent = browser(live_server, agent).sign_in('aurelie.dubois')
        parent.get('/blog')
    browser(live_server, COMPUTER).sign_in('julien.roux')
    assert len(written(8)) == 8
    recorder.flush()
    fold.run(today=date(2026, 12, 5))
    figures = {(v.dimension, v.value): v.visitors for v in StatsVisitors.select().where(StatsVisitors.period == 'day')}
    assert figures[('all', '')] == 2
    assert figures[('profile', 'guardian')] == 1 and figures[('profile', 'teacher')] == 1
    assert figures[('device', 'phone')] == 1 and figures[('device', 'computer')] == 2
    assert figures[('feature', 'blog')] == 1 and figures[('feature', 'home')] == 2


def test_a_kiosk_session_counts_on_the_kiosk_device(live_server):
    school = User.get(User.login == 'aurelie.dubois').school
    School.update(kiosk=True).where(School.id == school.id).execute()
    hall = browser(live_server, TABLET)
    status, _headers, _page = hall.request('/kiosque', {'ecole': school.uai, 'login': 'aurelie.dubois',
                                                        'password': 'demo',
                                                        'csrf_token': hall.csrf(f'/kiosque?ecole={school.uai}')})
    assert status == 200 and hall.url.endswith('/kiosque/accueil')
    rows = written(2)
    assert sorted((r['kind'], r['feature'], r['device']) for r in rows) == [('signin', '', 'kiosk'),
                                                                           ('visit', 'home', 'kiosk')]


def test_a_parent_with_children_in_two_schools_counts_in_the_school_of_the_class_looked_at(
        school_b, config, demo_app):
    """School B's parent also has a child in the demo school: her pages of that child's class count
    for the demo school, the others for her own school (School B)."""
    from tests.conftest import real_server
    demo_pupil = User.get(User.login == 'zoe.dubois')
    GuardianLink.create(guardian=school_b.guardian, pupil=demo_pupil, relation='mother')
    demo_class = demo_pupil.enrolments.first().classroom
    with real_server(config, demo_app) as url:
        parent = browser(url, PHONE).sign_in(school_b.guardian.login)
        assert parent.get(f'/classe/{demo_class.id}')[0] == 200
        assert parent.get(f'/classe/{school_b.classroom.id}')[0] == 200
        rows = written(4)
    assert Counter((r['kind'], r['school']) for r in rows) == {
        ('signin', school_b.school.id): 1, ('visit', school_b.school.id): 2, ('visit', demo_class.school_id): 1}


def test_an_event_reaches_the_database_within_ten_seconds(live_server):
    browser(live_server, PHONE).sign_in('zoe.dubois')
    started = time.monotonic()
    rows = written(2, seconds=10)
    assert len(rows) == 2, f'{len(rows)} event(s) written after {time.monotonic() - started:.1f} s'
    assert {r['profile'] for r in rows} == {'pupil'}


@with_config(stats_enabled='false')
def test_with_recording_off_nothing_is_recorded(live_server):
    person = browser(live_server, PHONE).sign_in('aurelie.dubois')
    for path in ('/blog', '/photos', '/devoirs'):
        assert person.get(path)[0] == 200
    assert recorder.flush() == 0 and not recorder.RECORDER.pending
    assert StatsEvent.select().count() == 0


def test_nothing_of_the_person_or_the_connection_is_stored(live_server):
    person = browser(live_server, PHONE).sign_in('aurelie.dubois')
    person.get('/blog')
    rows = written(2)
    stored = ' '.join(str(value) for row in rows for value in row.values())
    for clue in ('aurelie', 'iPhone', 'Mozilla', '127.0.0.1'):
        assert clue not in stored
    assert all(len(r['day_visitor']) == 16 and r['day_visitor'] != r['month_visitor'] for r in rows)


def test_profile_and_device_rules():
    class Account:
        def __init__(self, roles):
            self.role_set = frozenset(roles)
    assert recorder.profile_of(Account(['guardian', 'teacher'])) == 'teacher'
    assert recorder.profile_of(Account(['teacher', 'director'])) == 'director'
    assert recorder.profile_of(Account(['staff', 'guardian'])) == 'staff'
    assert recorder.device_class(PHONE) == 'phone' and recorder.device_class(TABLET) == 'tablet'
    assert recorder.device_class(COMPUTER) == 'computer' and recorder.device_class('') == 'computer'
    assert recorder.feature_of('liaison.show') == 'notes' and recorder.feature_of('directory.card_form') is None
    assert recorder.feature_of('accounts.login') is None and recorder.feature_of('kiosk.week') == 'homework'


def test_the_local_day_and_hour_are_the_installations_across_the_changes_of_time(monkeypatch):
    from zoneinfo import ZoneInfo
    config = recorder.Settings(enabled=True, networks=(), zone=ZoneInfo('Europe/Paris'))
    moments = [datetime(2026, 3, 29, 0, 59), datetime(2026, 3, 29, 1, 0), datetime(2026, 10, 25, 0, 59),
               datetime(2026, 10, 25, 1, 0), datetime(2026, 12, 31, 22, 59), datetime(2026, 12, 31, 23, 0)]
    seen = []
    for moment in moments:
        at(monkeypatch, moment)
        seen.append(recorder.local_day_hour(config))
    assert seen == [(date(2026, 3, 29), 1), (date(2026, 3, 29), 3), (date(2026, 10, 25), 2),
                    (date(2026, 10, 25), 2), (date(2026, 12, 31), 23), (date(2027, 1, 1), 0)]
