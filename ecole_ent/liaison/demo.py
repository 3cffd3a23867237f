"""The cahier de liaison of the demo school, with notes at every stage: a note to sign in CP-CE1
signed by some guardians and not others (the two parents of one pupil: one signed), with a paper
slip recorded by the teacher and a deadline to come; an outing authorisation answered oui / non
with comments, past its deadline; an information note read by some; a note to sign in the
Maternelle; the director's school-wide note; a note scheduled for tomorrow. The Dubois family
(the README's aurelie.dubois) has signed nothing, so her home shows « 1 mot à signer ».

It draws from its own random generator, never demo.rng: the accounts, families and classes stay
exactly as they were. It runs inside demo.seed()'s transaction and writes the models directly;
it queues no notification (the relay stays empty until configured). Times follow service.clock().
"""
import random
from datetime import datetime, time, timedelta

from ..blog.markup import render_markdown
from ..models import Enrolment, GuardianLink, Note, NoteReceipt, Teaching, User
from ..school_calendar.service import days as school_days
from . import service

SEED = 1616
COMMENTS_OUI = ['', '', 'Il a hâte !', 'Je peux accompagner la sortie si besoin.', '']
COMMENTS_NON = ['Elle a une otite cette semaine.', 'Nous serons en déplacement ce jour-là.', '']


def seed(demo):
    rng = random.Random(SEED)
    now, today = service.clock(), service.today()
    calendar = school_days(demo.school.id)
    before = [today]
    for _n in range(10):                                   # the school days before today, nearest first
        before.append(calendar.previous_school_day(before[-1]))
    after = [today]
    for _n in range(6):
        after.append(calendar.next_school_day(after[-1]))
    teachers = {c.id: t for c, t in zip(demo.classes, _teachers(demo))}
    maternelle, cp, big = demo.classes
    dubois = {p.id for p, _c in demo.pupils if p.last_name == 'Dubois'}
    write = _Writer(rng, demo, now, dubois)

    outing = write.note(cp, teachers[cp.id], 'sign', 'Sortie au musée des Beaux-Arts',
                        'Nous irons au musée des Beaux-Arts **jeudi** en car. Prévoir un pique-nique et une '
                        'gourde.\n\nMerci de signer ce mot pour dire que vous en avez pris connaissance.',
                        sent=_at(before[3], 16, 30), deadline=after[4], remind_days=2)
    write.receipts(outing, signed=0.55, read=0.8, paper=1, split_couple=True)
    pool = write.note(cp, teachers[cp.id], 'answer', 'Autorisation : piscine',
                      'Les séances de piscine reprennent. Votre enfant peut-il y participer ? '
                      'Répondez **oui** ou **non** ; un commentaire si besoin.',
                      sent=_at(before[9], 17, 0), deadline=before[4])
    write.receipts(pool, signed=0.8, read=0.95, paper=0)
    meeting = write.note(cp, teachers[cp.id], 'info', 'Réunion parents-professeurs',
                         'La réunion du deuxième trimestre aura lieu dans la classe. Nous vous attendons '
                         'nombreux.',
                         sent=_at(after[1], 8, 0), deadline=None)
    write.receipts(meeting, signed=0, read=0, paper=0)                 # scheduled: made when written
    photo = write.note(big, teachers[big.id], 'info', 'Photo de classe',
                       'Le photographe passera **mardi matin**. Pensez à une tenue adaptée.',
                       sent=_at(before[1], 16, 45), deadline=None)
    write.receipts(photo, signed=0, read=0.6, paper=0)
    life = write.note(maternelle, teachers[maternelle.id], 'sign', 'Cahier de vie',
                      'Le cahier de vie part à la maison ce week-end : collez-y une photo ou un dessin, et '
                      'signez ce mot.', sent=_at(before[2], 16, 30), deadline=after[2], remind_days=1)
    write.receipts(life, signed=0.3, read=0.6, paper=0)
    council = write.note(None, demo.director, 'info', "Conseil d'école",
                         "Le conseil d'école se réunira le mois prochain. Vos représentants élus recueillent "
                         'vos questions.', sent=_at(before[2], 12, 0), deadline=None)
    write.receipts(council, signed=0, read=0.5, paper=0)


def _at(day, hour, minute):
    return service.from_local(datetime.combine(day, time(hour, minute)))


def _teachers(demo):
    """The first teacher of each class, in class order (not the staff working in it)."""
    first = {}
    for teaching in (Teaching.select().where(Teaching.classroom.in_([c.id for c in demo.classes])
                                             & Teaching.teacher.in_(User.with_role('teacher').select(User.id)))
                     .order_by(Teaching.id)):
        first.setdefault(teaching.classroom_id, teaching.teacher_id)
    return [User.get_by_id(first[c.id]) for c in demo.classes]


class _Writer:
    def __init__(self, rng, demo, now, dubois):
        self.rng, self.demo, self.now, self.dubois = rng, demo, now, dubois
        self.links, self.answered = {}, 0
        for link in GuardianLink.select().where(GuardianLink.legal_authority):
            self.links.setdefault(link.pupil_id, []).append(link.guardian_id)

    def note(self, classroom, author, kind, title, text, sent, deadline, remind_days=None):
        """A Note sent at `sent` (written then, or a day before for a scheduled one), to the whole
        class (or school)."""
        written = min(sent, self.now - timedelta(days=1))
        note = Note.create(school=self.demo.school.id, classroom=classroom, author=author, kind=kind, title=title,
                           body_source=text, body_html=render_markdown(text), deadline=deadline,
                           remind_days=remind_days, send_at=sent, created_at=written, updated_at=written)
        note.pupil_ids = sorted(p.pupil_id for p in Enrolment.current().select(Enrolment.pupil).where(
            Enrolment.classroom == classroom.id)) if classroom else sorted(p.id for p, _c in self.demo.pupils)
        return note

    def receipts(self, note, signed, read, paper, split_couple=False):
        """The note's receipts: of each guardian, `read` of them opened it, `signed` signed or
        answered it (online), `paper` slips recorded by the teacher; with split_couple, the first
        pupil with two guardians has one signature of the two. The Dubois sign nothing."""
        rng, rows, couple_done = self.rng, [], not split_couple
        window = max(60, int((self.now - note.send_at).total_seconds() // 60))
        for pupil_id in note.pupil_ids:
            guardians = sorted(self.links.get(pupil_id, ())) or [None]
            couple = not couple_done and len(guardians) == 2 and pupil_id not in self.dubois
            for number, guardian in enumerate(guardians):
                row = {'note': note.id, 'pupil': pupil_id, 'guardian': guardian, 'read_at': None,
                       'signed_at': None, 'answer': None, 'comment': '', 'channel': None, 'recorded_by': None}
                opened = note.send_at + timedelta(minutes=rng.randint(5, window))
                if pupil_id in self.dubois:
                    pass
                elif couple:
                    row.update(read_at=opened, **(self._signed(note, opened) if number == 0 else {}))
                elif note.kind != 'info' and guardian and rng.random() < signed:
                    row.update(read_at=opened, **self._signed(note, opened))
                elif guardian and rng.random() < read:
                    row['read_at'] = opened
                rows.append(row)
            couple_done = couple_done or couple
        for row in [r for r in rows if r['signed_at'] is None and r['pupil'] not in self.dubois][:paper]:
            moment = min(self.now, note.send_at + timedelta(days=1, hours=1))
            row.update(self._signed(note, moment), channel='paper', recorded_by=note.author_id)
        NoteReceipt.insert_many(rows).execute()

    def _signed(self, note, moment):
        values = {'signed_at': moment, 'channel': 'web'}
        if note.kind == 'answer':
            self.answered += 1
            answer = 'non' if self.answered % 5 == 2 else 'oui'          # one in five says no
            values.update(answer=answer, comment=self.rng.choice(COMMENTS_OUI if answer == 'oui' else COMMENTS_NON))
        return values
