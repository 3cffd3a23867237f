"""`ecole-ent backup` and `ecole-ent restore`."""
import sys

from ecole_ent import config as configuration
from ecole_ent import runtime
from ecole_ent.i18n import _
from ecole_ent.maintenance import service
from ecole_ent.maintenance.errors import BackupError


def say(message):
    print(message, file=sys.stderr)


def cmd_backup(args, ctx):
    runtime.configure(ctx.config)   # bound, never migrated: the hooks (the statistics' fold) run on it
    result = service.make_backup(ctx.config, dest=args.dest)
    print(result.path)
    say(_('Sauvegarde écrite et vérifiée : %s (%d fichiers, %.1f Mo)')
        % (result.path, result.files, result.size / 2**20))
    for copy in result.copies:
        say(_('Copie vérifiée : %s') % copy)
    if result.copy_error:
        say(_('ÉCHEC de la copie vers la seconde destination : %s') % result.copy_error)
        return 1
    return 0


def cmd_restore(args, ctx):
    if not args.yes and not sys.stdin.isatty():
        raise BackupError(_('Pas de terminal pour confirmer la restauration : relancez avec --yes '
                            '(rien n’a été modifié).'))
    config = configuration.load(args.data, args.config)
    confirm = None if args.yes else ask_confirmation(config.data_dir)
    manifest, replaced = service.restore_backup(config, args.archive, confirm)
    say(_('Sauvegarde du %s restaurée dans %s (%d fichiers vérifiés).')
        % (manifest.get('created_at', '?'), config.data_dir, len(manifest['files'])))
    if replaced:
        say(_('Les données remplacées sont gardées dans %s : supprimez ce dossier quand tout va bien.') % replaced)
    return 0


def ask_confirmation(data_dir):
    def confirm(manifest):
        say(_('Archive vérifiée : sauvegarde du %s (ecole-ent %s, schéma %s, %d fichiers).')
            % (manifest.get('created_at', '?'), manifest.get('app_version', '?'),
               manifest.get('schema_version', '?'), len(manifest['files'])))
        answer = input(_('Remplacer les données de %s par cette sauvegarde ? [oui/non] ') % data_dir)
        return answer.strip().lower() in ('o', 'oui', 'y', 'yes')
    return confirm


def register(commands):
    p = commands.add('backup', cmd_backup,
                     _('sauvegarde base et fichiers dans une archive vérifiée (garde les N dernières)'))
    p.add_argument('--dest', metavar=_('DOSSIER'),
                   help=_('dossier de destination, créé si besoin (défaut : [backup] dir, sinon DONNÉES/backups)'))
    p = commands.add('restore', cmd_restore,
                     _('restaure une archive de sauvegarde (serveur arrêté, ou nouveau dossier de données)'))
    p.add_argument('archive', metavar=_('ARCHIVE'), help=_('fichier ecole-ent-AAAAMMJJ-HHMMSS.tar'))
    p.add_argument('--yes', action='store_true', help=_('ne pas demander de confirmation'))
