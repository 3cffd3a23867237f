"""`ecole-ent mail test --to ADRESSE` (send a test message through the configured SMTP relay),
`mail outbox --format json` (the latest mails and their state) and `mail flush [--all]` (send what
is due now, under the outbox job's lease). JSON only on stdout."""
from .. import scheduler
from ..cli import out, say
from ..i18n import _
from . import outbox, service
from .service import MailError


def cmd_test(args, ctx):
    print(service.test_relay(service.Relay.from_config(ctx.config), args.to))  # MailError: exit 1
    return 0


def cmd_outbox(args, ctx):
    ctx.database()
    out(outbox.listing(args.state, args.limit))
    return 0


def cmd_flush(args, ctx):
    ctx.database()
    if not service.enabled():
        raise MailError(outbox.not_configured())
    from . import jobs  # noqa: F401 (registers the outbox job, whose lease this takes)
    with scheduler.hold(outbox.JOB):
        counts = outbox.send_due(all=args.all)
    if counts.failed:
        say(_("%d courriel(s) non remis : voir « ecole-ent mail outbox » (last_error).") % counts.failed)
    out(counts.as_dict())
    return 0


def register(commands):
    commands.group('mail', _('courriels (relais SMTP)'))
    parser = commands.add('test', cmd_test, _('envoie un message de test par le relais SMTP '
                                              'configuré (section [smtp])'), parent='mail')
    parser.add_argument('--to', required=True, metavar='ADRESSE',
                        help=_('adresse qui reçoit le message de test'))
    parser = commands.add('outbox', cmd_outbox, _('liste en JSON les derniers courriels (id, to, subject, '
                                                  'state pending|sent|failed, attempts, next_try, '
                                                  'last_error)'), parent='mail')
    parser.add_argument('--format', choices=['json'], default='json', help=_('format de sortie (json)'))
    parser.add_argument('--state', choices=['pending', 'sent', 'failed'], help=_('seulement cet état'))
    parser.add_argument('--limit', type=int, default=100, help=_('nombre de courriels, les plus récents '
                                                                 '(défaut 100)'))
    parser = commands.add('flush', cmd_flush, _('envoie maintenant les courriels dont la tentative est '
                                                'due ; affiche en JSON {sent, failed, waiting}'), parent='mail')
    parser.add_argument('--all', action='store_true',
                        help=_('envoie aussi ceux qui attendent leur prochaine tentative'))
