"""The language of the pages: Accept-Language before any choice, the switcher's cookie (on every
page's foot, before sign-in too), the account's choice (it follows the user to another browser,
and their mails), Arabic right to left; what a process keeps of a page is kept per language."""
from datetime import date, datetime

import pytest

from ecole_ent import i18n
from ecole_ent.db import writing
from ecole_ent.models import User
from tests.conftest import real_server
from tests.real_http import Browser


def said(lang, message):
    """The catalog's translation (the test fails if a language's text equals the French)."""
    text = i18n.catalog(lang).gettext(message)
    assert text != message or lang == 'fr', (lang, message)
    return text


def opening(page):
    return page[:page.index('<head>')]


@pytest.mark.parametrize('header, lang', [('ar-MA,ar;q=0.9,fr;q=0.8', 'ar'), ('de-DE,en;q=0.5', 'en'),
                                          ('tr', 'tr'), ('pt-PT', 'pt'), ('de, es;q=0.9', 'fr'), ('', 'fr'),
                                          ('en;q=0, pt;q=0.2', 'pt'), ('fr;q=bad, ar', 'ar')])
def test_before_any_choice_the_browser_s_languages_pick_the_page_s(live_server, header, lang):
    status, headers, page = Browser(live_server, headers={'Accept-Language': header}).request('/connexion')
    assert status == 200 and headers['Vary'] == 'Accept-Language, Cookie'
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in opening(page)
    assert said(lang, 'Se connecter') in page


def test_the_switcher_s_choice_is_kept_in_a_cookie_and_beats_the_browser_s(live_server):
    browser = Browser(live_server, headers={'Accept-Language': 'ar'}, follow_redirects=False)
    assert 'dir="rtl"' in opening(browser.get('/connexion')[1])
    status, headers, _page = browser.form('/langue', token_from='/connexion', langue='tr', suite='/connexion')
    assert status == 303 and headers['Location'].endswith('/connexion')
    cookie = next(value for name, value in headers.items() if name == 'Set-Cookie' and 'ecole_langue=' in value)
    assert 'ecole_langue=tr' in cookie and 'HttpOnly' in cookie and 'samesite=lax' in cookie.lower()
    assert 'Max-Age=' in cookie
    page = browser.get('/connexion')[1]
    assert '<html lang="tr" dir="ltr">' in page and said('tr', 'Se connecter') in page
    assert 'aria-current="true">Türkçe</button>' in page.replace('\n', '')


def test_a_switcher_pointed_elsewhere_goes_home_and_an_unknown_language_changes_nothing(live_server):
    browser = Browser(live_server, follow_redirects=False)
    status, headers, _page = browser.form('/langue', token_from='/connexion', langue='en', suite='https://ailleurs.example/')
    assert status == 303 and headers['Location'].endswith('/') and 'ailleurs' not in headers['Location']
    status, _headers, _page = browser.form('/langue', token_from='/connexion', langue='xx', suite='/connexion')
    assert status == 400 and browser.cookie('ecole_langue') == 'en'


def test_the_account_s_language_follows_the_user_to_another_browser(config, demo_app):
    with real_server(config, demo_app) as base:
        first = Browser(base).sign_in('aurelie.dubois')
        first.form('/langue', token_from='/compte', langue='pt', suite='/compte')
        assert User.get(User.login == 'aurelie.dubois').language == 'pt'
        assert 'lang="pt"' in opening(first.get('/compte')[1])

        other = Browser(base, headers={'Accept-Language': 'ar'}).sign_in('aurelie.dubois')
        page = other.get('/compte')[1]
        assert '<html lang="pt" dir="ltr">' in page and '<option value="pt" lang="pt" selected>' in page
        assert said('pt', 'Mon compte') in page

        other.form('/langue', token_from='/compte', langue='', suite='/compte')     # « my browser's »
        assert User.get(User.login == 'aurelie.dubois').language is None
        assert 'lang="ar"' in opening(other.get('/compte')[1])


def test_constants_of_a_module_are_shown_in_the_reader_s_language(config, demo_app):
    """lazy(): the role labels of the accounts page are a module's constants."""
    with writing():
        User.update(language='en').where(User.login == 'admin').execute()
    with real_server(config, demo_app) as base:
        page = Browser(base).sign_in('admin').get('/admin/ecoles/1/comptes')[1]
    assert said('en', 'Responsable (parent, famille)') in page and 'Responsable (parent, famille)' not in page


def test_what_a_process_keeps_of_a_page_is_kept_per_language(config, demo_app):
    """The family feed and the homework week are kept by the process under what they show: the
    same items read in French then in English are two copies."""
    with real_server(config, demo_app) as base:
        browser = Browser(base).sign_in('aurelie.dubois')
        french = browser.get('/devoirs')[1]
        browser.form('/langue', token_from='/compte', langue='en', suite='/devoirs')
        english = browser.get('/devoirs')[1]
    weekdays = {'fr': ('lundi', 'mardi', 'jeudi', 'vendredi'), 'en': ('Monday', 'Tuesday', 'Thursday', 'Friday')}
    assert any(day in french for day in weekdays['fr']) and not any(day in french for day in weekdays['en'])
    assert any(day in english for day in weekdays['en']) and not any(day in english for day in weekdays['fr'])


def test_dates_are_written_by_babel_outside_french():
    day = date(2026, 12, 1)
    assert i18n.date_fr(day) == 'mardi 1er décembre 2026'
    with i18n.speaking('en'):
        assert 'Tuesday' in i18n.date_fr(day) and 'December' in i18n.date_fr(day)
        assert '2026' not in i18n.date_fr(day, with_year=False)
    with i18n.speaking('tr'):
        assert 'Aralık' in i18n.date_fr(day)
    with i18n.speaking('ar'):
        assert 'ديسمبر' in i18n.date_fr(day)
    assert i18n.language() == 'fr'


@pytest.mark.parametrize('lang, expected', [
    ('fr', ['1\u202f234,5', 'sept.', '45,2\u202f%']),
    ('en', ['Thursday, December 3, 2026 at', '1,234.5', 'Sep', 'Tuesday', '45.2%']),
    ('ar', ['ديسمبر', 'الثلاثاء', '1,234.5']),
    ('tr', ['3 Aralık 2026 Perşembe', 'Eyl', 'Salı', '45,2%']),
    ('pt', ['quinta-feira, 3 de dezembro de 2026', '1.234,5', 'set.', 'terça-feira', '45,2%']),
])
def test_a_language_keeps_only_the_cldr_data_its_formatting_reads(lang, expected):
    """Each language's Babel data is trimmed to BABEL_KEYS on first use (1.5 MB a language a
    process otherwise): dates, times, numbers, weekdays, months, percentages still read right."""
    from babel import core, localedata

    from ecole_ent.stats import charts
    with i18n.speaking(lang):
        shown = ' '.join([i18n.datetime_fr(datetime(2026, 12, 3, 8, 30)), i18n.number(1234.5, 1),
                          i18n.month_name(9, short=True), i18n.day_name(1), charts.rate(0.452)])
    for part in expected:
        assert part in shown
    kept = localedata._dict_cache[i18n.babel_locale(lang)]
    assert set(kept) <= i18n.BABEL_KEYS and 'months' in kept and 'territories' not in kept
    assert lang not in localedata._cache and 'root' not in localedata._cache
    assert set(core._global_data) <= i18n.BABEL_GLOBAL_KEYS and 'parent_exceptions' in core._global_data



def test_a_module_constant_formatted_with_another_is_translated_when_shown():
    from ecole_ent.admin.service import ACTION_LABELS
    from ecole_ent.privacy.rules import RULES
    label = ACTION_LABELS[f'privacy.retention.{RULES[0].kind}']
    assert str(label) == 'Effacé selon sa durée de conservation : %s' % RULES[0].title
    with i18n.speaking('en'):
        rule = said('en', RULES[0].title.message)
        assert str(label) == said('en', 'Effacé selon sa durée de conservation : %s') % rule


def test_a_catalog_is_loaded_once_however_many_threads_ask_at_once(monkeypatch):
    """The first pages in a language arrive together: one thread compiles its catalog, the others
    wait for it (each compiling its own copy took 13 MB a process, never given back)."""
    import threading
    import time
    loads, real_load = [], i18n._load

    def slow_load(lang):
        loads.append(lang)
        time.sleep(0.2)
        return real_load(lang)
    monkeypatch.setattr(i18n, '_load', slow_load)
    monkeypatch.delitem(i18n._catalogs, 'pt', raising=False)
    found = []
    threads = [threading.Thread(target=lambda: found.append(i18n.catalog('pt'))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert loads == ['pt'] and len(found) == 8 and len({id(c) for c in found}) == 1
    with i18n.speaking('pt'):
        assert i18n._('Accueil') == 'Início'


def test_a_translation_whose_placeholder_has_no_value_compiles_and_fails_only_when_shown():
    """TranslateConstants writes _('text') into a template as it compiles; a text it cannot write
    (a %(name)s given no value) is left to run time, where it fails as it always did, rather
    than making the whole template fail to compile."""
    import jinja2

    from ecole_ent.web import render
    environment = render.Environments()['fr']
    template = environment.from_string("{% if shown %}{{ _('Bonjour %(name)s') }}{% endif %}fin")
    assert template.render(shown=False) == 'fin'
    with pytest.raises((KeyError, jinja2.UndefinedError)):
        template.render(shown=True)
