"""Pupils' login cards on the demo school (issue 16, item 3): one pupil's card printed again with
the same code or a new one, a class printed again keeping its valid codes unless the teacher asks
for new ones, every print audited; who may reach each card route (a role MATRIX), another school's
people and pupils refused with nothing changed, bad input answered in French."""
import itertools
import re

import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.models import AuditEvent, Enrolment, User
from ecole_ent.models.directory import PupilCard
from tests.admin.conftest import school_b  # noqa: F401 (a fixture: École du Port)
from tests.blog.conftest import People, send
from tests.conftest import Client, redirected_to
from tests.statements import Counted

CLASS = '/annuaire/classe/{cp}'
WHO = ('teacher', 'director', 'admin', 'other_teacher', 'staff', 'guardian', 'pupil')
MATRIX = {
    ('GET', CLASS): (200, 200, 200, 403, 403, 403, 403),
    ('POST', CLASS + '/cartes'): (200, 200, 200, 403, 403, 403, 403),
    ('GET', CLASS + '/cartes/renouveler'): (200, 200, 200, 403, 403, 403, 403),
    ('GET', CLASS + '/eleve/{pupil}/carte'): (200, 200, 200, 403, 403, 403, 403),
    ('POST', CLASS + '/eleve/{pupil}/carte'): (200, 200, 200, 403, 403, 403, 403),
    ('POST', CLASS + '/eleve/{pupil}/revoquer'): (303, 303, 303, 403, 403, 403, 403),
}
COMPUTERS = itertools.count()
CARD_ROUTES = {'directory.classroom', 'directory.cards', 'directory.renew', 'directory.card',
               'directory.reprint', 'directory.revoke'}


@pytest.fixture
def people(demo):
    people = People()
    people.admin = User.get(User.login == 'admin')
    people.cp_pupils = [p for p in accounts.pupils_of(people.cp) if p.status == 'active']
    return people


def codes(page):
    """{login: code} of a printed cards page."""
    found = re.findall(r'Mon code :<br><strong>([a-z0-9 ]+)</strong></p>\s*'
                       r'<p class="login-card-school meta">([a-z0-9.-]+) ·', page.text)
    return {login: code.replace(' ', '') for code, login in found}


def card_signs_in(app, code):
    """True when the code signs a pupil in from a classroom computer (a fresh browser each time, and
    a computer of its own: 20 wrong codes from one address would make it wait)."""
    number = next(COMPUTERS)
    pupil_computer = Client(app, extra_environ={'REMOTE_ADDR': f'10.20.{number // 250}.{number % 250 + 1}'})
    response = pupil_computer.get('/carte?jeton=' + code, expect_errors=True)
    if response.status_int == 403:
        assert 'Cette carte ne fonctionne pas' in response.text
        return False
    return redirected_to(response) == '/' and 'ecole_session' in pupil_computer.cookies


def print_class(client, cp, **fields):
    return send(client, f'/annuaire/classe/{cp.id}/cartes', fields, status=200)


def reprint(client, cp, pupil, choice, status=200):
    return send(client, f'/annuaire/classe/{cp.id}/eleve/{pupil.id}/carte', {'code': choice}, status=status)


def cards_table():
    return sorted(PupilCard.select(PupilCard.pupil, PupilCard.token_hash, PupilCard.seed).tuples())


def test_one_card_printed_again_with_the_same_code_leaves_every_card_of_the_class_valid(people, signed_in,
                                                                                      demo_app):
    teacher = signed_in(people.teacher)
    first = codes(print_class(teacher, people.cp))
    assert len(first) == len(people.cp_pupils) >= 3
    lost = people.cp_pupils[1]
    choice = teacher.get(f'/annuaire/classe/{people.cp.id}/eleve/{lost.id}/carte')
    assert 'La carte est perdue dans la classe : même code' in choice.text
    page = reprint(teacher, people.cp, lost, 'meme')
    assert page.headers['Cache-Control'] == 'no-store'
    assert codes(page) == {lost.login: first[lost.login]}
    assert 'elle fonctionne toujours' in page.text and page.text.count('class="login-card"') == 1
    assert all(card_signs_in(demo_app, code) for code in first.values())
    event = AuditEvent.select().where(AuditEvent.action == 'card.reprinted').get()
    assert event.target == lost.login and event.actor_id == people.teacher.id
    assert '"new": false' in event.details and event.school_id == people.cp.school_id


def test_a_new_code_for_one_pupil_refuses_only_their_old_card(people, signed_in, demo_app):
    teacher = signed_in(people.teacher)
    first = codes(print_class(teacher, people.cp))
    lost = people.cp_pupils[0]
    page = reprint(teacher, people.cp, lost, 'nouveau')
    (new_code,) = codes(page).values()
    assert new_code != first[lost.login] and 'ne fonctionne plus' in page.text
    assert not card_signs_in(demo_app, first[lost.login])
    assert card_signs_in(demo_app, new_code)
    assert all(card_signs_in(demo_app, code) for login, code in first.items() if login != lost.login)
    assert '"new": true' in AuditEvent.get(AuditEvent.action == 'card.reprinted').details


def test_printing_the_class_again_keeps_valid_codes_and_gives_a_card_to_whoever_has_none(people, signed_in,
                                                                                         demo_app):
    teacher = signed_in(people.teacher)
    first = codes(print_class(teacher, people.cp))
    revoked, older = people.cp_pupils[0], people.cp_pupils[1]
    send(teacher, f'/annuaire/classe/{people.cp.id}/eleve/{revoked.id}/revoquer', status=303)
    PupilCard.update(seed=None).where(PupilCard.pupil == older).execute()   # a card from before m0010
    listing = teacher.get(f'/annuaire/classe/{people.cp.id}')
    assert 'pas encore de carte' in listing.text and 'code non conservé' in listing.text
    page = print_class(teacher, people.cp)
    again = codes(page)
    assert set(again) == set(first)
    assert again[revoked.login] != first[revoked.login] and again[older.login] != first[older.login]
    kept = {login for login in first if login not in (revoked.login, older.login)}
    assert {login: again[login] for login in kept} == {login: first[login] for login in kept}
    assert f'{len(kept)} cartes gardent leur code' in page.text and '2 nouvelles cartes' in page.text
    assert all(card_signs_in(demo_app, again[login]) for login in again)
    assert not card_signs_in(demo_app, first[older.login])
    printed = AuditEvent.select().where(AuditEvent.action == 'cards.printed').order_by(AuditEvent.id)
    assert ['"kept": 0' in e.details for e in printed] == [True, False]
    assert f'"kept": {len(kept)}' in printed[-1].details and '"renew_all": false' in printed[-1].details


def test_new_codes_for_the_whole_class_only_when_asked_after_a_warning(people, signed_in, demo_app):
    teacher = signed_in(people.teacher)
    first = codes(print_class(teacher, people.cp, renouveler='oui'))     # not the word that renews
    assert codes(print_class(teacher, people.cp)) == first
    confirm = teacher.get(f'/annuaire/classe/{people.cp.id}/cartes/renouveler')
    assert f'Les {len(first)} cartes déjà imprimées cesseront toutes de fonctionner' in confirm.text
    form = next(f for f in confirm.forms.values() if f.action.endswith('/cartes'))
    assert form['renouveler'].value == 'toutes'
    page = form.submit()
    renewed = codes(page)
    assert set(renewed) == set(first) and not set(renewed.values()) & set(first.values())
    assert 'les cartes précédentes ne fonctionnent plus' in page.text
    assert not any(card_signs_in(demo_app, code) for code in first.values())
    assert all(card_signs_in(demo_app, code) for code in renewed.values())
    last = AuditEvent.select().where(AuditEvent.action == 'cards.printed').order_by(AuditEvent.id.desc()).first()
    assert '"renew_all": true' in last.details and f'"new": {len(first)}' in last.details


def test_a_bad_choice_or_a_pupil_whose_account_is_not_active_is_explained_and_changes_nothing(people,
                                                                                            signed_in):
    teacher = signed_in(people.teacher)
    print_class(teacher, people.cp)
    before, events = cards_table(), AuditEvent.select().count()
    page = reprint(teacher, people.cp, people.cp_pupils[0], 'peut-etre', status=400)
    assert 'Choisissez : la même carte, ou une nouvelle carte' in page.text
    assert 'name="code" value="nouveau"' in page.text
    User.update(status='pending').where(User.id == people.cp_pupils[2].id).execute()
    page = reprint(teacher, people.cp, people.cp_pupils[2], 'nouveau', status=400)
    assert 'n’est pas actif' in page.text
    assert cards_table() == before and AuditEvent.select().count() == events


def test_a_disabled_pupil_has_no_card_page_to_print_again(people, signed_in):
    teacher = signed_in(people.teacher)
    print_class(teacher, people.cp)
    before = cards_table()
    User.update(status='disabled').where(User.id == people.cp_pupils[3].id).execute()
    card_page = f'/annuaire/classe/{people.cp.id}/eleve/{people.cp_pupils[3].id}/carte'
    assert 'Élève introuvable' in teacher.get(card_page, status=404).text
    reprint(teacher, people.cp, people.cp_pupils[3], 'nouveau', status=404)
    assert cards_table() == before


def test_every_card_route_is_in_the_matrix(demo_app):
    declared = {route.name for route in demo_app.bottle.routes if route.name in CARD_ROUTES}
    assert declared == CARD_ROUTES
    rules = {(r.method, re.sub(r'<(\w+)[^>]*>', r'{\1}', r.rule)) for r in demo_app.bottle.routes
             if r.name in CARD_ROUTES}
    assert rules == {(m, p.replace('{cp}', '{class_id}').replace('{pupil}', '{pupil_id}')) for m, p in MATRIX}


@pytest.mark.parametrize('method,path', list(MATRIX))
def test_who_may_reach_each_card_route(people, signed_in, method, path):
    """Whoever printed cards before keeps exactly that right: the class's teacher, the director and
    the admin. A refusal changes no card and writes no audit line."""
    who = {'teacher': people.teacher, 'director': people.director, 'admin': people.admin,
           'other_teacher': people.other_teacher, 'staff': people.staff, 'guardian': people.guardian,
           'pupil': people.pupil2}
    address = path.format(cp=people.cp.id, pupil=people.pupil.id)
    for role, expected in zip(WHO, MATRIX[(method, path)]):
        client = signed_in(who[role])
        before, events = cards_table(), AuditEvent.select().count()
        if method == 'GET':
            response = client.get(address, expect_errors=True)
        else:
            response = send(client, address, {'code': 'nouveau'}, status='*')
        assert response.status_int == expected, (role, method, address, response.status_int)
        if expected == 403:
            assert cards_table() == before and AuditEvent.select().count() == events


def test_another_schools_people_and_pupils_are_refused_and_nothing_changes(people, signed_in, school_b):  # noqa: F811
    port_director, port_teacher = signed_in(school_b.director), signed_in(school_b.teacher)
    port_cards = send(port_teacher, f'/annuaire/classe/{school_b.classroom.id}/cartes', status=200)
    assert list(codes(port_cards)) == ['tom.port']
    demo_cards = codes(print_class(signed_in(people.teacher), people.cp))
    before, events = cards_table(), AuditEvent.select().count()
    for client in (port_director, port_teacher):
        client.get(f'/annuaire/classe/{people.cp.id}', status=403)
        send(client, f'/annuaire/classe/{people.cp.id}/cartes', {'renouveler': 'toutes'}, status=403)
        client.get(f'/annuaire/classe/{people.cp.id}/eleve/{people.pupil.id}/carte', status=403)
        send(client, f'/annuaire/classe/{people.cp.id}/eleve/{people.pupil.id}/carte', {'code': 'nouveau'},
             status=403)
    # a pupil of another school (or class) through a class one may print: not found
    port = f'/annuaire/classe/{school_b.classroom.id}/eleve/{people.pupil.id}'
    port_director.get(port + '/carte', status=404)
    send(port_director, port + '/carte', {'code': 'nouveau'}, status=404)
    send(port_director, port + '/revoquer', status=404)
    demo = f'/annuaire/classe/{people.cp.id}/eleve/{school_b.pupil.id}'
    teacher = signed_in(people.teacher)
    teacher.get(demo + '/carte', status=404)
    send(teacher, demo + '/carte', {'code': 'nouveau'}, status=404)
    send(teacher, f'/annuaire/classe/{people.cp.id}/eleve/{people.other_pupil.id}/carte', {'code': 'nouveau'},
         status=404)
    assert cards_table() == before and AuditEvent.select().count() == events
    assert demo_cards and all(PupilCard.get_or_none(PupilCard.pupil == p) for p in people.cp_pupils)


def test_the_class_page_asks_for_its_pupils_cards_in_one_query(people, signed_in):
    """The class's card page and every card route (service.class_cards) cost the same number of
    queries whatever the class's size: whether each pupil has a card is one query, not one each."""
    def queries():
        with Counted() as counted:
            assert client.get(CLASS.format(cp=people.cp.id)).status_int == 200
        return counted.count
    client = signed_in(people.teacher)
    queries()                    # the session's first request writes its sliding expiry
    before = queries()
    for number in range(3):
        pupil = accounts.create_user(f'nouveau.{number}', 'Nouveau', str(number), ['pupil'],
                                     school=people.cp.school, status='active')
        Enrolment.create(pupil=pupil, classroom=people.cp, niveau='CP')
        PupilCard.create(pupil=pupil, token_hash=f'hash-{number}', seed='', issued_by=people.teacher)
    assert queries() == before
