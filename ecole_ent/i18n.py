"""Languages: French is the source; `_()` marks every string a user reads and translates it into
the language of the request being served (or of the mail being written).

The catalogs are ecole_ent/locale/<lang>/LC_MESSAGES/ecole_ent.po (their template ecole_ent.pot,
both made with pybabel, see ecole_ent/locale/babel.cfg); the binary's build compiles them to .mo
(compile_catalogs), a source checkout reads the .po when no up-to-date .mo sits beside it.
The language is a context variable: the web layer sets it for each request (web/language.py),
`speaking(lang)` for a piece of work in another language (a mail to a recipient). A string
evaluated once at import (a module's constant) is `lazy()`: translated each time it is shown.
Dates are written by Babel for every language but French, whose hand-written long dates
(« mardi 1er décembre ») stay.
"""
import functools
import gettext
import io
import re
import threading
from array import array
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from pathlib import Path

SOURCE = 'fr'
# Each language named in itself (the switcher shows them so), in the switcher's order.
LANGUAGES = {'fr': 'Français', 'en': 'English', 'ar': 'العربية', 'tr': 'Türkçe', 'pt': 'Português'}
RIGHT_TO_LEFT = frozenset({'ar'})
LOCALE_DIR = Path(__file__).parent / 'locale'
DOMAIN = 'ecole_ent'

_language = ContextVar('language', default=SOURCE)


class _French(gettext.NullTranslations):
    """The source text, with French plurals (« 0 élève a fini »: the plural starts at 2)."""

    def ngettext(self, singular, plural, n):
        return singular if n <= 1 else plural


_catalogs = {SOURCE: _French()}
_loading = threading.RLock()    # a catalog's compile reads its language's Babel data (babel_locale)


def catalog(lang):
    """The translations of `lang` (loaded on first use, then kept by the process). Loaded by one
    thread at a time: the first pages in a language arrive together, and a catalog compiled by
    each of the server's threads at once took 13 MB a process that were never given back
    (bench_home)."""
    found = _catalogs.get(lang)
    if found is None:
        if lang not in LANGUAGES:
            raise ValueError(f'unknown language {lang!r}')
        with _loading:
            found = _catalogs.get(lang)
            if found is None:
                found = _catalogs[lang] = _load(lang)
    return found


def _load(lang):
    folder = LOCALE_DIR / lang / 'LC_MESSAGES'
    mo, po = folder / f'{DOMAIN}.mo', folder / f'{DOMAIN}.po'
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with open(mo, 'rb') as f:
            return Catalog(f)
    if not po.exists():
        return _French()
    return Catalog(io.BytesIO(_compiled(po, lang)))


# The message ids of every catalog loaded (the French source texts, and (text, form) for the
# forms of a plural), each numbered once for all the languages: they are the same in each.
_numbers = {}
_NONE = 0xFFFFFFFF              # the bound of a message the language does not translate


class Catalog(gettext.GNUTranslations):
    """A language's translations, read and looked up by gettext.GNUTranslations itself (the same
    texts, plurals and fallbacks to the French), with what it reads kept compactly (Packed)
    instead of its dict of every id and translation per language: 600 to 750 KB a language in
    each serving process (bench_home)."""

    def _parse(self, fp):
        super()._parse(fp)          # GNUTranslations fills self._catalog: {id: translation}
        self._catalog = Packed(self._catalog)


class Packed:
    """A catalog's {id: translation} as GNUTranslations reads it (get, []): the ids numbered once
    for all the languages (_numbers: they are the same in each), the translations in one UTF-8
    buffer with their bounds, in the order of their ids' numbers."""

    def __init__(self, catalog):
        with _loading:
            found = {_numbers.setdefault(key, len(_numbers)): text for key, text in catalog.items()}
        self.bounds = array('I', [_NONE]) * (2 * (max(found, default=-1) + 1))
        texts = io.BytesIO()
        for number, text in found.items():
            self.bounds[2 * number] = texts.tell()
            texts.write(text.encode())
            self.bounds[2 * number + 1] = texts.tell()
        self.texts = texts.getvalue()

    def get(self, key, default=None):
        number, bounds = _numbers.get(key, len(self.bounds)), self.bounds
        start = bounds[2 * number] if 2 * number < len(bounds) else _NONE
        return default if start == _NONE else self.texts[start:bounds[2 * number + 1]].decode()

    def __getitem__(self, key):
        found = self.get(key)          # a translation is a str: None is a message not translated
        if found is None:
            raise KeyError(key)
        return found


def _compiled(po, lang):
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    with open(po, 'rb') as f:
        parsed = read_po(f, locale=babel_locale(lang))
    out = io.BytesIO()
    write_mo(out, parsed)
    return out.getvalue()


def compile_catalogs(folder=None, source=LOCALE_DIR):
    """Compiles each catalog of `source` to its .mo, next to its .po or, given a `folder` (the
    binary's build: never the source tree), at folder/<lang>/LC_MESSAGES/; returns their paths."""
    written = []
    for po in sorted(Path(source).glob(f'*/LC_MESSAGES/{DOMAIN}.po')):
        lang = po.parent.parent.name
        mo = po.with_suffix('.mo') if folder is None else Path(folder) / lang / 'LC_MESSAGES' / f'{DOMAIN}.mo'
        mo.parent.mkdir(parents=True, exist_ok=True)
        mo.write_bytes(_compiled(po, lang))
        written.append(mo)
    return written


def language():
    """The language of what is being served now ('fr', 'en', 'ar', 'tr', 'pt')."""
    return _language.get()


def use(lang):
    """Serve in `lang` from now on in this thread (the web layer, at the start of each request)."""
    _language.set(lang if lang in LANGUAGES else SOURCE)


@contextmanager
def speaking(lang):
    """`lang` for the work inside the block (a mail written in its recipient's language)."""
    token = _language.set(lang if lang in LANGUAGES else SOURCE)
    try:
        yield
    finally:
        _language.reset(token)


def direction(lang=None):
    return 'rtl' if (lang or language()) in RIGHT_TO_LEFT else 'ltr'


def _(message):
    return catalog(_language.get()).gettext(message)


def ngettext(singular, plural, n):
    """The form for n in the current language."""
    return catalog(_language.get()).ngettext(singular, plural, n)


def negotiate(header):
    """The best of LANGUAGES for an Accept-Language header ('ar-MA,ar;q=0.9,fr;q=0.8'), or None."""
    ranked = []
    for position, part in enumerate((header or '').split(',')[:20]):
        tag, _sep, params = part.strip().partition(';')
        quality = 1.0
        if params.strip().startswith('q='):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        code = tag.strip().lower().split('-')[0]
        if code in LANGUAGES and quality > 0:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else None


class LazyText:
    """A string evaluated at import (a module's constant), translated each time it is used; with
    `values`, %-formatted with them then (themselves lazy() or not)."""
    __slots__ = ('message', 'values')

    def __init__(self, message, values=()):
        self.message, self.values = message, values

    def __str__(self):
        text = _(self.message)
        return text % tuple(str(value) for value in self.values) if self.values else text

    def __html__(self):
        from markupsafe import escape
        return str(escape(str(self)))

    def __mod__(self, values):
        return str(self) % values

    def __add__(self, other):
        return str(self) + other

    def __radd__(self, other):
        return other + str(self)

    def __eq__(self, other):
        return str(self) == (str(other) if isinstance(other, LazyText) else other)

    def __lt__(self, other):
        return str(self) < str(other)

    def __gt__(self, other):
        return str(self) > str(other)

    def __contains__(self, part):
        return part in str(self)

    def __hash__(self):
        return hash((self.message, self.values))

    def __len__(self):
        return len(str(self))

    def __getattr__(self, name):            # format, upper, startswith...: those of the text
        return getattr(str(self), name)

    def __repr__(self):
        return f'lazy({self.message!r})'


def lazy(message, *values):
    """`message` translated when shown: lazy('Effacé selon %s', rule.title) formats it then."""
    return LazyText(message, values)


def N_(message):
    """Marks a string for the catalogs without translating it: the code calls _() on it later."""
    return message


DAYS = ('lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche')
MONTHS = ('janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre',
          'octobre', 'novembre', 'décembre')


# What Babel's formatting reads of a language's CLDR data: dates, times, numbers, plurals,
# direction. Each language's data also names every language, territory, currency, unit and time
# zone of the world: 1.5 MB a language in each serving process, never read (bench_home).
BABEL_KEYS = frozenset({
    'character_order', 'date_formats', 'datetime_formats', 'datetime_skeletons', 'day_period_rules',
    'day_periods', 'days', 'decimal_formats', 'default_numbering_system', 'eras', 'interval_formats',
    'locale_id', 'months', 'number_symbols', 'numbering_systems', 'ordinal_form', 'percent_formats',
    'plural_form', 'quarters', 'scientific_formats', 'time_formats', 'week_data', 'zone_formats'})
# What Babel reads of its global data once a language's data is loaded: the parent of a locale.
# The rest (likely subtags, time zones, currencies of every territory: 2 MB a process) serves
# identifiers and formats these languages never use; Babel reads a missing key as empty.
BABEL_GLOBAL_KEYS = frozenset({'parent_exceptions', 'language_aliases', 'territory_aliases',
                               'script_aliases', 'variant_aliases'})
_trimmed = set()


def babel_locale(lang=None):
    """The Babel locale of `lang` (by default the current language), to hand to Babel's functions:
    on first use, its CLDR data is loaded and only BABEL_KEYS kept (Babel's own caches then hold
    that alone)."""
    lang = lang or _language.get()
    if lang not in _trimmed:
        from babel import localedata
        with _loading:
            if lang not in _trimmed:
                full = localedata.load(lang)
                localedata._dict_cache[lang] = localedata.LocaleDataDict(
                    {key: value for key, value in full.items() if key in BABEL_KEYS})
                localedata._cache.clear()       # the full data of lang, of its parents and of root
                from babel import core
                core._global_data = {key: value for key, value in (core._global_data or {}).items()
                                     if key in BABEL_GLOBAL_KEYS} or None
                _trimmed.add(lang)
    return lang


@functools.lru_cache(maxsize=4096)
def _babel_date(lang, day, with_day, with_year):
    """`day` as CLDR's full date (with the weekday) or long one (without) of `lang`, without its
    year when asked ('EEEE, MMMM d, y' -> 'EEEE, MMMM d'; "EEEE, d 'de' MMMM 'de' y" -> "EEEE, d
    'de' MMMM"). Kept: Babel takes 30 to 60 us a date, and a home shows a dozen (bench_home)."""
    from babel.dates import format_date, get_date_format
    locale = babel_locale(lang)
    pattern = get_date_format('full' if with_day else 'long', locale=locale).pattern
    if not with_year:
        pattern = re.sub(r"[\s,،]*(?:'de'\s*)?y+", '', pattern).strip()
    return format_date(day, pattern, locale=locale)


@functools.lru_cache(maxsize=4096)
def _babel_time(lang, moment):
    from babel.dates import format_time
    return format_time(moment, 'short', locale=babel_locale(lang))


def date_fr(value, with_day=True, with_year=True):
    """A date in full, never 03/12: in French 'jeudi 3 décembre 2026' ('jeudi 3 décembre' without
    the year; 'mardi 1er décembre'); in the other languages as Babel writes it ('Thursday,
    December 3, 2026')."""
    if value is None:
        return ''
    day = value.date() if isinstance(value, datetime) else value
    lang = _language.get()
    if lang != SOURCE:
        return _babel_date(lang, day, with_day, with_year)
    text = f'{"1er" if day.day == 1 else day.day} {MONTHS[day.month - 1]}' + (f' {day.year}' if with_year else '')
    return f'{DAYS[day.weekday()]} {text}' if with_day else text


def datetime_fr(value):
    if not value:
        return ''
    lang = _language.get()
    if lang != SOURCE:
        return _('%(date)s à %(time)s') % {'date': date_fr(value), 'time': _babel_time(lang, value.time())}
    return f'{date_fr(value)} à {value:%H:%M}'


def day_name(weekday):
    """The name of a weekday (0: Monday) in the current language, lower case as in a sentence."""
    lang = _language.get()
    if lang == SOURCE:
        return DAYS[weekday]
    from babel.dates import get_day_names
    return get_day_names('wide', locale=babel_locale(lang))[weekday]


def month_name(month, short=False):
    """The name of a month (1: January) in the current language; `short`: abbreviated."""
    lang = _language.get()
    if lang == SOURCE and not short:
        return MONTHS[month - 1]
    from babel.dates import get_month_names
    return get_month_names('abbreviated' if short else 'wide', locale=babel_locale(lang))[month]


def number(value, digits=None):
    """A number as the current language writes it (« 1 234,5 » in French, "1,234.5" in English)."""
    from babel.numbers import format_decimal
    pattern = None if digits is None else '#,##0.' + '0' * digits if digits else '#,##0'
    return format_decimal(value, format=pattern, locale=babel_locale())


# What "de" becomes before a school's name, by the name's first words (French elides before a
# vowel, and "de le" is "du"): de l'École des Mimosas, du Groupe scolaire Jean-Moulin, de Saint-Paul.
_OF_NAME = (("de l'", ('école ', 'ecole ', 'institution ', 'annexe ', 'unité ')),
            ('du ', ('groupe scolaire ', 'groupement ', 'regroupement ', 'rpi ', 'pôle ', 'centre ')))


def of_name(name):
    """« de » and a school's name as French writes it: « Le blog de l'École des Mimosas ». In the
    other languages the name alone: their translations place it ("%(of_school)s's blog")."""
    if _language.get() != SOURCE:
        return name
    lowered = f'{name.strip().casefold()} '
    return next((f'{article}{name}' for article, words in _OF_NAME if lowered.startswith(words)), f'de {name}')
