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


# What "de" becomes before a school's name, by the name's first words (French elides before a
# vowel, and "de le" is "du"): de l'École des Mimosas, du Groupe scolaire Jean-Moulin, de Saint-Paul.
_OF_NAME = (("de l'", ('école ', 'ecole ', 'institution ', 'annexe ', 'unité ')),
            ('du ', ('groupe scolaire ', 'groupement ', 'regroupement ', 'rpi ', 'pôle ', 'centre ')))


def of_name(name):
    """« de » and a school's name as French writes it: « Le blog de l'École des Mimosas »."""
    lowered = f'{name.strip().casefold()} '
    return next((f'{article}{name}' for article, words in _OF_NAME if lowered.startswith(words)), f'de {name}')
