"""Writing a directory plan into the database, table by table (apply.apply_plan runs it in one
transaction): schools' structures, classes, people, their links, the purge of long-disabled
accounts, and one SyncLine per person who changed."""
import json
from datetime import timedelta

from ..accounts import service as accounts
from ..errors import ValidationError
from ..i18n import N_, _
from ..models import NIVEAUX, Classroom, Enrolment, GuardianLink, Teaching, User, now
from ..models.directory import DirectoryRecord, SourceStructure, SyncLine
from ..models.privacy import CONSENT_SOURCES
from ..privacy.consent import record_change
from ..privacy.erase import erase_account, neutral_name

CONSENT = {True: 'granted', False: 'refused'}
LINKED = ('created', 'updated', 'moved', 'reactivated', 'unchanged')


def _chunks(items, size=200):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _record(person):
    return json.dumps(person.to_dict(), ensure_ascii=False)


class Writer:
    """One instance per apply; bulk inserts keep a 2,000-person import within seconds."""

    def __init__(self, plan, school, today):
        self.plan, self.school, self.today, self.source = plan, school, today, plan.source
        self.year = school.current_year()
        self.ids = dict(User.select(User.external_id, User.id).where(
            (User.source == self.source) & (User.school == school)
            & User.external_id.is_null(False)).tuples())
        self.classrooms = {}
        # The consent history names the feed (ONDE, AAF, LDAP); any other source is « annuaire ».
        self.consent_source = self.source if self.source in CONSENT_SOURCES else 'directory'

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
        for change in changes:      # the consent a new pupil arrives with, when the feed states it
            if change.external_id not in elsewhere and 'pupil' in change.person.roles \
                    and change.person.image_consent is not None:
                record_change(self.ids[change.external_id], CONSENT[change.person.image_consent],
                              self.consent_source, at=now())

    def _update(self, change):
        person, user = change.person, User.get_by_id(self.ids[change.external_id])
        values = dict(first_name=person.first_name[:100] or '-',
                      last_name=person.last_name[:100] or '-',
                      roles=','.join(sorted(person.roles | (user.role_set & {'admin'}))),
                      email=person.email or None, school=self.school, updated_at=now())
        if 'pupil' in person.roles and person.image_consent is not None:
            values['image_rights'] = CONSENT[person.image_consent]
            if values['image_rights'] != user.image_rights:     # a new answer from the feed
                values.update(image_rights_by=None, image_rights_at=now())
                record_change(user, values['image_rights'], self.consent_source, at=now())
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
        """Erase the accounts this source dropped longer than the grace period ago, as the privacy
        rule for leavers does (privacy/erase.py: names, login, links gone; their blog posts kept
        under « Ancien élève »), whichever of the sync and the daily job comes first."""
        limit = now() - timedelta(days=grace_days)
        expired = list(User.select().join(DirectoryRecord, on=DirectoryRecord.user).where(
            (User.source == self.source) & (User.school == self.school) & DirectoryRecord.absent
            & (User.status == 'disabled') & (User.disabled_at < limit)))
        purged = []
        for user in expired:
            try:
                erase_account(None, user, reason='retention')
            except ValidationError:      # the installation's last admin account: kept
                continue
            purged.append(user)
        return purged

    def lines(self, run, purged):
        rows = []
        for change in self.plan.changes:
            if change.action == 'unchanged':
                continue
            user = self.ids.get(change.external_id)
            rows.append(dict(run=run, external_id=change.external_id, user=user,
                             name=change.name[:200], login=change.login or '',
                             action=change.action, detail=_detail(change)))
        rows.extend(dict(run=run, external_id=None, user=u.id, name=neutral_name(u),   # erased: no name
                         login='', action='purged',
                         detail=_('désactivé(e) depuis plus que le délai de grâce : données personnelles effacées'))
                    for u in purged)
        for row in rows:
            row['created_at'] = now()
        for chunk in _chunks(rows):
            SyncLine.insert_many(chunk).execute()


FIELD_LABELS = {
    'last_name': N_('nom'), 'first_name': N_('prénom'), 'birth_name': N_('nom de naissance'),
    'birth_date': N_('date de naissance'), 'classes': N_('classe'), 'groups': N_('groupes'),
    'guardians': N_('responsables'), 'image_consent': N_('droit à l\'image'), 'email': N_('courriel'),
    'roles': N_('rôles'), 'niveau': N_('niveau'), 'address': N_('adresse'),
}


def _detail(change):
    if change.reason:
        return change.reason
    if change.action == 'moved':
        before = ', '.join(c.label for c in change.previous.person.classes) or '—'
        after = ', '.join(c.label for c in change.person.classes) or '—'
        return _('classe : {before} → {after}').format(before=before, after=after)
    return ', '.join(_(FIELD_LABELS.get(f, f)) for f in change.fields)
