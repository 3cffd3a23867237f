"""The director's erasure page through the app: who may reach it (every role around the demo
school; another school's people), the double confirmation, and bad input (a French message,
nothing changed, no 500)."""
import re

import pytest

from ecole_ent.models import GuardianLink, Post, User
from ecole_ent.models.privacy import ErasedAccount
from tests.admin.conftest import school_b  # noqa: F401 (a fixture: École du Port)
from tests.blog.conftest import send, text
from tests.conftest import redirected_to
from tests.privacy.conftest import row_counts
from tests.privacy.test_register import PAGES

WHO = ('director', 'admin', 'teacher', 'guardian', 'pupil', 'staff', 'other_director')
MATRIX = {
    ('GET', '/admin/comptes/{user}/effacer'): (200, 200, 403, 403, 403, 403, 403),
    ('POST', '/admin/comptes/{user}/effacer'): (303, 303, 403, 403, 403, 403, 403),
}


def test_every_privacy_route_is_in_the_matrix(demo_app):
    declared = {(route.method, re.sub(r'<(\w+)[^>]*>', r'{\1}', route.rule)) for route in demo_app.bottle.routes
                if route.name and route.name.startswith('privacy.') and not route.name.startswith('privacy.export')
                and route.name not in PAGES}
    # the family data export's routes: tests/privacy/test_export_routes.py; the notice, the register and
    # the photo dates: tests/privacy/test_register.py
    assert declared == {(m, p.replace('{user}', '{user_id}')) for m, p in MATRIX}


@pytest.mark.parametrize('role', WHO)
@pytest.mark.parametrize('method,path', list(MATRIX))
def test_who_may_reach_each_privacy_route(people, school_b, signed_in, method, path, role):  # noqa: F811
    who = {'director': people.director, 'admin': people.admin, 'teacher': people.teacher,
           'guardian': people.guardian, 'pupil': people.pupil, 'staff': User.get(User.login == 'nadia.belkacem'),
           'other_director': school_b.director}
    target = User.get(User.login == 'zoe.dubois')
    expected = MATRIX[(method, path)][WHO.index(role)]
    client = signed_in(who[role])
    address = path.format(user=target.id)
    if method == 'GET':
        response = client.get(address, expect_errors=True)
    else:
        response = send(client, address, {'confirm_name': 'Zoé Dubois', 'contributions': 'keep'}, status='*')
    assert response.status_int == expected, (role, response.status_int)
    erased = ErasedAccount.select().where(ErasedAccount.user == target.id).exists()
    assert erased == (expected == 303)
    if expected == 303:
        assert redirected_to(response) == f'/admin/comptes/{target.id}'


def test_the_director_erases_a_pupil_after_typing_her_name(people, signed_in):
    pupil = people.pupil
    post = Post.create(classroom=pupil.enrolments[0].classroom, author=pupil, title='Mon loup', status='published')
    director = signed_in(people.director)
    account = text(director.get(f'/admin/comptes/{pupil.id}'))
    assert 'Effacer ce compte et ses données personnelles (RGPD)…' in account
    page = text(director.get(f'/admin/comptes/{pupil.id}/effacer'))
    assert 'Effacer le compte de Zoé Dubois' in page and '« Ancien élève »' in page
    before = row_counts()
    for fields, message in (({'confirm_name': 'Zoe', 'contributions': 'keep'},
                             'Tapez le nom complet du compte, « Zoé Dubois », pour confirmer l’effacement.'),
                            ({'confirm_name': 'Zoé Dubois', 'contributions': 'tout'},
                             'Choisissez ce que deviennent ses contributions au blog de classe.')):
        refused = send(director, f'/admin/comptes/{pupil.id}/effacer', fields, status=200)
        assert message in text(refused) and 'Rien n\'a été enregistré' in text(refused)
    assert row_counts() == before
    done = send(director, f'/admin/comptes/{pupil.id}/effacer',
                {'confirm_name': ' dubois  ZOE ', 'contributions': 'keep'})
    assert redirected_to(done) == f'/admin/comptes/{pupil.id}'
    page = text(director.get(f'/admin/comptes/{pupil.id}'))
    assert 'Compte effacé : ses données personnelles ne sont plus sur l’ENT.' in page and 'Ancien élève' in page
    assert Post.get_by_id(post.id).author_id == pupil.id
    assert not GuardianLink.select().where(GuardianLink.pupil == pupil.id).exists()
    again = text(director.get(f'/admin/comptes/{pupil.id}/effacer'))
    assert 'Ce compte a été effacé le' in again and 'Effacer définitivement' not in again


def test_no_one_erases_their_own_account_from_the_page(people, signed_in):
    admin = signed_in(people.admin)
    before = row_counts()
    refused = send(admin, f'/admin/comptes/{people.admin.id}/effacer',
                   {'confirm_name': people.admin.display_name, 'contributions': 'keep'}, status=200)
    assert 'Vous ne pouvez pas effacer votre propre compte.' in text(refused)
    assert row_counts() == before and User.get_by_id(people.admin.id).login == 'admin'
