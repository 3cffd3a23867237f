"""`ecole-ent mail test --to ADRESSE`: send a test message through the configured SMTP relay."""
from ..i18n import _
from . import service


def cmd_test(args, ctx):
    print(service.test_relay(service.Relay.from_config(ctx.config), args.to))  # MailError: exit 1
    return 0


def register(commands):
    commands.group('mail', _('courriels (relais SMTP)'))
    parser = commands.add('test', cmd_test, _('envoie un message de test par le relais SMTP '
                                              'configuré (section [smtp])'), parent='mail')
    parser.add_argument('--to', required=True, metavar='ADRESSE',
                        help=_('adresse qui reçoit le message de test'))
