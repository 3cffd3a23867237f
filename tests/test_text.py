"""ASCII folding: one base (ecole_ent.text.strip_accents) under every caller's own filter, each
output the same as before the base existed (logins and ONDE ids are stored: they must not move)."""
import unicodedata

import pytest

from ecole_ent.accounts.logins import base_login, fold
from ecole_ent.directory.onde import derived_id, key
from ecole_ent.photos.files import _slug
from ecole_ent.photos.service import _fold
from ecole_ent.text import TRANSLITERATE, strip_accents


@pytest.mark.parametrize('name, login, onde, slug, folded', [
    ('Lætitia', 'laetitia', 'ltitia', '-ltitia', 'lætitia'),
    ("Zoé L'Hermitte-Œuvrard", 'zoelhermitte-oeuvrard', 'zoelhermitteuvrard',
     '-zoe-l-hermitte-uvrard', "zoe l'hermitte-œuvrard"),
    ('Ørsted', 'orsted', 'rsted', '-rsted', 'ørsted'),
    ('Jean\u2013Pierre \u2014 Marie\u2212Ange', 'jean-pierre-marie-ange', 'jeanpierremarieange',
     '-jeanpierre-marieange', 'jean\u2013pierre \u2014 marie\u2212ange'),
    ('😀 Zoé', 'zoe', 'zoe', '-zoe', '😀 zoe'),
    ('Αλέξανδρος', '', '', '', 'αλεξανδρος'),
    ('ﬁfi İlker Straße', 'fifiilkerstrasse', 'fifiilkerstrae', '-fifi-ilker-strae', 'ffi ilker straße'),
    ('', '', '', '', ''),
])
def test_each_caller_folds_tricky_names_as_before(name, login, onde, slug, folded):
    assert fold(name) == login
    assert key(name) == onde
    assert _slug(name, '-') == slug
    assert _fold(name) == folded
    assert len(_fold(name)) == len(name)     # positions found in the folded text fit the original


def test_none_folds_to_nothing():
    assert (fold(None), key(None), _slug(None, '-'), strip_accents(None)) == ('', '', '', '')


def test_a_login_and_an_onde_id_do_not_move():
    assert base_login('Zoé', "L'Hermitte-Œuvrard") == 'zoe.lhermitte-oeuvrard'
    assert derived_id('eleve', '0310001A', 'Lætitia', 'ØRSTED') == 'onde:32de24f8a3463c0fe133'


# The code each caller had before the shared base, kept here as the reference.
def _old_login_letters(text):
    text = unicodedata.normalize('NFKD', (text or '').translate(TRANSLITERATE))
    return ''.join(c for c in text if not unicodedata.combining(c)).lower()


def _old_onde_letters(text):
    text = unicodedata.normalize('NFKD', text or '')
    return ''.join(c for c in text if not unicodedata.combining(c)).lower()


def _old_ascii(text):
    return unicodedata.normalize('NFKD', text or '').encode('ascii', 'ignore').decode()


def _old_fold(text):
    return ''.join((unicodedata.normalize('NFKD', ch)[:1] or ch).lower()[:1] or ch for ch in text)


def test_every_character_of_the_basic_plane_folds_as_before():
    chars = [chr(i) for i in range(0x10000) if not 0xD800 <= i < 0xE000]
    text = ''.join(chars)
    assert strip_accents(text).lower() == _old_login_letters(text)
    assert strip_accents(text, transliterate=False).lower() == _old_onde_letters(text)
    assert strip_accents(text, transliterate=False).encode('ascii', 'ignore').decode() == _old_ascii(text)
    assert [c for c in chars if _fold(c) != _old_fold(c)] == []


@pytest.mark.parametrize('name,written', [
    ('École des Mimosas', "de l'École des Mimosas"),
    ('ecole primaire du Port', "de l'ecole primaire du Port"),
    ('Groupe scolaire Jean-Moulin', 'du Groupe scolaire Jean-Moulin'),
    ('RPI des Deux Vallées', 'du RPI des Deux Vallées'),
    ('Saint-Exupéry', 'de Saint-Exupéry'),
    ('Écoliers du monde', 'de Écoliers du monde'),      # not « École » as a word: left as it is
])
def test_of_name_writes_de_before_a_school_s_name_as_french_does(name, written):
    from ecole_ent.i18n import of_name
    assert of_name(name) == written
