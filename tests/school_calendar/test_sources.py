"""The holiday dates' sources: the shipped zones A, B and C, and the data folder's file, read
strictly: a file with any problem is ignored whole, with French messages naming its lines."""
from datetime import date

import pytest

from ecole_ent.school_calendar import sources
from tests.school_calendar.conftest import HEADER, rows


def test_the_shipped_data_has_zones_a_b_and_c_until_the_summer_of_2028():
    table = sources.shipped()
    assert table.errors == ()
    assert sorted(table.zones) == ['A', 'B', 'C']
    assert table.zones['B'][date(2026, 12, 19)] == 'Vacances de Noël'
    assert date(2027, 2, 6) in table.zones['C'] and date(2027, 2, 6) not in table.zones['B']
    assert max(table.zones['A']) == date(2028, 8, 31)


def test_no_file_means_the_shipped_dates(tmp_path):
    data = sources.load(tmp_path / sources.FILE_NAME)
    assert (data.errors, data.file_zones, data.zone_names()) == ((), (), ['A', 'B', 'C'])
    assert data.known_until == {'A': date(2028, 8, 31), 'B': date(2028, 8, 31), 'C': date(2028, 8, 31)}


@pytest.mark.parametrize('content, error', [
    (b'jour,zone_corse,nom\n2026-12-19,True,Noel\n',
     'Ligne 1 : en-tête attendu « date,vacances_zone_a,…,nom_vacances » (des colonnes vacances_zone_ '
     'suivies du nom de la zone), trouvé « jour,zone_corse,nom ».'),
    (b'date,vacances_zone_corse,vacances_zone_Corse,nom_vacances\n',
     'Ligne 1 : en-tête attendu « date,vacances_zone_a,…,nom_vacances » (des colonnes vacances_zone_ '
     'suivies du nom de la zone), trouvé « date,vacances_zone_corse,vacances_zone_Corse,nom_vacances ».'),
    (b'date,vacances_zone_corse,nom_vacances\n2026-12-19,True,No\xebl\n',
     'Ligne 2 : le fichier n’est pas en UTF-8. Enregistrez-le au format « CSV UTF-8 ».'),
    (b'date,vacances_zone_corse,nom_vacances\n2026-12-19,True,Noel\n19/12/2026,True,Noel\n',
     'Ligne 3 : date « 19/12/2026 » illisible : écrivez-la AAAA-MM-JJ, par exemple 2026-12-19.'),
    (b'date,vacances_zone_corse,nom_vacances\n2026-02-30,True,Hiver\n',
     'Ligne 2 : date « 2026-02-30 » illisible : écrivez-la AAAA-MM-JJ, par exemple 2026-12-19.'),
    (b'date,vacances_zone_corse,nom_vacances\n2026-12-19,True\n',
     'Ligne 2 : 3 colonnes attendues, 2 trouvées.'),
    (b'date,vacances_zone_corse,nom_vacances\n2026-12-19,True,Noel\n2026-12-19,False,\n',
     'Ligne 3 : la date 2026-12-19 est déjà ligne 2.'),
    (b'date,vacances_zone_corse,nom_vacances\n2026-12-19,x,Noel\n',
     'Ligne 2 : « x » dans la colonne vacances_zone_corse : écrivez True ou False (ou oui et non, '
     '1 et 0).'),
], ids=['bad header', 'zone twice', 'latin-1', 'french date', 'no such day', 'short row',
        'date twice', 'bad value'])
def test_a_broken_file_is_ignored_with_a_french_message_naming_its_line(tmp_path, content, error):
    path = tmp_path / sources.FILE_NAME
    path.write_bytes(content)
    data = sources.load(path)
    assert data.errors == (error,)
    assert data.file_zones == () and data.zone_names() == ['A', 'B', 'C']
    assert data.zones['B'][date(2026, 12, 21)] == 'Vacances de Noël'


def test_reading_stops_after_ten_errors():
    raw = ('date,vacances_zone_corse,nom_vacances\n' + 'hier,True,x\n' * 30).encode()
    errors = sources.parse(raw).errors
    assert len(errors) == 11 and errors[-1] == 'Lecture arrêtée après 10 erreurs.'


@pytest.mark.parametrize('value, off', [('True', True), ('false', False), ('1', True), ('0', False),
                                        ('oui', True), ('NON', False), ('', False), (' Vrai ', True)])
def test_the_file_may_say_a_day_is_off_in_several_ways(value, off):
    table = sources.parse(f'date,vacances_zone_corse,nom_vacances\n2027-02-15,{value},Hiver\n'.encode())
    assert table.errors == ()
    assert table.zones == {'Corse': {date(2027, 2, 15): 'Hiver'} if off else {}}


def test_a_french_spreadsheet_file_with_semicolons_a_bom_and_empty_columns_is_read():
    raw = ('\ufeffdate;vacances_zone_guadeloupe;vacances_zone_La_Réunion;nom_vacances;;\r\n'
           '2026-12-19;oui;non;Vacances de Noël;;\r\n;;;;;\r\n2026-12-20;oui;oui;;;\r\n').encode()
    table = sources.parse(raw)
    assert table.errors == ()
    assert table.zones == {'Guadeloupe': {date(2026, 12, 19): 'Vacances de Noël',
                                          date(2026, 12, 20): 'Vacances scolaires'},
                           'La Réunion': {date(2026, 12, 20): 'Vacances scolaires'}}
    assert table.covered == {date(2026, 12, 19), date(2026, 12, 20)}


def test_a_file_updating_zone_b_extends_where_its_dates_are_known(tmp_path):
    path = tmp_path / sources.FILE_NAME
    path.write_text(HEADER + rows('2028-10-21', '2028-11-05', ['True', 'True', 'True'],
                                  'Vacances de la Toussaint'), encoding='utf-8')
    data = sources.load(path)
    assert data.file_zones == ('A', 'B', 'C')
    assert data.known_until['B'] == date(2028, 11, 5)
    assert data.zones['B'][date(2028, 10, 23)] == 'Vacances de la Toussaint'
    assert data.zones['B'][date(2027, 12, 20)] == 'Vacances de Noël'


def test_an_unreadable_file_is_reported_not_raised(tmp_path):
    (tmp_path / sources.FILE_NAME).mkdir()
    data = sources.load(tmp_path / sources.FILE_NAME)
    assert data.errors == ('Le fichier vacances-scolaires.csv n’a pas pu être lu : Is a directory',)
    assert data.zone_names() == ['A', 'B', 'C']
