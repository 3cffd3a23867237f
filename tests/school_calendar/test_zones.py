"""A school's zone and public-holiday rules, guessed from its UAI."""
import pytest

from ecole_ent.school_calendar import public_holidays, zones


@pytest.mark.parametrize('uai, departement, academie, zone', [
    ('0061234A', '06', 'Nice', 'B'),
    ('0751234B', '75', 'Paris', 'C'),
    ('0691234C', '69', 'Lyon', 'A'),
    ('0141234D', '14', 'Normandie', 'B'),
    ('0571234E', '57', 'Nancy-Metz', 'B'),
    ('0681234F', '68', 'Strasbourg', 'B'),
    ('0931234G', '93', 'Créteil', 'C'),
    ('6201234H', '2A', 'Corse', None),
    ('7201234J', '2B', 'Corse', None),
    ('9711234K', '971', 'Guadeloupe', None),
    ('9741234L', '974', 'La Réunion', None),
    ('9761234M', '976', 'Mayotte', None),
    ('0991234N', None, None, None),
    ('', None, None, None),
])
def test_the_uai_gives_the_departement_the_academie_and_the_zone(uai, departement, academie, zone):
    assert zones.departement(uai) == departement
    assert zones.academie(uai) == academie
    assert zones.guess_zone(uai) == zone


def test_every_mainland_departement_has_a_zone():
    mainland = [f'{n:02d}' for n in range(1, 96) if n != 20]
    assert [d for d in mainland if d not in zones.DEPARTEMENTS] == []
    assert {zones.ACADEMIES[zones.DEPARTEMENTS[d]][0] for d in mainland} == {'A', 'B', 'C'}


def test_corse_and_overseas_take_the_data_folder_zone_named_after_their_academie():
    assert zones.guess_zone('6201234H', ['A', 'B', 'C', 'Corse']) == 'Corse'
    assert zones.guess_zone('9741234L', ['A', 'B', 'C', 'La reunion']) == 'La reunion'
    assert zones.guess_zone('9711234K', ['A', 'B', 'C', 'Corse']) is None


@pytest.mark.parametrize('uai, subdivision', [
    ('0571234E', '57'), ('0671234E', '6AE'), ('0681234F', '6AE'), ('9721234K', '972'),
    ('9751234A', 'PM'), ('9771234B', 'BL'), ('9781234C', 'MF'), ('0061234A', None), ('6201234H', None)])
def test_alsace_moselle_and_overseas_get_their_public_holiday_rules(uai, subdivision):
    assert zones.subdivision(uai) == subdivision


def test_every_subdivision_is_one_public_holidays_knows():
    """An unknown subdivision raises there (mainland rules for a misspelt code would go unseen)."""
    assert set(zones.SUBDIVISIONS.values()) <= public_holidays.SUBDIVISIONS
    for subdivision in zones.SUBDIVISIONS.values():
        assert public_holidays.public_holidays(subdivision, 2027)
