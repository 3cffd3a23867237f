"""`ecole-ent homework add | list | done`: the homework notebook from the command line, for scripts
and commune IT. Each command acts as the account named by --by or --as, under that account's rights.

stdout carries JSON only (as `users list`); warnings ("due on a holiday") go to stderr with exit 0.
Errors (an unknown login or class, a class name two schools share without --school, a form
field refused, a writer who does not teach the class) are one French line on stderr and exit 1,
through cli.main.
"""
import argparse
from datetime import date, timedelta
from functools import partial

from ..accounts import membership
from ..accounts import service as accounts
from ..admin.commands import niveaux_of
from ..cli import out, say
from ..errors import ValidationError
from ..i18n import _
from . import entries, reading, service

LIST_DAYS = 14      # `homework list` without --to: two weeks from --from

# The form's fields as the command line names them, for validation messages.
OPTIONS = {'niveaux': '--niveaux', 'subject': '--subject', 'due_on': '--due', 'given_on': '--given',
           'body': '--text', 'when': '--publish-at', 'publish_date': '--publish-at',
           'publish_time': '--publish-at'}


def a_date(text):
    """argparse type: YYYY-MM-DD, refused with a French usage error (exit 2)."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(_('date attendue au format AAAA-MM-JJ : %s') % text) from None


def form_values(args):
    """The command's options as the web form's strings (entries.create reads those)."""
    publish_date, _space, publish_time = (args.publish_at or '').strip().replace('T', ' ').partition(' ')
    return {'niveaux': [n.upper() for n in niveaux_of(args.niveaux)], 'subject': args.subject,
            'due_on': args.due, 'given_on': args.given or '',
            'body': args.text, 'links': '', 'when': 'later' if args.publish_at else 'now',
            'publish_date': publish_date, 'publish_time': publish_time.strip()}


def named_options(exc):
    """The same ValidationError, each message led by the option it is about."""
    return ValidationError({field: f'{OPTIONS.get(field, field)} : {message}'
                            for field, message in exc.errors.items()})


def cmd_add(args, ctx):
    ctx.database()
    writer = accounts.get_user(args.by)
    classroom = membership.find_class(args.class_label, args.school)
    try:
        created, warnings = entries.create(writer, classroom.id, form_values(args))
    except ValidationError as exc:
        raise named_options(exc) from None
    for warning in warnings:
        say(_('Attention : %s') % warning)
    out({'id': created[0].id})
    return 0


def cmd_list(args, ctx):
    ctx.database()
    user = accounts.get_user(args.login)
    start = args.start or service.today()
    out(reading.list_as(user, start, args.end or start + timedelta(days=LIST_DAYS - 1)))
    return 0


def cmd_done(args, ctx):
    ctx.database()
    entries.set_done(accounts.get_user(args.login), args.id)
    say(_('Devoirs %(id)d cochés « fait » pour %(login)s.') % {'id': args.id, 'login': args.login})
    return 0


def register(commands):
    commands.group('homework', _('cahier de textes'))
    add = partial(commands.add, parent='homework')
    p = add('add', cmd_add, _('donne des devoirs à une classe ; affiche en JSON leur numéro {"id": N}'))
    p.add_argument('--class', dest='class_label', required=True, metavar='CLASSE',
                   help=_('nom de la classe comme « users list » le montre (ex. « CP-CE1 »), ou son numéro'))
    p.add_argument('--school', metavar='UAI', help=_("code UAI de l'école, si plusieurs écoles ont une "
                                                     'classe de ce nom'))
    p.add_argument('--niveaux', help=_('seulement ces niveaux de la classe, séparés par des virgules '
                                       '(ex. CE1,CE2 ; défaut : toute la classe)'))
    p.add_argument('--subject', required=True, metavar='MATIÈRE', help=_('matière (ex. « Français »)'))
    p.add_argument('--due', required=True, metavar='AAAA-MM-JJ', help=_('à faire pour ce jour'))
    p.add_argument('--given', metavar='AAAA-MM-JJ',
                   help=_("donnés le (défaut : aujourd'hui, ou le jour même pour une date passée)"))
    p.add_argument('--publish-at', metavar='"AAAA-MM-JJ HH:MM"',
                   help=_("visibles des familles et des élèves à partir de ce moment, heure de l'école "
                          '(défaut : tout de suite)'))
    p.add_argument('--text', required=True, metavar='TEXTE', help=_('le travail à faire (Markdown)'))
    p.add_argument('--by', required=True, metavar='IDENTIFIANT',
                   help=_('identifiant de l’enseignant qui les donne (un enseignant de la classe)'))
    p = add('list', cmd_list, _('les devoirs que voit un compte, en JSON'))
    p.add_argument('--as', dest='login', required=True, metavar='IDENTIFIANT', help=_('identifiant du compte'))
    p.add_argument('--from', dest='start', type=a_date, metavar='AAAA-MM-JJ',
                   help=_("devoirs pour ce jour et après (défaut : aujourd'hui)"))
    p.add_argument('--to', dest='end', type=a_date, metavar='AAAA-MM-JJ',
                   help=_('devoirs pour ce jour et avant (défaut : deux semaines après --from)'))
    p.add_argument('--format', choices=('json',), default='json', help=_('format de sortie'))
    p = add('done', cmd_done, _('coche « fait » des devoirs pour un élève'))
    p.add_argument('id', type=int, metavar='NUMÉRO', help=_('numéro des devoirs (voir homework list)'))
    p.add_argument('--as', dest='login', required=True, metavar='IDENTIFIANT', help=_("identifiant de l'élève"))
