"""Translation: French is the source language; `_()` marks every string a user reads.

Catalogs would live in ecole_ent/locale/<lang>/LC_MESSAGES/ecole_ent.mo; with none installed
gettext falls back to the French source text.
"""
import gettext
from datetime import datetime
from pathlib import Path

_translation = gettext.translation('ecole_ent', Path(__file__).parent / 'locale', fallback=True)
_ = _translation.gettext


def ngettext(singular, plural, n):
    """The form for n. Without a catalog the source text is French, whose plural starts at 2
    ("0 élève a fini"); gettext's fallback would follow English ("0 élèves")."""
    if isinstance(_translation, gettext.GNUTranslations):
        return _translation.ngettext(singular, plural, n)
    return singular if n <= 1 else plural

DAYS = ('lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche')
MONTHS = ('janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre',
          'octobre', 'novembre', 'décembre')


def date_fr(value, with_day=True, with_year=True):
    """'jeudi 3 décembre 2026' ('jeudi 3 décembre' without the year; 'mardi 1er décembre'): dates in
    full, never 03/12."""
    if value is None:
        return ''
    day = value.date() if isinstance(value, datetime) else value
    text = f'{"1er" if day.day == 1 else day.day} {MONTHS[day.month - 1]}' + (f' {day.year}' if with_year else '')
    return f'{DAYS[day.weekday()]} {text}' if with_day else text


def datetime_fr(value):
    return f'{date_fr(value)} à {value:%H:%M}' if value else ''
