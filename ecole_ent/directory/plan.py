"""Compare what a source says with the accounts already imported: a pure function.

``plan_changes(feed, snapshot, options)`` reads only its arguments and returns a Plan;
apply.py builds the snapshot from the database and carries the plan out. Rules:

- People are matched by external id (namespaced by source), never by name. Accounts of
  another source, local ones included, are never part of a plan.
- A Complet is a snapshot: whoever is missing leaves. A delta applies its requests in
  document order to the current state, so a delete then re-add keeps the account.
- Guardian links are read from the pupils' side; a guardian belongs to the school
  through its children, gets no account when referenced by no pupil, and leaves when
  its last child leaves.
- Leaving means deactivation; coming back, reactivation. An account disabled by hand
  (not by the sync) stays disabled whatever the source says. A Complet that would deactivate more than
  ``options.threshold`` of the school's active imported accounts is refused unless
  ``options.force``; a school that is unknown to the installation is always refused.
- New logins are allocated in external-id order, so homonym numbering is deterministic.
"""
import re
from dataclasses import dataclass, replace

from ..accounts.logins import allocate_login, base_login
from .records import ACTIONS, Change, ClassChange, Plan, _

UAI = re.compile(r'^[0-9]{7}[A-Z]$')


@dataclass(frozen=True)
class Options:
    school_uai: str
    force: bool = False
    threshold: float = 0.20        # share of active accounts a Complet may deactivate


def plan_changes(feed, snapshot, options):
    uai = options.school_uai
    plan = Plan(source=feed.source, kind=feed.kind, school_uai=uai)
    plan.errors.extend(str(issue) for issue in feed.issues if not issue.skip)
    plan.changes.extend(Change('skipped', issue.external_id, reason=str(issue))
                        for issue in feed.issues if issue.skip)
    refusal = _refusal(feed, snapshot, uai)
    if refusal:
        plan.refused = refusal
        return plan
    accounts = {a.external_id: a for a in snapshot.accounts if a.source == feed.source}
    state, deleted = _final_state(feed, accounts, plan)
    desired = _in_school(state, uai, set(accounts), plan)
    _compare(plan, desired, accounts, deleted, snapshot.taken_logins)
    _classes(plan, desired, snapshot.classes, uai)
    _threshold(plan, accounts, options)
    order = {action: n for n, action in enumerate(ACTIONS)}
    plan.changes.sort(key=lambda c: (order[c.action], _sort_name(c), c.external_id or ''))
    return plan


def _sort_name(change):
    who = change.person or (change.previous.person if change.previous else None)
    return base_login(who.first_name, who.last_name) if who else ''


def _refusal(feed, snapshot, uai):
    if not UAI.match(uai or '') or uai not in snapshot.known_uais:
        return _('École inconnue (UAI « {uai} ») : créez-la d\'abord, rien n\'a été importé.'
                 ).format(uai=uai)
    if feed.schools and uai not in {s.uai for s in feed.schools}:
        return _('Le flux ne contient pas l\'école {uai} ({found}) : rien n\'a été importé.'
                 ).format(uai=uai, found=', '.join(s.uai for s in feed.schools))
    return ''


def _final_state(feed, accounts, plan):
    """The people the source describes once the feed is applied, by external id."""
    deleted = set()
    if feed.kind == 'complete':
        state = {}
        for person in feed.people:
            if person.external_id in state:
                plan.errors.append(_('Identifiant {id} en double dans le flux : seconde occurrence '
                                     'ignorée.').format(id=person.external_id))
                continue
            state[person.external_id] = person
        return state, deleted
    state = {ext: a.person for ext, a in accounts.items() if not a.gone}
    for request in feed.requests:
        ext = request.external_id
        if request.op == 'add':
            state[ext] = request.person
            deleted.discard(ext)
        elif request.op == 'delete':
            if state.pop(ext, None) is None:
                plan.errors.append(_('{where} : suppression de {id}, inconnu ou déjà désactivé.')
                                   .format(where=request.where, id=ext))
            deleted.add(ext)
        elif ext in state:
            state[ext] = request.modified(state[ext])
        else:
            plan.errors.append(_('{where} : modification de {id}, inconnu ou désactivé : ignorée.')
                               .format(where=request.where, id=ext))
    return state, deleted


def _in_school(state, uai, known, plan):
    """The people of this school: pupils and staff by attachment, guardians by children.

    People outside the school are left to other schools' plans; they are reported as
    skipped only when they fit no school at all and have no account (``known``) yet.
    """
    desired, referenced_anywhere, kept_links = {}, set(), set()
    for ext, person in state.items():
        if 'guardian' in person.roles:
            continue
        if 'pupil' in person.roles:
            referenced_anywhere.update(g.external_id for g in person.guardians)
        if uai in person.schools:
            desired[ext] = _for_school(person, uai)
        elif not person.schools and ext not in known:
            plan.changes.append(Change('skipped', ext, person=person, reason=_(
                'rattaché(e) à aucune école connue du flux.')))
    for ext, person in list(desired.items()):
        if 'pupil' not in person.roles:
            continue
        links = []
        for link in person.guardians:
            if 'guardian' in getattr(state.get(link.external_id), 'roles', ()):
                links.append(link)
                kept_links.add(link.external_id)
            else:
                plan.errors.append(_('{name} ({id}) : responsable {guardian} absent du flux, '
                                     'lien ignoré.').format(name=person.display_name, id=ext,
                                                            guardian=link.external_id))
        desired[ext] = replace(person, guardians=tuple(links))
    for ext, person in state.items():
        if 'guardian' not in person.roles:
            continue
        if ext in kept_links:
            desired[ext] = person
        elif ext not in referenced_anywhere and ext not in known:
            plan.changes.append(Change('skipped', ext, person=person, reason=_(
                'responsable référencé par aucun élève : compte non créé.')))
    return desired


def _for_school(person, uai):
    """Keep only the classes and groups of this school (others belong to other plans)."""
    return replace(person, classes=person.classes_in(uai),
                   groups=tuple(g for g in person.groups if g.school_uai == uai))


def _compare(plan, desired, accounts, deleted, taken_logins):
    taken = {login.lower() for login in taken_logins}
    for ext in sorted(desired):
        person, account = desired[ext], accounts.get(ext)
        if account is None:
            plan.changes.append(Change('created', ext, person=person,
                                       login=allocate_login(person.first_name, person.last_name,
                                                            taken)))
            continue
        fields = person.compared_fields(account.person)
        if account.gone:
            action = 'reactivated'   # a person disabled by hand stays disabled: never 'reactivated'
        elif 'classes' in fields:
            action = 'moved'
        else:
            action = 'updated' if fields else 'unchanged'
        plan.changes.append(Change(action, ext, person=person, previous=account,
                                   login=account.login, fields=fields))
    for ext, account in sorted(accounts.items()):
        if ext in desired or account.status == 'disabled':
            continue                 # already disabled, by the sync or by hand
        if ext in deleted:
            reason = _('supprimé(e) par le flux.')
        elif 'guardian' in account.person.roles:
            reason = _('plus aucun enfant dans l\'école.')
        else:
            reason = _('absent(e) du flux.')
        plan.changes.append(Change('deactivated', ext, previous=account, login=account.login,
                                   reason=reason))


def _classes(plan, desired, current, uai):
    wanted = {}
    for person in desired.values():
        for ref in person.classes:
            if ref.school_uai == uai:
                wanted.setdefault(ref.external_id, ref.label)
    for ext, label in sorted(wanted.items()):
        if ext not in current:
            plan.classes.append(ClassChange('created', ext, label))
        elif current[ext] != label:
            plan.classes.append(ClassChange('renamed', ext, label, current[ext]))


def _threshold(plan, accounts, options):
    if plan.kind != 'complete':
        return                     # a delta's deletions are explicit requests, not absences
    active = sum(1 for a in accounts.values() if a.status != 'disabled')
    leaving = plan.count('deactivated')
    if active and leaving / active > options.threshold and not options.force:
        plan.refused = _('Ce flux désactiverait {n} comptes sur {total} ({share} %), au-delà du '
                         'seuil de {limit} % : flux partiel ? Rien n\'a été importé ; relancez '
                         'avec --force si c\'est voulu.').format(
            n=leaving, total=active, share=round(100 * leaving / active),
            limit=round(100 * options.threshold))
