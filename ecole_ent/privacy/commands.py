"""`ecole-ent privacy retention [--dry-run] [--as-of AAAA-MM-JJ] [--json]`: the retention rules
applied now (or as on a given day), or only counted with --dry-run. stdout carries the JSON
{kind: count} with --json, else one French line per rule on stderr. A malformed date: one French
line on stderr, exit 2, nothing changed."""
import re
from datetime import date

from ..cli import out, say
from ..i18n import _, ngettext
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
    counts = retention.run(as_of, dry_run=args.dry_run)
    if args.json:
        out(counts)
        return 0
    for kind, count in counts.items():
        verb = (ngettext('%(n)d élément serait effacé', '%(n)d éléments seraient effacés', count) if args.dry_run
                else ngettext('%(n)d élément effacé', '%(n)d éléments effacés', count))
        say(f'{rules.BY_KIND[kind].title} : {verb % {"n": count}}')
    return 0


def register(commands):
    commands.group('privacy', _('données personnelles (RGPD) : conservation, effacement'))
    p = commands.add('retention', cmd_retention, _('applique les règles de conservation des données '
                                                   '(efface ce qui a dépassé sa durée)'), parent='privacy')
    p.add_argument('--dry-run', action='store_true', help=_('compte seulement ce qui serait effacé, sans rien changer'))
    p.add_argument('--as-of', metavar='AAAA-MM-JJ',
                   help=_('applique les règles comme ce jour-là (défaut : maintenant)'))
    p.add_argument('--json', action='store_true', help=_('affiche {règle: nombre} en JSON sur la sortie standard'))
