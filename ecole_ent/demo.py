"""The demo school « École des Mimosas » (0061234A): classes, pupils, families, staff.

Every account's password is `demo` (one hash computed once serves them all) and is never forced to
change. Each feature adds lived-in content through its own demo.seed(demo).
"""
import random
from dataclasses import dataclass, field
from datetime import date

from . import features, security
from .accounts import service as accounts
from .accounts.logins import unique_login
from .db import writing
from .models import Classroom, Enrolment, GuardianLink, School, Teaching, User

UAI = '0061234A'
NAME = 'École des Mimosas'
PASSWORD = 'demo'
# The accounts the README names, one per kind of user: `serve --demo` and `demo` print them.
ACCOUNTS = (('julien.roux', 'enseignant CP-CE1'), ('sophie.lefevre-martin', 'directrice'),
            ('aurelie.dubois', 'parent'), ('zoe.dubois', 'élève'), ('nadia.belkacem', 'ATSEM'),
            ('admin', 'administrateur'))


def accounts_line():
    """One line naming the demo's accounts and their password, for the console."""
    return ('comptes de démonstration (mot de passe : %s) : ' % PASSWORD
            + ', '.join(f'{login} ({role})' for login, role in ACCOUNTS))

CLASSES = [('Maternelle PS-MS-GS', 'PS,MS,GS'), ('CP-CE1', 'CP,CE1'), ('CE2-CM1-CM2', 'CE2,CM1,CM2')]
STAFF = [  # first name, last name, roles, class index taught (or None)
    ('Claire', 'Fontaine', 'teacher', 0),
    ('Julien', 'Roux', 'teacher', 1),
    ('Inès', 'Haddad', 'teacher', 2),
    ('Sophie', 'Lefèvre-Martin', 'teacher,director', 2),
    ('Nadia', 'Belkacem', 'staff', 0),
]
FIRST_NAMES = ['Léa', 'Gabriel', 'Chloé', 'Raphaël', 'Inès', 'Louis', 'Jade', 'Arthur', 'Zoé', 'Noé',
               'Manon', 'Éloïse', 'Timéo', 'Anaïs', 'Maël', 'Lina', 'Sacha', 'Camille', 'Yanis',
               'Maëlys', 'Hugo', 'Ambre', 'Nathan', 'Lou', 'Adam', 'Romane', 'Jules', 'Léna',
               'Théo', 'Ayşe', 'Mathis', 'Clémence', 'Amir', 'Océane', 'Enzo', 'Héloïse', 'Lucas',
               'Margaux', 'Rayan', 'Célia']
LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Lefèvre', 'Moreau', 'Girard', "D'Almeida", "N'Diaye",
              'Le Goff', 'Martin-Rousseau', 'Faure', 'Roussel', 'Benoît', 'Giraud', 'Mercier',
              'Blanc', 'Guérin', 'Boyer', 'Garnier', 'Chevalier', 'Lambert', 'Bonnet', 'Perrin',
              'Morel', 'Nguyen', 'Da Silva', 'Œuvrard', 'Carré', 'Bouchard', 'Lemaître', 'Ferrand',
              'Aubert', 'Pagès', 'Brun', 'Colin', 'Vidal', 'Rolland', 'Marchand', 'Caron', 'Baptiste']
ADULT_FIRST = {'mother': ['Sandrine', 'Émilie', 'Aurélie', 'Nathalie', 'Fatima', 'Céline', 'Hélène',
                          'Julie', 'Karine', 'Laëtitia', 'Marion', 'Stéphanie'],
               'father': ['Thomas', 'Nicolas', 'Sébastien', 'Mehdi', 'Jérôme', 'François', 'Olivier',
                          'Cédric', 'Grégory', 'Loïc', 'Mathieu', 'Rémi']}
NIVEAU_AGES = {'PS': 3, 'MS': 4, 'GS': 5, 'CP': 6, 'CE1': 7, 'CE2': 8, 'CM1': 9, 'CM2': 10}


@dataclass
class DemoSchool:
    """What the demo seeds, handed to each feature's demo.seed() to build on."""
    school: School
    classes: list
    teachers: list = field(default_factory=list)
    director: User = None
    staff: list = field(default_factory=list)
    admin: User = None
    pupils: list = field(default_factory=list)          # (pupil, classroom)
    guardians: list = field(default_factory=list)
    rng: random.Random = None


def exists():
    return School.select().where(School.uai == UAI).exists()


def seed():
    """Create the demo school and let every feature add its content; returns the DemoSchool."""
    rng = random.Random(1234)
    password_hash = security.hash_password(PASSWORD)
    with writing():
        demo = _seed_people(rng, password_hash)
        for module in features.modules('demo'):
            module.seed(demo)
    return demo


def _seed_people(rng, password_hash):
    school = accounts.ensure_school(UAI, NAME)
    year = school.current_year()
    classes = [Classroom.create(school=school, year=year, name=name, niveaux=niveaux)
               for name, niveaux in CLASSES]
    demo = DemoSchool(school=school, classes=classes, rng=rng)
    taken = set()

    def person(first, last, roles, **extra):
        login = unique_login(first, last, taken)
        taken.add(login)
        return User.create(login=login, first_name=first, last_name=last, roles=roles,
                           school=school, password_hash=password_hash, **extra)

    for first, last, roles, class_index in STAFF:
        user = person(first, last, roles)
        if class_index is not None:
            Teaching.create(teacher=user, classroom=classes[class_index])
        if 'teacher' in roles:
            demo.teachers.append(user)
        if 'director' in roles:
            demo.director = user
        if roles == 'staff':
            demo.staff.append(user)
    demo.admin = User.create(login='admin', first_name='Service', last_name='informatique',
                             roles='admin', password_hash=password_hash)
    _seed_families(demo, person, rng)
    return demo


def _seed_families(demo, person, rng):
    """About 60 pupils in 45 families; some siblings in two classes, some separated parents."""
    today = date.today()
    # The first family is fixed: the README shows its logins (aurelie.dubois, zoe.dubois).
    surnames = ['Dubois'] + rng.sample([n for n in LAST_NAMES if n != 'Dubois'], 39) \
        + rng.sample(LAST_NAMES, 5)
    consents = ['granted'] * 17 + ['refused', 'unknown']
    count = 0
    for index, surname in enumerate(surnames):
        children = 2 if index % 3 == 0 else 1
        family = []
        for child in range(children):
            classroom = demo.classes[count % 3]      # siblings land in different classes
            niveau = rng.choice(classroom.niveau_list)
            first = ('Zoé', 'Noé')[child] if index == 0 else FIRST_NAMES[count % len(FIRST_NAMES)]
            count += 1
            pupil = person(first, surname, 'pupil', image_rights=rng.choice(consents))
            Enrolment.create(pupil=pupil, classroom=classroom, niveau=niveau,
                             started_on=date(today.year if today.month >= 9 else today.year - 1, 9, 1))
            demo.pupils.append((pupil, classroom))
            family.append(pupil)
        separated = index % 5 == 1
        guardians = [('mother', surname if not separated else rng.choice(LAST_NAMES))]
        if index % 4 != 3:
            guardians.append(('father', surname))
        for relation, last in guardians:
            first = {'mother': 'Aurélie', 'father': 'Thomas'}[relation] if index == 0 \
                else rng.choice(ADULT_FIRST[relation])
            guardian = person(first, last, 'guardian',
                              email=None if index % 6 == 5 else f'famille{index}@example.org')
            for pupil in family:
                GuardianLink.create(guardian=guardian, pupil=pupil, relation=relation,
                                    legal_authority=True)
            demo.guardians.append(guardian)
