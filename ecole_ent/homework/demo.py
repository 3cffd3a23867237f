"""Homework for the demo school: every class and niveau has some for the school days of this week
and the next, so that every home shows homework on first start. Some entries are for one niveau,
some for the whole class; one is scheduled for later, one has a link; about 40 % of what was due
so far is ticked "fait", and every class has homework for the next school day (aurelie.dubois's
home then shows « N devoirs pour <jour> » on Zoé's card).

It draws from its own random generator, never demo.rng: the accounts, families and classes, and
what the features after this one seed, stay exactly as they were. It runs inside demo.seed()'s
transaction, so it writes the models directly.
"""
import random
from datetime import datetime, time, timedelta
from functools import partial

from ..blog.markup import render_markdown
from ..models import Enrolment, Homework, HomeworkDone, Teaching, User
from ..school_calendar.service import days as school_days
from . import access, service

SEED = 1414
TICKED = 0.4                 # of the pupils' entries due so far
TICKED_AHEAD = 0.2           # of those due on the next school day: done the evening before
FALLBACK_DAYS = 8            # school days taken after the span when it is all holidays

# niveau: [(subject, Markdown)]; {page}, {chapter}, {table}, {ex} and {ex2} change each time
WORK = {
    'PS': [('Français', 'Apporter son doudou pour le présenter aux copains.'),
           ('Éducation musicale', 'Chanter en famille la comptine « Petit escargot ».')],
    'MS': [('Arts plastiques', 'Apporter un petit objet **rouge** pour notre boîte des couleurs.'),
           ('Français', "Raconter à la maison l'histoire de *Roule galette*, avec les images collées "
                        'dans le cahier de vie.')],
    'GS': [('Français', 'Découper dans un magazine les lettres de son prénom.'),
           ('Mathématiques', 'Compter les fourchettes en mettant la table.')],
    'CP': [('Français', 'Lire la page {page} du livre de lecture.'),
           ('Français', 'Relire les syllabes du cahier : **ma, mi, mo, mu, mé**.'),
           ('Mathématiques', "Compter de 10 en 10 jusqu'à 100, à voix haute."),
           ('Mathématiques', 'Fiche de calcul : les compléments à 10 (exercices {ex} et {ex2}).'),
           ('Questionner le monde', 'Apporter une photo de soi bébé pour la frise du temps.')],
    'CE1': [('Français', 'Apprendre les mots de la semaine : {words}.'),
            ('Français', 'Lire le chapitre {chapter} du livre de la classe.'),
            ('Mathématiques', 'Réviser la table de {table}.'),
            ('Mathématiques', 'Fichier : exercices {ex} et {ex2} page {page}.'),
            ('Questionner le monde', 'Observer la Lune ce soir et dessiner sa forme.')],
    'CE2': [('Français', 'Apprendre la leçon sur le présent des verbes en -er.'),
            ('Français', 'Apprendre les deux premières strophes de « Chanson pour les enfants '
                         "l'hiver » (Jacques Prévert)."),
            ('Mathématiques', 'Réviser la table de multiplication par {table}.'),
            ('Mathématiques', 'Problème : Léo a 3 paquets de 12 billes. Il en donne 9 à sa sœur. '
                              'Combien lui en reste-t-il ?'),
            ('Sciences et technologie', "Apprendre la leçon sur les états de l'eau.")],
    'CM1': [('Français', "Apprendre la leçon sur le complément d'objet."),
            ('Français', 'Lire le chapitre {chapter} du *Petit Nicolas*.'),
            ('Mathématiques', 'Exercices {ex} et {ex2} page {page} : les fractions.'),
            ('Histoire-géographie', 'Apprendre la leçon sur Charlemagne.'),
            ('Langues vivantes', 'Revoir les jours de la semaine en anglais.')],
    'CM2': [('Français', 'Apprendre la poésie « Le Cancre » (Jacques Prévert).'),
            ('Mathématiques', 'Problème : un car transporte 48 élèves. Combien faut-il de cars '
                              'pour 210 élèves ? Expliquez votre calcul.'),
            ('Mathématiques', 'Division posée : exercices {ex} et {ex2} page {page}.'),
            ('Histoire-géographie', 'Apprendre la leçon sur la Révolution française.'),
            ('EMC', 'Préparer deux arguments pour le débat : « Faut-il des écrans à l’école ? »')],
}
WORDS = ['**maison**, **jardin**, **bonjour**, **école**, **cartable**',
         '**hiver**, **neige**, **froid**, **écharpe**, **bonnet**',
         '**famille**, **frère**, **sœur**, **parents**, **cousin**']
RATE = {'PS': 0.1, 'MS': 0.1, 'GS': 0.15, 'CP': 0.6, 'CE1': 0.6}     # per niveau and day; else 0.45
# class index (demo.CLASSES): homework for the whole class
WHOLE_CLASS = {
    0: [('Questionner le monde', "Apporter une feuille d'automne ramassée en promenade."),
        ('Arts plastiques', 'Apporter un vieux tee-shirt pour la peinture.'),
        ('Questionner le monde', 'Apporter une boîte à chaussures vide pour notre atelier.')],
    1: [('EPS', 'Prévoir une tenue de sport et des baskets.'),
        ('Éducation musicale', 'Chanter la chanson du spectacle :\n\n- le premier couplet\n'
                               '- le refrain, deux fois'),
        ('Arts plastiques', "Apporter une boîte d'œufs vide.")],
    2: [('EPS', 'Piscine : apporter maillot, bonnet et serviette dans un sac marqué au nom de '
                "l'enfant."),
        ('Sciences et technologie', "Finir l'affiche de l'exposé sur les planètes."),
        ('Français', 'Répondre à la lettre de son correspondant de Tende.')],
}
WITH_LINK = ('Sciences et technologie', 'Lire la page de Vikidia sur le système solaire et noter '
             'une question pour la classe.', 'https://fr.vikidia.org/wiki/Syst%C3%A8me_solaire')
SCHEDULED = ('Questionner le monde', "Préparer l'exposé sur un animal de la ferme des Oliviers : "
             '**trois phrases** et un dessin.')


def seed(demo):
    rng = random.Random(SEED)
    today = service.today()
    calendar = school_days(demo.school.id)
    due_days, next_day = days_to_fill(calendar, today), calendar.next_school_day(today)
    notebook = _Notebook(calendar, calendar.previous_school_day(today), _first_teachers(demo.classes))
    for index, classroom in enumerate(demo.classes):
        write = partial(notebook.write, classroom)
        _fill_class(rng, classroom, index, due_days, next_day, write)
        if index == 2:
            write(due_days[len(due_days) // 2], '', *WITH_LINK[:2], links=WITH_LINK[2])
        if index == 1:      # published tomorrow evening, due after it
            later = service.from_local(datetime.combine(today + timedelta(days=1), time(18, 0)))
            write(max(due_days[-1], calendar.next_school_day(today + timedelta(days=1))), 'CE1', *SCHEDULED,
                  publish_at=later)
    _tick(rng, demo, notebook.entries, today, next_day)


class _Notebook:
    """Writes the entries, each given on the school day before it is due (or, for those due later,
    on the last school day before today: the teacher planned ahead)."""

    def __init__(self, calendar, given_last, authors):
        self.calendar, self.given_last, self.authors = calendar, given_last, authors
        self.entries = []

    def write(self, classroom, day, niveaux, subject, text, links='', publish_at=None):
        """A Homework row, published (unless publish_at says later) at 16:30 the day it was given."""
        given_on = min(self.calendar.previous_school_day(day), self.given_last)
        written = service.from_local(datetime.combine(given_on, time(16, 30)))
        self.entries.append(Homework.create(
            classroom=classroom, author=self.authors[classroom.id], niveaux=niveaux, subject=subject,
            given_on=given_on, due_on=day, body_source=text, body_html=render_markdown(text), links=links,
            publish_at=publish_at or written, created_at=written, updated_at=written))


def _first_teachers(classes):
    """{class id: id of its first teacher} (not the staff working in it)."""
    authors = {}
    for teaching in (Teaching.select().where(Teaching.classroom.in_([c.id for c in classes])
                                             & Teaching.teacher.in_(User.with_role('teacher').select(User.id)))
                     .order_by(Teaching.id)):
        authors.setdefault(teaching.classroom_id, teaching.teacher_id)
    return authors


def days_to_fill(calendar, today):
    """The school days of this week and the next, and the next school day (the homes show it);
    when these two weeks are all holidays, the first school days after them."""
    monday = service.monday_of(today)
    found = calendar.school_days(monday, monday + timedelta(days=13))
    if not found:
        day, found = monday + timedelta(days=13), []
        while len(found) < FALLBACK_DAYS:
            day = calendar.next_school_day(day)
            found.append(day)
    return sorted(set(found) | {calendar.next_school_day(today)})


def _fill_class(rng, classroom, index, due_days, next_day, write):
    """Entries for each niveau on some days (at least one each), and for the whole class on some
    days and always on the next school day."""
    counters = dict.fromkeys(classroom.niveau_list, 0)
    pools = {niveau: [] for niveau in classroom.niveau_list}

    def for_niveau(day, niveau):
        if not pools[niveau]:      # each piece of work once, in a new order, before any comes back
            pools[niveau] = rng.sample(WORK[niveau], len(WORK[niveau]))
        subject, text = pools[niveau].pop()
        count = counters[niveau] = counters[niveau] + 1
        ex = rng.randint(1, 7)
        write(day, niveau, subject, text.format(page=28 + 2 * count, chapter=2 + count, table=rng.randint(2, 9),
                                                ex=ex, ex2=ex + rng.randint(1, 2), words=WORDS[count % len(WORDS)]))

    whole = rng.sample(WHOLE_CLASS[index], len(WHOLE_CLASS[index]))
    for day in due_days:
        for niveau in classroom.niveau_list:
            if rng.random() < RATE.get(niveau, 0.45):
                for_niveau(day, niveau)
        if day == next_day or rng.random() < 0.25:
            subject, text = whole[0]
            whole.append(whole.pop(0))
            write(day, '', subject, text)
    for niveau, count in counters.items():
        if not count:
            for_niveau(rng.choice(due_days), niveau)


def _tick(rng, demo, entries, today, next_day):
    """Pupils tick 40 % of what was due so far (of each entry: the figure does not depend on the
    day the demo is made), and some of what is due next."""
    class_ids = [c.id for c in demo.classes]
    pupils = {}
    for enrolment in Enrolment.current().where(Enrolment.classroom.in_(class_ids)).order_by(Enrolment.id):
        pupils.setdefault(enrolment.classroom_id, []).append((enrolment.pupil_id, enrolment.niveau))
    now = service.clock()
    rows = []
    for entry in entries:
        rate = TICKED if entry.due_on <= today else TICKED_AHEAD if entry.due_on == next_day else 0
        if not rate or entry.publish_at > now:
            continue
        concerned = [pupil_id for pupil_id, niveau in pupils[entry.classroom_id] if access.given_to(entry, niveau)]
        for pupil_id in rng.sample(concerned, round(len(concerned) * rate)):
            done_at = service.from_local(datetime.combine(entry.given_on, time(17))
                                         + timedelta(hours=rng.randint(1, 20)))
            rows.append({'homework': entry.id, 'pupil': pupil_id, 'created_at': min(done_at, now)})
    if rows:
        HomeworkDone.insert_many(rows).execute()
