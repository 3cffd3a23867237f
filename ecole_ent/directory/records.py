"""Plain records that directory sources produce and the plan that compares them.

Sources (aaf1d.py, onde.py, ldap.py) read files or a directory server into a ``Feed`` of
``Person`` records; plan.py compares a feed with a ``Snapshot`` of the accounts already
imported and returns a ``Plan`` of ``Change`` lines. Nothing here touches the database
or the web layer, so every step can be tested on plain values.
"""
import dataclasses
import datetime
from dataclasses import dataclass, field

ROLES = ('pupil', 'guardian', 'teacher', 'director', 'staff')
SOURCES = ('aaf1d', 'onde', 'ldap')
ACTIONS = ('created', 'updated', 'moved', 'deactivated', 'reactivated', 'unchanged', 'skipped')


class FeedError(Exception):
    """The input cannot be imported at all; the message is French and names the file."""


@dataclass(frozen=True)
class ClassRef:
    """A class (or functional group) as a source names it."""
    external_id: str       # namespaced by source: 'aaf1d:CL10001', 'onde:0061234A:4521'
    label: str
    school_uai: str


@dataclass(frozen=True)
class GuardianLink:
    """A pupil -> guardian link, always read from the pupil's side."""
    external_id: str
    relation: str = ''             # free text when the source says it ('grand-mère'), else ''
    legal_authority: bool = True


@dataclass(frozen=True)
class Person:
    """One person as a source describes them; immutable so plans can compare by value."""
    external_id: str               # namespaced by source: 'aaf1d:3100001'
    source: str
    roles: frozenset
    last_name: str                 # usage name, the one the login is built from
    first_name: str                # usual first name
    birth_name: str = ''
    other_first_names: tuple = ()
    civility: str = ''
    birth_date: datetime.date | None = None
    schools: tuple = ()            # UAIs the person belongs to
    niveau: str = ''               # TPS, PS, MS, GS, CP, CE1, CE2, CM1, CM2
    classes: tuple = ()            # ClassRef: a pupil's class, or the classes a teacher teaches
    groups: tuple = ()             # ClassRef of functional groups
    guardians: tuple = ()          # GuardianLink, pupils only
    image_consent: bool | None = None   # None: the source does not say
    ine: str = ''
    email: str = ''
    phone_home: str = ''
    phone_work: str = ''
    phone_mobile: str = ''
    address: tuple = ()            # address lines
    postcode: str = ''
    city: str = ''
    country: str = ''
    share_address: bool = True     # AAF ENTPersonAdresseDiffusion

    @property
    def display_name(self):
        return f'{self.first_name} {self.last_name}'.strip()

    def classes_in(self, uai):
        return tuple(c for c in self.classes if c.school_uai == uai)

    def to_dict(self):
        """JSON-ready dict (what apply stores, so the next run can compare)."""
        data = dataclasses.asdict(self)
        data['roles'] = sorted(self.roles)
        data['birth_date'] = self.birth_date.isoformat() if self.birth_date else None
        return data

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        data['roles'] = frozenset(data['roles'])
        data['birth_date'] = (datetime.date.fromisoformat(data['birth_date'])
                              if data.get('birth_date') else None)
        for key, kind in (('classes', ClassRef), ('groups', ClassRef), ('guardians', GuardianLink)):
            data[key] = tuple(kind(**item) for item in data.get(key, ()))
        for key in ('schools', 'other_first_names', 'address'):
            data[key] = tuple(data.get(key, ()))
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def compared_fields(self, other):
        """Names of the fields that differ from ``other`` (same external id)."""
        return tuple(f.name for f in dataclasses.fields(self)
                     if getattr(self, f.name) != getattr(other, f.name))


@dataclass(frozen=True)
class School:
    uai: str
    name: str = ''
    external_id: str = ''
    address: tuple = ()
    postcode: str = ''
    city: str = ''


@dataclass(frozen=True)
class Request:
    """One delta request, kept in document order.

    ``add`` carries the whole person; ``modify`` carries only the fields the source
    replaced (``changes``), plus roles to add or remove; ``delete`` only the id.
    """
    op: str                        # 'add' | 'modify' | 'delete'
    external_id: str
    person: Person | None = None
    changes: tuple = ()            # ((field, value), ...)
    roles_add: frozenset = frozenset()
    roles_remove: frozenset = frozenset()
    where: str = ''                # file name, for messages

    def modified(self, person):
        roles = (person.roles | self.roles_add) - self.roles_remove
        return dataclasses.replace(person, roles=frozenset(roles), **dict(self.changes))


@dataclass(frozen=True)
class Issue:
    """A problem with one line or one person that does not stop the run.

    ``skip`` issues drop a person (reported in "skipped"); the others drop only a link
    or a value (reported in "errors").
    """
    where: str                     # 'CSVExtraction-eleves.csv ligne 4', a file name...
    message: str
    external_id: str | None = None
    skip: bool = False

    def __str__(self):
        return f'{self.where} : {self.message}' if self.where else self.message


@dataclass
class Feed:
    """Everything one source read, validated, before any comparison.

    ``kind`` is 'complete' (a snapshot: people missing from it leave) or 'delta'
    (``requests`` to apply in order; nobody leaves unless deleted).
    """
    source: str
    kind: str
    schools: list = field(default_factory=list)      # School
    people: list = field(default_factory=list)       # Person (complete)
    requests: list = field(default_factory=list)     # Request (delta)
    issues: list = field(default_factory=list)       # Issue
    files: list = field(default_factory=list)        # names of the files read


@dataclass(frozen=True)
class Account:
    """An account the source already imported, as the database sees it now."""
    external_id: str
    source: str
    login: str
    status: str                    # 'active' | 'pending' | 'disabled'
    person: Person                 # the values stored at the last import
    absent: bool = False           # disabled by the sync because the source dropped the person

    @property
    def gone(self):
        """Disabled because the source dropped the person (a manual disable is not 'gone')."""
        return self.status == 'disabled' and self.absent


@dataclass
class Snapshot:
    """The current state plan.py compares a feed with; built by apply.py from the database."""
    school_uai: str
    known_uais: frozenset
    accounts: list = field(default_factory=list)     # Account (any source; others are ignored)
    classes: dict = field(default_factory=dict)      # class external id -> label
    taken_logins: set = field(default_factory=set)   # every login of the installation


@dataclass(frozen=True)
class Change:
    """What happens to one person; ``action`` is one of ACTIONS."""
    action: str
    external_id: str | None
    person: Person | None = None   # the new state (None when deactivated or skipped)
    previous: Account | None = None
    login: str = ''
    fields: tuple = ()             # changed field names (updated, moved, reactivated)
    reason: str = ''               # why skipped or deactivated

    @property
    def name(self):
        who = self.person or (self.previous.person if self.previous else None)
        return who.display_name if who else ''


@dataclass(frozen=True)
class ClassChange:
    action: str                    # 'created' | 'renamed'
    external_id: str
    label: str
    previous_label: str = ''


@dataclass
class Plan:
    source: str
    kind: str
    school_uai: str
    changes: list = field(default_factory=list)      # Change
    classes: list = field(default_factory=list)      # ClassChange
    errors: list = field(default_factory=list)       # str, non-blocking, one per line or link
    refused: str = ''              # non-empty: this plan must not be applied

    def count(self, action):
        return sum(1 for c in self.changes if c.action == action)

    def by_action(self, action):
        return [c for c in self.changes if c.action == action]

    @property
    def has_changes(self):
        return bool(self.classes) or any(
            c.action not in ('unchanged', 'skipped') for c in self.changes)

    def to_json(self):
        """The shape ``sync --json`` prints (issue 6)."""
        data = {a: self.count(a) for a in ACTIONS if a != 'skipped'}
        data['skipped'] = [{'external_id': c.external_id, 'reason': c.reason}
                           for c in self.by_action('skipped')]
        data['errors'] = list(self.errors) + ([self.refused] if self.refused else [])
        return data
