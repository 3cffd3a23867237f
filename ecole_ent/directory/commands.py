"""`ecole-ent sync aaf1d|onde|ldap|planifiee ...` and `ecole-ent rollover`."""
import json
import sys

from ..i18n import _


def register(commands):
    commands.group('sync', "synchronisation avec l'annuaire académique")
    p = commands.add('aaf1d', cmd_sync_aaf1d, 'importe un jeu de fichiers AAF1D (Complet ou Delta)',
                     parent='sync')
    p.add_argument('paths', nargs='+', metavar='CHEMIN', help='dossier ou fichiers du jeu AAF1D')
    _common(p)
    p = commands.add('onde', cmd_sync_onde, 'importe les exports CSV ONDE (élèves, responsables)',
                     parent='sync')
    p.add_argument('pupils', metavar='ELEVES.csv', help='export ONDE des élèves')
    p.add_argument('guardians', metavar='RESPONSABLES.csv', help='export ONDE des responsables')
    p.add_argument('teachers', metavar='ENSEIGNANTS.csv', nargs='?', help='liste des enseignants')
    _common(p)
    p = commands.add('ldap', cmd_sync_ldap, "importe l'école depuis l'annuaire LDAP configuré",
                     parent='sync')
    _common(p)
    commands.add('planifiee', cmd_sync_scheduled,
                 'lance une fois la synchronisation configurée (cron, minuteur systemd)',
                 parent='sync')
    p = commands.add('rollover', cmd_rollover, "ouvre une nouvelle année scolaire (archive l'ancienne)")
    p.add_argument('--year', required=True, help='année à ouvrir, ex. 2026-2027')
    p.add_argument('--school', help="UAI de l'école (défaut : l'unique école)")
    p.add_argument('--dry-run', action='store_true', help="affiche ce qui serait fait, sans l'écrire")


def _common(parser):
    parser.add_argument('--school', help="UAI de l'école (défaut : celle du flux, ou l'unique école)")
    parser.add_argument('--dry-run', action='store_true', help="affiche le plan sans rien écrire")
    parser.add_argument('--force', action='store_true',
                        help='applique même si le seuil de désactivations est dépassé')
    parser.add_argument('--json', action='store_true', help='affiche le résultat en JSON')


def _kw(args):
    return dict(school=args.school, dry_run=args.dry_run, force=args.force)


def cmd_sync_aaf1d(args, ctx):
    from . import service
    ctx.database()
    return report(service.sync_aaf1d(args.paths, ctx.config, **_kw(args)), args)


def cmd_sync_onde(args, ctx):
    from . import service
    ctx.database()
    return report(service.sync_onde(args.pupils, args.guardians, args.teachers, ctx.config,
                                    **_kw(args)), args)


def cmd_sync_ldap(args, ctx):
    from . import service
    ctx.database()
    return report(service.sync_ldap(ctx.config, **_kw(args)), args)


def cmd_sync_scheduled(args, ctx):
    from . import schedule, service
    if ctx.config['directory.source'] not in service.FETCHED:
        print(_('Aucune source automatique configurée (option directory.source).'), file=sys.stderr)
        return 0
    ctx.database()
    ran, message = schedule.run_once(ctx.config, trigger='cli')
    print(message, file=sys.stderr)
    return 0 if ran is not False else 1


def cmd_rollover(args, ctx):
    from . import rollover
    ctx.database()
    print(rollover.rollover(args.year, args.school, dry_run=args.dry_run))   # ValidationError: exit 1
    return 0


def report(outcome, args):
    """Print the plan (JSON or one line per change) and return the exit code."""
    if args.json:
        print(json.dumps(outcome.to_json(), ensure_ascii=False, indent=2))
    elif outcome.plan is not None:
        print('\n'.join(summary(outcome.plan)))
    for error in outcome.errors:
        print(error, file=sys.stderr)
    if outcome.message:
        print(outcome.message.replace('\n', ' '), file=sys.stderr)
        return 1
    if args.dry_run:
        print(_('Simulation : rien n\'a été écrit.'), file=sys.stderr)
    return 0


LABELS = {'created': _('créé'), 'updated': _('modifié'), 'moved': _('changé de classe'),
          'deactivated': _('désactivé'), 'reactivated': _('réactivé'), 'unchanged': _('inchangé'),
          'skipped': _('ignoré')}
COUNTS = {'created': _('créés'), 'updated': _('modifiés'), 'moved': _('changés de classe'),
          'deactivated': _('désactivés'), 'reactivated': _('réactivés'),
          'unchanged': _('inchangés')}


def summary(plan):
    """The plan for people: counts, then one line per person who changes, then problems."""
    data = plan.to_json()
    kind = _('complet') if plan.kind == 'complete' else _('delta')
    lines = [_('{source} ({kind}) pour l\'école {uai} :').format(
        source=plan.source, kind=kind, uai=plan.school_uai)]
    lines.append(', '.join(f'{data[key]} {label}' for key, label in COUNTS.items())
                 + ', ' + _('{n} ignorés').format(n=len(data['skipped'])))
    for change in plan.changes:
        if change.action != 'unchanged':
            lines.append(f'  {LABELS[change.action]:<17} {change.login or "-":<28} {change.name}'
                         + (f' — {change.reason}' if change.reason else ''))
    for klass in plan.classes:
        lines.append('  ' + (_('classe créée') if klass.action == 'created'
                             else _('classe renommée')) + f' : {klass.label}')
    lines.extend(f'  ! {error}' for error in plan.errors)
    return lines
