"""AAF1D feeds: the academy's XML files (Complet snapshots and Delta requests).

A set of files is ``<prefix>_<Complet|Delta>_<YYYYMMDD>_<Category>_<NNNN>.xml``. The
whole set is read and validated before anything is returned: a missing category or
chunk, a truncated file, a file that declares entities, bytes that do not match the
declared encoding, each refuses the set (FeedError) so nobody is marked missing because
of a bad file. Problems with one value or one link are kept as issues.

Parsing uses defusedxml: entity declarations are refused (billion laughs, external
entities), and the DTD a feed names in its DOCTYPE is never opened.
"""
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import _
from .records import ClassRef, Feed, FeedError, GuardianLink, Issue, Person, Request, School
from .text import clean, decode_strict, html_entities_to_xml, parse_date, repair_order, xml_encoding

SOURCE = 'aaf1d'
FILE_NAME = re.compile(
    r'^(?P<prefix>.+?)_(?P<kind>Complet|Delta)_(?P<date>[0-9]{8})_'
    r'(?P<category>EtabEducNat|Eleve|PersRelEleve|PersEducNat|MatiereEducNat|MefEducNat)'
    r'_(?P<chunk>[0-9]{4})\.xml$')
# Reading order: schools first (they resolve structure ids), then pupils, guardians, staff.
CATEGORIES = ('EtabEducNat', 'Eleve', 'PersRelEleve', 'PersEducNat')
IGNORED_CATEGORIES = ('MatiereEducNat', 'MefEducNat')     # 2D only
UAI = re.compile(r'^[0-9]{7}[A-Z]$')
_XML_DECL = re.compile(r'^\s*<\?xml[^>]*\?>')
OPS = {'addRequest': 'add', 'modifyRequest': 'modify', 'deleteRequest': 'delete'}


@dataclass
class FeedSet:
    """The files of one feed: same prefix, kind and date."""
    prefix: str
    kind: str                      # 'Complet' | 'Delta'
    date: str                      # YYYYMMDD
    files: dict = field(default_factory=dict)   # category -> [(chunk, Path)]

    @property
    def label(self):
        return f'{self.prefix}_{self.kind}_{self.date}'

    def paths(self):
        return [path for category in CATEGORIES
                for _chunk, path in sorted(self.files.get(category, []))]


def find_sets(paths):
    """Group the AAF files found in ``paths`` (files or folders) into sets, oldest first.

    The category is matched as a whole word between underscores, so
    ``PersRelEleve_0000.xml`` is never taken for an ``Eleve`` chunk.
    """
    sets = {}
    for path in _expand(paths):
        match = FILE_NAME.match(path.name)
        if not match or match['category'] in IGNORED_CATEGORIES:
            continue
        key = (match['prefix'], match['kind'], match['date'])
        feed_set = sets.setdefault(key, FeedSet(*key))
        feed_set.files.setdefault(match['category'], []).append((int(match['chunk']), path))
    return sorted(sets.values(), key=lambda s: (s.date, s.kind != 'Complet', s.prefix))


def _expand(paths):
    for path in map(Path, [paths] if isinstance(paths, (str, Path)) else paths):
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.is_file())
        elif path.is_file():
            yield path
        else:
            raise FeedError(_('{path} : fichier ou dossier introuvable.').format(path=path))


def read_paths(paths, structures=None):
    """Read the only feed set found in ``paths``; several sets must be read one by one."""
    sets = find_sets(paths)
    if not sets:
        raise FeedError(_('Aucun fichier AAF reconnu (nom attendu : '
                          'PREFIXE_Complet_AAAAMMJJ_Eleve_0000.xml).'))
    if len(sets) > 1:
        raise FeedError(_('Plusieurs jeux de fichiers AAF : {sets}. Importez-les un par un.')
                        .format(sets=', '.join(s.label for s in sets)))
    return read_set(sets[0], structures)


def read_set(feed_set, structures=None):
    """Parse and validate every file of ``feed_set`` into a Feed.

    ``structures`` maps AAF structure ids to UAIs learnt from earlier Complet sets, so a
    Delta without an EtabEducNat file can still place people in their school.
    """
    _check_complete(feed_set)
    reader = _Reader(feed_set, dict(structures or {}))
    for path in feed_set.paths():
        reader.read_file(path)
    return reader.feed


def _check_complete(feed_set):
    if feed_set.kind == 'Complet':
        missing = [c for c in CATEGORIES if c not in feed_set.files]
        if missing:
            raise FeedError(_('Jeu Complet {label} incomplet : fichier(s) {missing} absent(s). '
                              'Rien n\'a été importé.').format(label=feed_set.label,
                                                               missing=', '.join(missing)))
    for category, chunks in feed_set.files.items():
        numbers = sorted(n for n, _path in chunks)
        if numbers != list(range(len(numbers))):
            raise FeedError(_('Jeu {label} : morceaux {category} non consécutifs ({numbers}). '
                              'Rien n\'a été importé.').format(
                label=feed_set.label, category=category,
                numbers=', '.join(f'{n:04d}' for n in numbers)))


def parse_xml(path):
    """The root element of one feed file, decoded strictly and parsed safely, and its encoding.
    The XML parsers are imported here, by a sync, not by every serving process (0.8 MB)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException, EntitiesForbidden
    from defusedxml import ElementTree as SafeET
    name = Path(path).name
    data = Path(path).read_bytes()
    encoding = xml_encoding(data, name)
    text = decode_strict(data, encoding, name)
    text = html_entities_to_xml(_XML_DECL.sub('', text, count=1))
    try:
        root = SafeET.fromstring(text, forbid_dtd=False, forbid_entities=True,
                                 forbid_external=True)
    except EntitiesForbidden:
        raise FeedError(_('{name} : le fichier déclare des entités XML ; refusé par sécurité.')
                        .format(name=name)) from None
    except DefusedXmlException:
        raise FeedError(_('{name} : référence externe interdite ; refusé par sécurité.')
                        .format(name=name)) from None
    except ParseError as exc:
        line, column = exc.position
        raise FeedError(_('{name} : XML tronqué ou mal formé (ligne {line}, colonne {column}). '
                          'Rien n\'a été importé.').format(name=name, line=line,
                                                           column=column)) from None
    if root.tag != 'ficAlimMENESR':
        raise FeedError(_('{name} : élément racine « {tag} » inattendu (ficAlimMENESR attendu).')
                        .format(name=name, tag=root.tag))
    return root, encoding


def _one(values):
    return next((v for v in values if v), '')


def _all(values):
    return tuple(dict.fromkeys(v for v in values if v))


def _yes(values, default):
    value = _one(values).upper()
    return default if not value else value in ('O', 'Y', 'OUI')


class _Reader:
    """Turns the requests of each file into records, in document order."""

    def __init__(self, feed_set, structures):
        kind = 'complete' if feed_set.kind == 'Complet' else 'delta'
        self.feed = Feed(source=SOURCE, kind=kind)
        self.structures = structures           # AAF structure id -> UAI
        self.repair = repair_order('utf-8')    # per file: its own encoding tried first

    def issue(self, where, message, external_id=None, skip=False):
        self.feed.issues.append(Issue(where, message, external_id, skip))

    def read_file(self, path):
        category = FILE_NAME.match(path.name)['category']
        self.feed.files.append(path.name)
        root, encoding = parse_xml(path)
        self.repair = repair_order(encoding)
        for index, element in enumerate(root, 1):
            where = _('{name}, requête {index}').format(name=path.name, index=index)
            op, identifier, attrs = self._request(element, category, where)
            if category == 'EtabEducNat':
                self._school(op, identifier, attrs, where)
            else:
                self._person(op, category, identifier, attrs, where)

    def _request(self, element, category, where):
        op = OPS.get(element.tag)
        if op is None:
            raise FeedError(_('{where} : élément « {tag} » inconnu.').format(
                where=where, tag=element.tag))
        if op != 'add' and self.feed.kind == 'complete':
            raise FeedError(_('{where} : requête {op} dans un fichier Complet.').format(
                where=where, op=element.tag))
        operational = element.find('operationalAttributes/attr')
        declared = _one(self.values(operational, where)) if operational is not None else ''
        if declared != category:
            raise FeedError(_('{where} : catégorie « {declared} » dans un fichier {category}.')
                            .format(where=where, declared=declared, category=category))
        identifier = clean(element.findtext('identifier/id') or '', where, encodings=self.repair)
        if not identifier:
            raise FeedError(_('{where} : identifiant manquant.').format(where=where))
        body = element.find('attributes' if op == 'add' else 'modifications')
        attrs = {}
        for attr in (body if body is not None else []):
            attrs[attr.get('name', '')] = self.values(attr, where)
        return op, identifier, attrs

    def values(self, element, where):
        return [clean(v.text or '', where, encodings=self.repair) for v in element.findall('value')]

    def _school(self, op, identifier, attrs, where):
        if op == 'delete':
            return
        uai = _one(attrs.get('ENTStructureUAI', [])).upper()
        if not UAI.match(uai):
            raise FeedError(_('{where} : UAI « {uai} » invalide (7 chiffres et une lettre).')
                            .format(where=where, uai=uai))
        self.structures[identifier] = uai
        name = _one(attrs.get('ENTStructureNomCourant', [])).replace('$', ' - ')
        self.feed.schools.append(School(
            uai=uai, name=name, external_id=f'{SOURCE}:{identifier}',
            address=_address(self, attrs.get('ENTStructureAdresse', []), where),
            postcode=_one(attrs.get('ENTStructureCodePostal', [])),
            city=_one(attrs.get('ENTStructureVille', []))))

    def _person(self, op, category, identifier, attrs, where):
        external_id = f'{SOURCE}:{identifier}'
        if op == 'delete':
            request = Request('delete', external_id, where=where)
        elif op == 'add':
            fields = self._fields(category, attrs, where)
            fields['roles'] = _ROLES[category] if category != 'PersEducNat' \
                else frozenset(_staff_roles(attrs, set()))
            if not fields.get('first_name'):
                fields['first_name'] = next(iter(fields.get('other_first_names', ())), '')
            person = Person(external_id=external_id, source=SOURCE, **fields)
            if not (person.last_name or person.first_name):
                self.issue(where, _('personne sans nom, ignorée.'), external_id, skip=True)
                return
            if self.feed.kind == 'complete':
                self.feed.people.append(person)
                return
            request = Request('add', external_id, person=person, where=where)
        else:
            changes = self._fields(category, attrs, where)
            add, remove = set(), set()
            if category == 'PersEducNat':
                roles = _staff_roles(attrs, None)
                add, remove = roles['add'], roles['remove']
            request = Request('modify', external_id, changes=tuple(changes.items()),
                              roles_add=frozenset(add), roles_remove=frozenset(remove),
                              where=where)
        self.feed.requests.append(request)

    def _fields(self, category, attrs, where):
        fields = {}
        for name, values in attrs.items():
            convert = _FIELDS[category].get(name)
            if convert:
                field_name, function = convert
                fields[field_name] = function(self, values, where)
        return fields

    # value converters: (reader, values, where) -> field value

    def date(self, values, where):
        value = _one(values)
        if not value:
            return None
        try:
            return parse_date(value)
        except ValueError:
            self.issue(where, _('date « {value} » invalide, ignorée.').format(value=value))
            return None

    def schools(self, values, where):
        uais = []
        for value in _all(values):
            uai = self.structures.get(value.split('$', 1)[0])
            if uai:
                uais.append(uai)
            else:
                self.issue(where, _('structure {id} absente du flux : rattachement ignoré.')
                           .format(id=value))
        return tuple(dict.fromkeys(uais))

    def classes(self, values, where):
        refs = []
        for value in _all(values):
            # <schoolId>$<f1>$<f2>$<classId>$<label>: the label may itself hold "$".
            parts = value.split('$', 4)
            if len(parts) == 5:
                school, class_id, label = parts[0], parts[3], parts[4]
            elif len(parts) == 3:        # 2013 format: school$type$name
                school, class_id, label = parts[0], parts[2], parts[2]
            else:
                self.issue(where, _('classe « {value} » illisible, ignorée.').format(value=value))
                continue
            uai = self.structures.get(school)
            if not uai or not class_id:
                self.issue(where, _('classe « {value} » d\'une structure absente du flux, '
                                    'ignorée.').format(value=value))
                continue
            refs.append(ClassRef(f'{SOURCE}:{class_id}', label or class_id, uai))
        return tuple(refs)

    def guardians(self, values, where):
        # entcore keeps the text before the first "$" (the suffix is undocumented).
        ids = _all(v.split('$', 1)[0].strip() for v in values)
        return tuple(GuardianLink(f'{SOURCE}:{i}', legal_authority=True) for i in ids if i)


def _text(reader, values, where):
    return _one(values)


def _texts(reader, values, where):
    return _all(values)


def _upper_first(reader, values, where):
    return _one(values).upper()


def _address(reader, values, where):
    return tuple(line.strip() for v in _all(values) for line in v.split('$') if line.strip())


def _share(reader, values, where):
    return _yes(values, True)


_ROLES = {'Eleve': frozenset({'pupil'}), 'PersRelEleve': frozenset({'guardian'})}
_COMMON = {
    'ENTPersonNom': ('last_name', _text),
    'ENTPersonNomPatro': ('birth_name', _text),
    'ENTPersonPrenom': ('first_name', _text),
    'ENTPersonAutresPrenoms': ('other_first_names', _texts),
    'ENTPersonCivilite': ('civility', _text),
    'ENTPersonDateNaissance': ('birth_date', _Reader.date),
    'ENTPersonMail': ('email', _text),
}
_FIELDS = {
    'Eleve': {**_COMMON,
              'ENTEleveINE': ('ine', _upper_first),
              'ENTPersonStructRattach': ('schools', _Reader.schools),
              'ENTPersonClasses': ('classes', _Reader.classes),
              'ENTPersonGroupes': ('groups', _Reader.classes),
              'ENTEleveAutoriteParentale': ('guardians', _Reader.guardians),
              'ENTEleveNiveau': ('niveau', _upper_first)},
    'PersRelEleve': {**_COMMON,
                     'ENTPersonTelPerso': ('phone_home', _text),
                     'ENTPersRelEleveTelPro': ('phone_work', _text),
                     'ENTPersRelEleveTelMobile': ('phone_mobile', _text),
                     'ENTPersonAdresse': ('address', _address),
                     'ENTPersonCodePostal': ('postcode', _text),
                     'ENTPersonVille': ('city', _text),
                     'ENTPersonPays': ('country', _text),
                     'ENTPersonAdresseDiffusion': ('share_address', _share)},
    'PersEducNat': {**_COMMON,
                    'ENTPersonStructRattach': ('schools', _Reader.schools)},
}


def _function_codes(attrs):
    # <structId>$<functionCode>$<functionLabel>$<postCode>$<postLabel>
    return {v.split('$', 4)[1].strip().upper() for v in _all(attrs.get('ENTPersonFonctions', []))
            if v.count('$') >= 1}


def _staff_roles(attrs, base):
    """Roles of an Education nationale person.

    With ``base`` a set (addRequest) it returns the full role set. With ``base`` None
    (modifyRequest) it returns {'add': ..., 'remove': ...} from the attributes listed
    only, leaving a role alone when the listed attributes do not decide it.
    """
    category = _one(attrs.get('ENTPersonCategorieEnseignant', [])).upper()
    codes = _function_codes(attrs) if 'ENTPersonFonctions' in attrs else None
    directs = _all(attrs.get('ENTEnsFonctionDir', [])) if 'ENTEnsFonctionDir' in attrs else None
    teaches = category in ('O', 'Y') or bool(codes and codes & {'ENS', 'DOC'})
    teacher_known = bool(category) or teaches
    directs_school = bool(directs) or bool(codes and 'DIR' in codes)
    if base is not None:
        roles = {'teacher' if teaches else 'staff'}
        return roles | ({'director'} if directs_school else set())
    add, remove = set(), set()
    if teacher_known:
        add.add('teacher' if teaches else 'staff')
        remove.add('staff' if teaches else 'teacher')
    if directs_school:
        add.add('director')
    elif directs is not None:
        remove.add('director')
    return {'add': add, 'remove': remove}
