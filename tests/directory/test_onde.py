"""ONDE CSV parsing: encodings, header variants, guardians, unmatched rows, stable ids."""
import codecs

import pytest

from ecole_ent.directory import onde
from ecole_ent.directory.records import FeedError

from .conftest import UAI

PUPILS, GUARDIANS, TEACHERS = ('CSVExtraction-eleves.csv', 'CSVExtraction-responsables.csv',
                               'CSVExtraction-enseignants.csv')


def read(folder, teachers=True):
    return onde.read_files(folder / PUPILS, folder / GUARDIANS,
                           folder / TEACHERS if teachers else None, school_uai=UAI)


def by_role(feed, role):
    return [p for p in feed.people if role in p.roles]


def named(feed, first, last=None):
    found = [p for p in feed.people if p.first_name == first and (last is None or
                                                                  p.last_name == last)]
    assert len(found) == 1, found
    return found[0]


def recode(path, old_encoding, new_encoding, edit=None):
    text = path.read_bytes().decode(old_encoding)
    if edit:
        text = edit(text)
    path.write_bytes(text.encode(new_encoding))


def test_latin1_sample_gives_pupils_guardians_and_teachers(onde_files):
    feed = read(onde_files)
    assert (len(by_role(feed, 'pupil')), len(by_role(feed, 'guardian')),
            len(by_role(feed, 'teacher'))) == (8, 11, 3)
    lea = named(feed, 'Léa')
    assert (lea.last_name, lea.birth_name, lea.niveau) == ('MARTIN-ROUSSEAU', 'MARTIN', 'CP')
    assert lea.birth_date.isoformat() == '2018-03-14'
    assert [(c.external_id, c.label) for c in lea.classes] == [
        (f'onde:{UAI}:4521', 'CP-CE1 Mme Lefèvre-Dubois')]


def test_host_organisation_trailer_is_not_imported(onde_files):
    feed = read(onde_files)
    assert not any('LOISIRS' in p.last_name or 'ACCUEIL' in p.first_name for p in feed.people)


def test_photo_consent_is_imported(onde_files):
    feed = read(onde_files)
    assert named(feed, 'Léa').image_consent is True
    assert named(feed, 'Chloé').image_consent is False


def test_guardians_are_linked_from_name_and_class_even_with_label_case_differences(onde_files):
    feed = read(onde_files)
    guardians = {p.external_id: p.first_name for p in by_role(feed, 'guardian')}
    lucas_cm1 = [p for p in by_role(feed, 'pupil') if p.first_name == 'Lucas' and p.niveau == 'CM1']
    lucas_ce1 = [p for p in by_role(feed, 'pupil') if p.first_name == 'Lucas' and p.niveau == 'CE1']
    assert [guardians[g.external_id] for g in lucas_cm1[0].guardians] == ['Émilie']
    assert sorted(guardians[g.external_id] for g in lucas_ce1[0].guardians) == ['Julie', 'Thomas']
    noe = named(feed, 'Noé')
    assert sorted(guardians[g.external_id] for g in noe.guardians) == ['Karim', 'Sophie']


def test_a_letter_lost_by_the_export_is_kept_but_reported(onde_files):
    feed = read(onde_files)
    assert named(feed, 'Ay?e').last_name == 'ÇELIK'
    assert any('Ay?e' in str(i) and 'ligne 10' in str(i) for i in feed.issues)


def test_teachers_get_their_classes_and_the_director_flag(onde_files):
    feed = read(onde_files)
    hugo = named(feed, 'Hugo')
    assert [c.external_id for c in hugo.classes] == [f'onde:{UAI}:4521', f'onde:{UAI}:4522']
    assert named(feed, 'Olivier').roles == frozenset({'teacher', 'director'})
    assert named(feed, 'Claire').last_name == 'LEFÈVRE-DUBOIS'


def test_ids_are_stable_across_encodings_and_re_imports(onde_files, tmp_path):
    first = {p.external_id for p in read(onde_files).people}
    assert first == {p.external_id for p in read(onde_files).people}
    for name in (PUPILS, GUARDIANS, TEACHERS):
        recode(onde_files / name, 'latin-1', 'utf-8-sig')
    assert (onde_files / PUPILS).read_bytes().startswith(codecs.BOM_UTF8)
    assert {p.external_id for p in read(onde_files).people} == first


def test_utf8_without_bom_and_windows_1252_quotes(onde_files):
    recode(onde_files / PUPILS, 'latin-1', 'cp1252', lambda t: t.replace("D'ALMEIDA", 'D’ALMEIDA'))
    assert b'\x92' in (onde_files / PUPILS).read_bytes()
    recode(onde_files / GUARDIANS, 'latin-1', 'utf-8')
    feed = read(onde_files)
    assert named(feed, 'Chloé').last_name == 'D’ALMEIDA'
    assert named(feed, 'Émilie').last_name == 'BERNARD'


def test_header_variants_and_iso_dates(onde_files):
    def edit(text):
        text = text.replace('"Libellé classe"', '"Classe"').replace(
            '"Autorisation photo"', '"Autorisations photos"').replace('" Cycle"', '"Cycle "')
        return text.replace('"14/03/2018"', '"2018-03-14"')
    recode(onde_files / PUPILS, 'latin-1', 'latin-1', edit)
    feed = read(onde_files)
    lea = named(feed, 'Léa')
    assert (lea.birth_date.isoformat(), lea.image_consent) == ('2018-03-14', True)
    assert lea.classes[0].label == 'CP-CE1 Mme Lefèvre-Dubois'


def test_two_rows_for_one_guardian_are_merged(onde_files):
    # Sophie ROUSSEAU listed again, same address, with Noé only: one guardian.
    def edit(text):
        row = next(line for line in text.splitlines() if '"Sophie"' in line)
        return text.replace(row, row + '\r\n' + row.replace('"MARTIN-ROUSSEAU";"MARTIN";"Léa";'
                                                            '"CP-CE1 Mme Lefèvre-Dubois";', ';;;;'))
    recode(onde_files / GUARDIANS, 'latin-1', 'latin-1', edit)
    feed = read(onde_files)
    assert len([p for p in by_role(feed, 'guardian') if p.first_name == 'Sophie']) == 1


def test_same_name_at_two_addresses_is_two_guardians(onde_files):
    def edit(text):
        row = next(line for line in text.splitlines() if '"Sophie"' in line)
        return text.replace(row, row + '\r\n' + row.replace('5 rue des Lilas', '1 quai Ouest'))
    recode(onde_files / GUARDIANS, 'latin-1', 'latin-1', edit)
    feed = read(onde_files)
    sophies = [p for p in by_role(feed, 'guardian') if p.first_name == 'Sophie']
    assert len(sophies) == 2
    lea = named(feed, 'Léa')
    assert {s.external_id for s in sophies} <= {g.external_id for g in lea.guardians}


def test_unmatched_children_and_rows_are_reported(onde_files):
    def edit(text):
        return text.replace('"Via Roma 21";"18039";"VENTIMIGLIA";"ITALIE";"sandrine',
                            '"Via Roma 21";"18039";"VENTIMIGLIA";"ITALIE";"sandrine').replace(
            ';"FAURE";"Timéo";', ';"FAURE";"Timothée";')
    recode(onde_files / GUARDIANS, 'latin-1', 'latin-1', edit)
    feed = read(onde_files)
    messages = [str(i) for i in feed.issues]
    assert any('ligne 12' in m and 'Timothée' in m and 'introuvable' in m for m in messages)
    skipped = [i for i in feed.issues if i.skip]
    assert len(skipped) == 1 and 'aucun enfant' in skipped[0].message
    assert not [p for p in by_role(feed, 'guardian') if p.first_name == 'Sandrine']


def test_a_pupil_without_a_valid_birth_date_is_skipped_with_its_line(onde_files):
    recode(onde_files / PUPILS, 'latin-1', 'latin-1', lambda t: t.replace('"28/02/2018"',
                                                                          '"31/02/2018"'))
    feed = read(onde_files)
    (skipped,) = [i for i in feed.issues if i.skip and 'date de naissance' in i.message]
    assert 'ligne 9' in skipped.where and '31/02/2018' in skipped.message


def test_formula_like_values_are_imported_verbatim(onde_files):
    recode(onde_files / PUPILS, 'latin-1', 'latin-1', lambda t: t.replace('"Timéo"', '"=1+1"'))
    assert named(read(onde_files), '=1+1').last_name == 'FAURE'


def test_missing_required_column_is_refused(onde_files):
    recode(onde_files / PUPILS, 'latin-1', 'latin-1', lambda t: t.replace('"Date naissance"',
                                                                          '"Date"'))
    with pytest.raises(FeedError, match='« Date naissance » introuvable'):
        read(onde_files)


def test_control_characters_are_dropped_from_values(onde_files):
    data = (onde_files / PUPILS).read_bytes().replace('"Timéo"'.encode('latin-1'),
                                                     b'"Tim\x00\x1b\xe9o"')
    (onde_files / PUPILS).write_bytes(data)
    assert named(read(onde_files), 'Timéo').last_name == 'FAURE'


def test_a_broken_csv_is_refused_with_its_line(onde_files):
    huge = 'x' * 200_000
    recode(onde_files / PUPILS, 'latin-1', 'latin-1', lambda t: t.replace('"Timéo"', f'"{huge}"'))
    with pytest.raises(FeedError, match='eleves.csv ligne 9 : CSV illisible'):
        read(onde_files)


def test_invalid_utf8_after_a_bom_is_refused_with_the_offset(onde_files):
    data = codecs.BOM_UTF8 + (onde_files / PUPILS).read_bytes()
    (onde_files / PUPILS).write_bytes(data)
    offset = next(i for i, b in enumerate(data) if i > 2 and b > 127)
    with pytest.raises(FeedError, match=f'CSVExtraction-eleves.csv : .*octet {offset}'):
        read(onde_files)


def test_mojibake_in_a_cell_is_repaired(onde_files):
    recode(onde_files / PUPILS, 'latin-1', 'utf-8', lambda t: t.replace('"Timéo"', '"TimÃ©o"'))
    assert named(read(onde_files), 'Timéo').last_name == 'FAURE'


def test_teachers_file_is_optional(onde_files):
    feed = read(onde_files, teachers=False)
    assert not by_role(feed, 'teacher')


def test_a_class_label_holding_commas_still_matches(onde_files):
    def edit(text):
        return text.replace("CE1-CE2-CM1 M. N'Diaye", "CE1, CE2, CM1 M. N'Diaye").replace(
            "CE1-CE2-CM1 M. N'DIAYE", "CE1, CE2, CM1 M. N'DIAYE")
    recode(onde_files / PUPILS, 'latin-1', 'latin-1', edit)
    recode(onde_files / GUARDIANS, 'latin-1', 'latin-1', edit)
    feed = read(onde_files)
    guardians = {p.external_id: p.first_name for p in by_role(feed, 'guardian')}
    assert sorted(guardians[g.external_id] for g in named(feed, 'Noé').guardians) == [
        'Karim', 'Sophie']
    assert not [i for i in feed.issues if 'introuvable' in i.message]
