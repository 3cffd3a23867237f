"""`classes ...` and `users ...` administration commands, for commune IT and scripts.

They act as the installation's admin (actor None: whoever runs them owns the data folder). Lists
print JSON on stdout; other messages go to stderr. Bad input raises ValidationError or NotFound,
which cli.main turns into one French line on stderr and exit code 1.
"""
from functools import partial

from ..cli import out, say
from ..errors import ValidationError
from ..i18n import _
from . import accounts, classes, service

ACTOR = None    # the command line administers every school


def school_of(args):
    """--school UAI, or the only school of the installation."""
    if args.school:
        return service.get_school(ACTOR, uai=args.school.strip().upper())
    schools = service.schools_for(ACTOR)
    if len(schools) != 1:
        raise ValidationError({'school': _("précisez l'école avec --school UAI (%d écoles dans "
                                           "cette installation)") % len(schools)})
    return schools[0]


def niveaux_of(text):
    return [n for n in (text or '').replace(' ', ',').split(',') if n]


def cmd_classes_list(args, ctx):
    ctx.database()
    out(classes.class_rows(ACTOR, school_of(args) if args.school else None))
    return 0


def cmd_classes_create(args, ctx):
    ctx.database()
    classroom = classes.create_class(ACTOR, school_of(args), args.name, niveaux_of(args.niveaux))
    out({'id': classroom.id, 'name': classroom.name, 'niveaux': classroom.niveau_list})
    return 0


def cmd_classes_rename(args, ctx):
    ctx.database()
    classroom = classes.get_class(ACTOR, args.id)
    niveaux = niveaux_of(args.niveaux) if args.niveaux is not None else classroom.niveau_list
    classroom = classes.update_class(ACTOR, classroom, args.name, niveaux)
    say(_('Classe %(id)d : « %(name)s » (%(niveaux)s)') % {
        'id': classroom.id, 'name': classroom.name, 'niveaux': ', '.join(classroom.niveau_list)})
    return 0


def cmd_classes_archive(args, ctx):
    ctx.database()
    classes.archive_class(ACTOR, classes.get_class(ACTOR, args.id), confirmed=args.yes)
    say(_('Classe %d archivée.') % args.id)
    return 0


def cmd_classes_teacher(change, done, args, ctx):
    """classes assign-teacher and remove-teacher: change(actor, classroom, teacher), then say done."""
    ctx.database()
    change(ACTOR, classes.get_class(ACTOR, args.id), accounts.account_by_login(ACTOR, args.login))
    say(done % {'login': args.login, 'id': args.id})
    return 0


def cmd_users_create(args, ctx):
    ctx.database()
    data = {'first_name': args.first_name, 'last_name': args.last_name, 'role': args.role,
            'email': args.email or '', 'login': args.login or '',
            'class_id': str(args.class_id or ''), 'niveau': args.niveau or ''}
    user = accounts.create_account(ACTOR, school_of(args), data)
    code = accounts.reissue_code(ACTOR, user)
    out({'login': user.login, 'activation_code': code, 'role': args.role, 'status': 'pending'})
    return 0


def cmd_users_edit(args, ctx):
    ctx.database()
    user = accounts.get_account(ACTOR, login=args.login)
    names = (('first_name', args.first_name), ('last_name', args.last_name), ('email', args.email))
    if args.notify is None or any(v is not None for _k, v in names):   # a directory account: refused
        data = {'first_name': user.first_name, 'last_name': user.last_name, 'email': user.email or ''}
        data.update({k: v for k, v in names if v is not None})
        user = accounts.edit_account(ACTOR, user, data)
        say(_('Compte %(login)s : %(name)s <%(email)s>') % {'login': user.login, 'name': user.display_name,
                                                             'email': user.email or ''})
    if args.notify is not None:       # any account, a directory one too: the setting is the ENT's own
        from ..mail import preferences
        pref = preferences.save_preference(user, mode=args.notify)
        say(_('Courriels de %(login)s : %(mode)s.') % {'login': user.login,
                                                       'mode': preferences.mode_label(pref.mode)})
    return 0


def cmd_users_disable(args, ctx):
    ctx.database()
    accounts.disable_account(ACTOR, accounts.get_account(ACTOR, login=args.login))
    say(_('Compte %s désactivé ; ses sessions sont fermées.') % args.login)
    return 0


def cmd_users_enable(args, ctx):
    ctx.database()
    accounts.enable_account(ACTOR, accounts.get_account(ACTOR, login=args.login))
    say(_('Compte %s réactivé.') % args.login)
    return 0


def cmd_users_link(args, ctx):
    ctx.database()
    accounts.link_guardian(ACTOR, accounts.account_by_login(ACTOR, args.guardian, 'guardian'),
                          accounts.account_by_login(ACTOR, args.pupil, 'pupil'),
                          args.relation, not args.no_legal_authority)
    say(_('%(guardian)s relié·e à %(pupil)s.') % {'guardian': args.guardian, 'pupil': args.pupil})
    return 0


def cmd_users_unlink(args, ctx):
    ctx.database()
    accounts.unlink_guardian(ACTOR, accounts.account_by_login(ACTOR, args.guardian, 'guardian'),
                            accounts.account_by_login(ACTOR, args.pupil, 'pupil'))
    say(_('%(guardian)s n’est plus relié·e à %(pupil)s.') % {'guardian': args.guardian, 'pupil': args.pupil})
    return 0


def cmd_users_set_consent(args, ctx):
    ctx.database()
    accounts.set_consent(ACTOR, accounts.get_account(ACTOR, login=args.login), args.value)
    say(_("Droit à l'image de %(login)s : %(value)s.") % {'login': args.login, 'value': args.value})
    return 0


def cmd_users_reissue_code(args, ctx):
    ctx.database()
    print(accounts.reissue_code(ACTOR, accounts.get_account(ACTOR, login=args.login)))
    say(_("Nouveau code d'activation de %s ci-dessus ; l'ancien ne fonctionne plus.") % args.login)
    return 0


def register(commands):
    add_class_commands(commands)
    add_user_commands(commands)


def add_class_commands(commands):
    commands.group('classes', "classes de l'année en cours")
    add = partial(commands.add, parent='classes')
    school_help = "code UAI de l'école (facultatif s'il n'y en a qu'une)"
    p = add('list', cmd_classes_list, 'liste les classes en JSON (archivées comprises)')
    p.add_argument('--school', help=school_help)
    p = add('create', cmd_classes_create, "crée une classe de l'année en cours")
    p.add_argument('name', help='nom de la classe, par exemple "CE1-CE2"')
    p.add_argument('--niveaux', required=True,
                   help='niveaux séparés par des virgules : TPS,PS,MS,GS,CP,CE1,CE2,CM1,CM2')
    p.add_argument('--school', help=school_help)
    p = add('rename', cmd_classes_rename, 'renomme une classe (et change ses niveaux avec --niveaux)')
    p.add_argument('id', type=int, help='numéro de la classe (voir classes list)')
    p.add_argument('name', help='nouveau nom')
    p.add_argument('--niveaux', help='nouveaux niveaux, séparés par des virgules')
    p = add('archive', cmd_classes_archive, "archive une classe (elle quitte les pages d'accueil)")
    p.add_argument('id', type=int, help='numéro de la classe')
    p.add_argument('--yes', action='store_true', help="confirme l'archivage (sans --yes : dit ce qui se passerait)")
    for name, change, done, help in (
            ('assign-teacher', classes.assign_teacher, _('%(login)s affecté·e à la classe %(id)d.'),
             'affecte un enseignant à une classe'),
            ('remove-teacher', classes.remove_teacher, _('%(login)s retiré·e de la classe %(id)d.'),
             "retire un enseignant d'une classe")):
        p = add(name, partial(cmd_classes_teacher, change, done), help)
        p.add_argument('id', type=int, help='numéro de la classe')
        p.add_argument('login', help="identifiant de l'enseignant")


def add_user_commands(commands):
    commands.group('users', 'comptes')
    add = partial(commands.add, parent='users')
    p = add('create', cmd_users_create, "crée un compte local en attente d'activation ; "
            "affiche en JSON son identifiant et son code d'activation")
    p.add_argument('first_name', help='prénom')
    p.add_argument('last_name', help='nom')
    p.add_argument('--role', required=True, help='guardian (responsable), teacher, staff, pupil ou director')
    p.add_argument('--school', help="code UAI de l'école (facultatif s'il n'y en a qu'une)")
    p.add_argument('--email', help='adresse électronique')
    p.add_argument('--login', help='identifiant voulu (défaut : prénom.nom)')
    p.add_argument('--class', dest='class_id', type=int, help='élèves : numéro de la classe')
    p.add_argument('--niveau', help='élèves : niveau dans la classe (défaut : le premier)')
    p = add('edit', cmd_users_edit, "modifie le nom ou l'adresse d'un compte local, les courriels "
            "de tout compte (--notify)")
    p.add_argument('login', help='identifiant du compte')
    p.add_argument('--first-name', help='nouveau prénom')
    p.add_argument('--last-name', help='nouveau nom')
    p.add_argument('--email', help='nouvelle adresse ("" pour l’effacer)')
    p.add_argument('--notify', choices=['immediate', 'digest', 'none'],
                   help='courriels des nouveaux messages et mots : à chaque nouveauté, un résumé par jour, '
                        'aucun (aussi pour un compte de l’annuaire)')
    for name, handler, help in (('disable', cmd_users_disable, 'désactive un compte et ferme ses sessions'),
                                ('enable', cmd_users_enable, 'réactive un compte'),
                                ('reissue-code', cmd_users_reissue_code,
                                 "nouveau code d'activation (l'ancien ne fonctionne plus)")):
        add(name, handler, help).add_argument('login', help='identifiant du compte')
    p = add('link', cmd_users_link, 'relie un responsable à un élève de la même école')
    p.add_argument('guardian', help='identifiant du responsable')
    p.add_argument('pupil', help="identifiant de l'élève")
    p.add_argument('--relation', default='parent',
                   help=f'lien : {", ".join(accounts.RELATIONS)} (défaut parent)')
    p.add_argument('--no-legal-authority', action='store_true', help="n'exerce pas l'autorité parentale")
    p = add('unlink', cmd_users_unlink, "détache un responsable d'un élève")
    p.add_argument('guardian', help='identifiant du responsable')
    p.add_argument('pupil', help="identifiant de l'élève")
    p = add('set-consent', cmd_users_set_consent, "droit à l'image d'un élève")
    p.add_argument('login', help="identifiant de l'élève")
    p.add_argument('value', help='granted (autorisé), refused (refusé) ou unknown (non renseigné)')
