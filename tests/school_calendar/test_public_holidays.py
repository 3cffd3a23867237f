"""France's public holidays, mainland and local, written out for a few years: Easter's days move
(Easter Monday, Ascension, Whit Monday, Good Friday, mid-Lent), each subdivision adds its own,
two holidays may share a day, and the names are in the reader's language."""
from datetime import date

import pytest

from ecole_ent.i18n import speaking
from ecole_ent.school_calendar import public_holidays as ph
from ecole_ent.school_calendar.service import SchoolDays


@pytest.mark.parametrize('year, sunday', [
    (1818, date(1818, 3, 22)), (2008, date(2008, 3, 23)), (2011, date(2011, 4, 24)),
    (2024, date(2024, 3, 31)), (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)),
    (2027, date(2027, 3, 28)), (2030, date(2030, 4, 21)), (2038, date(2038, 4, 25)),
    (2049, date(2049, 4, 18)), (2285, date(2285, 3, 22))])
def test_easter_sunday_including_the_earliest_and_latest_it_falls(year, sunday):
    assert ph.easter(year) == sunday


def mainland(year, easter_monday, ascension, whit_monday):
    return {date(year, 1, 1): "Jour de l'an", easter_monday: 'Lundi de Pâques',
            date(year, 5, 1): 'Fête du Travail', date(year, 5, 8): 'Fête de la Victoire',
            ascension: 'Ascension', whit_monday: 'Lundi de Pentecôte',
            date(year, 7, 14): 'Fête nationale', date(year, 8, 15): 'Assomption',
            date(year, 11, 1): 'Toussaint', date(year, 11, 11): 'Armistice', date(year, 12, 25): 'Noël'}


MAINLAND = {
    2026: mainland(2026, date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)),
    2027: mainland(2027, date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17)),
    2030: mainland(2030, date(2030, 4, 22), date(2030, 5, 30), date(2030, 6, 10)),
}
ABOLITION, SCHOELCHER = "Abolition de l'esclavage", 'Fête de Victor Schoelcher'


@pytest.mark.parametrize('year', sorted(MAINLAND))
def test_the_mainland_has_eleven_days_three_of_them_after_easter(year):
    with speaking('fr'):
        assert ph.public_holidays(None, year) == MAINLAND[year]
        assert ph.public_holidays('PM', year) == MAINLAND[year]       # Saint-Pierre-et-Miquelon


# Each subdivision's days on top of the mainland's (a day given here replaces the mainland's name).
@pytest.mark.parametrize('subdivision, year, own', [
    ('57', 2026, {date(2026, 4, 3): 'Vendredi saint', date(2026, 12, 26): 'Saint-Étienne'}),
    ('57', 2027, {date(2027, 3, 26): 'Vendredi saint', date(2027, 12, 26): 'Saint-Étienne'}),
    ('6AE', 2030, {date(2030, 4, 19): 'Vendredi saint', date(2030, 12, 26): 'Saint-Étienne'}),
    ('971', 2026, {date(2026, 3, 12): 'Mi-Carême', date(2026, 4, 3): 'Vendredi saint',
                   date(2026, 5, 27): ABOLITION, date(2026, 7, 21): SCHOELCHER}),
    ('971', 2030, {date(2030, 3, 28): 'Mi-Carême', date(2030, 4, 19): 'Vendredi saint',
                   date(2030, 5, 27): ABOLITION, date(2030, 7, 21): SCHOELCHER}),
    ('972', 2027, {date(2027, 5, 22): ABOLITION, date(2027, 7, 21): SCHOELCHER}),
    ('973', 2027, {date(2027, 6, 10): ABOLITION}),
    ('973', 2030, {date(2030, 6, 10): f'{ABOLITION}; Lundi de Pentecôte'}),     # Whit Monday that year
    ('974', 2026, {date(2026, 12, 20): ABOLITION}),
    ('976', 2027, {date(2027, 4, 27): ABOLITION}),
    ('BL', 2027, {date(2027, 10, 9): ABOLITION}),
    ('MF', 2030, {date(2030, 5, 28): ABOLITION, date(2030, 7, 21): SCHOELCHER}),
])
def test_alsace_moselle_and_overseas_add_their_own_days(subdivision, year, own):
    with speaking('fr'):
        assert ph.public_holidays(subdivision, year) == MAINLAND[year] | own


def test_two_holidays_on_one_day_are_both_named():
    assert ph.message_ids('972', 2031)[date(2031, 5, 22)] == (ABOLITION, 'Ascension')
    with speaking('fr'):
        assert ph.public_holiday('972', date(2031, 5, 22)) == f'{ABOLITION}; Ascension'
        assert ph.public_holiday(None, date(2031, 5, 22)) == 'Ascension'


def test_the_names_are_translated_when_asked_not_when_the_days_are_reckoned():
    with speaking('fr'):
        assert ph.public_holiday('57', date(2027, 12, 26)) == 'Saint-Étienne'       # now cached
    with speaking('en'):
        assert ph.public_holiday('57', date(2027, 12, 26)) == "St Stephen's Day"
        assert ph.public_holidays(None, 2027)[date(2027, 12, 25)] == 'Christmas Day'
        assert SchoolDays().closed_reason(date(2027, 5, 6)) == 'Public holiday: Ascension Day'
    with speaking('pt'):
        assert ph.public_holiday('973', date(2030, 6, 10)) == \
            'Abolição da escravatura; Segunda-feira de Pentecostes'
    assert ph.public_holiday(None, date(2027, 12, 24)) is None


def test_two_names_on_one_day_are_separated_as_the_language_writes_it():
    with speaking('ar'):
        first, second = ph.public_holiday('972', date(2031, 5, 22)).split('؛ ')      # Arabic semicolon
        assert ';' not in first + second and first and second
    with speaking('en'):
        assert ph.public_holiday('972', date(2031, 5, 22)).count('; ') == 1


def test_an_unknown_subdivision_is_an_error_not_the_mainland():
    with pytest.raises(ValueError, match='6AF'):
        ph.public_holidays('6AF', 2027)
