"""AAF1D parsing: the shared samples, and hostile files written from them."""
import pytest

from ecole_ent.directory import aaf1d
from ecole_ent.directory.records import FeedError

from .conftest import COMPLET, DELTA, STRUCTURES, UAI, feed_file


def people(feed):
    return {p.external_id.split(':', 1)[1]: p for p in feed.people}


def rewrite(path, old, new, encoding='utf-8'):
    text = path.read_bytes().decode(encoding)
    assert old in text, old
    path.write_bytes(text.replace(old, new, 1).encode(encoding))


def test_sample_complet_gives_the_school_and_every_person():
    feed = aaf1d.read_paths(COMPLET)
    assert feed.kind == 'complete'
    assert [s.uai for s in feed.schools] == [UAI]
    roles = [sorted(p.roles)[0] for p in feed.people]
    assert (roles.count('pupil'), roles.count('guardian')) == (8, 11)
    assert sorted(sorted(p.roles) for p in feed.people if 'pupil' not in p.roles
                  and 'guardian' not in p.roles) == [
        ['director', 'teacher'], ['staff'], ['teacher'], ['teacher']]


def test_iso_8859_15_file_decodes_oe_ligature_and_dollar_lines():
    school = aaf1d.read_paths(COMPLET).schools[0]
    assert school.address == ("12 chemin de l'Œillet", 'Résidence Les Mimosas')
    assert school.name == 'ECOLE PRIMAIRE PUBLIQUE LES MIMOSAS - SAINT-EXEMPLE'


def test_pupil_fields_class_guardians_and_entities():
    found = people(aaf1d.read_paths(COMPLET))
    noe = found['3100002']
    assert (noe.first_name, noe.last_name, noe.birth_name) == ('Noé', 'MARTIN-ROUSSEAU', 'MARTIN')
    assert noe.birth_date.isoformat() == '2015-11-02'
    assert [(c.external_id, c.label, c.school_uai) for c in noe.classes] == [
        ('aaf1d:CL10002', "CE1-CE2-CM1 M. N'Diaye", UAI)]
    assert [g.label for g in noe.groups] == ['Chorale cycle 3']
    assert [g.external_id for g in noe.guardians] == ['aaf1d:3200001', 'aaf1d:3200002']
    assert found['3100008'].ine == ''


def test_guardian_address_lines_and_address_sharing_refusal():
    karim = people(aaf1d.read_paths(COMPLET))['3200002']
    assert karim.address == ('48 avenue du Port', 'Bâtiment C', 'Appartement 12')
    assert karim.share_address is False
    assert (karim.phone_work, karim.phone_mobile) == ('0400000202', '0600000202')


def test_unknown_structure_link_is_dropped_and_reported_not_the_person():
    feed = aaf1d.read_paths(COMPLET)
    assert people(feed)['3300003'].schools == (UAI,)
    assert any('610099' in str(i) and not i.skip for i in feed.issues)


def test_dollar_inside_a_class_label_is_kept_with_maxsplit(complet):
    rewrite(feed_file(complet, 'Eleve'), '$CL10001$CP-CE1 Mme Lefèvre-Dubois',
            '$CL10001$CP-CE1 $ groupe A')
    lea = people(aaf1d.read_paths(complet))['3100001']
    assert [(c.external_id, c.label) for c in lea.classes] == [('aaf1d:CL10001', 'CP-CE1 $ groupe A')]


def test_file_name_trap_pers_rel_eleve_is_not_an_eleve_chunk():
    (feed_set,) = aaf1d.find_sets(COMPLET)
    assert [p.name for _n, p in feed_set.files['Eleve']] == [
        f'ENT_{UAI}_Complet_20241105_Eleve_0000.xml']
    assert [p.name for _n, p in feed_set.files['PersRelEleve']] == [
        f'ENT_{UAI}_Complet_20241105_PersRelEleve_0000.xml']


def test_every_chunk_is_read(complet):
    path = feed_file(complet, 'Eleve')
    text = path.read_text('utf-8')
    head, _sep, rest = text.partition('<addRequest>')
    requests = ['<addRequest>' + r for r in rest.split('<addRequest>')]
    path.write_text(head + ''.join(requests[:4]) + '</ficAlimMENESR>\n', 'utf-8')
    feed_file(complet, 'Eleve', chunk=1).write_text(
        head + ''.join(requests[4:]), 'utf-8')   # the last request closes the root
    pupils = [p for p in aaf1d.read_paths(complet).people if 'pupil' in p.roles]
    assert len(pupils) == 8


def test_missing_chunk_refuses_the_set(complet):
    feed_file(complet, 'Eleve').rename(feed_file(complet, 'Eleve', chunk=1))
    with pytest.raises(FeedError, match='non consécutifs'):
        aaf1d.read_paths(complet)


def test_partial_complet_without_a_category_file_is_refused(complet):
    feed_file(complet, 'PersRelEleve').unlink()
    with pytest.raises(FeedError, match='PersRelEleve'):
        aaf1d.read_paths(complet)


def test_truncated_feed_is_refused_with_its_name(complet):
    path = feed_file(complet, 'PersRelEleve')
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(FeedError, match=r'PersRelEleve_0000\.xml : XML tronqué'):
        aaf1d.read_paths(complet)


def test_external_entity_is_refused_and_never_read(complet, tmp_path):
    secret = tmp_path / 'secret.txt'
    secret.write_text('SECRET')
    path = feed_file(complet, 'Eleve')
    rewrite(path, '<!DOCTYPE ficAlimMENESR SYSTEM "ficAlimMENESR.dtd">',
            f'<!DOCTYPE ficAlimMENESR [<!ENTITY s SYSTEM "file://{secret}">]>')
    rewrite(path, '<value>Léa</value>', '<value>&s;</value>')
    with pytest.raises(FeedError, match='entités'):
        aaf1d.read_paths(complet)


def test_billion_laughs_is_refused(complet):
    lol = ''.join(f'<!ENTITY l{n} "{("&l%d;" % (n - 1)) * 10}">' for n in range(1, 10))
    rewrite(feed_file(complet, 'Eleve'), '<!DOCTYPE ficAlimMENESR SYSTEM "ficAlimMENESR.dtd">',
            f'<!DOCTYPE ficAlimMENESR [<!ENTITY l0 "lol">{lol}]>')
    rewrite(feed_file(complet, 'Eleve'), '<value>Léa</value>', '<value>&l9;</value>')
    with pytest.raises(FeedError, match='entités'):
        aaf1d.read_paths(complet)


def test_the_dtd_named_in_the_doctype_is_never_opened(complet):
    # If the parser fetched it, a malformed DTD or an unreachable URL would fail the file.
    (complet / 'ficAlimMENESR.dtd').write_text('<!ELEMENT broken')
    rewrite(feed_file(complet, 'Eleve'), 'SYSTEM "ficAlimMENESR.dtd"',
            'SYSTEM "http://127.0.0.1:9/ficAlimMENESR.dtd"')
    assert len(aaf1d.read_paths(complet).people) == 23


def test_parameter_entity_pointing_outside_is_refused(complet):
    rewrite(feed_file(complet, 'Eleve'), '<!DOCTYPE ficAlimMENESR SYSTEM "ficAlimMENESR.dtd">',
            '<!DOCTYPE ficAlimMENESR [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>')
    with pytest.raises(FeedError, match='entités'):
        aaf1d.read_paths(complet)


def test_latin1_bytes_declared_utf8_are_refused_with_name_and_offset(complet):
    path = feed_file(complet, 'Eleve')
    data = path.read_bytes().decode('utf-8').encode('latin-1')
    path.write_bytes(data)
    offset = next(i for i, b in enumerate(data) if b > 127)
    with pytest.raises(FeedError, match=rf'Eleve_0000\.xml : octets invalides .*octet {offset}\.'):
        aaf1d.read_paths(complet)


def test_utf8_bytes_declared_iso_8859_15_are_repaired(complet):
    rewrite(feed_file(complet, 'Eleve'), 'encoding="UTF-8"', 'encoding="ISO-8859-15"')
    found = people(aaf1d.read_paths(complet))
    assert found['3100001'].first_name == 'Léa'
    assert found['3100007'].last_name == 'ÇELIK'
    assert found['3100001'].classes[0].label == 'CP-CE1 Mme Lefèvre-Dubois'


def test_mojibake_inside_a_utf8_file_is_repaired(complet):
    rewrite(feed_file(complet, 'Eleve'), '<value>Léa</value>', '<value>LÃ©a</value>')
    assert people(aaf1d.read_paths(complet))['3100001'].first_name == 'Léa'


def test_mojibake_that_cannot_be_repaired_is_refused(complet):
    rewrite(feed_file(complet, 'Eleve'), '<value>Léa</value>', '<value>LÃ©a Noël</value>')
    with pytest.raises(FeedError, match='mal encodé'):
        aaf1d.read_paths(complet)


def test_html_named_entities_are_decoded_without_becoming_markup(complet):
    path = feed_file(complet, 'Eleve')
    rewrite(path, '<value>Léa</value>', '<value>L&eacute;a</value>')
    rewrite(path, '<value>Noé</value>', '<value>No&eacute; &LT;b&GT; &#60;i&#62;</value>')
    rewrite(path, "<value>D'ALMEIDA</value>", '<value>D&amp;apos;ALMEIDA</value>')
    found = people(aaf1d.read_paths(complet))
    assert found['3100001'].first_name == 'Léa'
    assert found['3100002'].first_name == 'Noé <b> <i>'
    assert found['3100003'].last_name == "D'ALMEIDA"


def test_an_undefined_entity_refuses_the_file(complet):
    rewrite(feed_file(complet, 'Eleve'), '<value>Léa</value>', '<value>&nosuch;</value>')
    with pytest.raises(FeedError, match='mal formé'):
        aaf1d.read_paths(complet)


def test_complet_with_a_delete_request_is_refused(complet):
    rewrite(feed_file(complet, 'Eleve'), '</ficAlimMENESR>',
            '<deleteRequest><operationalAttributes><attr name="categoriePersonne"><value>Eleve'
            '</value></attr></operationalAttributes><identifier><id>1</id></identifier>'
            '</deleteRequest></ficAlimMENESR>')
    with pytest.raises(FeedError, match='Complet'):
        aaf1d.read_paths(complet)


def test_category_mismatch_is_refused(complet):
    rewrite(feed_file(complet, 'Eleve'), '<value>Eleve</value>', '<value>PersEducNat</value>')
    with pytest.raises(FeedError, match='catégorie'):
        aaf1d.read_paths(complet)


def test_invalid_uai_is_refused(complet):
    rewrite(feed_file(complet, 'EtabEducNat'), '0061234A</value>', '61234</value>',
            encoding='iso8859_15')
    with pytest.raises(FeedError, match='UAI'):
        aaf1d.read_paths(complet)


def test_delta_requests_are_kept_in_document_order():
    feed = aaf1d.read_paths(DELTA, structures=STRUCTURES)
    assert feed.kind == 'delta'
    assert [(r.op, r.external_id) for r in feed.requests] == [
        ('modify', 'aaf1d:3100004'), ('delete', 'aaf1d:3100003'), ('add', 'aaf1d:3100009'),
        ('delete', 'aaf1d:3100007'), ('add', 'aaf1d:3100007')]
    modify = feed.requests[0]
    assert [name for name, _value in modify.changes] == ['classes']
    assert dict(modify.changes)['classes'][0].external_id == 'aaf1d:CL10002'


def test_delta_without_known_structures_reports_the_unplaced_links():
    feed = aaf1d.read_paths(DELTA)
    assert feed.requests[2].person.schools == ()
    assert any('610042' in str(i) for i in feed.issues)


def test_staff_modify_request_changes_only_the_listed_roles(tmp_path):
    path = tmp_path / f'ENT_{UAI}_Delta_20250120_PersEducNat_0000.xml'
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><ficAlimMENESR><modifyRequest>'
        '<operationalAttributes><attr name="categoriePersonne"><value>PersEducNat</value></attr>'
        '</operationalAttributes><identifier><id>3300001</id></identifier><modifications>'
        '<modification name="ENTEnsFonctionDir" operation="replace"><value>610042</value>'
        '</modification></modifications></modifyRequest></ficAlimMENESR>', 'utf-8')
    (request,) = aaf1d.read_paths(tmp_path, STRUCTURES).requests
    assert (request.roles_add, request.roles_remove, request.changes) == (
        frozenset({'director'}), frozenset(), ())


def test_several_sets_in_one_folder_must_be_imported_one_by_one(complet):
    for path in DELTA.glob('*.xml'):
        (complet / path.name).write_bytes(path.read_bytes())
    assert [s.kind for s in aaf1d.find_sets(complet)] == ['Complet', 'Delta']
    with pytest.raises(FeedError, match='un par un'):
        aaf1d.read_paths(complet)


def test_a_folder_without_aaf_files_is_refused(tmp_path):
    (tmp_path / 'eleves.xml').write_text('<x/>')
    with pytest.raises(FeedError, match='Aucun fichier AAF'):
        aaf1d.read_paths(tmp_path)
