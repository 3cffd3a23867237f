"""What the calendar page tells a director about their school (the coming days without class,
where the holiday dates end, what to fix), and what /healthz says about the calendars. Plain
functions, no bottle.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from peewee import DatabaseError

from ..i18n import _, date_fr
from ..models import School
from . import service, sources, zones

COMING_DAYS = 92          # the closures listed: about three months ahead
DATA_WARNING_DAYS = 183   # warn when a zone's dates end within six months
ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Closure:
    label: str                # 'Vacances de Noël', 'Armistice (jour férié)'
    start: date
    end: date                 # the same as start for one day


def closures(calendar, start, days=COMING_DAYS):
    """The school holidays and the public holidays on class weekdays from `start`, for `days`
    days; the next school holidays always, however far."""
    end = start + timedelta(days=days)
    periods = []
    for day in (start + timedelta(days=n) for n in range(366)):
        name = calendar.school_holiday(day)
        if name is None:
            continue
        if periods and periods[-1].label == name and periods[-1].end == day - ONE_DAY:
            periods[-1] = Closure(name, periods[-1].start, day)
        elif periods and day > end:
            break
        else:
            periods.append(Closure(name, day, day))
    public = [Closure(_('%s (jour férié)') % name, day, day)
              for day in (start + timedelta(days=n) for n in range(days + 1))
              if (name := calendar.public_holiday(day)) and calendar.school_holiday(day) is None
              and day.weekday() in calendar.weekdays]
    return sorted(periods + public, key=lambda closure: closure.start)


def weekday_labels():
    """[(number, label)] of the weekday boxes: school on Wednesday or Saturday is a morning."""
    return list(enumerate((_('Lundi'), _('Mardi'), _('Mercredi (matin)'), _('Jeudi'), _('Vendredi'),
                           _('Samedi (matin)'))))


def zone_choices(data):
    """(value, label) of the zone select: A, B, C, the data folder's zones, and none."""
    return [(zone, zones.zone_label(zone)) for zone in data.zone_names()] + [
        ('', _('Aucune : seulement les jours fériés et les jours de la semaine'))]


def notices(school, choice, data, today):
    """[(kind, French sentence)] for the top of the page, most urgent first."""
    found = []
    zone, academie = choice.zone, zones.academie(school.uai)
    if zone is not None and zone not in data.zones:
        found.append(('error', _('La zone « %s » n’est plus dans les dates des vacances (le fichier du '
                                 'dossier des données a changé ?) : choisissez-en une autre.') % zone))
    elif zone is None and academie and zones.ACADEMIES[academie][0] is None:
        found.append(('warning', _(
            'L’académie %(of)s a son propre calendrier de vacances : ajoutez ses dates dans '
            'le fichier %(file)s du dossier des données (les colonnes du calendrier national, avec une '
            'colonne vacances_zone_%(column)s), puis choisissez sa zone ici. D’ici là, seuls les jours '
            'fériés et les jours de la semaine comptent.') % {
                'of': zones.of(academie), 'file': sources.FILE_NAME,
                'column': academie.lower().replace(' ', '_')}))
    elif zone is None:
        found.append(('warning', _('Aucune zone de vacances : seuls les jours fériés et les jours de la '
                                   'semaine comptent.')))
    ends = data.known_until.get(zone)
    if ends is not None and ends < today + timedelta(days=DATA_WARNING_DAYS):
        found.append(('warning', _(
            'Dates des vacances (%(zone)s) connues seulement jusqu’au %(day)s : installez '
            'une version plus récente d’ecole-ent, ou ajoutez les dates suivantes dans le fichier '
            '%(file)s du dossier des données.') % {
                'zone': zones.zone_label(zone), 'day': date_fr(ends), 'file': sources.FILE_NAME}))
    if not choice.saved and zone is not None:
        found.append(('info', _('Ce calendrier n’est pas encore enregistré : la zone vient du code UAI '
                                '(académie %s). Vérifiez-le, puis enregistrez.') % zones.of(academie)))
    return found


def page(school, choice=None):
    """What the calendar page shows for a school: its settings (or `choice`, a form sent back
    with errors), the zones, notices, coming closures, where the dates end."""
    data, today = service.holiday_data(), service.today()
    saved = service.choice_of(school, data)
    academie = zones.academie(school.uai)
    calendar = service.calendar_of(school, data)
    return {'school': school, 'choice': choice or saved, 'saved': saved.saved,
            'zones': zone_choices(data), 'weekday_labels': weekday_labels(),
            'academie': academie and zones.of(academie), 'local_holidays': local_holidays(school.uai),
            'notices': notices(school, saved, data, today), 'file_errors': data.errors,
            'file_name': sources.FILE_NAME, 'closures': closures(calendar, today),
            'known_until': data.known_until.get(saved.zone), 'today': today}


def local_holidays(uai):
    """A French sentence when the school has public holidays of its own, else None."""
    subdivision = zones.subdivision(uai)
    if subdivision in ('57', '6AE'):
        return _('Jours fériés d’Alsace-Moselle : Vendredi saint et 26 décembre en plus.')
    if subdivision is not None:
        return _('Jours fériés locaux (%s) compris.') % zones.academie(uai)
    return None


def health(report):
    """/healthz: the data folder's file, where each zone's dates end, and every school whose
    calendar has no holidays or whose dates end within six months (a few cached reads)."""
    data, today = service.holiday_data(), service.today()
    report['school_calendar'] = {
        'file': 'ignored' if data.errors else 'used' if data.file_zones else 'none',
        'known_until': {zone: day.isoformat() for zone, day in sorted(data.known_until.items())}}
    warnings = report['warnings']
    warnings.extend(_('Fichier %(file)s ignoré : %(error)s') % {'file': sources.FILE_NAME, 'error': error}
                    for error in data.errors)
    try:
        schools = list(School.select(School.id, School.name).order_by(School.name))
    except DatabaseError:           # /healthz reports the database itself; a hook never raises
        return
    for school in schools:
        calendar = service.days(school.id)
        if not calendar.holidays:
            warnings.append(_('%s : aucune zone de vacances scolaires (page Calendrier scolaire).')
                            % school.name)
        elif calendar.known_until < today + timedelta(days=DATA_WARNING_DAYS):
            warnings.append(_('%(school)s : dates des vacances connues seulement jusqu’au %(day)s.')
                            % {'school': school.name, 'day': date_fr(calendar.known_until)})
