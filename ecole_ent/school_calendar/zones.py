"""Where a school is, from its UAI: its département, its académie, the school-holiday zone of
that académie, and the local rules for public holidays. Pure (no database, no web).

A UAI starts with three characters naming the département: '0' and the number for the mainland
('006' Alpes-Maritimes), '620' and '720' for Corse-du-Sud (2A) and Haute-Corse (2B), the number
itself overseas ('971' Guadeloupe ... '976' Mayotte).
"""
from ..i18n import _
from ..text import to_ascii

# Académies since the 2016 reform (Caen and Rouen are one académie, Normandie, since 2020) with
# their zone and their départements. Corse and overseas académies have their own calendars, set
# by their rectorats: no zone here; their dates come from the data folder's file.
ACADEMIES = {
    'Besançon': ('A', '25 39 70 90'),
    'Bordeaux': ('A', '24 33 40 47 64'),
    'Clermont-Ferrand': ('A', '03 15 43 63'),
    'Dijon': ('A', '21 58 71 89'),
    'Grenoble': ('A', '07 26 38 73 74'),
    'Limoges': ('A', '19 23 87'),
    'Lyon': ('A', '01 42 69'),
    'Poitiers': ('A', '16 17 79 86'),
    'Aix-Marseille': ('B', '04 05 13 84'),
    'Amiens': ('B', '02 60 80'),
    'Lille': ('B', '59 62'),
    'Nancy-Metz': ('B', '54 55 57 88'),
    'Nantes': ('B', '44 49 53 72 85'),
    'Nice': ('B', '06 83'),
    'Normandie': ('B', '14 27 50 61 76'),
    'Orléans-Tours': ('B', '18 28 36 37 41 45'),
    'Reims': ('B', '08 10 51 52'),
    'Rennes': ('B', '22 29 35 56'),
    'Strasbourg': ('B', '67 68'),
    'Créteil': ('C', '77 93 94'),
    'Montpellier': ('C', '11 30 34 48 66'),
    'Paris': ('C', '75'),
    'Toulouse': ('C', '09 12 31 32 46 65 81 82'),
    'Versailles': ('C', '78 91 92 95'),
    'Corse': (None, '2A 2B'),
    'Guadeloupe': (None, '971 977 978'),          # with Saint-Barthélemy and Saint-Martin
    'Martinique': (None, '972'),
    'Guyane': (None, '973'),
    'La Réunion': (None, '974'),
    'Mayotte': (None, '976'),
    'Saint-Pierre-et-Miquelon': (None, '975'),
}
DEPARTEMENTS = {dep: name for name, (_zone, deps) in ACADEMIES.items() for dep in deps.split()}
CORSE_PREFIXES = {'620': '2A', '720': '2B'}

# The subdivision (public_holidays.py, ISO 3166-2:FR codes) of départements with public holidays
# of their own: Moselle and Alsace keep Good Friday and 26 December (local law), overseas
# départements have the abolition of slavery and more.
SUBDIVISIONS = {'57': '57', '67': '6AE', '68': '6AE',
                '971': '971', '972': '972', '973': '973', '974': '974', '976': '976',
                '975': 'PM', '977': 'BL', '978': 'MF'}


def departement(uai):
    """The département of a UAI ('06', '2A', '971'), or None when it names none we know."""
    prefix = (uai or '').strip().upper()[:3]
    if prefix in CORSE_PREFIXES:
        return CORSE_PREFIXES[prefix]
    dep = prefix[1:] if prefix[:1] == '0' else prefix
    return dep if dep in DEPARTEMENTS else None


def academie(uai):
    """The académie's name ('Nice'), or None."""
    return DEPARTEMENTS.get(departement(uai))


def of(name):
    """French "of" before a name: 'de Nice', 'd’Amiens'."""
    return f'd’{name}' if name[:1] in 'AEIOUYÉÈÊÎÔ' else f'de {name}'


def subdivision(uai):
    """The subdivision code of the school's public holidays (public_holidays.py), or None (mainland
    rules)."""
    return SUBDIVISIONS.get(departement(uai))


def guess_zone(uai, zones=()):
    """The zone a school most likely follows: its académie's (A, B or C), else a zone of the data
    folder's file named like its académie ('Corse', 'La Réunion'); None when neither."""
    name = academie(uai)
    if name is None:
        return None
    zone = ACADEMIES[name][0]
    if zone is not None:
        return zone
    wanted = _folded(name)
    return next((z for z in zones if _folded(z) == wanted), None)


def _folded(name):
    """'La Réunion', 'la_reunion', 'LA REUNION' compare equal."""
    return ''.join(c for c in to_ascii(name).lower() if c.isalnum())


def zone_label(zone):
    """'Zone A' for the three national zones, the name itself for the others ('Corse')."""
    return _('Zone %s') % zone if zone in ('A', 'B', 'C') else zone
