"""The class's picture-password pages through the app: who may reach each route (every role of the
demo school, the others refused), the switch, the sheet, renewals, and bad input (a French message,
nothing half-saved, no 500). The sign-in itself: test_sign_in.py; another school: test_isolation.py."""

import pytest

from ecole_ent.models import AuditEvent, PictureClass, PicturePassword
from ecole_ent.pictures import service
from tests.blog.conftest import send, text
from tests.conftest import declared_routes, redirected_to

WHO = ('small_teacher', 'director', 'admin', 'teacher', 'staff', 'small_pupil', 'guardian')
MATRIX = {
    ('GET', '/annuaire/classe/{cls}/images'): (200, 200, 200, 403, 403, 403, 403),
    ('POST', '/annuaire/classe/{cls}/images'): (303, 303, 303, 403, 403, 403, 403),
    ('POST', '/annuaire/classe/{cls}/images/renouveler'): (303, 303, 303, 403, 403, 403, 403),
    ('POST', '/annuaire/classe/{cls}/eleve/{pupil}/images'): (303, 303, 303, 403, 403, 403, 403),
}
FORM = {'etat': 'oui', 'confirmer': 'oui'}


def test_every_route_of_the_feature_is_in_the_matrix_or_the_sign_in(demo_app):
    declared = declared_routes(demo_app, 'pictures.')
    named = {(m, p.replace('{cls}', '{class_id}').replace('{pupil}', '{pupil_id}')) for m, p in MATRIX}
    assert declared == named | {('GET', '/images'), ('POST', '/images')}


@pytest.mark.parametrize('method,path', list(MATRIX))
def test_who_may_reach_each_route(people, signed_in, method, path):
    address = path.format(cls=people.small.id, pupil=people.small_pupil.id)
    for role, expected in zip(WHO, MATRIX[(method, path)]):
        client = signed_in(getattr(people, role))
        if method == 'GET':
            response = client.get(address, expect_errors=True)
        else:
            response = send(client, address, FORM, status='*')
        assert response.status_int == expected, (role, method, address, response.status_int)


def test_the_sheet_shows_each_pupil_and_keeps_out_of_caches(people, signed_in):
    page = signed_in(people.small_teacher).get(f'/annuaire/classe/{people.small.id}/images')
    assert page.headers['Cache-Control'] == 'no-store'
    items = page.html.select('.pictures-sheet-item')
    expected = {p.login: names for p, names in service.sequences(people.small)}
    assert len(items) == len(expected) > 5
    for item in items:
        assert [li['data-picture'] for li in item.select('li[data-picture]')] == expected[item['data-login']]


def test_switching_a_class_on_gives_every_pupil_pictures_and_off_refuses_them(people, signed_in):
    client = signed_in(people.teacher)
    cp_sheet = f'/annuaire/classe/{people.cp.id}/images'
    assert 'Désactivée pour cette classe' in text(client.get(cp_sheet))
    assert redirected_to(send(client, cp_sheet, {'etat': 'oui'})) == cp_sheet
    page = client.get(cp_sheet)
    assert 'Activée pour cette classe' in text(page) and len(page.html.select('.pictures-sheet-item')) > 5
    pupils = [p for p, _names in service.sequences(people.cp)]
    assert PicturePassword.select().where(PicturePassword.pupil.in_([p.id for p in pupils])).count() == len(pupils)
    assert service.sequence_for(people.cp_pupil) is not None
    assert AuditEvent.select().where(AuditEvent.action == 'pictures.on').exists()
    assert 'Connexion par images activée pour la classe' in text(signed_in(people.director).get('/admin/journal'))
    send(client, cp_sheet, {'etat': 'non'})
    assert service.sequence_for(people.cp_pupil) is None
    assert not PictureClass.select().where(PictureClass.classroom == people.cp).exists()


def test_renewing_the_class_asks_for_confirmation(people, signed_in):
    client = signed_in(people.small_teacher)
    before = {p.id: names for p, names in service.sequences(people.small)}
    refused = send(client, f'/annuaire/classe/{people.small.id}/images/renouveler', {}, status=400)
    assert 'Cochez la case pour confirmer' in text(refused)
    assert {p.id: names for p, names in service.sequences(people.small)} == before     # nothing changed
    send(client, f'/annuaire/classe/{people.small.id}/images/renouveler', {'confirmer': 'oui'}, status=303)
    after = {p.id: names for p, names in service.sequences(people.small)}
    assert sum(before[k] != after[k] for k in before) >= len(before) - 1


def test_renewing_one_pupil_changes_only_theirs(people, signed_in):
    client = signed_in(people.small_teacher)
    before = {p.id: names for p, names in service.sequences(people.small)}
    seed = PicturePassword.get(PicturePassword.pupil == people.small_pupil).seed
    send(client, f'/annuaire/classe/{people.small.id}/eleve/{people.small_pupil.id}/images', {}, status=303)
    assert PicturePassword.get(PicturePassword.pupil == people.small_pupil).seed != seed
    after = {p.id: names for p, names in service.sequences(people.small)}
    assert {k: v for k, v in after.items() if k != people.small_pupil.id} == \
        {k: v for k, v in before.items() if k != people.small_pupil.id}


def test_a_pupil_of_another_class_or_a_missing_class_is_not_found(people, signed_in):
    client = signed_in(people.admin)
    send(client, f'/annuaire/classe/{people.small.id}/eleve/{people.cp_pupil.id}/images', {}, status=404)
    send(client, f'/annuaire/classe/{people.small.id}/eleve/999999/images', {}, status=404)
    client.get('/annuaire/classe/999999/images', status=404)


def test_a_pupil_who_joins_later_gets_pictures_when_first_needed(people):
    from ecole_ent.accounts import service as accounts
    from ecole_ent.models import Enrolment
    newcomer = accounts.create_user('lina.nouvelle', 'Lina', 'Nouvelle', ['pupil'], school=people.small.school,
                                    status='active')
    Enrolment.create(pupil=newcomer, classroom=people.small, niveau='MS')
    assert not PicturePassword.select().where(PicturePassword.pupil == newcomer).exists()
    names = service.sequence_for(newcomer)
    assert len(names) == 3 and service.sequence_for(newcomer) == names
    assert {p.id: n for p, n in service.sequences(people.small)}[newcomer.id] == names


def test_the_pages_that_may_write_are_served_in_the_writes_lane(demo_app):
    """GET /images counts a failure for an id the picker does not list, and the sheet seeds a pupil who
    joined later: both may wait for SQLite's write lock, so neither is served in the pages' lane
    (ecole_ent/lanes.py), where a page must never wait behind a write."""
    slow = {route.rule for route in demo_app.bottle.routes
            if route.name and route.name.startswith('pictures.') and route.method == 'GET'
            and route.config.get('slow')}
    assert slow == {'/images', '/annuaire/classe/<class_id:int>/images'}
