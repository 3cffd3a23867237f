"""The pupils' sign-in with pictures through the app: right and wrong sequences, who is refused
(another role, a pupil of a class without pictures, a locked pupil or address), the steps
without JavaScript, and renewal invalidating the old sequence."""
import ipaddress

import pytest

from ecole_ent import db
from ecole_ent.accounts import service as accounts
from ecole_ent.errors import Forbidden
from ecole_ent.models import AuditEvent, Throttle, User
from ecole_ent.pictures import service
from tests.blog.conftest import text
from tests.conftest import redirected_to
from tests.homework.test_data import SQLITE_ONLY

from .conftest import OUTSIDE, post_pictures, pupil_client, sequence, wrong_sequence

WRONG = 'Ce ne sont pas les bonnes images'


def test_the_right_sequence_signs_the_pupil_in(people, demo_app):
    client = pupil_client(demo_app)
    names = sequence(people.small_pupil)
    assert len(names) == 3 and len(set(names)) == 3
    signed = post_pictures(client, people.small_pupil.login, names)
    assert redirected_to(signed) == '/' and 'ecole_session' in client.cookies
    assert f'Bonjour {people.small_pupil.first_name}' in signed.follow().text
    assert User.get_by_id(people.small_pupil.id).last_login_at is not None


def test_a_wrong_sequence_is_refused_with_a_picture_and_the_grid_again(people, demo_app):
    client = pupil_client(demo_app)
    refused = post_pictures(client, people.small_pupil.login, wrong_sequence(sequence(people.small_pupil)))
    assert refused.status_int == 403 and WRONG in refused.text
    assert 'ecole_session' not in client.cookies
    assert refused.html.select_one('.pictures-refused svg') is not None       # the picture, which shakes
    assert len(refused.html.select('.pictures-grid button[name="images"]')) == 12   # try again
    for bad in ('chat', 'chat,chien,licorne', 'chat,chat,chat', ',,,', 'x' * 5000):
        response = post_pictures(client, people.small_pupil.login, [bad])
        assert response.status_int in (200, 403) and 'ecole_session' not in client.cookies


def test_another_role_is_refused_with_the_same_message(people, demo_app):
    client = pupil_client(demo_app)
    for user in (people.small_teacher, people.guardian, people.admin, people.director):
        refused = post_pictures(client, user.login, sequence(people.small_pupil))
        assert refused.status_int == 403 and WRONG in refused.text
    assert post_pictures(client, 'personne', sequence(people.small_pupil)).status_int == 403
    assert 'ecole_session' not in client.cookies


def test_a_pupil_who_is_also_something_else_is_refused(people, demo_app):
    names = sequence(people.small_pupil)
    User.update(roles='pupil,staff').where(User.id == people.small_pupil.id).execute()
    refused = post_pictures(pupil_client(demo_app), people.small_pupil.login, names)
    assert refused.status_int == 403 and WRONG in refused.text


def test_a_pupil_of_a_class_without_pictures_is_refused(people, demo_app):
    assert sequence(people.cp_pupil) is None
    names = service.sequence_of_seed('whatever')
    refused = post_pictures(pupil_client(demo_app), people.cp_pupil.login, names)
    assert refused.status_int == 403 and WRONG in refused.text
    small = sequence(people.small_pupil)
    service.switch(people.director, people.small, on=False)        # switched off: refused too
    assert post_pictures(pupil_client(demo_app), people.small_pupil.login, small).status_int == 403
    service.switch(people.director, people.small, on=True)         # on again: the same pictures
    assert redirected_to(post_pictures(pupil_client(demo_app), people.small_pupil.login, small)) == '/'


def test_outside_the_school_networks_the_page_and_the_post_are_refused_first(people, demo_app):
    outside = pupil_client(demo_app, OUTSIDE)
    page = outside.get('/images', status=403)
    assert "La connexion par carte ne fonctionne que depuis le réseau de l’école." in text(page)
    assert people.small.name not in page.text
    assert people.small_pupil.first_name not in outside.get(f'/images?classe={people.small.id}', status=403).text
    token = outside.get('/connexion').html.select_one('input[name=csrf_token]')['value']
    refused = outside.post('/images', {'csrf_token': token, 'login': people.small_pupil.login,
                                       'images': ','.join(sequence(people.small_pupil))}, status=403)
    assert "depuis le réseau de l’école" in text(refused) and 'ecole_session' not in outside.cookies


def test_wrong_sequences_lock_the_pupil_then_the_address(people, demo_app):
    client = pupil_client(demo_app, '10.3.3.3')
    right, wrong = sequence(people.small_pupil), wrong_sequence(sequence(people.small_pupil))
    for _attempt in range(service.PUPIL_MAX_FAILURES):
        assert WRONG in post_pictures(client, people.small_pupil.login, wrong).text
    locked = post_pictures(pupil_client(demo_app, '10.4.4.4'), people.small_pupil.login, right)
    assert locked.status_int == 403 and 'Trop d’essais' in locked.text    # this pupil waits, anywhere
    assert AuditEvent.select().where(AuditEvent.action == 'login.locked').exists()
    other = people.small_pupil2
    assert redirected_to(post_pictures(client, other.login, sequence(other))) == '/'   # the others do not


def test_an_address_that_misses_too_often_waits(people, demo_app, monkeypatch):
    monkeypatch.setattr(service, 'ADDRESS_MAX_FAILURES', 4)
    client = pupil_client(demo_app, '10.5.5.5')
    pupils = [people.small_pupil, people.small_pupil2]
    for attempt in range(4):
        pupil = pupils[attempt % 2]
        assert WRONG in post_pictures(client, pupil.login, wrong_sequence(sequence(pupil))).text
    locked = post_pictures(pupil_client(demo_app, '10.5.5.5'), people.small_pupil.login, sequence(people.small_pupil))
    assert locked.status_int == 403 and 'Trop d’essais' in locked.text
    elsewhere = pupil_client(demo_app, '10.6.6.6')
    assert redirected_to(post_pictures(elsewhere, people.small_pupil.login, sequence(people.small_pupil))) == '/'


def test_renewal_invalidates_the_old_sequence(people, demo_app):
    old = sequence(people.small_pupil)
    new = service.renew_pupil(people.small_teacher, people.small, people.small_pupil)
    for _attempt in range(20):      # a renewal may give the same pictures by chance (1 in 1,320)
        if new != old:
            break
        new = service.renew_pupil(people.small_teacher, people.small, people.small_pupil)
    assert post_pictures(pupil_client(demo_app), people.small_pupil.login, old).status_int == 403
    assert redirected_to(post_pictures(pupil_client(demo_app), people.small_pupil.login, new)) == '/'
    before = {p.id: names for p, names in service.sequences(people.small)}
    service.renew_class(people.small_teacher, people.small, confirmed=True)
    after = {p.id: names for p, names in service.sequences(people.small)}
    assert before.keys() == after.keys() and sum(before[k] != after[k] for k in before) >= len(before) - 1


def test_without_javascript_each_tap_is_a_step_and_the_last_one_posts(people, demo_app):
    client = pupil_client(demo_app)
    picker = client.get('/images')
    assert picker.html.select_one('input[name=csrf_token]')['value']
    (link,) = [a for a in picker.html.select('a.pictures-choice') if a.get_text(strip=True) == people.small.name]
    assert people.cp.name not in picker.text                       # a class without pictures is not offered
    pupils = client.get(link['href'])
    (mine,) = [a for a in pupils.html.select('a.pictures-choice')
               if a['href'].endswith(f'eleve={people.small_pupil.id}')]
    page = client.get(mine['href'])
    assert page.html.select_one('input[name=login]')['value'] == people.small_pupil.login   # the grid's form only
    for name in sequence(people.small_pupil):
        form = page.forms[[k for k, f in page.forms.items() if f.action == '/images'][-1]]
        (button,) = [b for b in page.html.select('button[name=images]') if b['data-picture'] == name]
        page = form.submit('images', value=button['value'])
    assert redirected_to(page) == '/' and 'ecole_session' in client.cookies


def test_a_pupil_of_a_class_without_pictures_has_no_grid(people, demo_app):
    client = pupil_client(demo_app)
    client.get(f'/images?classe={people.cp.id}', status=404)
    client.get(f'/images?eleve={people.cp_pupil.id}', status=404)
    client.get(f'/images?eleve={people.small_teacher.id}', status=404)
    client.get(f'/images?eleve={people.small_pupil.login}', status=404)       # ids only, never a login
    for bad in ('99999999999999999999', '-1', '1e3', ''):
        client.get(f'/images?eleve={bad}&classe={bad}', status=404 if bad else 200)


def test_the_picker_shows_no_login_and_no_surname(people, demo_app):
    """Anyone on a school network may open the picker: its pages before the grid name a pupil by
    first name and surname initial (as a 4-year-old recognises them), with no login (prenom.nom)."""
    client = pupil_client(demo_app)
    pages = [client.get('/images'), client.get(f'/images?classe={people.small.id}')]
    pupils = accounts.pupils_of(people.small)
    for page in pages:
        assert not page.html.select('input[name=login]')
        for pupil in pupils:
            assert pupil.login not in page.text and f'{pupil.first_name} {pupil.last_name}' not in page.text
    links = pages[1].html.select('a.pictures-choice')
    assert sorted(a['href'] for a in links) == sorted(f'/images?eleve={p.id}' for p in pupils if p.status == 'active')
    shown = {a.get_text(' ', strip=True) for a in links}
    first, last = people.small_pupil.first_name, people.small_pupil.last_name
    assert f'{first[:1]} {first} {last[:1]}.' in shown


def test_a_signed_in_user_posting_pictures_is_sent_home_as_themselves(people, signed_in):
    client = signed_in(people.small_teacher)
    token = client.csrf('/images')
    response = client.post('/images', {'csrf_token': token, 'login': people.small_pupil.login,
                                       'images': ','.join(sequence(people.small_pupil))})
    assert redirected_to(response) == '/'
    assert f'{people.small_teacher.first_name}' in response.follow().text
    assert User.get_by_id(people.small_pupil.id).last_login_at is None


def test_a_post_without_the_csrf_token_is_refused(people, demo_app):
    client = pupil_client(demo_app)
    client.get('/images')
    response = client.post('/images', {'login': people.small_pupil.login,
                                       'images': ','.join(sequence(people.small_pupil))}, expect_errors=True)
    assert response.status_int == 400 and 'ecole_session' not in client.cookies


def test_a_locked_pupil_shows_on_the_sheet_and_the_teachers_renewal_unlocks(people, demo_app, signed_in):
    """A classmate can lock a pupil out (the pupil's counter is global): the sheet says so and a
    renewal, of the pupil or of the whole class, lets the pupil in again with the new pictures."""
    for renew in ('pupil', 'class'):
        wrong = wrong_sequence(sequence(people.small_pupil))
        for _attempt in range(service.PUPIL_MAX_FAILURES):
            post_pictures(pupil_client(demo_app, '10.7.7.7'), people.small_pupil.login, wrong)
        locked = post_pictures(pupil_client(demo_app), people.small_pupil.login, sequence(people.small_pupil))
        assert locked.status_int == 403 and 'Trop d’essais' in locked.text
        teacher = signed_in(people.small_teacher)
        sheet = teacher.get(f'/annuaire/classe/{people.small.id}/images')
        (item,) = [li for li in sheet.html.select('.pictures-sheet-item')
                   if li['data-login'] == people.small_pupil.login]
        assert 'Bloqué·e après trop d’essais' in item.get_text()
        assert len(sheet.html.select('.pictures-locked')) == 1          # the others are not
        if renew == 'pupil':
            teacher.post(f'/annuaire/classe/{people.small.id}/eleve/{people.small_pupil.id}/images',
                         {'csrf_token': teacher.csrf(f'/annuaire/classe/{people.small.id}/images')})
        else:
            teacher.post(f'/annuaire/classe/{people.small.id}/images/renouveler',
                         {'csrf_token': teacher.csrf(f'/annuaire/classe/{people.small.id}/images'), 'confirmer': 'oui'})
        assert not teacher.get(f'/annuaire/classe/{people.small.id}/images').html.select('.pictures-locked')
        signed = post_pictures(pupil_client(demo_app), people.small_pupil.login, sequence(people.small_pupil))
        assert redirected_to(signed) == '/', renew


def test_every_images_response_is_no_store(people, demo_app):
    """The steps show which pictures were chosen so far: no page of /images is kept by the browser."""
    client, pupil = pupil_client(demo_app), people.small_pupil
    names = sequence(pupil)
    responses = [client.get('/images'), client.get(f'/images?classe={people.small.id}'),
                 client.get(f'/images?classe={people.cp.id}', status=404),
                 client.get('/images?eleve=0', status=404),
                 pupil_client(demo_app, OUTSIDE).get('/images', status=403),
                 client.post('/images', {'login': pupil.login, 'images': names[0]}, status=400),
                 post_pictures(client, pupil.login, names[:1]), post_pictures(client, pupil.login, names[:2]),
                 post_pictures(client, pupil.login, wrong_sequence(names)), post_pictures(client, pupil.login, names)]
    assert [r.status_int for r in responses[-4:]] == [200, 200, 403, 303]
    for response in responses:
        assert response.headers.get('Cache-Control') == 'no-store', (response.request.url, response.status)


@SQLITE_ONLY
def test_a_wrong_sequence_is_counted_in_one_write_transaction(people, demo_app):
    """The pupil's and the address's failures are written together: a wrong try waits once for
    SQLite's write lock, not once per counter."""
    statements = []
    db.database.connection().set_trace_callback(statements.append)
    try:
        with pytest.raises(Forbidden):
            service.sign_in_user(people.small_pupil.login, ','.join(wrong_sequence(sequence(people.small_pupil))),
                                 '10.0.0.7', [ipaddress.ip_network('10.0.0.0/8')])
    finally:
        db.database.connection().set_trace_callback(None)
    assert [s for s in statements if s.upper().startswith('BEGIN')] == ['BEGIN IMMEDIATE']
    assert {key for key, _limit in service._throttle_keys(people.small_pupil.login, '10.0.0.7')} <= \
        {row.key for row in Throttle.select()}
