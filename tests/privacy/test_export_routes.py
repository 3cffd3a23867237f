"""The family data export's routes: who may reach each (every role around the demo school, another
family of the same class, another school's director), and cross-school refusals with nothing
started."""
import re

import pytest

from ecole_ent.models import AuditEvent, User
from ecole_ent.privacy import export
from tests.admin.conftest import school_b  # noqa: F401 (a fixture: École du Port)
from tests.blog.conftest import send

WHO = ('guardian', 'other_guardian', 'pupil', 'teacher', 'director', 'admin', 'other_director')
MATRIX = {   # {guardian}: the family's guardian; {token}: a finished zip of the requester's folder owner
    ('POST', '/compte/export'): (303, 303, 403, 403, 403, 403, 403),
    ('GET', '/compte/export/{token}'): (200, 404, 403, 403, 403, 403, 403),
    ('GET', '/admin/comptes/{guardian}/export'): (403, 403, 403, 403, 200, 200, 403),
    ('POST', '/admin/comptes/{guardian}/export'): (403, 403, 403, 403, 303, 303, 403),
    ('GET', '/admin/comptes/{guardian}/export/{token}'): (403, 403, 403, 403, 200, 404, 403),
}


def test_every_export_route_is_in_the_matrix(demo_app):
    declared = {(route.method, re.sub(r'<(\w+)[^>]*>', r'{\1}', route.rule)) for route in demo_app.bottle.routes
                if route.name and route.name.startswith('privacy.export')}
    assert declared == {(m, p.replace('{guardian}', '{user_id}')) for m, p in MATRIX}


@pytest.fixture
def people(scene, school_b):  # noqa: F811
    return {'guardian': scene.people['guardian'], 'other_guardian': scene.people['guardian_of_refused'],
            'pupil': scene.pupils['granted'], 'teacher': scene.people['teacher'],
            'director': User.get(User.login == 'sophie.lefevre-martin'), 'admin': scene.people['admin'],
            'other_director': school_b.director}


def finished(requester, guardian):
    """A finished zip of `guardian`'s family in `requester`'s folder; its token."""
    folder = export.exports_dir() / str(requester.id)
    folder.mkdir(parents=True, exist_ok=True)
    token = 'ab' * 16
    export.write_zip(guardian, folder / f'{guardian.id}-{token}.zip')
    return token


@pytest.mark.parametrize('role', WHO)
@pytest.mark.parametrize('method,path', list(MATRIX))
def test_who_may_reach_each_export_route(people, signed_in, monkeypatch, method, path, role):
    jobs = []
    monkeypatch.setattr(export, 'launch', jobs.append)
    guardian = people['guardian']
    token = finished(people['director'] if '/admin/' in path else guardian, guardian)
    client = signed_in(people[role])
    address = path.format(guardian=guardian.id, token=token)
    response = client.get(address, expect_errors=True) if method == 'GET' else send(client, address, status='*')
    expected = MATRIX[(method, path)][WHO.index(role)]
    assert response.status_int == expected, (role, response.status_int)
    if expected == 200 and '{token}' in path:
        assert response.headers['Content-Type'] == 'application/zip'
    started = AuditEvent.select().where(AuditEvent.action == 'privacy.export').count()
    assert started == len(jobs) == (1 if method == 'POST' and expected == 303 else 0)


def test_another_schools_director_can_neither_ask_nor_download(people, signed_in, monkeypatch):
    jobs = []
    monkeypatch.setattr(export, 'launch', jobs.append)
    guardian, other = people['guardian'], people['other_director']
    client = signed_in(other)
    assert client.get(f'/admin/comptes/{guardian.id}/export', expect_errors=True).status_int == 403
    assert send(client, f'/admin/comptes/{guardian.id}/export', status='*').status_int == 403
    token = finished(other, guardian)          # even a zip in their own folder is not handed out
    assert client.get(f'/admin/comptes/{guardian.id}/export/{token}', expect_errors=True).status_int == 403
    assert jobs == [] and not AuditEvent.select().where(AuditEvent.action == 'privacy.export').exists()


def test_the_director_is_told_in_french_when_the_account_is_no_guardian(people, signed_in):
    director = signed_in(people['director'])
    refused = director.get(f'/admin/comptes/{people["teacher"].id}/export', expect_errors=True)
    assert refused.status_int == 400
    assert 'L’export des données de la famille concerne un compte de parent.' in refused.text


def test_a_director_does_not_export_a_guardian_of_another_school_whose_child_is_also_theirs(
        people, signed_in, monkeypatch, school_b):  # noqa: F811
    """The guardian is registered by the demo school and also has a child at École du Port: its
    director administers them (their child is there) but the family's data holds the demo school's
    child, not theirs to export."""
    from ecole_ent.models import GuardianLink
    jobs = []
    monkeypatch.setattr(export, 'launch', jobs.append)
    guardian = people['guardian']
    GuardianLink.create(guardian=guardian, pupil=school_b.pupil, relation='mother')
    client = signed_in(school_b.director)
    refused = client.get(f'/admin/comptes/{guardian.id}/export', expect_errors=True)
    assert refused.status_int == 403 and 'administrez pas cette école.' in refused.text
    assert send(client, f'/admin/comptes/{guardian.id}/export', status='*').status_int == 403
    assert jobs == [] and not AuditEvent.select().where(AuditEvent.action == 'privacy.export').exists()
    assert not (export.exports_dir() / str(school_b.director.id)).exists()
    # their own school's guardian: offered
    assert client.get(f'/admin/comptes/{school_b.guardian.id}/export').status_int == 200
