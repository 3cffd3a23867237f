"""LDAP pull and write-back against a real slapd loaded with the sample school."""
import dataclasses

import ldap3
import pytest

from ecole_ent.directory import ldap
from ecole_ent.directory.plan import Options, plan_changes
from ecole_ent.directory.records import FeedError

from . import slapd as server
from .conftest import UAI, empty_snapshot, snapshot_from

pytestmark = pytest.mark.ldap


def settings(instance, **kw):
    return ldap.Settings(url=instance.url, base_dn=server.SUFFIX, bind_dn=server.ADMIN_DN,
                         password=server.ADMIN_PASSWORD, timeout=3, **kw)


def by_join(feed, join):
    (found,) = [p for p in feed.people if p.external_id == f'ldap:AAF1D${join}']
    return found


def entry(instance, uid, *attributes):
    conn = ldap3.Connection(ldap3.Server(instance.url), server.ADMIN_DN, server.ADMIN_PASSWORD,
                            auto_bind=True)
    conn.search(f'uid={uid},ou=personnes,{server.SUFFIX}', '(objectClass=*)', ldap3.BASE,
                attributes=list(attributes))
    values = {a: list(conn.entries[0][a].values) for a in attributes}
    conn.unbind()
    return values


def test_pull_reads_people_roles_classes_and_guardian_links(slapd):
    feed = ldap.read(settings(slapd), UAI)
    roles = [sorted(p.roles) for p in feed.people]
    assert (roles.count(['pupil']), roles.count(['guardian'])) == (8, 11)
    assert ['director', 'teacher'] in roles and ['staff'] in roles
    lea = by_join(feed, '3100001')
    assert (lea.first_name, lea.last_name, lea.birth_name) == ('Léa', 'MARTIN-ROUSSEAU', 'MARTIN')
    assert [(c.external_id, c.label) for c in lea.classes] == [
        ('ldap:AAF1D$CL10001', 'CP-CE1 Mme Lefèvre-Dubois')]
    assert [g.external_id for g in lea.guardians] == ['ldap:AAF1D$3200001', 'ldap:AAF1D$3200002']
    karim = by_join(feed, '3200002')
    assert karim.address == ('48 avenue du Port', 'Bâtiment C', 'Appartement 12')
    hugo = by_join(feed, '3300003')
    assert [c.label for c in hugo.classes] == ['CP-CE1 Mme Lefèvre-Dubois',
                                               "CE1-CE2-CM1 M. N'Diaye"]


def test_pull_then_plan_twice_is_idempotent(slapd):
    feed = ldap.read(settings(slapd), UAI)
    first = plan_changes(feed, empty_snapshot(), Options(UAI))
    assert first.count('created') == 23 and not first.errors
    assert {c.login for c in first.changes if c.external_id.endswith('$3100005')} == {
        'lucas.bernard2'}
    again = plan_changes(ldap.read(settings(slapd), UAI), snapshot_from(first), Options(UAI))
    assert not again.has_changes


def test_unknown_school_in_the_directory_is_refused(slapd):
    with pytest.raises(FeedError, match='0069999Z introuvable'):
        ldap.read(settings(slapd), '0069999Z')


def test_directory_down_is_reported_and_reads_nothing(slapd):
    slapd.stop()
    with pytest.raises(FeedError, match='injoignable'):
        ldap.read(settings(slapd), UAI)


def test_an_attribute_map_override_is_used_and_a_typo_refused(slapd):
    feed = ldap.read(settings(slapd, attributes={'last_name': 'ENTPersonNomPatro'}), UAI)
    assert by_join(feed, '3100001').last_name == 'MARTIN'
    with pytest.raises(FeedError, match='lastname'):
        ldap.read(settings(slapd, attributes={'lastname': 'sn'}), UAI)


def test_wrong_password_is_reported(slapd):
    bad = dataclasses.replace(settings(slapd), password='wrong')
    with pytest.raises(FeedError, match='compte ou mot de passe refusé'):
        ldap.read(bad, UAI)


def test_write_back_sets_login_and_state_once(slapd):
    config = settings(slapd, write_back=True)
    accounts = [('ldap:AAF1D$3100001', 'lea.martin-rousseau', 'active'),
                ('ldap:AAF1D$3200003', 'ines.dalmeida', 'disabled'),
                ('aaf1d:3100002', 'noe.martin-rousseau', 'active')]   # another source: ignored
    modified, errors = ldap.write_back(config, accounts)
    assert (modified, errors) == (2, [])
    assert entry(slapd, 'TEL00001', 'ENTPersonLogin', 'description') == {
        'ENTPersonLogin': ['lea.martin-rousseau'], 'description': ['ecole-ent:active']}
    assert entry(slapd, 'TPA00003', 'description')['description'] == ['ecole-ent:disabled']
    assert entry(slapd, 'TEL00002', 'ENTPersonLogin')['ENTPersonLogin'] == ['noe.martinrousseau']
    assert ldap.write_back(config, accounts) == (0, [])


def test_write_back_keeps_other_values_of_the_state_attribute(slapd):
    conn = ldap3.Connection(ldap3.Server(slapd.url), server.ADMIN_DN, server.ADMIN_PASSWORD,
                            auto_bind=True)
    dn = f'uid=TEL00001,ou=personnes,{server.SUFFIX}'
    conn.modify(dn, {'description': [(ldap3.MODIFY_REPLACE, ['note du rectorat',
                                                             'ecole-ent:pending'])]})
    conn.unbind()
    ldap.write_back(settings(slapd, write_back=True),
                    [('ldap:AAF1D$3100001', 'lea.martin-rousseau', 'active')])
    assert sorted(entry(slapd, 'TEL00001', 'description')['description']) == [
        'ecole-ent:active', 'note du rectorat']


def test_write_back_is_off_unless_configured(slapd):
    assert ldap.write_back(settings(slapd), [('ldap:AAF1D$3100001', 'x', 'active')]) == (0, [])
    assert entry(slapd, 'TEL00001', 'ENTPersonLogin')['ENTPersonLogin'] == ['lea.martinrousseau']


def test_scheduled_style_sync_applies_writes_back_and_survives_the_directory_going_down(
        config, database, slapd):
    from ecole_ent.accounts import service as accounts
    from ecole_ent.directory import service
    from ecole_ent.models import User
    accounts.ensure_school(UAI, 'École des Mimosas')
    config.update({'directory.ldap_url': slapd.url, 'directory.ldap_base_dn': server.SUFFIX,
                   'directory.ldap_bind_dn': server.ADMIN_DN,
                   'directory.ldap_password': server.ADMIN_PASSWORD,
                   'directory.ldap_write_back': True})
    outcome = service.sync_ldap(config)
    assert outcome.applied and outcome.run.created == 23 and outcome.errors == []
    assert entry(slapd, 'TEL00001', 'ENTPersonLogin', 'description') == {
        'ENTPersonLogin': ['lea.martin-rousseau'], 'description': ['ecole-ent:active']}
    assert entry(slapd, 'TPA00001', 'description')['description'] == ['ecole-ent:pending']
    assert service.sync_ldap(config).run.unchanged == 23
    before = [(u.login, u.status) for u in User.select().order_by(User.id)]
    slapd.stop()
    down = service.sync_ldap(config)
    assert not down.applied and down.run.status == 'failed' and 'injoignable' in down.message
    assert [(u.login, u.status) for u in User.select().order_by(User.id)] == before
