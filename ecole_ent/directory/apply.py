"""Carry out a directory plan: the only module of the sync that writes.

``sync()`` is the whole run (read, plan, then apply or refuse) used by the command line,
the admin pages and the scheduler. ``apply_plan()`` runs in one transaction, keyed by
external id: accounts are created, updated, moved, deactivated (never deleted) and
reactivated; the links a source owns (enrolments, guardian links, teaching) are replaced,
links of other sources and manual ones are kept. Accounts disabled for longer than the
grace period are purged. Every run is stored (SyncRun) with one line per person who
changed (SyncLine); a dry run writes nothing at all.
"""
import json
import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import IntegrityError

from .. import audit
from ..accounts import service as accounts
from ..db import writing
from ..i18n import _
from ..models import Classroom, Enrolment, GuardianLink, NIVEAUX, School, Teaching, User, now
from ..models.directory import DirectoryRecord, SourceStructure, SyncLine, SyncRun
from .plan import Options, plan_changes
from .records import Account, FeedError, Person, Snapshot

logger = logging.getLogger(__name__)
CONSENT = {True: 'granted', False: 'refused'}
LINKED = ('created', 'updated', 'moved', 'reactivated', 'unchanged')


@dataclass
class Outcome:
    """What a sync run did: the plan (None when the input could not be read) and the stored run."""
    plan: object = None
    run: SyncRun | None = None
    applied: bool = False
    message: str = ''
    errors: list = field(default_factory=list)

    def to_json(self):
        if self.plan is None:
            return {'created': 0, 'updated': 0, 'moved': 0, 'deactivated': 0, 'reactivated': 0,
                    'unchanged': 0, 'skipped': [], 'errors': [self.message]}
        data = self.plan.to_json()
        if self.message and self.message not in data['errors']:
            data['errors'].append(self.message)
        return data


def sync(read, source, school_uai=None, *, dry_run=False, force=False, trigger='cli', actor=None,
         threshold=0.20, grace_days=90):
    """Read a source (``read()`` returns a Feed or raises FeedError), plan, apply or refuse.

    Without ``school_uai`` the school is the one the feed names, or the only one installed.
    """
    if dry_run:
        return _sync(read, source, school_uai, dry_run, force, trigger, actor, threshold,
                     grace_days)
    from ..scheduler import Busy
    from .schedule import exclusive
    try:
        with exclusive():          # one run at a time, whoever starts it
            return _sync(read, source, school_uai, dry_run, force, trigger, actor, threshold,
                         grace_days)
    except Busy as exc:            # another run holds the lease
        return Outcome(message=str(exc))


def _sync(read, source, school_uai, dry_run, force, trigger, actor, threshold, grace_days):
    try:
        feed = read()
        school_uai = infer_school(feed, school_uai)
    except FeedError as exc:
        uai = school_uai or only_school()      # so the failure shows on that school's admin home
        school = School.get_or_none(School.uai == uai) if uai else None
        return _failed(school, source, str(exc), dry_run, trigger, actor)
    school = School.get_or_none(School.uai == school_uai)
    plan = plan_changes(feed, current_state(source, school_uai),
                        Options(school_uai or '', force=force, threshold=threshold))
    if plan.refused:
        outcome = Outcome(plan=plan, message=plan.refused)
        if not dry_run:
            outcome.run = _record_refusal(school, plan, 'refused', plan.refused, trigger, actor,
                                          feed.files)
        return outcome
    if dry_run:
        return Outcome(plan=plan)
    try:
        run = apply_plan(plan, feed, school, trigger=trigger, actor=actor, forced=force,
                         grace_days=grace_days)
    except IntegrityError:         # an account changed between planning and applying
        logger.exception('synchronisation %s : conflit', source)
        return _failed(school, source, _('Un compte a été modifié pendant la synchronisation : '
                                         'rien n\'a été importé, relancez-la.'), dry_run, trigger,
                       actor)
    return Outcome(plan=plan, run=run, applied=True)


def only_school():
    """The UAI of the installation's only school, or None when there are several or none."""
    schools = list(School.select(School.uai).limit(2))
    return schools[0].uai if len(schools) == 1 else None


def infer_school(feed, requested):
    """The school a feed is for: asked for, named by the feed, or the only one installed."""
    if requested:
        return requested.upper()
    named = {s.uai for s in feed.schools} or {
        uai for p in feed.people + [r.person for r in feed.requests if r.person]
        for uai in p.schools}
    if len(named) == 1:
        return named.pop()
    single = None if named else only_school()
    if single:
        return single
    raise FeedError(_('Précisez l\'école avec --school UAI (le flux en nomme {n}).')
                    .format(n=len(named)))


def _failed(school, source, message, dry_run, trigger, actor):
    logger.debug('synchronisation %s refusée : %s', source, message)   # the CLI prints it once
    outcome = Outcome(message=message)
    if not dry_run:
        with writing():
            outcome.run = SyncRun.create(school=school, source=source, status='failed',
                                         trigger=trigger, actor=actor, message=message)
    return outcome


def _record_refusal(school, plan, status, message, trigger, actor, files):
    with writing():
        return SyncRun.create(school=school, source=plan.source, kind=plan.kind, status=status,
                              trigger=trigger, actor=actor, message=message,
                              errors=json.dumps(plan.errors, ensure_ascii=False),
                              files=', '.join(files), **_counts(plan))


def _counts(plan):
    return {a: plan.count(a) for a in ('created', 'updated', 'moved', 'deactivated',
                                       'reactivated', 'unchanged', 'skipped')}


# --- the current state, as plan.py wants it ---------------------------------------------------

def current_state(source, school_uai):
    """A plain Snapshot of the accounts ``source`` imported into this school."""
    school = School.get_or_none(School.uai == school_uai) if school_uai else None
    known = frozenset(s.uai for s in School.select(School.uai))
    taken = {login for (login,) in User.select(User.login).tuples()}
    if school is None:
        return Snapshot(school_uai or '', known, taken_logins=taken)
    records = {user_id: (data, absent) for user_id, data, absent in DirectoryRecord.select(
        DirectoryRecord.user, DirectoryRecord.data, DirectoryRecord.absent)
        .join(User).where((User.school == school) & (User.source == source)).tuples()}
    accounts_ = []
    for user_id, ext, login, status, roles, first, last in User.select(
            User.id, User.external_id, User.login, User.status, User.roles, User.first_name,
            User.last_name).where((User.school == school) & (User.source == source)
                                  & User.external_id.is_null(False)).tuples():
        data, absent = records.get(user_id, (None, False))
        person = Person.from_dict(json.loads(data)) if data else Person(
            external_id=ext, source=source, roles=frozenset(roles.split(',')), last_name=last,
            first_name=first)
        accounts_.append(Account(ext, source, login, status, person, absent))
    year = school.current_year()
    classes = {c.external_id: c.name for c in Classroom.select().where(
        (Classroom.school == school) & (Classroom.year == year)
        & Classroom.external_id.startswith(source + ':'))} if year else {}
    return Snapshot(school_uai, known, accounts_, classes, taken)


def structures(source):
    """{structure id: UAI} learnt from earlier Complet feeds (AAF deltas name schools by id)."""
    prefix = source + ':'
    return {s.external_id[len(prefix):]: s.school.uai
            for s in SourceStructure.select(SourceStructure, School).join(School)
            .where(SourceStructure.source == source)}


# --- applying ---------------------------------------------------------------------------------

def apply_plan(plan, feed, school, *, trigger='cli', actor=None, forced=False, grace_days=90,
               today=None):
    """Write ``plan`` in one transaction and return the stored SyncRun."""
    if plan.refused:
        raise ValueError('a refused plan cannot be applied')
    today = today or date.today()
    school = accounts.ensure_school(school.uai, school.name)     # makes sure a year is open
    with writing():
        writer = _Writer(plan, school, today)
        writer.schools(feed.schools)
        writer.classes()
        writer.people()
        writer.links()
        purged = writer.purge(grace_days)
        run = SyncRun.create(school=school, source=plan.source, kind=plan.kind, status='applied',
                             trigger=trigger, actor=actor, forced=forced,
                             errors=json.dumps(plan.errors, ensure_ascii=False),
                             files=', '.join(feed.files), purged=len(purged), **_counts(plan))
        writer.lines(run, purged)
        audit.record(actor, 'directory.sync', f'{plan.source} {school.uai}', school=school.id,
                     **_counts(plan), purged=len(purged))
    return run


def _chunks(items, size=200):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _record(person):
    return json.dumps(person.to_dict(), ensure_ascii=False)


class _Writer:
    """One instance per apply; bulk inserts keep a 2,000-person import within seconds."""

    def __init__(self, plan, school, today):
        self.plan, self.school, self.today, self.source = plan, school, today, plan.source
        self.year = school.current_year()
        self.ids = dict(User.select(User.external_id, User.id).where(
            (User.source == self.source) & (User.school == school)
            & User.external_id.is_null(False)).tuples())
        self.classrooms = {}

    def schools(self, schools):
        for school in schools:
            if school.uai == self.school.uai and school.external_id:
                (SourceStructure.insert(source=self.source, external_id=school.external_id,
                                        school=self.school)
                 .on_conflict(conflict_target=[SourceStructure.source, SourceStructure.external_id],
                              update={SourceStructure.school: self.school}).execute())

    def classes(self):
        current = {c.external_id: c for c in Classroom.select().where(
            (Classroom.school == self.school) & (Classroom.year == self.year)
            & Classroom.external_id.startswith(self.source + ':'))}
        niveaux = {}
        for change in self.plan.changes:
            if change.person and 'pupil' in change.person.roles and change.action in LINKED:
                for ref in change.person.classes:
                    niveaux.setdefault(ref.external_id, set()).add(change.person.niveau)
        for change in self.plan.classes:
            if change.action == 'created':
                current[change.external_id] = Classroom.create(
                    school=self.school, year=self.year, name=change.label[:100], niveaux='',
                    external_id=change.external_id)
            else:
                Classroom.update(name=change.label[:100]).where(
                    Classroom.id == current[change.external_id].id).execute()
        for ext, classroom in current.items():
            wanted = ','.join(n for n in NIVEAUX if n in niveaux.get(ext, ()))
            if ext in niveaux and wanted != classroom.niveaux:
                Classroom.update(niveaux=wanted).where(Classroom.id == classroom.id).execute()
        self.classrooms = {ext: c.id for ext, c in current.items()}

    def people(self):
        created = [c for c in self.plan.changes if c.action == 'created']
        self._create(created)
        for change in self.plan.changes:
            if change.action in ('updated', 'moved', 'reactivated'):
                self._update(change)
            elif change.action == 'deactivated':
                self._deactivate(change)

    def _create(self, changes):
        """Insert new accounts in bulk; one whose id exists in another school is taken over."""
        elsewhere = {}
        for chunk in _chunks(c.external_id for c in changes):
            elsewhere.update(User.select(User.external_id, User.id).where(
                (User.source == self.source) & User.external_id.in_(chunk)).tuples())
        rows = []
        for change in changes:
            if change.external_id in elsewhere:
                self.ids[change.external_id] = elsewhere[change.external_id]
                self._update(change)
                continue
            person = change.person
            pupil = 'pupil' in person.roles
            rows.append(dict(
                login=change.login, first_name=person.first_name[:100] or '-',
                last_name=person.last_name[:100] or '-', roles=','.join(sorted(person.roles)),
                school=self.school, status='active' if pupil else 'pending', source=self.source,
                external_id=person.external_id, email=person.email or None,
                image_rights=CONSENT.get(person.image_consent, 'unknown') if pupil else None,
                created_at=now(), updated_at=now()))
        for chunk in _chunks(rows):
            User.insert_many(chunk).execute()
            self.ids.update(User.select(User.external_id, User.id).where(
                (User.source == self.source)
                & User.external_id.in_([r['external_id'] for r in chunk])).tuples())
        records = [dict(user=self.ids[c.external_id], source=self.source,
                        external_id=c.external_id, data=_record(c.person), created_at=now())
                   for c in changes if c.external_id not in elsewhere]
        for chunk in _chunks(records):
            DirectoryRecord.insert_many(chunk).execute()

    def _update(self, change):
        person, user = change.person, User.get_by_id(self.ids[change.external_id])
        values = dict(first_name=person.first_name[:100] or '-',
                      last_name=person.last_name[:100] or '-',
                      roles=','.join(sorted(person.roles | (user.role_set & {'admin'}))),
                      email=person.email or None, school=self.school, updated_at=now())
        if 'pupil' in person.roles and person.image_consent is not None:
            values['image_rights'] = CONSENT[person.image_consent]
        if change.action == 'reactivated':
            pending = user.password_hash is None and 'pupil' not in person.roles
            values.update(status='pending' if pending else 'active', disabled_at=None)
        User.update(**values).where(User.id == user.id).execute()
        (DirectoryRecord.insert(user=user, source=self.source, external_id=person.external_id,
                                data=_record(person))
         .on_conflict(conflict_target=[DirectoryRecord.user],
                      update={DirectoryRecord.data: _record(person),
                              DirectoryRecord.absent: False}).execute())

    def _deactivate(self, change):
        user_id = self.ids[change.external_id]
        User.update(status='disabled', disabled_at=now(), updated_at=now()).where(
            User.id == user_id).execute()
        DirectoryRecord.update(absent=True).where(DirectoryRecord.user == user_id).execute()
        Enrolment.update(ended_on=self.today).where(
            (Enrolment.pupil == user_id) & Enrolment.ended_on.is_null()
            & (Enrolment.source == self.source)).execute()
        accounts.revoke_sessions(user_id)

    def links(self):
        """Replace the enrolments, guardian links and teaching this source owns."""
        people = {c.external_id: c.person for c in self.plan.changes
                  if c.action in LINKED and c.person and c.external_id in self.ids}
        by_id = {self.ids[ext]: ext for ext in people}
        enrolments, guardians, teachings = {}, {}, {}
        for chunk in _chunks(by_id, 500):
            for row in Enrolment.select(Enrolment.id, Enrolment.pupil, Enrolment.classroom,
                                        Enrolment.niveau).where(
                    Enrolment.pupil.in_(chunk) & Enrolment.ended_on.is_null()
                    & (Enrolment.source == self.source)).tuples():
                enrolments.setdefault(row[1], {})[row[2]] = row
            for row in GuardianLink.select(GuardianLink.id, GuardianLink.pupil, GuardianLink.guardian,
                                           GuardianLink.source).where(
                    GuardianLink.pupil.in_(chunk)).tuples():
                guardians.setdefault(row[1], {})[row[2]] = row
            for row in Teaching.select(Teaching.id, Teaching.teacher, Teaching.classroom,
                                       Teaching.source).where(Teaching.teacher.in_(chunk)).tuples():
                teachings.setdefault(row[1], {})[row[2]] = row
        new = {'enrolments': [], 'guardians': [], 'teachings': []}
        for ext, person in people.items():
            user_id = self.ids[ext]
            classes = {self.classrooms[r.external_id] for r in person.classes
                       if r.external_id in self.classrooms}
            if 'pupil' in person.roles:
                self._enrol(user_id, person, classes, enrolments.get(user_id, {}), new)
                wanted = {self.ids[g.external_id]: g for g in person.guardians
                          if g.external_id in self.ids}
                self._guardians(user_id, wanted, guardians.get(user_id, {}), new)
            elif person.roles & {'teacher', 'director', 'staff'}:
                self._teach(user_id, classes, teachings.get(user_id, {}), new)
        for model, key in ((Enrolment, 'enrolments'), (GuardianLink, 'guardians'),
                           (Teaching, 'teachings')):
            for chunk in _chunks(new[key]):
                model.insert_many(chunk).execute()

    def _enrol(self, pupil_id, person, classes, current, new):
        niveau = person.niveau[:4]
        for classroom_id, (row_id, _pupil, _classroom, old_niveau) in current.items():
            if classroom_id not in classes:
                Enrolment.update(ended_on=self.today).where(Enrolment.id == row_id).execute()
            elif old_niveau != niveau:
                Enrolment.update(niveau=niveau).where(Enrolment.id == row_id).execute()
        new['enrolments'].extend(
            dict(pupil=pupil_id, classroom=classroom_id, niveau=niveau, started_on=self.today,
                 source=self.source, created_at=now()) for classroom_id in classes - set(current))

    def _guardians(self, pupil_id, wanted, current, new):
        for guardian_id, (row_id, _pupil, _guardian, source) in current.items():
            if source == self.source and guardian_id not in wanted:
                GuardianLink.delete().where(GuardianLink.id == row_id).execute()
        new['guardians'].extend(
            dict(guardian=guardian_id, pupil=pupil_id, relation=(ref.relation or 'parent')[:20],
                 legal_authority=ref.legal_authority, source=self.source, created_at=now())
            for guardian_id, ref in wanted.items() if guardian_id not in current)

    def _teach(self, teacher_id, classes, current, new):
        for classroom_id, (row_id, _teacher, _classroom, source) in current.items():
            if source == self.source and classroom_id not in classes:
                Teaching.delete().where(Teaching.id == row_id).execute()
        new['teachings'].extend(
            dict(teacher=teacher_id, classroom=classroom_id, source=self.source, created_at=now())
            for classroom_id in classes - set(current))

    def purge(self, grace_days):
        """Delete the accounts this source dropped longer than the grace period ago."""
        limit = now() - timedelta(days=grace_days)
        expired = list(User.select().join(DirectoryRecord, on=DirectoryRecord.user).where(
            (User.source == self.source) & (User.school == self.school) & DirectoryRecord.absent
            & (User.status == 'disabled') & (User.disabled_at < limit)))
        if expired:
            User.delete().where(User.id.in_([u.id for u in expired])).execute()
        return expired

    def lines(self, run, purged):
        rows = []
        for change in self.plan.changes:
            if change.action == 'unchanged':
                continue
            user = self.ids.get(change.external_id)
            rows.append(dict(run=run, external_id=change.external_id, user=user,
                             name=change.name[:200], login=change.login or '',
                             action=change.action, detail=_detail(change)))
        rows.extend(dict(run=run, external_id=u.external_id, user=None, name=u.display_name[:200],
                         login=u.login, action='purged',
                         detail=_('désactivé(e) depuis plus que le délai de grâce'))
                    for u in purged)
        for row in rows:
            row['created_at'] = now()
        for chunk in _chunks(rows):
            SyncLine.insert_many(chunk).execute()


FIELD_LABELS = {
    'last_name': 'nom', 'first_name': 'prénom', 'birth_name': 'nom de naissance',
    'birth_date': 'date de naissance', 'classes': 'classe', 'groups': 'groupes',
    'guardians': 'responsables', 'image_consent': 'droit à l\'image', 'email': 'courriel',
    'roles': 'rôles', 'niveau': 'niveau', 'address': 'adresse',
}


def _detail(change):
    if change.reason:
        return change.reason
    if change.action == 'moved':
        before = ', '.join(c.label for c in change.previous.person.classes) or '—'
        after = ', '.join(c.label for c in change.person.classes) or '—'
        return _('classe : {before} → {after}').format(before=before, after=after)
    return ', '.join(_(FIELD_LABELS.get(f, f)) for f in change.fields)
