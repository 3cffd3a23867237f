"""Directory sync entry points for the command line, the admin pages and the scheduler.

Each function reads one source with the installation's settings, then hands over to
apply.sync() (plan, then apply or refuse). No bottle here. The readers and the sync (aaf1d, onde,
apply) are imported by the functions that use them: a serving process shows the directory's pages
and syncs at most on schedule or upload, and would keep them from its start (0.3 MB).
"""
import json
from pathlib import Path

from ..accounts import membership
from ..accounts import service as accounts
from ..db import writing
from ..errors import Forbidden, found
from ..i18n import _
from ..models import Classroom, School, User
from ..models.directory import SyncLine, SyncRun
from . import cards
from .records import FeedError


def _options(config):
    return dict(threshold=config['directory.threshold'] / 100,
                grace_days=config['directory.grace_days'])


def _fail(message):
    def read():
        raise FeedError(message)
    return read


def sync_aaf1d(paths, config, school=None, **kw):
    """Import one AAF1D set (Complet or Delta) from files or a folder."""
    from . import aaf1d, apply
    return apply.sync(lambda: aaf1d.read_paths(paths, apply.structures('aaf1d')), 'aaf1d', school,
                      **kw, **_options(config))


def sync_onde(pupils, guardians, teachers, config, school=None, **kw):
    """Import the ONDE exports of one school (the school must be given or be the only one)."""
    from . import apply, onde
    uai = (school or apply.only_school() or '').upper()
    if pupils is None or guardians is None:
        return apply.sync(_fail(_('Il faut le fichier des élèves et celui des responsables.')),
                          'onde', uai or None, **kw, **_options(config))
    if not uai:
        return apply.sync(_fail(_('Précisez l\'école avec --school UAI.')), 'onde', **kw,
                          **_options(config))
    return apply.sync(lambda: onde.read_files(pupils, guardians, teachers, school_uai=uai),
                      'onde', uai, **kw, **_options(config))


def _ldap():
    """The LDAP source, imported when a directory server is used: ldap3 weighs 5.5 MB of memory
    that schools fed by AAF1D or ONDE files never need."""
    from . import ldap
    return ldap


def ldap_settings(config):
    pairs = [p.split('=', 1) for p in config['directory.ldap_attributes'].split(',')
             if '=' in p]
    return _ldap().Settings(url=config['directory.ldap_url'],
                            base_dn=config['directory.ldap_base_dn'],
                            bind_dn=config['directory.ldap_bind_dn'],
                            password=config['directory.ldap_password'] or '',
                         people_filter=config['directory.ldap_people_filter'],
                         write_back=config['directory.ldap_write_back'],
                         attributes={k.strip(): v.strip() for k, v in pairs})


def sync_ldap(config, school=None, **kw):
    """Pull one school from the LDAP directory, then write logins and states back if allowed."""
    from . import apply
    settings = ldap_settings(config)
    uai = (school or config['directory.school'] or apply.only_school() or '').upper()
    if not settings.url or not uai:
        message = _('LDAP non configuré (directory.ldap_url) ou école non précisée.')
        return apply.sync(_fail(message), 'ldap', uai or None, **kw, **_options(config))
    outcome = apply.sync(lambda: _ldap().read(settings, uai), 'ldap', uai, **kw, **_options(config))
    if outcome.applied and settings.write_back:
        outcome.errors.extend(_write_back(settings, outcome.run))
    return outcome


def _write_back(settings, run):
    """Logins and states of this school's LDAP accounts to the directory; errors kept on the run."""
    rows = User.select(User.external_id, User.login, User.status).where(
        (User.source == 'ldap') & (User.school == run.school_id)
        & User.external_id.is_null(False)).tuples()
    try:
        _modified, errors = _ldap().write_back(settings, list(rows))
    except FeedError as exc:
        errors = [str(exc)]
    if errors:
        with writing():
            SyncRun.update(errors=json.dumps(run.error_list + errors, ensure_ascii=False)).where(
                SyncRun.id == run.id).execute()
    return errors


def inbox(config):
    folder = config['directory.aaf_inbox']
    return Path(folder) if folder else config.path('annuaire', 'aaf')


def sync_inbox(config, **kw):
    """Import the AAF sets waiting in the drop folder, oldest first; done sets move to done/."""
    from . import aaf1d, apply
    folder = inbox(config)
    folder.mkdir(parents=True, exist_ok=True)
    outcomes = []
    for feed_set in aaf1d.find_sets(folder):
        outcome = apply.sync(lambda fs=feed_set: aaf1d.read_set(fs, apply.structures('aaf1d')),
                             'aaf1d', config['directory.school'] or None, **kw,
                             **_options(config))
        outcomes.append(outcome)
        if not outcome.applied:
            break                  # later deltas must wait for this set to be fixed
        done = folder / 'done'
        done.mkdir(exist_ok=True)
        for path in feed_set.paths():
            path.replace(done / path.name)
    return outcomes


FETCHED = ('ldap', 'aaf1d')     # sources the appliance reads by itself; ONDE files are uploaded


def run_configured(config, trigger='schedule', actor=None):
    """The scheduled job: the configured source, once, if it is one the appliance fetches (else
    nothing to do). Raises FeedError on failure."""
    source = config['directory.source']
    if source not in FETCHED:
        return []
    outcomes = ([sync_ldap(config, trigger=trigger, actor=actor)] if source == 'ldap'
                else sync_inbox(config, trigger=trigger, actor=actor))
    failed = [o for o in outcomes if not o.applied]
    if failed:
        raise FeedError(failed[0].message)
    return outcomes


def last_failure(school):
    return SyncRun.last_failure(school)


def runs(school, limit=30):
    return list(SyncRun.latest(school, limit))


def get_run(school, run_id):
    return found(SyncRun.get_or_none((SyncRun.id == run_id) & (SyncRun.school == school)),
                 _('Synchronisation introuvable.'))


def run_lines(run, action='', search=''):
    return list(SyncLine.of_run(run, action or None, search))


def default_school():
    """The school shown to an account without one (the installation admin): the only one."""
    from . import apply
    uai = apply.only_school()
    return School.get(School.uai == uai) if uai else None


def overview(school, config):
    """What the directory page shows: configured source, lease state, last runs."""
    from . import schedule  # schedule imports this module
    source = config['directory.source']
    return {'school': school, 'runs': runs(school), 'failure': SyncRun.last_failure(school),
            'source': source if source in FETCHED else None, 'onde': source == 'onde',
            'job': schedule.state(), 'interval': config['directory.interval_hours']}


UPLOAD_NAMES = {'eleves': 'eleves.csv', 'responsables': 'responsables.csv',
                'enseignants': 'enseignants.csv'}


def save_uploads(folder, uploads):
    """Write the uploaded CSV files under fixed names; returns (pupils, guardians, teachers|None)."""
    paths = []
    for name, target in UPLOAD_NAMES.items():
        upload = uploads.get(name)
        if upload is None or not getattr(upload, 'filename', ''):
            paths.append(None)
            continue
        path = Path(folder) / target          # never the browser's file name
        upload.save(str(path))
        paths.append(path)
    return paths


def card_classes(user):
    """The current classes whose cards the user may print: taught ones, or the whole school."""
    if user.has_role('director', 'admin'):
        school = user.school or default_school()
        year = school.current_year() if school else None
        return list(Classroom.of_year(year)) if year else []
    return membership.current_classes_of(user)


def class_cards(user, class_id):
    """A class the user teaches (or directs), with its pupils and whether each has a card."""
    classroom = membership.get_class(user, class_id)
    if not membership.teaches(user, classroom):
        raise Forbidden(_('Seuls les enseignants de la classe et la direction y ont accès.'))
    pupils = accounts.pupils_of(classroom)
    carded = cards.with_cards(pupils)
    return {'classroom': classroom, 'pupils': [(p, p.id in carded) for p in pupils]}


def health(report):
    """/healthz: the last directory sync (when, how it ended); a failed last run is a warning."""
    from ..models.directory import SyncRun
    last = SyncRun.select().order_by(SyncRun.finished_at.desc()).first()
    if last is None:
        return
    report['directory_sync'] = {'source': last.source, 'status': last.status,
                                'finished_at': last.finished_at.isoformat(timespec='seconds')}
    if last.status != 'applied':
        report['warnings'].append(_('Dernière synchronisation de l’annuaire non appliquée : %s')
                                  % (last.message or last.status))


def check_link(config, school_uai=None, path=None):
    """Try the directory source described by `config` (directory.* options) without writing
    anything: LDAP connect, bind and search; AAF1D or ONDE files parsed by their readers.
    `path` replaces directory.aaf_inbox, and names the ONDE folder or files. Returns a French
    summary; raises FeedError saying what failed."""
    from . import aaf1d, onde
    source = config['directory.source']
    uai = (school_uai or config['directory.school'] or '').upper()
    if source == 'ldap':
        return _check_ldap(ldap_settings(config), uai)
    if source == 'aaf1d':
        folder = Path(path) if path else inbox(config)
        sets = aaf1d.find_sets(folder)
        if not sets:
            raise FeedError(_('{path} : aucun fichier AAF reconnu (nom attendu : '
                              'PREFIXE_Complet_AAAAMMJJ_Eleve_0000.xml).').format(path=folder))
        return ' '.join(_('Jeu AAF {label} lisible : {counts}.').format(
            label=feed_set.label, counts=_counts(aaf1d.read_set(feed_set)))
            for feed_set in sets)
    if source == 'onde':
        files = _onde_files(path)
        feed = onde.read_files(*files, school_uai=uai or '0000000A')   # ids only, not counts
        return _('Fichiers ONDE lisibles : {counts}.').format(counts=_counts(feed))
    raise FeedError(_('Aucune source d’annuaire choisie (directory.source).'))


LDAP_PROBE_LIMIT = 1000     # people counted at most when testing a directory without a UAI


def _check_ldap(settings, uai):
    if not settings.url or not settings.base_dn:
        raise FeedError(_("Indiquez l'adresse de l'annuaire LDAP et sa base de recherche."))
    if uai:
        feed = _ldap().read(settings, uai)
        return _('Annuaire LDAP {url} joint : école {uai} « {name} », {counts}.').format(
            url=settings.url, uai=uai, name=feed.schools[0].name, counts=_counts(feed))
    found, more = _ldap().count(settings, settings.people_filter, LDAP_PROBE_LIMIT)
    if more:
        return _('Annuaire LDAP {url} joint : plus de {count} personnes sous {base} (le test '
                 's’arrête là ; donnez l’UAI de l’école pour compter les siens).').format(
            url=settings.url, count=found, base=settings.base_dn)
    return _('Annuaire LDAP {url} joint : {count} personne(s) sous {base}.').format(
        url=settings.url, count=found, base=settings.base_dn)


def _counts(feed):
    people = feed.people or [r.person for r in feed.requests if r.person]
    classes = {c.external_id for p in people for c in p.classes}
    changes = len(feed.requests) - len(people) if feed.requests else 0
    text = _('{people} personne(s), {classes} classe(s)').format(people=len(people),
                                                                classes=len(classes))
    return text + (_(', {n} autre(s) modification(s)').format(n=changes) if changes else '')


ONDE_KINDS = ('eleves', 'responsables', 'enseignants')


def _onde_files(path):
    """(pupils, guardians, teachers|None) from a folder whose CSV names say which is which."""
    folder = Path(path or '')
    if not path or not folder.is_dir():
        raise FeedError(_('{path} : dossier des exports ONDE introuvable.').format(path=path))
    found = {kind: sorted(p for p in folder.glob('*.csv') if kind in p.name.lower())
             for kind in ONDE_KINDS}
    if not found['eleves'] or not found['responsables']:
        raise FeedError(_('{path} : il faut un fichier CSV des élèves (nom contenant « eleves ») '
                          'et un des responsables (« responsables »).').format(path=folder))
    return tuple(found[kind][0] if found[kind] else None for kind in ONDE_KINDS)
