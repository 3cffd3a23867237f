"""Every string a user reads is translated in every catalog (ecole_ent/locale/<lang>/LC_MESSAGES/
ecole_ent.po), with the same placeholders and the same HTML tags as its French source, and the
plural forms its language has. The strings are extracted from the source anew (babel.cfg), so a
string added without its translations fails here.

For translators: `python -m tests.i18n.test_catalogs ar` lists what is missing or wrong."""
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import TranslationError
from babel.messages.checkers import python_format
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / 'ecole_ent' / 'locale'
LANGUAGES = ('en', 'ar', 'tr', 'pt')
KEYWORDS = {'_': None, 'gettext': None, 'ngettext': (1, 2), 'lazy': None, 'N_': None}
TAG = re.compile(r'</?[a-zA-Z][^>]*>')
BRACE = re.compile(r'\{[a-z_]*\}')


def source_messages():
    """The msgids of the source (a msgid, or a (singular, plural) pair), as pybabel extracts them."""
    method_map = [('ecole_ent/**.py', 'python'), ('templates/**.html', 'jinja2'), ('templates/**.txt', 'jinja2')]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(str(ROOT), method_map, keywords=KEYWORDS):
        if isinstance(message, tuple):
            message = message[:2] if len(message) > 1 and message[1] else message[0]
        if message:
            found.add(message)
    return found


def sources_of(msgid):
    return msgid if isinstance(msgid, tuple) else (msgid,)


def read_catalog(lang):
    with open(LOCALE / lang / 'LC_MESSAGES' / 'ecole_ent.po', 'rb') as f:
        return read_po(f, locale=lang)


def problems(lang, wanted=None):
    catalog = read_catalog(lang)
    wanted = source_messages() if wanted is None else wanted
    found = []
    for msgid in sorted(wanted, key=str):
        message = catalog.get(msgid)
        key = msgid if isinstance(msgid, str) else msgid[0]
        if message is None:
            found.append(f'missing: {key!r}')
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            found.append(f'untranslated or fuzzy: {key!r}')
            continue
        if isinstance(msgid, tuple) and len(strings) != catalog.num_plurals:
            found.append(f'{len(strings)} plural forms instead of {catalog.num_plurals}: {key!r}')
        if not BRACE.search(sources_of(msgid)[0]):   # « {limit} % des comptes »: str.format, no %-format
            try:
                python_format(catalog, message)
            except TranslationError as error:
                found.append(f'placeholders ({error}): {key!r}')
        sources = sources_of(msgid)
        for string in strings:
            if Counter(TAG.findall(string)) != Counter(TAG.findall(sources[0])):
                found.append(f'HTML tags differ: {key!r} -> {string!r}')
            if set(BRACE.findall(string)) != set(BRACE.findall(sources[0])):
                found.append(f'{{}} fields differ: {key!r} -> {string!r}')
    return found


@pytest.fixture(scope='module')
def wanted():
    return source_messages()


@pytest.mark.parametrize('lang', LANGUAGES)
def test_every_string_is_translated_with_its_placeholders(lang, wanted):
    found = problems(lang, wanted)
    assert not found, f'{len(found)} problems in {lang}:\n' + '\n'.join(found[:40])


if __name__ == '__main__':
    for lang in sys.argv[1:] or LANGUAGES:
        listed = problems(lang)
        print(f'{lang}: {len(listed)} problems')
        print('\n'.join(listed))
