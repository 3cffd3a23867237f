"""What the statistics pages show: for one school (its director, the admin) or every school
together (the admin), over one school year, each figure as a chart and the same numbers as a
table. Figures come from query.py only; the director reads their own school's figures exactly,
anyone else (the admin) reads « < 5 » for a figure from 1 to 4 that query._protect hides, and
« masqué » for one it hides for another reason (charts.cell)."""
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..admin.service import get_school
from ..errors import Forbidden
from ..i18n import _, date_fr, day_name, lazy, month_name
from ..models import School
from . import charts, fold, query

PROFILE_LABELS = {'pupil': lazy('Élèves'), 'guardian': lazy('Parents'), 'teacher': lazy('Enseignants'),
                  'director': lazy('Direction'), 'staff': lazy('Personnels'), 'admin': lazy('Administrateurs')}
FEATURE_LABELS = {'home': lazy('Accueil'), 'blog': lazy('Blog'), 'photos': lazy('Photos'),
                  'homework': lazy('Cahier de textes'),
                  'messages': lazy('Messagerie'), 'notes': lazy('Cahier de liaison'), 'directory': lazy('Annuaire'),
                  'admin': lazy('Administration')}
DEVICE_LABELS = {'phone': lazy('Téléphone'), 'computer': lazy('Ordinateur'), 'tablet': lazy('Tablette'),
                 'kiosk': lazy('Borne du hall')}
PLACE_LABELS = {True: lazy('À l’école'), False: lazy('Ailleurs (maison…)')}


@dataclass
class Figure:
    """One figure of the page: a chart and its numbers (head: column titles, rows: cells as text)."""
    slug: str
    title: str
    chart: str
    head: list
    rows: list
    note: str = ''
    folded: bool = False         # a long table: shown folded (<details>), open when printed
    extra: dict = field(default_factory=dict)


def school_page(actor, school_id, year_text):
    """The statistics of one school: its director (exact figures) or the admin (small counts
    hidden). Forbidden to anyone else, another school's director included."""
    school = get_school(actor, school_id)
    exact = actor is not None and actor.has_role('director') and actor.school_id == school.id
    return {'school': school, 'exact': exact, **_page([school], year_text, exact)}


def overview_page(actor, year_text):
    """Every school together, and the list of schools: the installation's admin only."""
    if actor is None or not actor.has_role('admin'):
        raise Forbidden(_('Seul l’administrateur de l’installation voit les statistiques de toutes les écoles.'))
    schools = list(School.select().order_by(School.name))
    return {'schools': schools, 'exact': False, **_page(None, year_text, False)}


def years_back():
    """The school years before this one that still have aggregates ([stats] keep_months: 25 -> 2)."""
    return max(0, (fold.settings().keep_months + 11) // 12 - 1)


def years(today):
    """The school years offered: (label '2026-2027', start, end), this one first."""
    first, _end = query.school_year(today)
    return [(f'{first.year - back}-{first.year - back + 1}', date(first.year - back, 9, 1),
             date(first.year - back + 1, 8, 31)) for back in range(years_back() + 1)]


def _page(schools, year_text, exact):
    today = query.clock().date()
    offered = years(today)
    chosen, error = offered[0], ''
    if year_text:
        match = [year for year in offered if year[0] == year_text.strip()]
        if match:
            chosen = match[0]
        else:
            error = (_('Année scolaire inconnue : « %(text)s ». Choisissez une des années de la liste.')
                     % {'text': year_text[:20]} if re.fullmatch(r'[0-9]{4}-[0-9]{4}', year_text.strip()) is None
                     else _('Pas de statistiques pour l’année %(text)s : elles sont gardées %(months)d mois.')
                     % {'text': year_text.strip(), 'months': fold.settings().keep_months})
    label, start, end = chosen
    end = min(end, today)
    if end < start:
        return {'years': offered, 'year': label, 'start': start, 'end': end, 'figures': [], 'year_error': error,
                'total': None}
    by_month = {row['month']: row for row in query.rows(schools, start, end, 'month', exact=True, combined=True)}
    total = {name: sum(row[name] for row in by_month.values()) for name in ('visits', 'signins')}
    return {'years': offered, 'year': label, 'start': start, 'end': end, 'year_error': error,
            'figures': figures_of(schools, start, end, exact, by_month, total['visits']),
            'total': {name: charts.number(figure) for name, figure in total.items()}}


def figures_of(schools, start, end, exact, by_month, visits):
    """Every figure of the page, in the order the academy's report reads them. by_month: the
    month rows of the range, exact and combined, read once for the months' chart, the page's
    totals and every share (`visits`, their sum)."""
    def split(by, title, column, labels, kind):
        return _split(schools, start, end, exact, by, (title, column), labels, kind, visits)
    return [_per_day(schools, start, end), _per_month(by_month, start, end),
            _visitors_by_profile(schools, start, end, exact),
            split('feature', _('Visites par service'), _('Service'), FEATURE_LABELS, 'hbar'),
            split('profile', _('Visites par profil'), _('Profil'), PROFILE_LABELS, 'hbar'),
            _hours(schools, start, end, exact), _weekdays(schools, start, end),
            split('device', _('Appareils utilisés'), _('Appareil'), DEVICE_LABELS, 'pie'),
            split('at_school', _('À l’école ou ailleurs'), _('Lieu'), PLACE_LABELS, 'pie'),
            _accounts(schools, exact)]


def month_label(month):
    """« septembre 2026 » (tables)."""
    return f'{month_name(month.month)} {month.year}'


def short_month(month):
    """« sept. 26 » (a chart's axis, where a school year of labels must fit a phone)."""
    return f'{month_name(month.month, short=True)} {month.year % 100:02d}'


def _months(start, end):
    month, out = start.replace(day=1), []
    while month <= end:
        out.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def _per_day(schools, start, end):
    by_day = {row['day']: row for row in query.rows(schools, start, end, 'day', exact=True, combined=True)}
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    if len(days) > 1 and days[-1] not in by_day:     # a day begun with nobody yet: not a fall to 0
        days.pop()
    labels = [date_fr(day, with_day=False, with_year=False) for day in days]
    signins = [by_day[day]['signins'] if day in by_day else 0 for day in days]
    visitors = [by_day[day]['visitors'] if day in by_day else 0 for day in days]
    svg = charts.chart('line', _('Connexions par jour'), labels, [(_('Connexions'), signins),
                       (_('Visiteurs du jour'), visitors)], 'days',
                       major=[label for day, label in zip(days, labels, strict=True) if day.day == 1])
    rows = [[date_fr(day), charts.number(by_day[day]['signins']), charts.number(by_day[day]['visitors']),
             charts.number(by_day[day]['visits'])] for day in days if day in by_day]
    return Figure('days', _('Connexions par jour sur l’année scolaire'), svg,
                  [_('Jour'), _('Connexions'), _('Visiteurs du jour'), _('Visites')], rows, folded=True,
                  note=_('Visiteurs du jour : personnes différentes venues ce jour-là.'))


def _per_month(by_month, start, end):
    months = _months(start, end)
    return _visits_and_signins('months', _('Visites par mois'), by_month, months, [short_month(m) for m in months],
                               [month_label(m) for m in months], (_('Mois'), _('Visiteurs uniques du mois')),
                               note=_('Une visite : une page d’un service ouverte. Visiteurs uniques : personnes '
                                      'différentes venues dans le mois.'))


def _visits_and_signins(slug, title, found, keys, axis, names, columns, note=''):
    """A bar chart of the visits and sign-ins of each key (`axis`: their labels under the bars) and
    its table: the key's name (`names`), visits, sign-ins, visitors (`columns`: the first and last
    columns' titles). A key missing from `found` (rows of query.rows, by key) counts 0."""
    get = lambda key, name: found[key][name] if key in found else 0  # noqa: E731
    svg = charts.chart('bar', title, axis, [(_('Visites'), [get(key, 'visits') for key in keys]),
                                            (_('Connexions'), [get(key, 'signins') for key in keys])], slug)
    rows = [[name, *(charts.number(get(key, figure)) for figure in ('visits', 'signins', 'visitors'))]
            for key, name in zip(keys, names, strict=True)]
    return Figure(slug, title, svg, [columns[0], _('Visites'), _('Connexions'), columns[1]], rows, note=note)


def _present(keys, rows):
    return [key for key in keys if key in rows]


def _visitors_by_profile(schools, start, end, exact):
    found = {(row['month'], row['profile']): row for row in query.month_visitors_by_profile(schools, start, end, exact)}
    months = _months(start, end)
    profiles = _present(PROFILE_LABELS, {profile for _month, profile in found})
    svg = charts.chart('bar', _('Visiteurs uniques par mois et par profil'), [short_month(m) for m in months],
                       [(PROFILE_LABELS[p], [found[m, p]['visitors'] if (m, p) in found else 0 for m in months])
                        for p in profiles], 'people')
    rows = [[month_label(m)] + [charts.cell(found.get((m, p)), 'visitors') for p in profiles] for m in months]
    return Figure('people', _('Visiteurs uniques par mois et par profil'), svg,
                  [_('Mois')] + [PROFILE_LABELS[p] for p in profiles], rows, note=_small_note(exact))


def _split(schools, start, end, exact, by, titles, labels, kind, total):
    title, column = titles
    found = {row[by]: row for row in query.rows(schools, start, end, by, exact=exact, combined=True)}
    keys = _present(labels, found)
    svg = charts.chart(kind, title, [labels[key] for key in keys],
                       [(labels[key], [found[key]['visits']]) for key in keys] if kind == 'pie'
                       else [(_('Visites'), [found[key]['visits'] for key in keys])], by)
    rows = [[labels[key], charts.cell(found[key], 'visits'),       # a share of the whole, hidden with its figure
             charts.rate(None if found[key]['visits'] is None else found[key]['visits'] / total) if total else '',
             charts.cell(found[key], 'visitors')] for key in keys]
    hidden = any(found[key]['visits'] is None for key in keys)
    note = _('Visiteurs-jours : chaque jour, les personnes différentes, additionnées sur la période.')
    if by == 'profile' or hidden:
        note += ' ' + _small_note(exact)
    if kind == 'pie' and hidden:
        note += ' ' + _('Les parts masquées ne sont pas dessinées.')
    return Figure(by, title, svg, [column, _('Visites'), _('Part'), _('Visiteurs-jours')], rows, note=note)


def _hours(schools, start, end, exact):
    found = {(row['hour'], row['profile']): row
             for row in query.crossed(schools, start, end, 'hour', 'profile', exact=exact)}
    profiles = _present(PROFILE_LABELS, {profile for _hour, profile in found})
    hours = list(range(24))
    svg = charts.chart('stacked', _('Visites selon l’heure'), [f'{h} h' for h in hours],
                       [(PROFILE_LABELS[p], [found[h, p]['visits'] if (h, p) in found else 0 for h in hours])
                        for p in profiles], 'hours', major=[f'{h} h' for h in hours if h % 3 == 0])
    rows = [[f'{h} h – {h + 1} h'] + [charts.cell(found.get((h, p)), 'visits') for p in profiles] for h in hours
            if any((h, p) in found and found[h, p]['visits'] != 0 for p in profiles)]
    return Figure('hours', _('Visites selon l’heure de la journée, par profil'), svg,
                  [_('Heure')] + [PROFILE_LABELS[p] for p in profiles], rows, note=_small_note(exact))


def _weekdays(schools, start, end):
    found = {row['weekday']: row for row in query.rows(schools, start, end, 'weekday', exact=True, combined=True)}
    names = [day_name(n).capitalize() for n in range(7)]
    return _visits_and_signins('weekdays', _('Visites selon le jour de la semaine'), found, range(7), names, names,
                               (_('Jour'), _('Visiteurs-jours')))


def _accounts(schools, exact):
    found = {row['profile']: row for row in query.accounts(schools, exact=exact)}
    keys = _present(PROFILE_LABELS, found)
    svg = charts.chart('bar', _('Comptes créés et activés'), [PROFILE_LABELS[k] for k in keys],
                       [(_('Créés'), [found[k]['created'] for k in keys]),
                        (_('Activés'), [found[k]['activated'] for k in keys])], 'accounts')
    rows = [[PROFILE_LABELS[k], charts.cell(found[k], 'created'), charts.cell(found[k], 'activated'),
             charts.rate(found[k]['rate'])] for k in keys]
    return Figure('accounts', _('Comptes créés et comptes activés, par profil'), svg,
                  [_('Profil'), _('Créés'), _('Activés'), _('Taux d’activation')], rows,
                  note=_('Activé : le compte a choisi son mot de passe ou s’est déjà connecté. Comptes '
                         'désactivés non comptés.') + ' ' + _small_note(exact))


def _small_note(exact):
    return '' if exact else _('« < 5 » : de 1 à 4 ; « masqué » : un nombre d’un profil de moins de cinq personnes, '
                              'ou qui permettrait de retrouver un autre par différence. Ainsi, on ne peut '
                              'reconnaître personne.')
