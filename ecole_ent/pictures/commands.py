"""`ecole-ent classes pictures LABEL on|off` switches a class's picture passwords (LABEL as
`homework add --class` reads it: the class's name or number, --school UAI when two schools share
it); `ecole-ent cards pictures LOGIN` prints a pupil's three pictures as JSON
{"login": ..., "pictures": [names]} (the teacher who lost the class sheet, and tests).
Errors are one French line on stderr and exit 1, through cli.main."""
from functools import partial

from ..accounts import membership
from ..accounts import service as accounts
from ..cli import out, say
from ..errors import ValidationError
from ..i18n import _
from . import service

ACTOR = None    # the command line administers every school


def cmd_classes_pictures(args, ctx):
    ctx.database()
    classroom = membership.find_class(args.class_label, args.school)
    service.switch(ACTOR, classroom, args.state == 'on')
    say((_('Connexion par images activée pour %s.') if args.state == 'on'
         else _('Connexion par images désactivée pour %s.')) % classroom.name)
    return 0


def cmd_cards_pictures(args, ctx):
    ctx.database()
    pupil = accounts.get_user(args.login)
    names = service.sequence_for(pupil, ACTOR)
    if names is None:
        raise ValidationError({'login': _('%s n’est pas un élève d’une classe qui utilise la connexion '
                                          'par images.') % pupil.login})
    out({'login': pupil.login, 'pictures': names})
    return 0


def register(commands):
    commands.group('classes', "classes de l'année en cours")
    p = commands.add('pictures', cmd_classes_pictures, _('active ou désactive la connexion par images '
                                                         'des élèves d’une classe'), parent='classes')
    p.add_argument('class_label', metavar='CLASSE',
                   help=_('nom de la classe comme « users list » le montre (ex. « CP-CE1 »), ou son numéro'))
    p.add_argument('state', choices=('on', 'off'), help=_('on : activer ; off : désactiver'))
    p.add_argument('--school', metavar='UAI', help=_("code UAI de l’école, si plusieurs écoles ont une "
                                                     'classe de ce nom'))
    commands.group('cards', _('cartes et images de connexion des élèves'))
    add = partial(commands.add, parent='cards')
    p = add('pictures', cmd_cards_pictures, _('les 3 images d’un élève, en JSON'))
    p.add_argument('login', metavar='IDENTIFIANT', help=_("identifiant de l’élève"))
