"""Each school's subject list (subjects.py): the default list until the director edits it, who may
edit it, and the lists refused."""
import pytest

from ecole_ent.errors import Forbidden, ValidationError
from ecole_ent.homework import entries, subjects
from ecole_ent.models import Subject


def test_a_school_without_a_list_reads_the_default_without_writing_it(people):
    assert subjects.of_school(people.cp.school_id) == list(subjects.DEFAULT)
    assert subjects.DEFAULT[:3] == ('Français', 'Mathématiques', 'Questionner le monde')
    assert not Subject.select().exists()


def test_the_director_replaces_the_list_in_its_order(people):
    saved = subjects.save(people.director, people.cp.school_id, '  Lecture \r\n\nMathématiques\n  Poésie   du  jour ')
    assert saved == ['Lecture', 'Mathématiques', 'Poésie du jour']
    assert subjects.of_school(people.cp.school_id) == saved
    subjects.save(people.director, people.cp.school_id, 'Anglais\nLecture')
    assert subjects.of_school(people.cp.school_id) == ['Anglais', 'Lecture']
    assert Subject.select().count() == 2


def test_an_entry_takes_its_subject_from_the_school_list(people):
    subjects.save(people.director, people.cp.school_id, 'Lecture')
    entry, _w = entries.create(people.teacher, people.cp.id, {'subject': 'Lecture', 'due_on': '2026-12-08',
                                                              'body': 'Page 3'})
    assert entry[0].subject == 'Lecture'
    with pytest.raises(ValidationError):
        entries.create(people.teacher, people.cp.id, {'subject': 'Français', 'due_on': '2026-12-08', 'body': 'x'})


def test_the_admin_may_edit_any_school_list(people, school_b):
    assert subjects.save(people.admin, school_b.school.id, 'Français') == ['Français']
    assert subjects.of_school(people.cp.school_id) == list(subjects.DEFAULT)


@pytest.mark.parametrize('who', ['teacher', 'big_teacher', 'staff', 'guardian', 'pupil'])
def test_only_the_director_may_edit_the_list(people, who):
    with pytest.raises(Forbidden):
        subjects.save(getattr(people, who), people.cp.school_id, 'Lecture')
    assert not Subject.select().exists()


def test_a_director_of_another_school_may_not_edit_it(people, school_b):
    with pytest.raises(Forbidden):
        subjects.save(school_b.director, people.cp.school_id, 'Lecture')
    with pytest.raises(Forbidden):
        subjects.save(people.director, school_b.school.id, 'Lecture')


def test_the_same_subject_twice_is_refused_whatever_its_case_and_accents(people):
    subjects.save(people.director, people.cp.school_id, 'Lecture')
    with pytest.raises(ValidationError) as caught:
        subjects.save(people.director, people.cp.school_id, 'Français\nFRANCAIS\nfrançais\nÉducation musicale\n'
                                                            'education  musicale\n' + 'x' * 61)
    assert caught.value.errors == {'subjects': (
        '« FRANCAIS » apparaît deux fois. « education musicale » apparaît deux fois. '
        '« ' + 'x' * 60 + '… » est trop long (60 caractères au plus).')}
    assert subjects.of_school(people.cp.school_id) == ['Lecture']


@pytest.mark.parametrize('text, message', [
    (' \n\n ', 'Indiquez au moins une matière.'),
    ('\n'.join(f'Matière {n}' for n in range(41)), '40 matières au plus (la liste en compte 41).'),
])
def test_an_empty_or_too_long_list_is_refused(people, text, message):
    with pytest.raises(ValidationError) as caught:
        subjects.save(people.director, people.cp.school_id, text)
    assert caught.value.errors == {'subjects': message}
