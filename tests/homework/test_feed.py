"""The private iCalendar feeds (homework/feed.py): one address per child, shown on the account page
without a POST, read by calendar apps without a cookie, revoked and renewed by its owner only."""
import html
import re
import secrets
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest

from ecole_ent import security
from ecole_ent.homework import feed, service
from ecole_ent.models import AuditEvent, CalendarFeed, Classroom, Homework, User
from ecole_ent.web import access_log
from tests.conftest import Client, redirected_to
from tests.real_http import Browser

NOW = datetime(2026, 12, 4, 9, 0)          # naive UTC: Friday 4 December 2026
TODAY = date(2026, 12, 4)
FEED = re.compile(r'value="(https?://[^"]+/agenda/([A-Za-z0-9_-]+)\.ics)"')


def entry(classroom, due_on, niveaux='', subject='Lecture', body='<p>Lire la page 12</p>', **extra):
    return Homework.create(classroom=classroom, niveaux=niveaux, subject=subject, given_on=TODAY,
                           due_on=due_on, body_source='x', body_html=body,
                           publish_at=extra.pop('publish_at', NOW - timedelta(hours=1)), **extra)


class Family:
    """aurelie.dubois and her children: zoe.dubois (MS, Maternelle PS-MS-GS), noe.dubois (CP, CP-CE1)."""

    def __init__(self):
        self.guardian = User.get(User.login == 'aurelie.dubois')
        self.zoe, self.noe = User.get(User.login == 'zoe.dubois'), User.get(User.login == 'noe.dubois')
        self.maternelle = Classroom.get(Classroom.name == 'Maternelle PS-MS-GS')
        self.cp = Classroom.get(Classroom.name == 'CP-CE1')


@pytest.fixture
def family(demo, monkeypatch):
    monkeypatch.setattr(service, 'clock', lambda: NOW)
    return Family()


def signed_in(app, login):
    client = Client(app, extra_environ={'REMOTE_ADDR': '10.0.0.5'})
    assert redirected_to(client.login(login)) == '/'
    return client


def addresses(page):
    """{child's first name: (full address, path)} of the calendar addresses on a page."""
    found = {}
    for block in page.text.split('<h3>')[1:]:
        name = html.unescape(block.split('</h3>', 1)[0])
        match = FEED.search(block)
        found[name] = (match.group(1), urlsplit(match.group(1)).path) if match else None
    return found


def send(client, path, **fields):
    return client.post(path, {**fields, 'csrf_token': client.csrf('/compte')}, expect_errors=True)


def parsed(response):
    return icalendar.Calendar.from_ical(response.body)


def test_the_account_page_shows_one_address_per_child_the_same_on_every_visit(demo_app, family):
    client = signed_in(demo_app, 'aurelie.dubois')
    first = addresses(client.get('/compte'))
    assert set(first) == {'Zoé', 'Noé'} and first['Zoé'] != first['Noé']
    assert addresses(client.get('/compte')) == first
    assert "Ajoutez cette adresse à l'agenda de votre téléphone" in html.unescape(client.get('/compte').text)
    rows = CalendarFeed.select().where(CalendarFeed.owner == family.guardian.id)
    assert {row.child_id for row in rows} == {family.zoe.id, family.noe.id}
    assert all(row.generation == 0 and row.active for row in rows)


def test_tokens_are_derived_and_only_their_keyed_hash_is_stored(demo_app, family):
    client = signed_in(demo_app, 'aurelie.dubois')
    _url, path = addresses(client.get('/compte'))['Zoé']
    token = path.removeprefix('/agenda/').removesuffix('.ics')
    assert len(token) == 43 and token == feed.token_for(family.guardian.id, family.zoe.id, 0)
    row = CalendarFeed.get(CalendarFeed.child == family.zoe.id)
    assert row.token_hash == security.keyed_hash(token, 'calendar-feed-lookup') != token
    assert not CalendarFeed.select().where(CalendarFeed.token_hash.contains(token[:12])).exists()


def test_the_feed_is_a_valid_calendar_of_what_the_child_sees(demo_app, family):
    seen = [entry(family.maternelle, TODAY + timedelta(days=3), 'MS', 'Découverte du monde',
                  '<p>Apporter une <strong>feuille</strong> d&#39;automne</p><ul><li>rouge</li><li>jaune</li></ul>',
                  links='https://exemple.fr/feuilles'),
            entry(family.maternelle, TODAY - timedelta(days=20)),                 # the whole class
            entry(family.maternelle, TODAY + timedelta(days=100), 'PS,MS')]
    hidden = [entry(family.maternelle, TODAY + timedelta(days=3), 'GS'),         # another niveau
              entry(family.cp, TODAY + timedelta(days=3)),                       # Noé's class
              entry(family.maternelle, TODAY + timedelta(days=3), publish_at=NOW + timedelta(hours=2)),
              entry(family.maternelle, TODAY - timedelta(days=40)),              # too old
              entry(family.maternelle, TODAY + timedelta(days=150))]             # too far
    client = signed_in(demo_app, 'aurelie.dubois')
    _url, path = addresses(client.get('/compte'))['Zoé']
    response = Client(demo_app).get(path)                                        # no cookie
    assert response.headers['Content-Type'] == 'text/calendar; charset=utf-8'
    assert response.headers['Cache-Control'] == 'private, max-age=900'
    assert response.headers['Content-Disposition'] == 'inline; filename="devoirs-zoe.ics"'
    calendar = parsed(response)
    assert calendar['VERSION'] == '2.0' and calendar['PRODID'] == '-//ecole-ent//Cahier de textes//FR'
    assert calendar['X-WR-CALNAME'] == 'Devoirs de Zoé' and 'REFRESH-INTERVAL' in calendar
    events = {str(event['UID']): event for event in calendar.walk('VEVENT')}
    uids = {f'homework-{e.id}-{family.zoe.id}@ecole-ent': e for e in seen}
    assert set(uids) <= set(events)
    assert not {f'homework-{e.id}-{family.zoe.id}@ecole-ent' for e in hidden} & set(events)
    for uid in events:                            # whatever else the school has, Zoé's only
        homework = Homework.get_by_id(int(uid.split('-')[1]))
        assert homework.classroom_id == family.maternelle.id and (not homework.niveaux or 'MS' in homework.niveaux)
    leaf = events[f'homework-{seen[0].id}-{family.zoe.id}@ecole-ent']
    assert leaf['DTSTART'].dt == TODAY + timedelta(days=3) and not isinstance(leaf['DTSTART'].dt, datetime)
    assert leaf['DTSTART'].params.get('VALUE') == 'DATE'
    assert leaf['DTEND'].dt == TODAY + timedelta(days=4)
    assert str(leaf['SUMMARY']) == "Découverte du monde : Apporter une feuille d'automne"
    assert str(leaf['DESCRIPTION']) == "Apporter une feuille d'automne\n- rouge\n- jaune\nhttps://exemple.fr/feuilles"
    assert str(leaf['URL']).endswith(f'/devoirs/{seen[0].id}')
    assert leaf['DTSTAMP'].dt.replace(tzinfo=None) == seen[0].updated_at.replace(microsecond=0)
    assert all('<' not in str(event.get('DESCRIPTION', '')) for event in events.values())
    again = {str(event['UID']) for event in parsed(Client(demo_app).get(path)).walk('VEVENT')}
    assert again == set(events)                   # stable UIDs: a calendar updates, never duplicates


def test_an_entry_appears_once_published(demo_app, family, monkeypatch):
    later = entry(family.maternelle, TODAY + timedelta(days=3), publish_at=NOW + timedelta(hours=2))
    client = signed_in(demo_app, 'aurelie.dubois')
    _url, path = addresses(client.get('/compte'))['Zoé']
    uid = f'homework-{later.id}-{family.zoe.id}@ecole-ent'
    assert uid not in {str(e['UID']) for e in parsed(Client(demo_app).get(path)).walk('VEVENT')}
    monkeypatch.setattr(service, 'clock', lambda: NOW + timedelta(hours=3))
    assert uid in {str(e['UID']) for e in parsed(Client(demo_app).get(path)).walk('VEVENT')}


def test_revoking_makes_the_address_404_and_the_page_offers_a_new_one(demo_app, family):
    client = signed_in(demo_app, 'aurelie.dubois')
    _url, path = addresses(client.get('/compte'))['Zoé']
    assert Client(demo_app).get(path).status_int == 200
    revoked = send(client, f'/compte/agenda/{family.zoe.id}/desactiver')
    assert redirected_to(revoked) == '/compte'
    page = revoked.follow()
    assert 'est désactivée' in html.unescape(page.text)
    assert addresses(page)['Zoé'] is None and addresses(page)['Noé'] is not None
    assert 'Créer une nouvelle adresse' in page.text
    refused = Client(demo_app).get(path, expect_errors=True)
    assert refused.status_int == 404 and "Cet agenda n'existe pas ou n'est plus actif." in html.unescape(refused.text)
    assert AuditEvent.get(AuditEvent.action == 'calendar_feed.revoked').target == 'zoe.dubois'


def test_renewing_gives_a_new_address_and_the_old_one_stops(demo_app, family):
    client = signed_in(demo_app, 'aurelie.dubois')
    _url, old = addresses(client.get('/compte'))['Zoé']
    renewed = send(client, f'/compte/agenda/{family.zoe.id}/renouveler', next='/devoirs')
    assert redirected_to(renewed) == '/devoirs'
    _url, new = addresses(client.get('/compte'))['Zoé']
    assert new != old
    assert Client(demo_app).get(old, expect_errors=True).status_int == 404
    assert Client(demo_app).get(new).status_int == 200
    assert CalendarFeed.get(CalendarFeed.child == family.zoe.id).generation == 1
    send(client, f'/compte/agenda/{family.zoe.id}/desactiver')
    send(client, f'/compte/agenda/{family.zoe.id}/renouveler')       # « Créer une nouvelle adresse »
    _url, newest = addresses(client.get('/compte'))['Zoé']
    assert newest not in (old, new) and Client(demo_app).get(newest).status_int == 200
    assert Client(demo_app).get(new, expect_errors=True).status_int == 404


def test_the_buttons_never_send_the_browser_to_another_site(demo_app, family):
    client = signed_in(demo_app, 'aurelie.dubois')
    client.get('/compte')
    renewed = send(client, f'/compte/agenda/{family.zoe.id}/renouveler', next='//evil.example/')
    assert redirected_to(renewed) == '/compte'


def test_another_guardian_can_neither_revoke_nor_renew_nor_guess(demo_app, family):
    owner = signed_in(demo_app, 'aurelie.dubois')
    _url, path = addresses(owner.get('/compte'))['Zoé']
    other = signed_in(demo_app, User.with_role('guardian').where(User.login != 'aurelie.dubois')
                      .where(User.login != 'thomas.dubois').order_by(User.login).first().login)
    other.get('/compte')
    for action in ('desactiver', 'renouveler'):
        assert send(other, f'/compte/agenda/{family.zoe.id}/{action}').status_int == 404
    teacher = signed_in(demo_app, 'julien.roux')
    assert send(teacher, f'/compte/agenda/{family.noe.id}/desactiver').status_int == 404
    assert Client(demo_app).get(path).status_int == 200                  # untouched
    row = CalendarFeed.get((CalendarFeed.owner == family.guardian.id) & (CalendarFeed.child == family.zoe.id))
    assert row.active and row.generation == 0
    for guess in (secrets.token_urlsafe(32), path.split('/')[-1][:-5][:-1] + 'A', 'a' * 20):
        assert Client(demo_app).get(f'/agenda/{guess}.ics', expect_errors=True).status_int == 404
    assert Client(demo_app).get('/agenda/court.ics', expect_errors=True).status_int == 404
    # the other parent has an address of their own for the same child
    thomas = signed_in(demo_app, 'thomas.dubois')
    assert addresses(thomas.get('/compte'))['Zoé'][1] != path


def test_a_missing_csrf_token_is_refused(demo_app, family):
    client = signed_in(demo_app, 'aurelie.dubois')
    client.get('/compte')
    refused = client.post(f'/compte/agenda/{family.zoe.id}/desactiver', {}, expect_errors=True)
    assert refused.status_int == 400
    assert CalendarFeed.get(CalendarFeed.child == family.zoe.id).active


def test_a_disabled_guardian_or_one_no_longer_linked_gets_404(demo_app, family):
    from ecole_ent.models import GuardianLink
    client = signed_in(demo_app, 'aurelie.dubois')
    found = addresses(client.get('/compte'))
    _url, zoe = found['Zoé']
    _url, noe = found['Noé']
    User.update(status='disabled').where(User.id == family.guardian.id).execute()
    assert Client(demo_app).get(zoe, expect_errors=True).status_int == 404
    User.update(status='active').where(User.id == family.guardian.id).execute()
    assert Client(demo_app).get(zoe).status_int == 200
    GuardianLink.delete().where((GuardianLink.guardian == family.guardian.id)
                                & (GuardianLink.pupil == family.noe.id)).execute()
    assert Client(demo_app).get(noe, expect_errors=True).status_int == 404
    assert Client(demo_app).get(zoe).status_int == 200


def test_a_pupil_has_their_own_address_and_staff_none(demo_app, family):
    pupil = signed_in(demo_app, 'noe.dubois')
    found = addresses(pupil.get('/compte'))
    assert list(found) == ['Noé']
    assert Client(demo_app).get(found['Noé'][1]).status_int == 200
    teacher = signed_in(demo_app, 'julien.roux')
    assert 'calendar-feeds' not in teacher.get('/compte').text


def test_a_calendar_reading_the_feed_is_noted_once_an_hour(demo_app, family):
    client = signed_in(demo_app, 'aurelie.dubois')
    _url, path = addresses(client.get('/compte'))['Zoé']
    assert CalendarFeed.get(CalendarFeed.child == family.zoe.id).used_at is None
    Client(demo_app).get(path)
    first = CalendarFeed.get(CalendarFeed.child == family.zoe.id).used_at
    assert first is not None
    Client(demo_app).get(path)
    assert CalendarFeed.get(CalendarFeed.child == family.zoe.id).used_at == first
    assert 'Dernière lecture par un agenda' in html.unescape(client.get('/compte').text)


def test_the_feed_works_through_the_real_server_without_cookies(live_server, family):
    person = Browser(live_server)
    person.sign_in('aurelie.dubois')
    status, page = person.get('/compte')
    assert status == 200
    address = FEED.search(page).group(1)
    assert address.startswith(live_server + '/agenda/')
    with urllib.request.urlopen(address, timeout=30) as response:       # a calendar app: no cookie
        assert response.status == 200
        assert response.headers['Content-Type'] == 'text/calendar; charset=utf-8'
        calendar = icalendar.Calendar.from_ical(response.read())
    assert calendar['X-WR-CALNAME'] == 'Devoirs de Noé'        # the first child, by first name
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(address[:-5] + 'x.ics', timeout=30)
    assert refused.value.code == 404


def test_the_access_log_never_writes_a_feed_token():
    exchange = access_log.Exchange({'PATH_INFO': '/agenda/' + 'S3cret' * 8 + '.ics'}, None)
    assert exchange.path == '/agenda/*'
    assert access_log.Exchange({'PATH_INFO': '/devoirs'}, None).path == '/devoirs'
