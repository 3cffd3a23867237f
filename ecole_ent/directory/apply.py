"""Carry out a directory plan: with writer.py, which it runs, the only part of the sync that writes.

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
from datetime import date

from peewee import IntegrityError

from .. import audit
from ..accounts import service as accounts
from ..db import writing
from ..i18n import _
from ..models import Classroom, School, User
from ..models.directory import DirectoryRecord, SourceStructure, SyncRun
from ..privacy.erase import skip_erased
from .plan import Options, plan_changes
from .records import Account, FeedError, Person, Snapshot
from .writer import Writer

logger = logging.getLogger(__name__)


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
    plan = skip_erased(plan)       # an erased account (RGPD) is reported, never recreated silently
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
        writer = Writer(plan, school, today)
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
