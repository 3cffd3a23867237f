"""A language's catalog (i18n.Catalog) answers exactly as the standard library's reader of the same
.mo does, while keeping the message ids once for all the languages."""
import gettext
import io

import pytest

from ecole_ent import i18n

LANGUAGES = ('en', 'ar', 'tr', 'pt')


def compiled(lang):
    return i18n._compiled(i18n.LOCALE_DIR / lang / 'LC_MESSAGES' / f'{i18n.DOMAIN}.po', lang)


@pytest.mark.parametrize('lang', LANGUAGES)
def test_a_catalog_translates_every_message_as_gettext_s_own_reader(lang):
    mo = compiled(lang)
    expected, catalog = gettext.GNUTranslations(io.BytesIO(mo)), i18n.Catalog(io.BytesIO(mo))
    assert catalog.info() == expected.info() and catalog.charset() == expected.charset()
    singulars, plurals = [], []
    for key in expected._catalog:
        (plurals if isinstance(key, tuple) else singulars).append(key)
    assert plurals or lang == 'en'
    for message in singulars + ['Pas dans le catalogue', 'Accueil']:
        assert catalog.gettext(message) == expected.gettext(message)
        assert catalog.pgettext('menu', message) == expected.pgettext('menu', message)
    for singular in {key[0] for key in plurals} | {'%(num)d absent'}:
        assert catalog.gettext(singular) == expected.gettext(singular)
        for n in range(0, 130):
            assert catalog.ngettext(singular, 'pluriel', n) == expected.ngettext(singular, 'pluriel', n)
            assert catalog.npgettext('c', singular, 'p', n) == expected.npgettext('c', singular, 'p', n)


def test_the_languages_share_one_copy_of_each_message_id():
    read = [gettext.GNUTranslations(io.BytesIO(compiled(lang)))._catalog for lang in LANGUAGES]
    for lang in LANGUAGES:
        i18n.catalog(lang)
    assert set(i18n._numbers) == set().union(*read)        # each id once, not once per language
    assert len(i18n._numbers) < sum(len(ids) for ids in read) / 2
