"""`homework add | list | done`, run in-process through cli.main on the test's own data folder with
the demo school (as tests/admin/test_commands.py does), the feature's clock stopped on Friday
4 December 2026: JSON alone on stdout, warnings and errors in French on stderr."""
import json

import pytest

from ecole_ent.accounts import membership
from ecole_ent.accounts import service as accounts
from ecole_ent.models import Classroom, Homework, HomeworkDone, User

MONDAY = '2026-12-07'       # the next school day after the stopped clock's Friday


@pytest.fixture
def run(people, run_cli):
    return run_cli


def add(run, *args, klass='CP-CE1', by='julien.roux', due=MONDAY, expect=0):
    """`homework add` with a subject, a text and a due date unless given; the new id, or stderr."""
    out, err = run('homework', 'add', '--class', klass, '--subject', 'Français', '--due', due,
                   '--text', 'Apprendre la poésie « Le Hérisson »', '--by', by, *args, expect=expect)
    return json.loads(out)['id'] if expect == 0 else err


def listed(run, login, *span):
    return json.loads(run('homework', 'list', '--as', login, '--format', 'json', *span)[0])


def test_an_entry_for_ce1_is_seen_by_ce1_pupils_only_and_ticked_with_done(run, people):
    out, err = run('homework', 'add', '--class', 'CP-CE1', '--niveaux', 'ce1', '--subject', 'Français',
                   '--due', MONDAY, '--text', 'Apprendre les mots de la semaine', '--by', 'julien.roux')
    created = json.loads(out)
    assert list(created) == ['id'] and err == ''
    number = created['id']
    assert Homework.get_by_id(number).niveaux == 'CE1'
    mine = [row for row in listed(run, people.ce1_pupil.login) if row['id'] == number]
    assert mine == [{'id': number, 'class': 'CP-CE1', 'niveaux': ['CE1'], 'subject': 'Français',
                     'due': MONDAY, 'given': '2026-12-04', 'text': 'Apprendre les mots de la semaine',
                     'done': False}]
    _out, err = run('homework', 'done', str(number), '--as', people.ce1_pupil.login)
    assert people.ce1_pupil.login in err
    assert [row['done'] for row in listed(run, people.ce1_pupil.login) if row['id'] == number] == [True]
    assert number not in {row['id'] for row in listed(run, people.cp_pupil.login)}
    assert 'Erreur : ' in run('homework', 'done', str(number), '--as', people.cp_pupil.login, expect=1)[1]
    assert not HomeworkDone.select().where((HomeworkDone.homework == number)
                                           & (HomeworkDone.pupil == people.cp_pupil)).exists()


def test_a_guardian_gets_one_object_per_child_and_entry(run, people):
    zoe_class, noe_class = (membership.current_classes_of(User.get(User.login == login))[0]
                            for login in ('zoe.dubois', 'noe.dubois'))
    assert zoe_class.id != noe_class.id
    for_zoe = add(run, klass=zoe_class.name, by='claire.fontaine')
    for_noe = add(run, klass=str(noe_class.id))             # a number is a class id
    rows = [row for row in listed(run, 'aurelie.dubois') if row['id'] in (for_zoe, for_noe)]
    assert sorted((row['id'], row['child'], row['class'], row['done']) for row in rows) == [
        (for_zoe, 'zoe.dubois', zoe_class.name, False), (for_noe, 'noe.dubois', noe_class.name, False)]


def test_the_teacher_sees_how_many_pupils_ticked(run, people):
    number = add(run, '--niveaux', 'CE1')
    run('homework', 'done', str(number), '--as', people.ce1_pupil.login)
    ce1 = sum(1 for p in accounts.pupils_of(people.cp) if p.niveau == 'CE1')
    row, = [row for row in listed(run, 'julien.roux', '--from', MONDAY, '--to', MONDAY) if row['id'] == number]
    assert (row['done_count'], row['pupil_count'], row['class']) == (1, ce1, 'CP-CE1')
    assert 'done' not in row and 'child' not in row


def test_a_scheduled_entry_waits_for_its_time_but_its_teacher_sees_it(run, people):
    number = add(run, '--publish-at', '2026-12-05 18:00')
    assert number in {row['id'] for row in listed(run, 'julien.roux')}
    assert number not in {row['id'] for row in listed(run, people.pupil.login)}


def test_due_on_a_holiday_is_saved_with_a_warning_on_stderr(run, people):
    out, err = run('homework', 'add', '--class', 'CP-CE1', '--subject', 'Mathématiques', '--due',
                   '2026-12-24', '--text', 'Réviser les tables', '--by', 'julien.roux')
    number = json.loads(out)['id']
    assert err == 'Attention : Pas de classe le jeudi 24 décembre 2026 (Vacances de Noël) : vérifiez la date.'
    assert [row['due'] for row in listed(run, 'julien.roux', '--from', '2026-12-24', '--to', '2026-12-24')
            if row['id'] == number] == ['2026-12-24']


def test_a_writer_who_does_not_teach_the_class_is_refused(run, people):
    before = Homework.select().count()
    assert add(run, by='ines.haddad', expect=1) == \
        "Erreur : Le cahier de textes de cette classe n'est pas accessible avec votre compte."
    for reader in ('nadia.belkacem', 'aurelie.dubois'):     # staff working in it, a guardian of it
        assert add(run, klass='Maternelle PS-MS-GS', by=reader, expect=1) == \
            'Erreur : Seuls les enseignants de la classe peuvent donner des devoirs.'
    assert Homework.select().count() == before


def test_a_name_two_schools_share_needs_school(run, people, school_b):
    Classroom.update(name='CP-CE1').where(Classroom.id == school_b.classroom.id).execute()
    err = add(run, expect=1)
    assert err.startswith('Erreur : Plusieurs écoles ont une classe « CP-CE1 »') and '--school' in err
    number = add(run, '--school', '0061234a')
    assert Homework.get_by_id(number).classroom_id == people.cp.id
    assert "n'est pas accessible" in add(run, '--school', '0069999Z', expect=1)
    theirs = add(run, '--school', '0069999Z', by=school_b.teacher.login)
    assert Homework.get_by_id(theirs).classroom_id == school_b.classroom.id


@pytest.mark.parametrize('args, messages', [
    (('--by', 'personne'), ['Compte introuvable : personne']),
    (('--class', 'CM2 Lune'), ['Classe inconnue : CM2 Lune']),
    (('--class', '99999'), ['Classe inconnue : 99999']),
    (('--due', 'lundi', '--subject', 'Cuisine', '--niveaux', 'CM2'),
     ['--due : Indiquez une date valide', '--subject : « Cuisine » n’est pas dans la liste',
      '--niveaux : La classe CP-CE1 n’a pas le niveau CM2']),
    (('--text', ' '), ['--text : Écrivez le travail à faire']),
    (('--publish-at', '2026-12-01 08:00'), ['--publish-at : Cette date est déjà passée']),
])
def test_bad_input_is_one_french_line_on_stderr_and_exit_1(run, people, args, messages):
    before = Homework.select().count()
    base = {'--class': 'CP-CE1', '--subject': 'Français', '--due': MONDAY, '--text': 'Lire', '--by': 'julien.roux'}
    base.update(zip(args[::2], args[1::2]))
    out, err = run('homework', 'add', *[part for pair in base.items() for part in pair], expect=1)
    assert out == '' and err.startswith('Erreur : ') and '\n' not in err
    assert all(message in err for message in messages), err
    assert Homework.select().count() == before


def test_list_refuses_a_bad_date_as_a_usage_error_and_an_unknown_login(run, people, capsys):
    with pytest.raises(SystemExit) as usage:
        run('homework', 'list', '--as', 'julien.roux', '--from', '07/12/2026')
    assert usage.value.code == 2 and 'date attendue au format AAAA-MM-JJ : 07/12/2026' in capsys.readouterr().err
    assert 'Compte introuvable' in run('homework', 'list', '--as', 'personne', expect=1)[1]
    assert listed(run, 'nadia.belkacem') == []
