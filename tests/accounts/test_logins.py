"""Login folding and homonym numbering (issue 6, "Accounts")."""
from ecole_ent.accounts.logins import allocate_login, base_login, fold


def test_the_issue_example_folds_accents_apostrophe_and_ligature():
    assert base_login('Zoé', "L'Hermitte-Œuvrard") == 'zoe.lhermitte-oeuvrard'


def test_letters_that_nfd_does_not_decompose_are_transliterated():
    assert base_login('Lætitia', 'LE GOFF') == 'laetitia.legoff'
    assert fold('Bjørn Łukasz Straße') == 'bjornlukaszstrasse'
    assert fold('Ayşe ÇELIK') == 'aysecelik'


def test_typographic_apostrophes_spaces_and_dashes_are_handled():
    assert base_login('Jean–Luc', 'D’ALMEIDA') == 'jean-luc.dalmeida'
    assert base_login('Anne', 'LE  GOFF -- MARTIN') == 'anne.legoff-martin'


def test_a_name_with_no_latin_letter_still_gets_a_login():
    assert base_login('李', 'MARTIN') == 'martin'
    assert base_login('李', '王') == ''
    assert allocate_login('李', '王', set()) == 'utilisateur'


def test_homonyms_are_numbered_in_call_order_and_skip_taken_logins():
    taken = {'lucas.bernard'}
    assert allocate_login('Lucas', 'BERNARD', taken) == 'lucas.bernard2'
    assert allocate_login('Lucas', 'Bernard', taken) == 'lucas.bernard3'
    assert {'lucas.bernard2', 'lucas.bernard3'} <= taken


def test_parts_are_cut_to_thirty_characters():
    login = base_login('Marie-Charlotte-Alexandrine-Eugénie', 'X')
    assert login.split('.')[0] == 'marie-charlotte-alexandrine-eu'
