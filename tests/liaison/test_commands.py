"""`notes send | status | sign`, run in-process through cli.main on the test's own data folder with
the demo school, the feature's clock stopped on Friday 4 December 2026: JSON alone on stdout,
warnings and errors in French on stderr, exit 1 on a refusal."""
import json

import pytest

from ecole_ent.models import Note, NoteReceipt


@pytest.fixture
def run(people, run_cli):
    return run_cli


def send(run, *args, by='julien.roux', expect=0):
    out, err = run('notes', 'send', '--by', by, '--title', 'Sortie au musée', '--text', 'Merci de signer.', *args,
                   expect=expect)
    return json.loads(out)['id'] if expect == 0 else err


def status(run, number):
    return json.loads(run('notes', 'status', str(number), '--format', 'json')[0])


def test_send_status_and_sign_by_two_guardians(run, people):
    out, err = run('notes', 'send', '--class', 'cp-ce1', '--by', 'julien.roux', '--kind', 'sign',
                   '--title', 'Sortie', '--text', 'Signez', '--deadline', '2026-12-08')
    assert list(json.loads(out)) == ['id'] and err == ''
    number = json.loads(out)['id']
    shape = status(run, number)
    assert list(shape) == ['id', 'kind', 'deadline', 'pupils']
    assert (shape['id'], shape['kind'], shape['deadline']) == (number, 'sign', '2026-12-08')
    assert sorted(p['login'] for p in shape['pupils']) == sorted(p.login for p in people.cp_pupils)
    two = next(p for p in shape['pupils'] if p['login'] == people.two.login)
    assert list(two) == ['login', 'guardians']
    assert {g['login'] for g in two['guardians']} == {people.mother.login, people.father.login}
    assert all(list(g) == ['login', 'read_at', 'signed_at', 'answer', 'channel'] for g in two['guardians'])
    assert all(g['channel'] is None and g['signed_at'] is None for g in two['guardians'])
    out, err = run('notes', 'sign', str(number), '--as', people.mother.login, '--child', people.two.login)
    assert json.loads(out)['new'] is True and people.mother.login in err
    run('notes', 'sign', str(number), '--as', people.father.login, '--child', people.two.login)
    two = next(p for p in status(run, number)['pupils'] if p['login'] == people.two.login)
    assert [(g['channel'], g['signed_at']) for g in two['guardians']] == [('web', '2026-12-04T09:00:00+00:00')] * 2
    assert all(g['read_at'] == '2026-12-04T09:00:00+00:00' for g in two['guardians'])
    out, err = run('notes', 'sign', str(number), '--as', people.mother.login, '--child', people.two.login)
    assert json.loads(out)['new'] is False and err == 'Déjà signé : rien n’a changé.'


def test_an_answer_note_to_chosen_pupils_and_niveaux(run, people):
    number = send(run, '--class', 'CP-CE1', '--kind', 'answer', '--pupils', f'{people.two.login},{people.one.login}')
    pupils = {r.pupil_id for r in NoteReceipt.select().where(NoteReceipt.note == number)}
    assert pupils == {people.two.id, people.one.id}
    err = run('notes', 'sign', str(number), '--as', people.lone.login, '--child', people.one.login, expect=1)[1]
    assert err == 'Erreur : --answer : Répondez « oui » ou « non ».'
    run('notes', 'sign', str(number), '--as', people.lone.login, '--child', people.one.login, '--answer', 'non')
    one = next(p for p in status(run, number)['pupils'] if p['login'] == people.one.login)
    assert one['guardians'][0]['answer'] == 'non' and one['guardians'][0]['channel'] == 'web'
    ce1 = send(run, '--class', 'CP-CE1', '--kind', 'info', '--niveaux', 'ce1')
    assert Note.get_by_id(ce1).niveaux == 'CE1'


def test_refusals_are_french_with_exit_1(run, people):
    assert 'Erreur : ' in send(run, '--class', 'CP-CE1', '--kind', 'sign', by='claire.fontaine', expect=1)
    err = send(run, '--school-wide', '--kind', 'info', expect=1)
    assert err == ("Erreur : Seule la direction de l'école peut écrire un mot à toutes les familles de l'école "
                   'ou un mot urgent.')
    assert 'urgent' in send(run, '--class', 'CP-CE1', '--kind', 'info', '--urgent', expect=1)
    assert 'Classe inconnue' in send(run, '--class', 'CM2-bis', '--kind', 'info', expect=1)
    err = send(run, '--class', 'CP-CE1', '--kind', 'sign', '--deadline', '2026-12-01', expect=1)
    assert err.startswith('Erreur : --deadline : La date limite du mardi 1er décembre 2026 est déjà passée')
    assert 'Mot inconnu' in run('notes', 'status', '999999', expect=1)[1]


def test_the_director_sends_an_urgent_school_wide_note_with_a_warning_on_stderr(run, people):
    out, err = run('notes', 'send', '--school-wide', '--urgent', '--by', people.director.login, '--kind', 'sign',
                   '--title', 'Règlement', '--text', 'À signer', '--deadline', '2026-12-12')
    note = Note.get_by_id(json.loads(out)['id'])
    assert note.urgent and note.classroom_id is None
    assert err.startswith('Attention : Pas de classe le samedi 12 décembre 2026')
