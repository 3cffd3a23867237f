"""The command line: `ecole-ent [--data DIR] [--config FILE] COMMAND ...`.

Handlers are short: parse, call one function, print, return 0 (done), 1 (failed) or 2 (usage).
Commands that print JSON print nothing else on stdout; messages go to stderr.
"""
import argparse
import getpass
import json
import logging
import os
import sys

from . import __version__, features, runtime
from .config import ConfigError
from .errors import EcoleError
from .migrations import SchemaError


def say(message):
    """A message for the person at the terminal: on stderr (stdout is for JSON)."""
    print(message, file=sys.stderr)


def out(data):
    """A command's JSON result, alone on stdout."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))   # lazy() labels as their text


class Context:
    """What a handler needs: the configuration, loaded on first use, and the database."""

    def __init__(self, args):
        self.args = args
        self._config = None

    @property
    def config(self):
        if self._config is None:
            self._config = runtime.open_config(self.args.data, self.args.config)
        return self._config

    def database(self, auto_migrate=None):
        return runtime.open_database(self.config, auto_migrate)


class Commands:
    """Builds the argparse tree; features add their commands through add() and group()."""

    def __init__(self, parser):
        self.sub = parser.add_subparsers(dest='command', metavar='COMMANDE')
        self.groups = {}

    def add(self, name, handler, help, parent=None):
        sub = self.groups[parent] if parent else self.sub
        parser = sub.add_parser(name, help=help, description=help)
        parser.set_defaults(handler=handler)
        return parser

    def group(self, name, help):
        if name not in self.groups:
            parser = self.sub.add_parser(name, help=help, description=help)
            parser.set_defaults(handler=lambda args, ctx: parser.print_help(sys.stderr) or 2)
            self.groups[name] = parser.add_subparsers(dest=f'{name}_command', metavar='ACTION')
        return self.groups[name]


TRUE_WORDS = ('1', 'true', 'yes', 'on', 'oui')


def apply_environment(parser, path=(), environ=None):
    """Give every option an environment variable: ECOLE_<COMMAND>_<OPTION> (for example
    ECOLE_USERS_LIST_FORMAT), or the name set on the action as `env`. The variable sets the
    option's default and is named in its help."""
    environ = os.environ if environ is None else environ
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                apply_environment(sub, path + (name,), environ)
            continue
        if not action.option_strings or action.dest in ('help', 'version') \
                or action.help == argparse.SUPPRESS:
            continue
        name = getattr(action, 'env', None) or \
            'ECOLE_' + '_'.join(path + (action.dest,)).upper().replace('-', '_')
        action.help = f'{action.help} (variable {name})'
        if name in environ:
            value = environ[name]
            if isinstance(action, argparse._StoreTrueAction):
                action.default = value.strip().lower() in TRUE_WORDS
            else:
                action.default = action.type(value) if action.type else value


def option(parser, *flags, env=None, **kwargs):
    """parser.add_argument, with an explicit environment variable name."""
    action = parser.add_argument(*flags, **kwargs)
    action.env = env
    return action


class Version(argparse.Action):
    """--version: ecole-ent's version on the first line (installer/release.sh reads it), then one
    line per main library; looked up only when asked, not on every command."""

    def __call__(self, parser, namespace, values, option_string=None):
        from . import compat
        print(f'ecole-ent {__version__}')
        for name, version in compat.versions():
            print(f'{name} {version}')
        parser.exit()


def build_parser():
    parser = argparse.ArgumentParser(
        prog='ecole-ent', description="ENT léger pour les écoles primaires : un seul programme.")
    parser.add_argument('--version', action=Version, nargs=0,
                        help="affiche la version et celles des principales bibliothèques")
    parser.add_argument('--data', default='./ecole-data', help='dossier des données (défaut ./ecole-data)')
    parser.add_argument('--config', help='fichier INI (défaut DONNÉES/ecole-ent.ini)')
    commands = Commands(parser)
    add_core_commands(commands)
    for module in features.modules('commands'):
        module.register(commands)
    apply_environment(parser)
    return parser


def add_core_commands(commands):
    p = commands.add('serve', cmd_serve, "démarre le serveur web (migre la base si besoin)")
    option(p, '--host', env='ECOLE_SERVER_HOST', help="adresse d'écoute (défaut 127.0.0.1)")
    option(p, '--port', type=int, env='ECOLE_SERVER_PORT', help='port HTTP (défaut 8080)')
    option(p, '--demo', action='store_true', env='ECOLE_DEMO',
           help="crée l'école de démonstration au premier démarrage")
    option(p, '--workers', type=int, env='ECOLE_SERVER_WORKERS',
           help='processus serveurs sur le même port (défaut 2 ; 1 : un seul processus sert '
                'et fait les tâches périodiques)')
    p = commands.add('init', cmd_init, "première installation : école et compte administrateur")
    p.add_argument('--school-uai', help="code UAI de l'école (ex. 0061234A)")
    p.add_argument('--school-name', help="nom de l'école")
    p.add_argument('--admin', help="identifiant de l'administrateur (mot de passe lu dans "
                   "ECOLE_ADMIN_PASSWORD ou demandé)")
    p.add_argument('--from', dest='from_file', metavar='FICHIER.ini',
                   help='installation sans surveillance depuis un fichier (voir provisioning/)')
    commands.add('demo', cmd_demo, "crée l'école de démonstration dans le dossier des données")
    commands.add('migrate', cmd_migrate, 'met à jour le schéma de la base (après une sauvegarde)')
    commands.add('check', cmd_check, 'vérifie configuration, base, schéma, disque et dossiers')
    commands.group('config', 'configuration')
    commands.add('dump', cmd_config_dump, 'affiche la configuration effective (secrets masqués)',
                 parent='config')
    commands.group('users', 'comptes')
    p = commands.add('list', cmd_users_list, 'liste les comptes', parent='users')
    p.add_argument('--format', choices=('json', 'csv'), default='json', help='format de sortie')
    p.add_argument('--school', help="seulement les comptes de l'école de ce code UAI")
    p = commands.add('reset-password', cmd_users_reset_password,
                     'donne un mot de passe à usage unique (à changer à la connexion)', parent='users')
    p.add_argument('login', help='identifiant du compte')
    commands.group('jobs', 'tâches périodiques')
    commands.add('list', cmd_jobs_list, 'liste les tâches périodiques et leur dernière exécution',
                 parent='jobs')
    p = commands.add('run', cmd_jobs_run, 'exécute une tâche maintenant (sauf si elle est en cours)',
                     parent='jobs')
    p.add_argument('name', metavar='NOM', help='nom de la tâche (voir « jobs list »)')
    p = commands.add('migrate-data', cmd_migrate_data,
                     "copie toutes les données d'une base vers une autre (SQLite ⇄ PostgreSQL) "
                     'et le dossier des médias')
    p.add_argument('--from', dest='source', required=True, metavar='URL',
                   help='base source : sqlite:///chemin/ecole.db ou postgresql://utilisateur@hôte/base')
    p.add_argument('--to', dest='target', required=True, metavar='URL', help='base cible')
    p.add_argument('--media-from', metavar='DOSSIER',
                   help='dossier des médias source (défaut : DONNÉES/media, DONNÉES = --data)')
    p.add_argument('--media-to', metavar='DOSSIER',
                   help="dossier des médias cible (défaut : aucune copie s'il est le même que la source)")
    p.add_argument('--force', action='store_true',
                   help='vide une base cible qui contient déjà des données avant la copie')


def cmd_serve(args, ctx):
    from . import server
    config = ctx.config
    if args.host:
        config['server.host'] = args.host
    if args.port is not None:
        config['server.port'] = args.port
    if args.workers is not None:
        workers = int(args.workers)
        if workers < 1:
            say('serve : --workers doit être un entier supérieur ou égal à 1')
            return 2
        config['server.workers'] = workers
    return server.serve(config, demo=args.demo)


def cmd_init(args, ctx):
    from .accounts import setup
    ctx.database(auto_migrate=True)
    if args.from_file:
        school, admin, saved = setup.provision(args.from_file, ctx.config)
        if saved:
            say(f'Réglages [smtp] et [directory] du fichier enregistrés dans {saved}')
    else:
        if not (args.school_uai and args.school_name and args.admin):
            say('init : indiquez --school-uai, --school-name et --admin, ou --from FICHIER.ini')
            return 2
        school, admin = setup.initialise(args.school_uai, args.school_name, args.admin,
                                         ask_password())
    say(f'École {school.uai} « {school.name} » prête ; administrateur : {admin.login}')
    return 0


def ask_password():
    password = os.environ.get('ECOLE_ADMIN_PASSWORD')
    if password:
        return password
    if not sys.stdin.isatty():
        raise EcoleError("mot de passe administrateur : définissez ECOLE_ADMIN_PASSWORD "
                         "(pas de terminal pour le demander)")
    first = getpass.getpass('Mot de passe administrateur : ')
    if first != getpass.getpass('Confirmez : '):
        raise EcoleError('les deux mots de passe ne sont pas identiques')
    return first


def cmd_demo(args, ctx):
    from . import demo
    ctx.database(auto_migrate=True)
    if demo.exists():
        say("L'école de démonstration existe déjà dans ce dossier de données ; " + demo.accounts_line())
        return 0
    school = demo.seed().school
    say(f'École de démonstration prête : {school.name} ({school.uai}) ; ' + demo.accounts_line())
    return 0


def cmd_migrate(args, ctx):
    from . import migrations
    applied = runtime.migrate(ctx.config)
    say(f'{applied} migration(s) appliquée(s) ; schéma à la version {migrations.current()}')
    return 0


def cmd_check(args, ctx):
    from .maintenance.health import problems, warnings
    found = problems(args.data, args.config)
    for line in found:
        print(f'PROBLÈME : {line}')
    if not found:
        print('OK : configuration, base, schéma, disque et dossiers')
    for line in warnings(args.data, args.config):
        print(f'ATTENTION : {line}')
    return 1 if found else 0


def cmd_config_dump(args, ctx):
    print('\n'.join(ctx.config.dump()))
    return 0


def cmd_users_list(args, ctx):
    from .accounts import export
    ctx.database()
    rows = export.users(school_uai=args.school)
    if args.format == 'json':
        out(rows)
    else:
        export.write_csv(sys.stdout, rows)
    return 0


def cmd_users_reset_password(args, ctx):
    from .accounts import service
    ctx.database()
    password = service.reset_password(service.get_user(args.login))
    print(password)
    say(f'Mot de passe à usage unique de {args.login} ci-dessus : à changer à la première connexion.')
    return 0


def _scheduler(ctx):
    """The scheduler with every feature's jobs, on the opened database."""
    from . import scheduler
    ctx.database()
    scheduler.load()
    scheduler.configure(ctx.config)
    return scheduler


def cmd_jobs_list(args, ctx):
    for row in _scheduler(ctx).status():
        last = (f"dernière : {row['last_start']:%d/%m/%Y %H:%M:%S} UTC par {row['holder']}"
                if row['last_start'] else 'jamais exécutée')
        failed = f" ; {row['failures']} échec(s) de suite" if row['failures'] else ''
        print(f"{row['name']}\ttoutes les {row['every']} s\t{last}{failed}\t{row['help']}")
    return 0


def cmd_jobs_run(args, ctx):
    _scheduler(ctx).run_now(args.name)
    say(f'Tâche {args.name} exécutée.')
    return 0


def cmd_migrate_data(args, ctx):
    from .maintenance import migrate_data
    media_from = args.media_from or media_folder(args.source, args.data)
    media_to = args.media_to or media_folder(args.target, args.data)
    report = migrate_data.migrate_data(args.source, args.target, force=args.force,
                                       media_from=media_from, media_to=media_to, out=print)
    rows = sum(entry['target_rows'] for name, entry in report.items() if name != '_media')
    say(f'Données copiées : {len(report) - ("_media" in report)} tables, {rows} lignes, '
        'sommes de contrôle identiques.')
    return 0


def media_folder(url, data_dir):
    """The media folder that goes with a database: next to a SQLite file, else DATA/media."""
    if url.startswith('sqlite:///'):
        return os.path.join(os.path.dirname(os.path.abspath(url[len('sqlite:///'):])), 'media')
    return os.path.join(os.path.abspath(data_dir), 'media')


def main(argv=None):
    logging.basicConfig(level=logging.INFO, format='%(asctime)s %(levelname)s %(name)s: %(message)s')
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, 'handler', None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.handler(args, Context(args))
    except ConfigError as exc:
        say(f'Configuration invalide :\n{exc}')
        return 1
    except (EcoleError, SchemaError) as exc:
        say(f'Erreur : {exc}')
        return 1
    except Exception:
        logging.getLogger('ecole_ent').exception('échec inattendu')
        return 1
