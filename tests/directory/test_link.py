"""check_link(): the first run's "Tester" button for the directory reads a source and writes
nothing (real slapd, the sample AAF1D and ONDE files)."""
import pytest

from ecole_ent import config as configuration
from ecole_ent.directory import service
from ecole_ent.directory.records import FeedError
from ecole_ent.models import User
from ecole_ent.models.directory import SyncRun

from . import slapd as server
from .conftest import COMPLET, DELTA, ONDE, UAI


def described(tmp_path, **options):
    values, problems = configuration.parse_options(
        {f'directory.{key}': value for key, value in options.items()})
    assert not problems
    return configuration.Config(values, tmp_path)


def test_an_aaf_folder_is_read_and_counted_without_importing(tmp_path, database):
    summary = service.check_link(described(tmp_path, source='aaf1d', aaf_inbox=str(COMPLET)))
    assert summary == 'Jeu AAF ENT_0061234A_Complet_20241105 lisible : 23 personne(s), 2 classe(s).'
    assert 'Delta_20250115 lisible' in service.check_link(described(tmp_path, source='aaf1d'),
                                                         path=DELTA)
    assert not User.select().exists() and not SyncRun.select().exists()


def test_an_empty_or_missing_aaf_folder_is_explained(tmp_path):
    with pytest.raises(FeedError, match='aucun fichier AAF reconnu'):
        service.check_link(described(tmp_path, source='aaf1d', aaf_inbox=str(tmp_path)))
    with pytest.raises(FeedError, match='introuvable'):
        service.check_link(described(tmp_path, source='aaf1d'))      # DATA/annuaire/aaf


def test_onde_exports_are_found_in_their_folder_and_counted(tmp_path):
    summary = service.check_link(described(tmp_path, source='onde'), UAI, path=ONDE)
    assert summary == 'Fichiers ONDE lisibles : 22 personne(s), 2 classe(s).'
    with pytest.raises(FeedError, match='fichier CSV des élèves'):
        service.check_link(described(tmp_path, source='onde'), UAI, path=tmp_path)


@pytest.mark.ldap
def test_ldap_binds_and_counts_the_school_or_the_whole_base(tmp_path, slapd):
    link = described(tmp_path, source='ldap', ldap_url=slapd.url, ldap_base_dn=server.SUFFIX,
                     ldap_bind_dn=server.ADMIN_DN, ldap_password=server.ADMIN_PASSWORD)
    summary = service.check_link(link, UAI)
    assert summary.startswith(f'Annuaire LDAP {slapd.url} joint : école {UAI} «')
    assert '23 personne(s)' in summary
    assert 'personne(s) sous dc=ent-test,dc=example' in service.check_link(link)


@pytest.mark.ldap
def test_without_a_uai_the_test_stops_counting_at_its_limit(tmp_path, slapd, monkeypatch):
    """An academy's directory holds a hundred thousand people: the test asks for a few."""
    link = described(tmp_path, source='ldap', ldap_url=slapd.url, ldap_base_dn=server.SUFFIX,
                     ldap_bind_dn=server.ADMIN_DN, ldap_password=server.ADMIN_PASSWORD)
    whole = int(service.check_link(link).split(' joint : ')[1].split(' ')[0])
    monkeypatch.setattr(service, 'LDAP_PROBE_LIMIT', 5)
    summary = service.check_link(link)
    assert whole > 5 and 'plus de 5 personnes sous dc=ent-test,dc=example' in summary


@pytest.mark.ldap
def test_a_refused_bind_or_a_dead_server_is_explained(tmp_path, slapd):
    wrong = described(tmp_path, source='ldap', ldap_url=slapd.url, ldap_base_dn=server.SUFFIX,
                      ldap_bind_dn=server.ADMIN_DN, ldap_password='pas-le-bon')
    with pytest.raises(FeedError, match='compte ou mot de passe refusé') as error:
        service.check_link(wrong, UAI)
    assert 'pas-le-bon' not in str(error.value)
    dead = described(tmp_path, source='ldap', ldap_url=f'ldap://127.0.0.1:{server.free_port()}',
                     ldap_base_dn=server.SUFFIX)
    with pytest.raises(FeedError, match='Connection refused|refus'):
        service.check_link(dead)
