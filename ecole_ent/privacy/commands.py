"""`ecole-ent privacy retention [--dry-run] [--as-of AAAA-MM-JJ] [--json]`: the retention rules
applied now (or as on a given day), or only counted with --dry-run. stdout carries the JSON
{kind: count} with --json, else one French line per rule on stderr. A malformed date, or a day to
come without --dry-run: one French line on stderr, exit 2, nothing changed."""
import re
from datetime import date
from pathlib import Path

from .. import audit
from ..cli import out, say
from ..db import writing
from ..errors import ValidationError
from ..i18n import _, ngettext
from ..models import User
from . import retention, rules

ISO_DAY = re.compile(r'^\d{4}-\d{2}-\d{2}$')


def parse_day(text):
    """The date of 'AAAA-MM-JJ', or None when malformed (2027-02-30 included)."""
    if not ISO_DAY.match(text or ''):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def cmd_retention(args, ctx):
    as_of = None
    if args.as_of is not None:
        as_of = parse_day(args.as_of.strip())
        if as_of is None:
            say(_('Erreur : --as-of attend une date AAAA-MM-JJ (par exemple 2027-03-01), pas « %s ». '
                  'Rien n’a été effacé.') % args.as_of)
            return 2
    ctx.database()
    try:
        counts = retention.run(as_of, dry_run=args.dry_run)
    except ValidationError as refused:          # a day to come without --dry-run
        say(_('Erreur : %s') % ' '.join(refused.errors.values()))
        return 2
    if args.json:
        out(counts)
        return 0
    for kind, count in counts.items():
        verb = (ngettext('%(n)d élément serait effacé', '%(n)d éléments seraient effacés', count) if args.dry_run
                else ngettext('%(n)d élément effacé', '%(n)d éléments effacés', count))
        say(f'{rules.BY_KIND[kind].title} : {verb % {"n": count}}')
    return 0


def cmd_export(args, ctx):
    """`privacy export LOGIN --dest DIR`: the family's zip, the same as from /compte, written in DIR."""
    from . import export  # the zip's code (photos, jinja) only for this command
    ctx.database()
    guardian = User.get_or_none(User.login == args.login.strip().lower())
    if guardian is None or not guardian.has_role('guardian'):
        say(_('Erreur : aucun compte de parent n’a l’identifiant « %s ». Rien n’a été écrit.') % args.login)
        return 1
    dest = Path(args.dest)
    if not dest.is_dir():
        say(_('Erreur : le dossier « %s » n’existe pas. Rien n’a été écrit.') % args.dest)
        return 2
    path = export.write_zip(guardian, dest / export.download_name(guardian))
    with writing():
        audit.record(None, export.ACTION, guardian.id, school=guardian.school_id, guardian=guardian.login, cli=True)
    say(_('Export écrit : %s') % path)
    return 0


def register(commands):
    commands.group('privacy', _('données personnelles (RGPD) : conservation, effacement'))
    p = commands.add('retention', cmd_retention, _('applique les règles de conservation des données '
                                                   '(efface ce qui a dépassé sa durée)'), parent='privacy')
    p.add_argument('--dry-run', action='store_true', help=_('compte seulement ce qui serait effacé, sans rien changer'))
    p.add_argument('--as-of', metavar='AAAA-MM-JJ',
                   help=_('applique les règles comme ce jour-là (défaut : maintenant)'))
    p.add_argument('--json', action='store_true', help=_('affiche {règle: nombre} en JSON sur la sortie standard'))
    p = commands.add('export', cmd_export, _('écrit le fichier zip des données d’une famille (comme depuis '
                                             'son compte)'), parent='privacy')
    p.add_argument('login', metavar='IDENTIFIANT', help=_('identifiant du parent'))
    p.add_argument('--dest', metavar='DOSSIER', required=True, help=_('dossier où écrire le fichier zip'))
