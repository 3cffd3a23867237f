"""France's public holidays: the national ones, and the local days of Alsace-Moselle and of the
overseas départements and collectivités a school may be in (zones.SUBDIVISIONS). Pure (no
database, no web).

The rules are those in force since 2012 (Saint-Barthélemy's and Saint-Martin's abolition days,
décret n° 2012-553; Whit Monday is a holiday again since 2008), applied to every year: the days
given before 2012 are not history. From 2012 on they are the days and names of the `holidays`
package's France (0.109), which the calendar used before (4.6 MB a process for a dozen days a
year): checked for every subdivision and every year from 2012 to 2100 when this module replaced it.

Subdivisions are ISO 3166-2:FR codes: '57' Moselle, '6AE' Alsace, '971' Guadeloupe ... '976'
Mayotte, 'PM' Saint-Pierre-et-Miquelon, 'BL' Saint-Barthélemy, 'MF' Saint-Martin; None is the
mainland. The names are French message ids, translated when returned.
"""
import functools
from datetime import date, timedelta

from ..i18n import N_, _

NEW_YEAR = N_("Jour de l'an")
EASTER_MONDAY = N_('Lundi de Pâques')
LABOUR_DAY = N_('Fête du Travail')
VICTORY_DAY = N_('Fête de la Victoire')
ASCENSION = N_('Ascension')
WHIT_MONDAY = N_('Lundi de Pentecôte')
NATIONAL_DAY = N_('Fête nationale')
ASSUMPTION = N_('Assomption')
ALL_SAINTS = N_('Toussaint')
ARMISTICE = N_('Armistice')
CHRISTMAS = N_('Noël')
GOOD_FRIDAY = N_('Vendredi saint')
SAINT_STEPHEN = N_('Saint-Étienne')
MID_LENT = N_('Mi-Carême')
ABOLITION = N_("Abolition de l'esclavage")
SCHOELCHER = N_('Fête de Victor Schoelcher')

# (month, day, name): the same date every year.
FIXED = ((1, 1, NEW_YEAR), (5, 1, LABOUR_DAY), (5, 8, VICTORY_DAY), (7, 14, NATIONAL_DAY),
         (8, 15, ASSUMPTION), (11, 1, ALL_SAINTS), (11, 11, ARMISTICE), (12, 25, CHRISTMAS))
# (days after Easter Sunday, name).
MOVABLE = ((1, EASTER_MONDAY), (39, ASCENSION), (50, WHIT_MONDAY))

# Each subdivision's own days, on top of the national ones: fixed dates, then days after Easter.
# Alsace-Moselle kept Good Friday and 26 December from the German law of 1892. Overseas, the
# abolition of slavery has its date in each place (loi n° 83-550, décret n° 83-1003), with Victor
# Schoelcher's day in the Antilles, and mid-Lent in Guadeloupe. Saint-Pierre-et-Miquelon has the
# mainland's days.
LOCAL_FIXED = {
    '57': ((12, 26, SAINT_STEPHEN),),
    '6AE': ((12, 26, SAINT_STEPHEN),),
    '971': ((5, 27, ABOLITION), (7, 21, SCHOELCHER)),
    '972': ((5, 22, ABOLITION), (7, 21, SCHOELCHER)),
    '973': ((6, 10, ABOLITION),),
    '974': ((12, 20, ABOLITION),),
    '976': ((4, 27, ABOLITION),),
    'BL': ((10, 9, ABOLITION),),
    'MF': ((5, 28, ABOLITION), (7, 21, SCHOELCHER)),
    'PM': (),
}
LOCAL_MOVABLE = {'57': ((-2, GOOD_FRIDAY),), '6AE': ((-2, GOOD_FRIDAY),),
                 '971': ((-24, MID_LENT), (-2, GOOD_FRIDAY))}
SUBDIVISIONS = frozenset(LOCAL_FIXED)
SEPARATOR = N_('; ')       # between two names on one day (Arabic: its own semicolon)


def easter(year):
    """Easter Sunday in the Gregorian calendar (any year from 1583): the "anonymous" algorithm
    of Meeus, Astronomical Algorithms (1991), ch. 8, after Jones (1876) and Butcher (1877)."""
    golden = year % 19                            # the year's place in the 19-year lunar cycle
    century, of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    moon_shift = (century - (century + 8) // 25 + 1) // 3
    full_moon = (19 * golden + century - leap_centuries - moon_shift + 15) % 30   # days after 21 March
    leap_years, year_rest = divmod(of_century, 4)
    to_sunday = (32 + 2 * century_rest + 2 * leap_years - full_moon - year_rest) % 7
    late = (golden + 11 * full_moon + 22 * to_sunday) // 451
    month, day = divmod(full_moon + to_sunday - 7 * late + 114, 31)
    return date(year, month, day + 1)


@functools.lru_cache(maxsize=256)
def message_ids(subdivision, year):
    """{date: (French message id, ...)} of one year, in date order; two names on one day (the
    Ascension on 22 May 2031 in Martinique) in the order of their French text. ValueError for an
    unknown subdivision: mainland rules given to a misspelt one would go unnoticed."""
    if subdivision is not None and subdivision not in SUBDIVISIONS:
        raise ValueError(f'unknown subdivision {subdivision!r}: one of {sorted(SUBDIVISIONS)} or None')
    sunday = easter(year)
    found = {}
    for month, day, name in FIXED + LOCAL_FIXED.get(subdivision, ()):
        found.setdefault(date(year, month, day), set()).add(name)
    for offset, name in MOVABLE + LOCAL_MOVABLE.get(subdivision, ()):
        found.setdefault(sunday + timedelta(days=offset), set()).add(name)
    return {day: tuple(sorted(found[day])) for day in sorted(found)}


def _named(ids):
    return _(SEPARATOR).join(_(message) for message in ids)


def public_holidays(subdivision, year):
    """{date: name} of the public holidays of one year, for the mainland (subdivision None) or
    a subdivision ('57', '6AE', '971'...), in the current language ('Noël' in French)."""
    return {day: _named(ids) for day, ids in message_ids(subdivision, year).items()}


def public_holiday(subdivision, day):
    """The name of the public holiday on `day` in the current language, or None."""
    ids = message_ids(subdivision, day.year).get(day)
    return _named(ids) if ids else None
