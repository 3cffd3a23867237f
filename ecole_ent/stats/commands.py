"""`ecole-ent stats export [--school UAI ...] --from AAAA-MM-JJ --to AAAA-MM-JJ --by GROUPING
--format csv|json [--exact]`: the usage statistics of one school, several, or every school of the
installation (no --school), for the academy; on stdout. `ecole-ent stats fold` runs the nightly
fold now.

The figures come from stats/query.py (the one place they are computed), today's events not folded
yet included (an event reaches the database within seconds of its request). One row per school and
value of the grouping, the school's UAI on every row; the installation admin's own use (an account
of no school) is not exported.

Columns / keys: uai, the grouping named after --by (day: AAAA-MM-JJ; month: AAAA-MM; hour: 0-23;
weekday: 0 = Monday ... 6 = Sunday; profile, feature, device: the words of models/stats.py;
at_school: true/false), visits (page views of a feature), visitors, signins (successful sign-ins).
`visitors` is:
  --by day    the distinct people of that day;
  --by month  the distinct people of that month (a month cut by --from/--to still counts the whole
              month's people: distinct people of part of a month are not kept);
  other --by  the sum over the days of the range of each day's distinct people with that value:
              person-days ("visiteurs-jours"). Distinct people over several days cannot be told
              apart once each day's key is deleted; that is the price of forgetting them.
Small counts: a figure from 1 to 4 that could single out a family (query.py decides: the rows of
a profile) is left empty in CSV and null in JSON, the row marked suppressed; --exact, for the
installation's own admin, gives every figure.
Errors (a malformed date, an end before the start, an unknown UAI): one French line, exit 2.
"""
import csv
import io
import json
import sys
from datetime import date

from .. import scheduler
from ..cli import say
from ..i18n import _
from ..models import School
from . import fold, query

GROUPINGS, FIGURES = query.GROUPINGS, query.MEASURES


def parse_day(text):
    try:
        return date.fromisoformat((text or '').strip()) if len((text or '').strip()) == 10 else None
    except ValueError:
        return None


def shown(by, key):
    """A grouping's key as exported (JSON and CSV)."""
    if by == 'day':
        return key.isoformat()
    if by == 'month':
        return key.strftime('%Y-%m')
    return key


def export_rows(schools, start, end, by, exact):
    """The rows of the export: dicts {uai, <by>, visits, visitors, signins, suppressed}."""
    rows = []
    for row in query.rows(schools, start, end, by, exact=exact):
        if not row.get('uai'):
            continue
        rows.append({'uai': row['uai'], by: shown(by, row[by]), **{name: row[name] for name in FIGURES},
                     'suppressed': bool(row.get('suppressed'))})
    return rows


def as_csv(rows, by):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n')
    writer.writerow(['uai', by, *FIGURES, 'suppressed'])
    for row in rows:
        key = row[by]
        writer.writerow([row['uai'], str(key).lower() if isinstance(key, bool) else key,
                         *('' if row[name] is None else row[name] for name in FIGURES),
                         'true' if row['suppressed'] else 'false'])
    return buffer.getvalue()


class Refused(Exception):
    """A bad argument of the export: its French message, exit status 2."""


def cmd_export(args, ctx):
    try:
        start, end = period(args.start, args.end)
        ctx.database()
        schools = schools_of(args.school)
    except Refused as refused:
        say(str(refused))
        return 2
    rows = export_rows(schools, start, end, args.by, args.exact)
    if args.format == 'json':
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + '\n')
    else:
        sys.stdout.write(as_csv(rows, args.by))
    return 0


def period(start_text, end_text):
    """(start, end) dates from --from and --to; Refused on a bad date or an end before the start."""
    start, end = parse_day(start_text), parse_day(end_text)
    for flag, text, day in (('--from', start_text, start), ('--to', end_text, end)):
        if day is None:
            raise Refused(_('Erreur : %(flag)s attend une date AAAA-MM-JJ (par exemple 2026-09-01), pas « %(text)s ».')
                          % {'flag': flag, 'text': text})
    if end < start:
        raise Refused(_('Erreur : la date de fin (--to) est avant la date de début (--from).'))
    return start, end


def schools_of(uais):
    """The schools of the --school UAI codes (None: every school); Refused on an unknown code."""
    if not uais:
        return None
    uais = [uai.strip().upper() for uai in uais]
    schools = list(School.select().where(School.uai.in_(uais)))
    unknown = sorted(set(uais) - {school.uai for school in schools})
    if unknown:
        raise Refused(_('Erreur : aucune école n’a le code UAI « %s ».') % ', '.join(unknown))
    return schools


def cmd_fold(args, ctx):
    ctx.database()
    from . import jobs  # noqa: F401 (registers the nightly job, whose lease this takes: never two folds at once)
    with scheduler.hold('stats.fold'):
        counts = fold.run()
    say(_('Statistiques regroupées : %(days)d jour(s), %(months)d mois, %(expired)d ligne(s) anciennes effacées.')
        % counts)
    return 0


def register(commands):
    commands.group('stats', _('statistiques d’usage anonymes : export, regroupement'))
    p = commands.add('export', cmd_export, _('exporte les statistiques (CSV ou JSON, code UAI sur chaque ligne)'),
                     parent='stats')
    p.add_argument('--school', action='append', metavar='UAI',
                   help=_('code UAI d’une école (répétable ; défaut : toutes les écoles)'))
    p.add_argument('--from', dest='start', required=True, metavar='AAAA-MM-JJ', help=_('premier jour'))
    p.add_argument('--to', dest='end', required=True, metavar='AAAA-MM-JJ', help=_('dernier jour (inclus)'))
    p.add_argument('--by', choices=GROUPINGS, default='day', help=_('regroupement (défaut : day)'))
    p.add_argument('--format', choices=('csv', 'json'), default='csv', help=_('format (défaut : csv)'))
    p.add_argument('--exact', action='store_true',
                   help=_('donne aussi les petits nombres (moins de 5), masqués sinon'))
    commands.add('fold', cmd_fold, _('regroupe maintenant les jours passés (la tâche de chaque nuit)'),
                 parent='stats')
