"""LDAP source (ldap3): pull one school's people and classes, and write back logins.

The defaults follow the SDET ENT vocabulary (ENTPerson, ENTEleve, ENTAuxPersRelEleve,
ENTAuxEnseignant, ENTAuxNonEnsEtab, ENTClasse, ENTGroupe; relationship attributes hold
DNs; ``ENTEleveClasses`` = ``<structure DN>$<class cn>``); ``Settings.attributes``
overrides any attribute name. External ids are ``ldap:`` + the entry's join key
(``ENTPersonJointure``), never its name.

Write-back is the "to the directory" half of the sync: each person's ENT login goes to
``ENTPersonLogin`` and its account state to ``ecole-ent:<state>`` in a configurable
multi-valued attribute (other values of that attribute are kept). Only entries whose
values differ are modified, so a second write-back changes nothing.
"""
from dataclasses import dataclass, field

import ldap3
from ldap3.core.exceptions import LDAPBindError, LDAPException, LDAPInvalidCredentialsResult
from ldap3.core.results import RESULT_SIZE_LIMIT_EXCEEDED
from ldap3.utils.conv import escape_filter_chars

from ..i18n import _
from .records import ClassRef, Feed, FeedError, GuardianLink, Issue, Person, School
from .text import clean, parse_date

SOURCE = 'ldap'
STATE_PREFIX = 'ecole-ent:'
DEFAULT_ATTRIBUTES = {
    'join': 'ENTPersonJointure', 'login': 'ENTPersonLogin', 'last_name': 'sn',
    'first_name': 'givenName', 'birth_name': 'ENTPersonNomPatro',
    'other_first_names': 'ENTPersonAutresPrenoms', 'civility': 'personalTitle',
    'birth_date': 'ENTPersonDateNaissance', 'school': 'ENTPersonStructRattach',
    'profiles': 'ENTPersonProfils', 'email': 'mail', 'phone_home': 'homePhone',
    'phone_work': 'telephoneNumber', 'phone_mobile': 'mobile', 'address': 'ENTPersonAdresse',
    'postcode': 'ENTPersonCodePostal', 'city': 'ENTPersonVille', 'country': 'ENTPersonPays',
    'ine': 'ENTEleveINE', 'niveau': 'ENTEleveNiveau', 'pupil_classes': 'ENTEleveClasses',
    'pupil_groups': 'ENTEleveGroupes', 'guardians': 'ENTEleveAutoriteParentale',
    'teacher_classes': 'ENTAuxEnsClasses', 'directs': 'ENTEnsFonctionDir',
    'school_uai': 'ENTStructureUAI', 'school_name': 'ENTStructureNomCourant',
    'group_join': 'ENTGroupeJointure', 'group_label': 'description',
    'state': 'description',
}
ROLE_CLASSES = {'ENTEleve': 'pupil', 'ENTAuxPersRelEleve': 'guardian',
                'ENTAuxEnseignant': 'teacher', 'ENTAuxNonEnsEtab': 'staff'}
DIRECTOR_PROFILES = {'national_dir'}


@dataclass(frozen=True)
class Settings:
    url: str                                 # ldap://127.0.0.1:389 or ldaps://...
    base_dn: str
    bind_dn: str = ''
    password: str = ''
    people_filter: str = '(objectClass=ENTPerson)'
    school_filter: str = '(objectClass=ENTStructure)'
    class_filter: str = '(|(objectClass=ENTClasse)(objectClass=ENTGroupe))'
    write_back: bool = False
    timeout: int = 10
    attributes: dict = field(default_factory=dict)   # overrides of DEFAULT_ATTRIBUTES

    def attr(self, name):
        return self.attributes.get(name) or DEFAULT_ATTRIBUTES[name]


def connect(settings):
    """A bound connection, or FeedError saying why the directory cannot be reached."""
    try:
        server = ldap3.Server(settings.url, connect_timeout=settings.timeout, get_info=ldap3.NONE)
        return ldap3.Connection(server, settings.bind_dn or None, settings.password or None,
                                auto_bind=True, receive_timeout=settings.timeout,
                                raise_exceptions=True)
    except (LDAPBindError, LDAPInvalidCredentialsResult):
        raise FeedError(_('Annuaire LDAP {url} : compte ou mot de passe refusé ({dn}). Rien n\'a '
                          'été modifié.').format(url=settings.url, dn=settings.bind_dn or _('anonyme'))
                        ) from None
    except LDAPException as exc:
        raise FeedError(_('Annuaire LDAP injoignable ({url}) : {error}. Rien n\'a été modifié.')
                        .format(url=settings.url, error=exc)) from None


def search(conn, base, query, attributes):
    try:
        return conn.extend.standard.paged_search(base, query, ldap3.SUBTREE, attributes=attributes,
                                                 paged_size=500, generator=False)
    except LDAPException as exc:
        raise FeedError(_('Recherche LDAP impossible ({base}) : {error}. Rien n\'a été modifié.')
                        .format(base=base, error=exc)) from None


def count(settings, query, limit):
    """(people found, True if there are more): at most `limit` entries are asked for, no
    attributes, so a test of an academy's whole directory stays quick."""
    conn = connect(settings)
    try:
        conn.search(settings.base_dn, query, ldap3.SUBTREE, attributes=[ldap3.NO_ATTRIBUTES],
                    size_limit=limit)
        more = conn.result['result'] == RESULT_SIZE_LIMIT_EXCEEDED   # not raised by ldap3
        return sum(1 for e in conn.response or [] if e.get('type') == 'searchResEntry'), more
    except LDAPException as exc:
        raise FeedError(_('Recherche LDAP impossible ({base}) : {error}. Rien n\'a été modifié.')
                        .format(base=settings.base_dn, error=exc)) from None
    finally:
        conn.unbind()


def _values(entry, name, where):
    raw = entry['attributes'].get(name, [])
    raw = raw if isinstance(raw, list) else [raw]
    return [clean(str(v), where, entities=False) for v in raw if v not in (None, '')]


def _one(entry, name, where):
    return next(iter(_values(entry, name, where)), '')


def read(settings, school_uai):
    """Pull the people and classes of one school into a complete Feed (nothing written)."""
    unknown = sorted(set(settings.attributes) - set(DEFAULT_ATTRIBUTES))
    if unknown:
        raise FeedError(_('directory.ldap_attributes : clé(s) inconnue(s) {keys} (connues : '
                          '{known}).').format(keys=', '.join(unknown),
                                              known=', '.join(sorted(DEFAULT_ATTRIBUTES))))
    conn = connect(settings)
    try:
        return _Reader(settings, conn, school_uai).feed()
    finally:
        conn.unbind()


class _Reader:
    def __init__(self, settings, conn, uai):
        self.s, self.conn, self.uai = settings, conn, uai

    def feed(self):
        school_dn, school = self._school()
        feed = Feed(source=SOURCE, kind='complete', schools=[school], files=[self.s.url])
        groups = self._groups(school_dn)
        attr = self.s.attr
        query = f'(&{self.s.people_filter}({attr("school")}={escape_filter_chars(school_dn)}))'
        wanted = sorted({attr(k) for k in DEFAULT_ATTRIBUTES
                         if not k.startswith(('school_', 'group_'))} | {'objectClass'})
        entries = [e for e in search(self.conn, self.s.base_dn, query, wanted)
                   if e.get('type') == 'searchResEntry']
        ids = {e['dn'].lower(): self._external_id(e) for e in entries}
        for entry in entries:
            person = self._person(entry, school_dn, groups, ids, feed)
            if person:
                feed.people.append(person)
        return feed

    def _school(self):
        attr = self.s.attr
        query = f'(&{self.s.school_filter}({attr("school_uai")}={escape_filter_chars(self.uai)}))'
        found = [e for e in search(self.conn, self.s.base_dn, query,
                                    [attr('school_uai'), attr('school_name')])
                 if e.get('type') == 'searchResEntry']
        if not found:
            raise FeedError(_('École {uai} introuvable dans l\'annuaire LDAP : rien n\'a été '
                              'importé.').format(uai=self.uai))
        entry = found[0]
        return entry['dn'], School(uai=self.uai, name=_one(entry, attr('school_name'), entry['dn']),
                                   external_id=f'{SOURCE}:{entry["dn"]}')

    def _groups(self, school_dn):
        """Class and group entries under the school: cn (lowercase) -> ClassRef."""
        attr = self.s.attr
        groups = {}
        for entry in search(self.conn, school_dn, self.s.class_filter,
                             ['cn', attr('group_join'), attr('group_label')]):
            if entry.get('type') != 'searchResEntry':
                continue
            cn = _one(entry, 'cn', entry['dn'])
            join = _one(entry, attr('group_join'), entry['dn']) or cn
            label = _one(entry, attr('group_label'), entry['dn']) or cn
            groups[cn.lower()] = ClassRef(f'{SOURCE}:{join}', label, self.uai)
        return groups

    def _external_id(self, entry):
        join = _one(entry, self.s.attr('join'), entry['dn'])
        return f'{SOURCE}:{join}' if join else f'{SOURCE}:{entry["dn"]}'

    def _refs(self, entry, name, school_dn, groups, feed):
        refs = []
        for value in _values(entry, self.s.attr(name), entry['dn']):
            structure, _sep, cn = value.rpartition('$')
            ref = groups.get(cn.lower()) if structure.lower() == school_dn.lower() else None
            if ref:
                refs.append(ref)
            else:
                feed.issues.append(_issue(entry['dn'], _('classe « {value} » introuvable dans '
                                                          'l\'école : lien ignoré.').format(value=value)))
        return tuple(dict.fromkeys(refs))

    def _person(self, entry, school_dn, groups, ids, feed):
        dn, attr = entry['dn'], self.s.attr
        one = lambda name: _one(entry, attr(name), dn)  # noqa: E731
        classes = {str(c) for c in entry['attributes'].get('objectClass', [])}
        roles = {role for cls, role in ROLE_CLASSES.items() if cls in classes}
        profiles = {p.lower() for p in _values(entry, attr('profiles'), dn)}
        directs = {d.lower() for d in _values(entry, attr('directs'), dn)}
        if school_dn.lower() in directs or profiles & DIRECTOR_PROFILES:
            roles.add('director')
        if not roles:
            feed.issues.append(_issue(dn, _('aucun profil reconnu : personne ignorée.'),
                                      skip=True, external_id=ids[dn.lower()]))
            return None
        try:
            birth_date = parse_date(one('birth_date')) if one('birth_date') else None
        except ValueError:
            birth_date = None
            feed.issues.append(_issue(dn, _('date de naissance « {value} » invalide.').format(
                value=one('birth_date'))))
        guardians = tuple(GuardianLink(ids.get(g.lower(), f'{SOURCE}:{g}'))
                          for g in _values(entry, attr('guardians'), dn))
        pupil = 'pupil' in roles
        return Person(
            external_id=ids[dn.lower()], source=SOURCE, roles=frozenset(roles),
            last_name=one('last_name'), first_name=one('first_name'),
            birth_name=one('birth_name'),
            other_first_names=tuple(_values(entry, attr('other_first_names'), dn)),
            civility=one('civility'), birth_date=birth_date,
            schools=() if roles == {'guardian'} else (self.uai,),
            niveau=one('niveau').upper(),
            classes=self._refs(entry, 'pupil_classes' if pupil else 'teacher_classes', school_dn,
                               groups, feed),
            groups=self._refs(entry, 'pupil_groups', school_dn, groups, feed) if pupil else (),
            guardians=guardians if pupil else (), ine=one('ine').upper(), email=one('email'),
            phone_home=one('phone_home'), phone_work=one('phone_work'),
            phone_mobile=one('phone_mobile'),
            address=tuple(line.strip() for line in one('address').split('$') if line.strip()),
            postcode=one('postcode'), city=one('city'), country=one('country'))


def _issue(where, message, skip=False, external_id=None):
    return Issue(where, message, external_id, skip)


def write_back(settings, accounts):
    """Write each account's login and state to its entry; returns (modified, errors).

    ``accounts`` is an iterable of (external_id, login, status) for this source.
    """
    if not settings.write_back:
        return 0, []
    attr = settings.attr
    wanted = {ext: (login, status) for ext, login, status in accounts if ext.startswith(SOURCE + ':')}
    conn = connect(settings)
    modified, errors = 0, []
    try:
        entries = search(conn, settings.base_dn, settings.people_filter,
                          [attr('join'), attr('login'), attr('state')])
        for entry in entries:
            if entry.get('type') != 'searchResEntry':
                continue
            join = _one(entry, attr('join'), entry['dn'])
            if f'{SOURCE}:{join}' not in wanted:
                continue
            login, status = wanted[f'{SOURCE}:{join}']
            changes = _changes(entry, login, status, attr)
            if not changes:
                continue
            try:
                conn.modify(entry['dn'], changes)
                modified += 1
            except LDAPException as exc:
                errors.append(_('{dn} : écriture refusée par l\'annuaire ({error}).').format(
                    dn=entry['dn'], error=exc))
    finally:
        conn.unbind()
    return modified, errors


def _changes(entry, login, status, attr):
    changes = {}
    if _one(entry, attr('login'), entry['dn']) != login:
        changes[attr('login')] = [(ldap3.MODIFY_REPLACE, [login])]
    states = _values(entry, attr('state'), entry['dn'])
    kept = [v for v in states if not v.startswith(STATE_PREFIX)]
    if states != kept + [STATE_PREFIX + status]:
        changes[attr('state')] = [(ldap3.MODIFY_REPLACE, kept + [STATE_PREFIX + status])]
    return changes
