"""The calendar page: who may see and change it, what it shows, what saving does."""
from datetime import date

import pytest

from ecole_ent.models import AuditEvent
from ecole_ent.models.school_calendar import SchoolCalendar
from ecole_ent.school_calendar import service
from tests.conftest import Client, redirected_to
from tests.school_calendar.conftest import text

PAGE = '/ecole/calendrier'


def calendar_warnings(health):
    """The /healthz warnings about school holidays (the others are about backups, disk...)."""
    return [warning for warning in health['warnings'] if 'vacances' in warning]


def send(client, fields, status=None):
    """POST the calendar form with the session's CSRF token."""
    params = {'csrf_token': client.csrf(PAGE + '?ecole=' + fields.get('ecole', '')), **fields}
    return client.post(PAGE, params, status=status, expect_errors=bool(status and status >= 400))


def test_the_director_sees_the_demo_calendar_and_the_coming_closures(people, signed_in, on_day):
    on_day(date(2026, 12, 4))
    page = text(signed_in(people.director).get(PAGE))
    assert 'Calendrier scolaire' in page
    assert 'Vacances de Noël : du samedi 19 décembre 2026 au dimanche 3 janvier 2027' in page
    assert "Vacances d'hiver : du samedi 20 février 2027 au dimanche 7 mars 2027" in page
    assert 'Vacances de printemps' not in page
    assert 'Dates des vacances connues jusqu’au jeudi 31 août 2028.' in page
    assert 'Académie de Nice, d’après le code UAI.' in page
    assert 'ne sont connues que' not in page
    form = signed_in(people.director).get(PAGE).forms['calendrier']
    assert form['zone'].value == 'B'
    assert [form[f'jour-{n}'].checked for n in range(6)] == [True, True, False, True, True, False]


def test_the_page_lists_public_holidays_and_the_next_holidays_however_far(people, signed_in, on_day):
    on_day(date(2027, 5, 3))
    page = text(signed_in(people.director).get(PAGE))
    assert "Pont de l'Ascension : du jeudi 6 mai 2027 au samedi 8 mai 2027" in page
    assert 'Lundi de Pentecôte (jour férié) : lundi 17 mai 2027' in page
    assert "Vacances d'été : du samedi 3 juillet 2027 au" in page
    on_day(date(2027, 3, 10))
    page = text(signed_in(people.director).get(PAGE))
    assert 'Vacances de printemps : du samedi 17 avril 2027 au dimanche 2 mai 2027' in page


def test_a_warning_when_the_zone_dates_end_within_six_months(people, signed_in, on_day, demo_app):
    on_day(date(2028, 4, 1))
    page = text(signed_in(people.director).get(PAGE))
    assert ('Dates des vacances (Zone B) connues seulement jusqu’au jeudi 31 août 2028 : '
            'installez une version plus récente d’ecole-ent, ou ajoutez les dates suivantes dans le '
            'fichier vacances-scolaires.csv du dossier des données.') in page
    health = Client(demo_app).get('/healthz').json
    assert calendar_warnings(health) == [
        'École des Mimosas : dates des vacances connues seulement jusqu’au jeudi 31 août 2028.',
        'École du Vieux-Port : dates des vacances connues seulement jusqu’au jeudi 31 août 2028.']
    assert health['school_calendar'] == {'file': 'none', 'known_until': {
        'A': '2028-08-31', 'B': '2028-08-31', 'C': '2028-08-31'}}


def test_the_director_saves_wednesday_morning_and_zone_c(people, signed_in):
    director = signed_in(people.director)
    assert not service.days(people.school.id).is_school_day(date(2027, 1, 6))
    response = send(director, {'ecole': '0061234A', 'zone': 'C', 'jour-0': '1', 'jour-1': '1',
                               'jour-2': '1', 'jour-3': '1', 'jour-4': '1'}, status=303)
    assert redirected_to(response) == '/ecole/calendrier?ecole=0061234A'
    assert 'Calendrier scolaire enregistré.' in text(response.follow())
    row = SchoolCalendar.get(SchoolCalendar.school == people.school)
    assert (row.zone, row.weekdays) == ('C', '0,1,2,3,4')
    calendar = service.days(people.school.id)
    assert calendar.zone == 'C' and calendar.is_school_day(date(2027, 1, 6))
    assert calendar.closed_reason(date(2027, 2, 8)) == "Vacances d'hiver"
    event = AuditEvent.select().where(AuditEvent.action == 'calendar.saved').get()
    assert (event.actor_id, event.school_id, event.target) == (people.director.id, people.school.id,
                                                               '0061234A')


def test_a_form_without_days_or_with_an_unknown_zone_is_shown_again_in_french(people, signed_in):
    response = send(signed_in(people.director), {'ecole': '0061234A', 'zone': 'Z', 'jour-2': ''})
    assert response.status_int == 200
    page = text(response)
    assert 'Le formulaire contient 2 erreurs' in page
    assert 'Zone de vacances : Choisissez une zone de la liste.' in page
    assert 'Jours de classe : Cochez au moins un jour de classe.' in page
    assert SchoolCalendar.get(SchoolCalendar.school == people.school).zone == 'B'
    assert AuditEvent.select().where(AuditEvent.action == 'calendar.saved').count() == 0


@pytest.mark.parametrize('who', ['teacher', 'guardian', 'pupil'])
def test_other_people_of_the_school_get_403(people, signed_in, who):
    client = signed_in(getattr(people, who))
    client.get(PAGE, status=403)
    token = client.csrf('/')
    client.post(PAGE, {'csrf_token': token, 'ecole': '0061234A', 'zone': 'A', 'jour-0': '1'},
                status=403)
    assert SchoolCalendar.get(SchoolCalendar.school == people.school).zone == 'B'


def test_a_director_of_another_school_cannot_see_or_change_this_school(people, signed_in):
    client = signed_in(people.other_director)
    client.get(PAGE + '?ecole=0061234A', status=403)
    token = client.csrf(PAGE)
    client.post(PAGE, {'csrf_token': token, 'ecole': '0061234A', 'zone': 'A', 'jour-0': '1'},
                status=403)
    assert SchoolCalendar.get(SchoolCalendar.school == people.school).zone == 'B'
    own = text(client.get(PAGE))
    assert 'École du Vieux-Port (0139999Z)' in own and 'Académie d’Aix-Marseille' in own


def test_saving_needs_the_csrf_token(people, signed_in):
    client = signed_in(people.director)
    response = client.post(PAGE, {'ecole': '0061234A', 'zone': 'A', 'jour-0': '1'}, status=400)
    assert 'Le formulaire a expiré ou ne vient pas de ce site.' in response.text
    assert SchoolCalendar.get(SchoolCalendar.school == people.school).zone == 'B'


def test_the_admin_picks_a_school_then_sets_its_calendar(people, signed_in):
    admin = signed_in(people.admin)
    choose = admin.get(PAGE)
    assert [value for value, _selected, _text in choose.forms['choix-ecole']['ecole'].options] == [
        '0061234A', '0139999Z']
    assert 'École des Mimosas (0061234A) École du Vieux-Port (0139999Z)' in text(choose)
    assert 'calendrier' not in choose.forms
    assert SchoolCalendar.get_or_none(SchoolCalendar.school == people.other_school) is None
    page = text(admin.get(PAGE + '?ecole=0139999Z'))
    assert 'Ce calendrier n’est pas encore enregistré' in page
    send(admin, {'ecole': '0139999Z', 'zone': 'B', 'jour-0': '1', 'jour-1': '1', 'jour-3': '1',
                 'jour-4': '1', 'jour-5': '1'}, status=303)
    row = SchoolCalendar.get(SchoolCalendar.school == people.other_school)
    assert (row.zone, row.weekdays) == ('B', '0,1,3,4,5')
    admin.get(PAGE + '?ecole=0000000X', status=404)


def test_a_corse_school_is_told_to_add_the_file_then_gets_its_zone(people, signed_in, data_file,
                                                                   demo_app, on_day):
    on_day(date(2026, 12, 4))
    from ecole_ent.accounts import service as accounts
    accounts.ensure_school('6201234H', 'École de Bastia')
    admin = signed_in(people.admin)
    page = text(admin.get(PAGE + '?ecole=6201234H'))
    assert calendar_warnings(Client(demo_app).get('/healthz').json) == [
        'École de Bastia : aucune zone de vacances scolaires (page Calendrier scolaire).']
    assert ('L’académie de Corse a son propre calendrier de vacances : ajoutez ses dates dans le '
            'fichier vacances-scolaires.csv du dossier des données') in page
    data_file('date,vacances_zone_corse,nom_vacances\n2026-12-19,True,Vacances de Noël\n')
    page = admin.get(PAGE + '?ecole=6201234H')
    assert page.forms['calendrier']['zone'].value == 'Corse'
    assert 'L’académie de Corse a son propre' not in text(page)
    health = Client(demo_app).get('/healthz').json
    assert health['school_calendar']['file'] == 'used'
    assert calendar_warnings(health) == [
        'École de Bastia : dates des vacances connues seulement jusqu’au samedi 19 décembre 2026.']


def test_a_broken_data_file_shows_on_the_page_and_in_healthz(people, signed_in, data_file, demo_app,
                                                             on_day):
    on_day(date(2026, 12, 4))
    data_file('date,vacances_zone_corse,nom_vacances\n2026-12-19,True,No\xebl\n'.encode('latin-1'))
    page = text(signed_in(people.director).get(PAGE))
    assert ('Le fichier vacances-scolaires.csv du dossier des données est ignoré : les dates des zones '
            'A, B et C fournies avec ecole-ent s’appliquent. Corrigez-le : Ligne 2 : le fichier n’est '
            'pas en UTF-8. Enregistrez-le au format « CSV UTF-8 ».') in page
    health = Client(demo_app).get('/healthz').json
    assert calendar_warnings(health) == [
        'Fichier vacances-scolaires.csv ignoré : Ligne 2 : le fichier n’est pas en UTF-8. '
        'Enregistrez-le au format « CSV UTF-8 ».']
    assert health['school_calendar']['file'] == 'ignored'
    assert health['school_calendar']['known_until']['B'] == '2028-08-31'
