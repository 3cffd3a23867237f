"""`ecole-ent classes pictures LABEL on|off` and `ecole-ent cards pictures LOGIN`, in this process on
the test's database: the CLI and the printed sheet agree, the pictures sign the pupil in."""
import json

import pytest

from ecole_ent.models import User
from ecole_ent.pictures import service
from tests.conftest import redirected_to

from .conftest import post_pictures, pupil_client


def test_the_cli_and_the_sheet_agree(people, run_cli, signed_in):
    page = signed_in(people.small_teacher).get(f'/annuaire/classe/{people.small.id}/images')
    item = page.html.select_one(f'.pictures-sheet-item[data-login="{people.small_pupil.login}"]')
    on_sheet = [li['data-picture'] for li in item.select('li[data-picture]')]
    out, _err = run_cli('cards', 'pictures', people.small_pupil.login)
    assert json.loads(out) == {'login': people.small_pupil.login, 'pictures': on_sheet}


def test_a_class_is_switched_by_its_label_and_its_pupils_sign_in(people, run_cli, demo_app):
    _out, err = run_cli('classes', 'pictures', 'cp-ce1', 'on')
    assert 'activée' in err and 'CP-CE1' in err
    out, _err = run_cli('cards', 'pictures', people.cp_pupil.login)
    names = json.loads(out)['pictures']
    assert len(names) == 3
    assert redirected_to(post_pictures(pupil_client(demo_app), people.cp_pupil.login, names)) == '/'
    run_cli('classes', 'pictures', str(people.cp.id), 'off')
    _out, err = run_cli('cards', 'pictures', people.cp_pupil.login, expect=1)
    assert 'connexion par images' in err


def test_bad_labels_logins_and_states_are_refused_in_french(people, run_cli):
    _out, err = run_cli('classes', 'pictures', 'CM2 inconnue', 'on', expect=1)
    assert 'Classe inconnue' in err
    _out, err = run_cli('cards', 'pictures', 'personne', expect=1)
    assert 'Compte introuvable' in err
    _out, err = run_cli('cards', 'pictures', people.small_teacher.login, expect=1)
    assert 'n’est pas un élève' in err
    with pytest.raises(SystemExit) as usage:
        run_cli('classes', 'pictures', 'CP-CE1', 'peut-être')
    assert usage.value.code == 2
    assert service.sequence_for(User.get_by_id(people.cp_pupil.id)) is None
