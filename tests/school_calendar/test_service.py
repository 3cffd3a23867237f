"""Which days a school has class: zone B's holidays, public holidays, Wednesdays, weekends, the
next school day, and the data folder's file laid over the shipped dates."""
from datetime import date

import pytest

from ecole_ent.models.school_calendar import SchoolCalendar
from ecole_ent.school_calendar import service
from ecole_ent.school_calendar.service import SchoolDays
from tests.school_calendar.conftest import HEADER, rows


@pytest.fixture
def zone_b(database):
    """The demo school's calendar as it stands: zone B, no class on Wednesday."""
    data = service.holiday_data()
    return SchoolDays((0, 1, 3, 4), data.zones['B'], None, 'B', data.known_until['B'])


def test_zone_b_christmas_holidays_2026_run_from_saturday_19_december_to_sunday_3_january(zone_b):
    assert zone_b.is_school_day(date(2026, 12, 18))
    for day in (date(2026, 12, 19), date(2026, 12, 21), date(2026, 12, 31), date(2027, 1, 3)):
        assert zone_b.closed_reason(day) == 'Vacances de Noël', day
    assert zone_b.closed_reason(date(2027, 1, 4)) is None
    assert zone_b.is_school_day(date(2027, 1, 4))


def test_christmas_day_is_named_after_the_holidays_and_the_public_holiday_is_still_known(zone_b):
    assert zone_b.closed_reason(date(2026, 12, 25)) == 'Vacances de Noël'
    assert zone_b.public_holiday(date(2026, 12, 25)) == 'Noël'
    assert SchoolDays().closed_reason(date(2026, 12, 25)) == 'Jour férié : Noël'


def test_the_school_holidays_are_named_in_the_readers_language(zone_b):
    from ecole_ent.i18n import speaking
    with speaking('en'):
        assert zone_b.closed_reason(date(2026, 12, 25)) == 'Christmas holidays'
        assert zone_b.closed_reason(date(2027, 5, 7)) == 'Ascension long weekend'
    with speaking('tr'):
        assert zone_b.school_holiday(date(2027, 7, 20)) == 'Yaz tatili'
    with speaking('fr'):
        assert zone_b.school_holiday(date(2027, 7, 20)) == "Vacances d'été"
    on_its_own = SchoolDays(holidays={date(2027, 3, 1): 'Fête du village'})     # a name of its own
    with speaking('en'):
        assert on_its_own.closed_reason(date(2027, 3, 1)) == 'Fête du village'


def test_armistice_and_ascension_are_days_without_class(zone_b):
    assert zone_b.closed_reason(date(2026, 11, 11)) == 'Jour férié : Armistice'
    wednesday_class = SchoolDays((0, 1, 2, 3, 4), zone_b.holidays)
    assert wednesday_class.closed_reason(date(2026, 11, 11)) == 'Jour férié : Armistice'
    assert zone_b.public_holiday(date(2027, 5, 6)) == 'Ascension'
    assert zone_b.closed_reason(date(2027, 5, 6)) == "Pont de l'Ascension"
    assert zone_b.closed_reason(date(2027, 5, 7)) == "Pont de l'Ascension"     # the bridge Friday
    assert zone_b.next_school_day(date(2027, 5, 5)) == date(2027, 5, 10)
    assert SchoolDays().closed_reason(date(2027, 5, 6)) == 'Jour férié : Ascension'


def test_wednesday_off_or_wednesday_morning(zone_b):
    wednesday = date(2027, 1, 6)
    assert zone_b.closed_reason(wednesday) == 'Pas de classe le mercredi'
    assert zone_b.next_school_day(date(2027, 1, 5)) == date(2027, 1, 7)
    morning = SchoolDays((0, 1, 2, 3, 4), zone_b.holidays)
    assert morning.is_school_day(wednesday)
    assert morning.next_school_day(date(2027, 1, 5)) == wednesday
    assert zone_b.school_days(date(2027, 1, 4), date(2027, 1, 10)) == [
        date(2027, 1, 4), date(2027, 1, 5), date(2027, 1, 7), date(2027, 1, 8)]


def test_weekends_and_saturday_morning():
    assert SchoolDays().closed_reason(date(2027, 1, 9)) == 'Week-end'
    assert SchoolDays().closed_reason(date(2027, 1, 10)) == 'Week-end'
    assert SchoolDays((0, 1, 3, 4, 5)).closed_reason(date(2027, 1, 9)) is None


def test_next_school_day_crosses_a_weekend_and_the_christmas_holidays(zone_b):
    assert zone_b.next_school_day(date(2027, 1, 8)) == date(2027, 1, 11)      # Friday -> Monday
    assert zone_b.next_school_day(date(2027, 1, 9)) == date(2027, 1, 11)      # Saturday -> Monday
    assert zone_b.next_school_day(date(2026, 12, 18)) == date(2027, 1, 4)     # last day -> rentrée
    assert zone_b.next_school_day(date(2026, 12, 24)) == date(2027, 1, 4)


def test_the_day_before_skips_holidays_and_a_due_date_on_a_holiday_gets_a_warning(zone_b):
    assert zone_b.previous_school_day(date(2027, 1, 4)) == date(2026, 12, 18)      # over Christmas
    assert zone_b.previous_school_day(date(2027, 1, 4), floor=date(2026, 12, 28)) == date(2026, 12, 28)
    assert zone_b.previous_school_day(date(2026, 12, 10)) == date(2026, 12, 8)     # no class on Wednesday
    assert zone_b.closed_warning(date(2026, 12, 24)) == \
        'Pas de classe le jeudi 24 décembre 2026 (Vacances de Noël) : vérifiez la date.'
    assert zone_b.closed_warning(date(2027, 1, 7)) is None


def test_alsace_moselle_and_overseas_have_their_own_public_holidays():
    good_friday, saint_stephen = date(2027, 3, 26), date(2027, 12, 26)
    assert SchoolDays(subdivision='6AE').closed_reason(good_friday) == 'Jour férié : Vendredi saint'
    assert SchoolDays(subdivision='57').public_holiday(saint_stephen) == 'Saint-Étienne'
    assert SchoolDays().closed_reason(good_friday) is None
    assert SchoolDays(subdivision='972').closed_reason(date(2027, 5, 21)) is None
    assert SchoolDays(subdivision='972').public_holiday(date(2027, 5, 22)) == "Abolition de l'esclavage"


def test_the_demo_school_follows_zone_b_with_a_four_day_week(demo):
    from ecole_ent.models import School
    school = School.get(School.uai == '0061234A')
    calendar = service.days(school.id)
    assert (calendar.zone, sorted(calendar.weekdays)) == ('B', [0, 1, 3, 4])
    assert calendar.known_until == date(2028, 8, 31)
    assert service.days(school.id) is calendar                    # cached
    assert SchoolCalendar.get(SchoolCalendar.school == school).weekdays == '0,1,3,4'


def test_a_school_without_saved_calendar_follows_its_academie(database):
    from ecole_ent.accounts import service as accounts
    paris = accounts.ensure_school('0751234B', 'École de la rue des Écoles')
    calendar = service.days(paris.id)
    assert (calendar.zone, sorted(calendar.weekdays)) == ('C', [0, 1, 3, 4])
    assert calendar.closed_reason(date(2027, 2, 8)) == "Vacances d'hiver"     # zone C, not B
    strasbourg = accounts.ensure_school('0671234C', 'École du Neudorf')
    assert service.days(strasbourg.id).closed_reason(date(2027, 3, 26)) == 'Jour férié : Vendredi saint'
    ajaccio = accounts.ensure_school('6201234D', 'École des Cannes')
    assert service.days(ajaccio.id).zone is None


def test_the_data_folder_file_adds_corse_and_replaces_a_zone_a_range(database, data_file):
    data_file('date,vacances_zone_corse,vacances_zone_a,nom_vacances\n'
              + rows('2026-12-19', '2027-01-03', ['True', 'False'], 'Vacances de Noël')
              + rows('2027-01-04', '2027-01-10', ['False', 'True'], 'Vacances de neige'))
    data = service.holiday_data()
    assert data.errors == () and data.file_zones == ('Corse', 'A')
    assert data.zone_names() == ['A', 'B', 'C', 'Corse']
    corse = SchoolDays(holidays=data.zones['Corse'])
    assert corse.closed_reason(date(2026, 12, 21)) == 'Vacances de Noël'
    assert corse.is_school_day(date(2027, 1, 4))
    assert data.known_until['Corse'] == date(2027, 1, 3)
    zone_a = SchoolDays(holidays=data.zones['A'])
    assert zone_a.is_school_day(date(2026, 12, 21))                   # the file's rows say False
    assert zone_a.closed_reason(date(2027, 1, 5)) == 'Vacances de neige'
    assert zone_a.closed_reason(date(2027, 2, 15)) == "Vacances d'hiver"   # shipped, not covered
    assert data.zones['B'][date(2026, 12, 21)] == 'Vacances de Noël'        # zone B untouched


def test_the_file_is_read_again_when_it_changes(database, data_file):
    import os
    path = data_file(HEADER + rows('2030-10-19', '2030-11-03', ['True', 'True', 'True'], 'Toussaint'))
    assert service.holiday_data().known_until['B'] == date(2030, 11, 3)
    path.write_text('date,vacances_zone_b,nom_vacances\n2030-10-19,peut-être,Toussaint\n',
                    encoding='utf-8')
    os.utime(path, ns=(1, 1))        # a different modification time, whatever the clock's grain
    data = service.holiday_data()
    assert data.errors == ('Ligne 2 : « peut-être » dans la colonne vacances_zone_b : écrivez '
                           'True ou False (ou oui et non, 1 et 0).',)
    assert data.known_until['B'] == date(2028, 8, 31)


def test_days_follow_a_new_saved_calendar_at_once_in_this_process(demo):
    from ecole_ent.models import School
    school = School.get(School.uai == '0061234A')
    assert not service.days(school.id).is_school_day(date(2027, 1, 6))
    service.save_calendar(None, school, 'C', [0, 1, 2, 3, 4])
    calendar = service.days(school.id)
    assert calendar.zone == 'C' and calendar.is_school_day(date(2027, 1, 6))
