"""The teacher's view of a note of the cahier de liaison (/cahier-de-liaison/<id>) for a class of
25 pupils and about 45 guardians, under load at 10 and 50 connections, with a bare waitress
"hello" app started the same way, measured in the same run.

    .venv/bin/python -m bench.bench_liaison [--seconds 10] [--workers 1,2]

Target (issue 15, 2-core machine): >= 20 % of the bare-waitress requests/s and p99 <= 150 ms at 50
connections. The demo's CP-CE1 has about 20 pupils: pupils with one or two guardians are added to
it up to 25 before the server starts (add_note), then a note to answer is sent to the class and
about half of the guardians answer it (some on paper), so that the page shows every state.
"""
import re

from bench.common import page, page_against_waitress

TEACHER = 'julien.roux'
PUPILS = 25


def add_note(data):
    """Pupils up to PUPILS in CP-CE1 (two guardians for two of three), a note to answer sent to the
    class, answered by about half of its guardians; returns (note id, pupils, guardians)."""
    import random

    from ecole_ent import db, demo, runtime, security
    from ecole_ent.accounts import service as accounts
    from ecole_ent.liaison import notes, receipts
    from ecole_ent.models import Classroom, Enrolment, GuardianLink, NoteReceipt, School, User
    runtime.open_database(runtime.open_config(data))
    rng = random.Random(15)
    try:
        school = School.get(School.uai == demo.UAI)
        classroom = Classroom.get((Classroom.school == school) & (Classroom.name == 'CP-CE1'))
        password = security.hash_password(demo.PASSWORD)
        with db.writing():
            for number in range(PUPILS - len(accounts.pupils_of(classroom))):
                pupil = User.create(login=f'bench.eleve{number}', first_name=f'Élève{number}', last_name='Banc',
                                    roles='pupil', school=school, password_hash=password)
                Enrolment.create(pupil=pupil, classroom=classroom, niveau=rng.choice(classroom.niveau_list))
                for relation in ('mother', 'father')[:1 + (number % 3 != 2)]:
                    parent = User.create(login=f'bench.parent{number}.{relation}', first_name=relation.title(),
                                         last_name='Banc', roles='guardian', school=school, password_hash=password)
                    GuardianLink.create(guardian=parent, pupil=pupil, relation=relation, legal_authority=True)
        teacher = User.get(User.login == TEACHER)
        note, _warnings = notes.send(teacher, {'class_id': str(classroom.id), 'kind': 'answer',
                                               'title': 'Sortie au musée', 'body': 'Votre enfant vient-il ?'})
        rows = list(NoteReceipt.select().where(NoteReceipt.note == note.id))
        for row in rows:
            if row.guardian_id and rng.random() < 0.5:
                answer = rng.choice(('oui', 'non'))
                if rng.random() < 0.2:
                    receipts.record_paper(teacher, note.id, row.id, answer)
                else:
                    receipts.sign(User.get_by_id(row.guardian_id), note.id, row.pupil_id, answer, 'Merci')
        return note.id, len({r.pupil_id for r in rows}), len({r.guardian_id for r in rows if r.guardian_id})
    finally:
        db.close_all()


def rows_shown(base, path, cookie):
    """How many guardian lines the status table shows (a check that the page is the one measured)."""
    table = page(base, path, cookie).split('<tbody>', 1)[1]
    return len(re.findall(r'<tr(?: class="unsigned")?>\s*(?:<th scope="rowgroup")?', table))


def prepare(data):
    note_id, pupils, guardians = add_note(data)
    path = f'/cahier-de-liaison/{note_id}'
    return path, lambda base, cookie: (f'note {note_id}: {pupils} pupils, {guardians} guardians, '
                                       f'{rows_shown(base, path, cookie)} lines in the status table')


def main():
    page_against_waitress(__doc__, TEACHER, "teacher's view of a note", prepare)


if __name__ == '__main__':
    main()
