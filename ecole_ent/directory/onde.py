"""ONDE CSV exports: pupils, guardians and (optionally) a teachers list.

ONDE files carry no identifiers, so external ids are derived from fields that do not
change during schooling (documented here because a re-import must find the same ids):

- pupil:    ``onde:`` + SHA-256("eleve|UAI|birth name|first name|YYYY-MM-DD")[:20]
- guardian: ``onde:`` + SHA-256("responsable|UAI|last name|first name|address")[:20]
- teacher:  ``onde:`` + SHA-256("enseignant|UAI|last name|first name")[:20]

Each part is folded (lowercase ASCII letters and digits only), so case, accents,
spacing and punctuation differences between exports do not change the id. The usage
name is not part of the id (it changes with marriages and divorces); it only builds the
login. A guardian is one person per distinct (last name, first name, address): rows
repeating all three are merged, the same name at two addresses is two people.

Children are referenced from guardian rows by name and class label only; every row or
child that matches no pupil is reported. Values such as ``=1+1`` are imported verbatim:
formula injection is a concern of CSV exports, not of imports.
"""
import csv
import functools
import hashlib
import io
import re
from dataclasses import replace
from pathlib import Path

from ..i18n import _
from ..text import strip_accents
from .records import ClassRef, Feed, FeedError, GuardianLink, Issue, Person
from .text import clean, csv_encoding, decode_strict, parse_date

SOURCE = 'onde'

PUPIL_COLUMNS = {
    'birth_name': ('nomeleve', 'nomdefamilleeleve', 'nom'),
    'usage_name': ('nomdusageeleve', 'nomusageeleve', 'nomdusage', 'nomusage'),
    'first_name': ('prenomeleve', 'prenom'),
    'birth_date': ('datenaissance', 'datedenaissance', 'neele', 'datedenaissanceeleve'),
    'sex': ('sexe',),
    'ine': ('ine',),
    'address': ('adresse1', 'adresse'),
    'postcode': ('cp1', 'codepostal1', 'cp', 'codepostal'),
    'city': ('commune1', 'commune', 'ville'),
    'country': ('pays1', 'pays'),
    'cycle': ('cycle',),
    'niveau': ('niveau',),
    'class_label': ('libelleclasse', 'classe', 'classeouregroupement'),
    'class_id': ('identifiantclasse',),
    'photo': ('autorisationphoto', 'autorisationsphotos', 'autorisationphotos',
              'autorisationsphoto'),
}
PUPIL_REQUIRED = ('birth_name', 'first_name', 'birth_date', 'class_label')

GUARDIAN_COLUMNS = {
    'civility': ('civiliteresponsable', 'civilite'),
    'usage_name': ('nomusageresponsable', 'nomdusageresponsable'),
    'birth_name': ('nomresponsable', 'nom'),
    'first_name': ('prenomresponsable', 'prenom'),
    'address': ('adresseresponsable', 'adresse'),
    'postcode': ('cpresponsable', 'codepostalresponsable', 'cp'),
    'city': ('communeresponsable', 'commune'),
    'country': ('paysresponsable', 'pays'),
    'email': ('courriel', 'email', 'mail'),
    'phone_home': ('telephonedomicile',),
    'phone_work': ('telephonetravail',),
    'phone_mobile': ('telephoneportable',),
    # repeated once per child (3 blocks in real exports)
    'child_usage_name': ('nomdusageenfant', 'nomusageenfant'),
    'child_name': ('nomdefamilleenfant', 'nomenfant', 'nomdefamilleeleve'),
    'child_first_name': ('prenomenfant', 'prenomeleve'),
    'child_class': ('classesenfants', 'classeenfant', 'classeseleves', 'classeenfants'),
}
GUARDIAN_REQUIRED = ('birth_name', 'first_name', 'child_first_name', 'child_class')

TEACHER_COLUMNS = {
    'civility': ('civilite',),
    'usage_name': ('nomusage', 'nomdusage'),
    'birth_name': ('nom',),
    'first_name': ('prenom',),
    'email': ('courriel', 'email'),
    'phone_home': ('telephonedomicile',),
    'phone_mobile': ('telephoneportable',),
    'director': ('directeur', 'directeurouinon'),
    'class_label': ('classe',),      # repeated once per class taught
}
TEACHER_REQUIRED = ('birth_name', 'first_name')
# How a missing required column is named to the director (the export's own spelling).
LABELS = {'birth_name': 'Nom élève / Nom responsable / Nom', 'first_name': 'Prénom',
          'birth_date': 'Date naissance', 'class_label': 'Libellé classe',
          'child_first_name': 'Prénom enfant', 'child_class': 'Classes enfants'}
# The host-organisation table that follows the guardians starts with this column.
TRAILER_FIRST_COLUMNS = ('intitule',)


def key(text):
    """Fold text for comparisons and ids: lowercase ASCII letters and digits only."""
    # Without the transliteration table: ids derived before it existed must not change.
    return re.sub(r'[^a-z0-9]', '', strip_accents(text, transliterate=False).lower())


def derived_id(kind, uai, *parts):
    digest = hashlib.sha256('|'.join([kind, uai, *map(key, parts)]).encode()).hexdigest()
    return f'{SOURCE}:{digest[:20]}'


class Table:
    """One CSV file: canonical column name -> list of positions, and its data rows."""

    def __init__(self, path, columns, required):
        self.name = Path(path).name
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise FeedError(_('{name} : fichier illisible ({error}).').format(
                name=self.name, error=exc.strerror)) from None
        text = decode_strict(data, csv_encoding(data), self.name)
        lines = text.splitlines()
        header_line = lines[0] if lines else ''
        delimiter = max(';,\t', key=header_line.count)
        reader = csv.reader(io.StringIO(text, newline=''), delimiter=delimiter)
        try:
            self._read(reader, columns, required)
        except csv.Error as exc:
            raise FeedError(_('{name} ligne {line} : CSV illisible ({error}).').format(
                name=self.name, line=reader.line_num, error=exc)) from None

    def _read(self, reader, columns, required):
        header = next(reader, None)
        if not header:
            raise FeedError(_('{name} : fichier vide.').format(name=self.name))
        aliases = {alias: canonical for canonical, names in columns.items() for alias in names}
        self.positions = {}
        for index, title in enumerate(header):
            canonical = aliases.get(key(title))
            if canonical:
                self.positions.setdefault(canonical, []).append(index)
        missing = [c for c in required if c not in self.positions]
        if missing:
            raise FeedError(_('{name} : colonne(s) {missing} introuvable(s) dans l\'en-tête.')
                            .format(name=self.name,
                                    missing=', '.join(f'« {LABELS.get(c, c)} »' for c in missing)))
        self.rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells) or key(cells[0]) in TRAILER_FIRST_COLUMNS:
                break                    # blank line or host-organisation trailer table
            self.rows.append((reader.line_num, cells))

    def where(self, line):
        return _('{name} ligne {line}').format(name=self.name, line=line)

    def get(self, cells, column, occurrence=0, line=0):
        positions = self.positions.get(column, [])
        if occurrence >= len(positions) or positions[occurrence] >= len(cells):
            return ''
        return clean(cells[positions[occurrence]], self.where(line), entities=False)

    def count(self, column):
        return len(self.positions.get(column, []))


def read_files(pupils_path, guardians_path, teachers_path=None, *, school_uai):
    """Read the ONDE exports of one school into a complete Feed (validated, nothing written)."""
    feed = Feed(source=SOURCE, kind='complete')
    pupils_table = Table(pupils_path, PUPIL_COLUMNS, PUPIL_REQUIRED)
    guardians_table = Table(guardians_path, GUARDIAN_COLUMNS, GUARDIAN_REQUIRED)
    teachers_table = (Table(teachers_path, TEACHER_COLUMNS, TEACHER_REQUIRED)
                      if teachers_path else None)
    feed.files = [t.name for t in (pupils_table, guardians_table, teachers_table) if t]
    pupils = _pupils(pupils_table, school_uai, feed)
    guardians, links = _guardians(guardians_table, pupils, school_uai, feed)
    for person in pupils.values():
        feed.people.append(_with_guardians(person, links.get(person.external_id, ())))
    feed.people.extend(guardians)
    if teachers_table:
        classes = {key(c.label): c for p in pupils.values() for c in p.classes}
        feed.people.extend(_teachers(teachers_table, classes, school_uai, feed))
    return feed


def _with_guardians(person, guardian_ids):
    links = tuple(GuardianLink(g) for g in dict.fromkeys(guardian_ids))
    return replace(person, guardians=links)


def _yes_no(value):
    value = key(value)
    if value in ('oui', 'o', 'yes', 'y', '1', 'true'):
        return True
    if value in ('non', 'n', 'no', '0', 'false'):
        return False
    return None


def _check_lost_letters(feed, where, *names):
    # ONDE writes letters outside Latin-1 as "?" (Ayşe -> Ay?e): the name is kept but said.
    for name in names:
        if '?' in name:
            feed.issues.append(Issue(where, _('« {name} » contient « ? » : une lettre a été '
                                              'perdue à l\'export, à corriger.').format(name=name)))


def _pupils(table, uai, feed):
    pupils = {}
    for line, cells in table.rows:
        where = table.where(line)
        get = functools.partial(table.get, cells, line=line)
        birth_name, usage_name, first_name = get('birth_name'), get('usage_name'), get('first_name')
        try:
            birth_date = parse_date(get('birth_date'))
        except ValueError:
            feed.issues.append(Issue(where, _('date de naissance « {value} » manquante ou '
                                              'invalide : élève ignoré.').format(
                value=get('birth_date')), skip=True))
            continue
        if not (birth_name or usage_name) or not first_name:
            feed.issues.append(Issue(where, _('nom ou prénom manquant : élève ignoré.'), skip=True))
            continue
        external_id = derived_id('eleve', uai, birth_name or usage_name, first_name,
                                 birth_date.isoformat())
        if external_id in pupils:
            feed.issues.append(Issue(where, _('élève en double (même nom, prénom et date de '
                                              'naissance) : ligne ignorée.'), external_id, True))
            continue
        _check_lost_letters(feed, where, birth_name, usage_name, first_name)
        label, class_id = get('class_label'), get('class_id')
        classes = ()
        if label:
            class_key = class_id if class_id else key(label)
            classes = (ClassRef(f'{SOURCE}:{uai}:{class_key}', label, uai),)
        else:
            feed.issues.append(Issue(where, _('élève sans classe.'), external_id))
        pupils[external_id] = Person(
            external_id=external_id, source=SOURCE, roles=frozenset({'pupil'}),
            last_name=usage_name or birth_name, first_name=first_name, birth_name=birth_name,
            birth_date=birth_date, schools=(uai,), niveau=get('niveau').upper(),
            classes=classes, image_consent=_yes_no(get('photo')) if 'photo' in table.positions
            else None, ine=get('ine').upper(),
            address=tuple(a for a in [get('address')] if a), postcode=get('postcode'),
            city=get('city'), country=get('country'))
    return pupils


class _ChildIndex:
    """Finds a pupil from a guardian row's child block: first name + class, then name."""

    def __init__(self, pupils):
        self.by_first_name = {}
        for pupil in pupils.values():
            self.by_first_name.setdefault(key(pupil.first_name), []).append(pupil)

    def find(self, usage_name, family_name, first_name, class_labels):
        names = {key(n) for n in (usage_name, family_name) if n}
        # "Classes enfants" may list several classes: match the whole text or any part of it.
        labels = {key(c) for c in [class_labels, *re.split(r'[,|]', class_labels)] if c.strip()}
        found = [p for p in self.by_first_name.get(key(first_name), [])
                 if names & {key(p.birth_name), key(p.last_name)}
                 and (not labels or labels & {key(c.label) for c in p.classes})]
        return found[0] if len(found) == 1 else None


def _named_rows(table, feed, unnamed):
    """(where, get(column, n=0), birth name, usage name, first name) for each row with a name (birth
    or usage) and a first name; any other row is reported as `unnamed` and skipped."""
    for line, cells in table.rows:
        where = table.where(line)
        get = functools.partial(table.get, cells, line=line)
        birth_name, usage_name, first_name = get('birth_name'), get('usage_name'), get('first_name')
        if not (birth_name or usage_name) or not first_name:
            feed.issues.append(Issue(where, unnamed, skip=True))
            continue
        yield where, get, birth_name, usage_name, first_name


def _guardians(table, pupils, uai, feed):
    index = _ChildIndex(pupils)
    merged = {}                      # identity key -> [fields, child ids, first line]
    for where, get, birth_name, usage_name, first_name in _named_rows(
            table, feed, _('responsable sans nom ou prénom : ligne ignorée.')):
        address = get('address')
        identity = (key(birth_name or usage_name), key(first_name),
                    key(' '.join([address, get('postcode'), get('city')])))
        children = []
        for block in range(table.count('child_first_name')):
            child = [get(c, block) for c in ('child_usage_name', 'child_name',
                                             'child_first_name', 'child_class')]
            if not any(child):
                continue
            pupil = index.find(*child)
            if pupil:
                children.append(pupil.external_id)
            else:
                feed.issues.append(Issue(where, _('enfant « {first} {name} » ({label}) introuvable '
                                                  'dans le fichier des élèves : lien ignoré.')
                                         .format(first=child[2], name=child[0] or child[1],
                                                 label=child[3])))
        _check_lost_letters(feed, where, birth_name, usage_name, first_name)
        fields = dict(civility=get('civility'), last_name=usage_name or birth_name,
                      birth_name=birth_name, first_name=first_name,
                      address=tuple(a for a in [address] if a), postcode=get('postcode'),
                      city=get('city'), country=get('country'), email=get('email'),
                      phone_home=get('phone_home'), phone_work=get('phone_work'),
                      phone_mobile=get('phone_mobile'))
        entry = merged.setdefault(identity, [fields, [], where])
        for name, value in fields.items():   # a repeated row fills what the first one lacked
            entry[0][name] = entry[0][name] or value
        entry[1].extend(children)
    return _guardian_people(merged, uai, feed)


def _guardian_people(merged, uai, feed):
    people, links = [], {}
    for identity, (fields, children, where) in merged.items():
        external_id = derived_id('responsable', uai, *identity)
        if not children:
            feed.issues.append(Issue(where, _('aucun enfant de ce responsable trouvé dans le '
                                              'fichier des élèves : compte non créé.'),
                                     external_id, skip=True))
            continue
        people.append(Person(external_id=external_id, source=SOURCE,
                             roles=frozenset({'guardian'}), **fields))
        for child in children:
            links.setdefault(child, []).append(external_id)
    return people, links


def _teachers(table, classes, uai, feed):
    people = {}
    for where, get, birth_name, usage_name, first_name in _named_rows(
            table, feed, _('enseignant sans nom ou prénom : ligne ignorée.')):
        external_id = derived_id('enseignant', uai, birth_name or usage_name, first_name)
        taught = []
        for n in range(table.count('class_label')):
            label = get('class_label', n)
            if label and key(label) in classes:
                taught.append(classes[key(label)])
            elif label:
                feed.issues.append(Issue(where, _('classe « {label} » absente du fichier des '
                                                  'élèves : lien ignoré.').format(label=label)))
        roles = {'teacher'} | ({'director'} if _yes_no(get('director')) else set())
        if external_id in people:
            feed.issues.append(Issue(where, _('enseignant en double : ligne ignorée.'),
                                     external_id, skip=True))
            continue
        people[external_id] = Person(
            external_id=external_id, source=SOURCE, roles=frozenset(roles),
            last_name=usage_name or birth_name, first_name=first_name, birth_name=birth_name,
            civility=get('civility'), schools=(uai,), classes=tuple(dict.fromkeys(taught)),
            email=get('email'), phone_home=get('phone_home'), phone_mobile=get('phone_mobile'))
    return list(people.values())
