"""The school holidays' dates and where they come from. Pure (no database, no web).

Zones A, B and C come with the vacances-scolaires-france package: its data file only
(vacances_scolaires_france/data/data.csv), never its API, which refuses the years it lacks. The
data folder may hold a file in the same format, vacances-scolaires.csv: `date`, then any number of
`vacances_zone_<name>` columns, then `nom_vacances`, one row per day. For each zone it names, its
rows replace the shipped ones for the dates they cover: it adds a zone (Corse, an overseas
académie) or a year, or corrects dates, without a new release. A file that cannot be read is
ignored whole, with French messages naming its lines: the shipped dates still apply.

Both are parsed once per process; the data folder's file again when its modification time or
size changes.
"""
import csv
import functools
import io
import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources

import vacances_scolaires_france

from ..i18n import N_, _

logger = logging.getLogger(__name__)

FILE_NAME = 'vacances-scolaires.csv'
ZONE_PREFIX = 'vacances_zone_'
NATIONAL_ZONES = ('A', 'B', 'C')
# Cell values: the shipped file's True and False, and what a spreadsheet or a person writes.
BOOLEANS = {'true': True, 'vrai': True, 'oui': True, '1': True,
            'false': False, 'faux': False, 'non': False, '0': False, '': False}
MAX_BYTES = 5 * 2**20          # forty years of days take 600 KB
MAX_ERRORS = 10                # a file wrong throughout: the first ones say enough
ISO_DATE = re.compile(r'\d{4}-\d{2}-\d{2}')
DEFAULT_NAME = N_('Vacances scolaires')   # a row whose name is empty


@dataclass(frozen=True)
class Table:
    """One file, parsed: per zone, the days off with the holidays' name, and the dates covered."""
    zones: dict                # zone -> {date: name of the holidays}
    covered: frozenset         # every date the file has a row for
    errors: tuple = ()         # French messages; with any, the file is not used


@dataclass(frozen=True)
class HolidayData:
    """The dates in force: the shipped table with the data folder's file laid over it."""
    zones: dict                # zone -> {date: name}, the days off only
    file_zones: tuple = ()     # the zones the data folder's file names
    errors: tuple = ()         # why the data folder's file is ignored
    known_until: dict = field(default_factory=dict)    # zone -> the last day of its last holidays

    def zone_names(self):
        """The national zones first, then the file's own, by name."""
        return [z for z in NATIONAL_ZONES if z in self.zones] + sorted(
            z for z in self.zones if z not in NATIONAL_ZONES)


def zone_name(column):
    """'vacances_zone_a' -> 'A', 'vacances_zone_corse' -> 'Corse', 'vacances_zone_La_Réunion' ->
    'La Réunion' (as written, first letter capital); None for a column that is not a zone."""
    if not column.lower().startswith(ZONE_PREFIX):
        return None
    name = column[len(ZONE_PREFIX):].replace('_', ' ').strip()
    return name[:1].upper() + name[1:] if name and len(name) <= 40 else None


def parse(raw):
    """A Table from the bytes of a file in the vacances-scolaires-france format."""
    if len(raw) > MAX_BYTES:
        return _refused(_('Le fichier dépasse %(max)d Mo : est-ce bien le calendrier des vacances ?')
                        % {'max': MAX_BYTES // 2**20})
    try:
        text = raw.decode('utf-8-sig')
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b'\n') + 1
        return _refused(_('Ligne %(line)d : le fichier n’est pas en UTF-8. Enregistrez-le au format '
                          '« CSV UTF-8 ».') % {'line': line})
    first = text.split('\n', 1)[0]
    delimiter = ';' if ';' in first and ',' not in first else ','   # a French spreadsheet's CSV
    rows = csv.reader(io.StringIO(text, newline=''), delimiter=delimiter)
    header = [cell.strip() for cell in next(rows, [])]
    while header and not header[-1]:        # a spreadsheet's empty columns on the right
        header.pop()
    zones = [zone_name(column) for column in header[1:-1]]
    if (len(header) < 3 or header[0].lower() != 'date' or header[-1].lower() != 'nom_vacances'
            or None in zones or len({zone.casefold() for zone in zones}) != len(zones)):
        return _refused(_('Ligne 1 : en-tête attendu « date,vacances_zone_a,…,nom_vacances » (des '
                          'colonnes vacances_zone_ suivies du nom de la zone), trouvé « %(found)s ».')
                        % {'found': delimiter.join(header)[:200]})
    return _rows(rows, header, zones)


def _rows(rows, header, zones):
    days = {zone: {} for zone in zones}
    seen, errors, names = {}, [], {}
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if not any(cell.strip() for cell in row[len(header):]):
            row = row[:len(header)]
        problem = _problem(row, header, seen)
        if problem is None:
            day = date.fromisoformat(row[0].strip())
            seen[day] = number
            name = row[-1].strip() or DEFAULT_NAME      # translated when shown (service.py)
            name = names.setdefault(name, name)     # one string per holidays, not one per day
            for zone, cell in zip(zones, row[1:-1]):
                if BOOLEANS[cell.strip().lower()]:
                    days[zone][day] = name
        else:
            errors.append(_('Ligne %(line)d : %(problem)s') % {'line': number, 'problem': problem})
            if len(errors) >= MAX_ERRORS:
                errors.append(_('Lecture arrêtée après %(max)d erreurs.') % {'max': MAX_ERRORS})
                break
    if errors:
        return _refused(*errors)
    return Table(days, frozenset(seen))


def _problem(row, header, seen):
    """What is wrong with one row, in French, or None."""
    if len(row) != len(header):
        return _('%(expected)d colonnes attendues, %(found)d trouvées.') % {
            'expected': len(header), 'found': len(row)}
    text = row[0].strip()
    try:
        day = date.fromisoformat(text) if ISO_DATE.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        return _('date « %(date)s » illisible : écrivez-la AAAA-MM-JJ, par exemple 2026-12-19.') % {
            'date': text[:40]}
    if day in seen:
        return _('la date %(date)s est déjà ligne %(line)d.') % {'date': text, 'line': seen[day]}
    for column, cell in zip(header[1:-1], row[1:-1]):
        if cell.strip().lower() not in BOOLEANS:
            return _('« %(value)s » dans la colonne %(column)s : écrivez True ou False (ou oui et '
                     'non, 1 et 0).') % {'value': cell.strip()[:40], 'column': column}
    return None


def _refused(*errors):
    return Table({}, frozenset(), tuple(errors))


@functools.lru_cache(maxsize=1)
def shipped():
    """The Table of the zones A, B and C shipped with vacances-scolaires-france."""
    raw = resources.files(vacances_scolaires_france).joinpath('data', 'data.csv').read_bytes()
    table = parse(raw)
    if table.errors:      # a new release changed its format: say so, the calendar still runs
        logger.error('vacances-scolaires-france : data.csv illisible : %s', ' ; '.join(table.errors))
    # kept by every process: without its dates covered (40 years of days, 0.8 MB), which only the
    # data folder's file gives merged()
    return replace(table, covered=frozenset())


def merged(base, extra):
    """HolidayData: `base` with the zones of `extra` laid over it, date by date."""
    zones = dict(base.zones)
    for zone, days in extra.zones.items():
        kept = {day: name for day, name in zones.get(zone, {}).items() if day not in extra.covered}
        zones[zone] = {**kept, **days}
    return HolidayData(zones, tuple(extra.zones), extra.errors,
                       {zone: max(days) for zone, days in zones.items() if days})


_loaded = {}      # path -> (stamp, HolidayData)
NO_FILE = Table({}, frozenset())


def load(path):
    """The HolidayData in force with the data folder's file at `path` (which may not exist)."""
    stamp = _stamp(path)
    hit = _loaded.get(str(path))
    if hit is None or hit[0] != stamp:
        hit = _loaded[str(path)] = (stamp, merged(shipped(), _read(path) if stamp else NO_FILE))
    return hit[1]


def _stamp(path):
    """(modification time, size) of the file, None when there is none."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:          # a folder it may not enter: _read says why
        return ('?', exc.errno)
    return (stat.st_mtime_ns, stat.st_size)


def _read(path):
    try:
        table = parse(path.read_bytes())
    except OSError as exc:
        table = _refused(_('Le fichier %(name)s n’a pas pu être lu : %(error)s')
                         % {'name': FILE_NAME, 'error': exc.strerror or exc})
    if table.errors:
        logger.warning('%s ignoré : %s', path, ' ; '.join(table.errors))
    return table
