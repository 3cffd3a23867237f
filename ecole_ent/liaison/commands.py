"""`ecole-ent notes send | status | sign`: the cahier de liaison from the command line, for
scripts and commune IT. Each command acts as the account named by --by or --as, under that
account's rights (a school-wide or urgent note: the director of the school, or the admin).

stdout carries JSON only; warnings (a deadline on a day without class) go to stderr with exit 0.
Errors (an unknown login, class or note, a field refused, a writer who does not teach the class,
--school-wide or --urgent by anyone but the director) are one French line on stderr and exit 1,
through cli.main.
"""
from functools import partial

from ..accounts import membership
from ..accounts import service as accounts
from ..admin.commands import niveaux_of
from ..cli import out, say
from ..errors import ValidationError, found
from ..i18n import _
from ..models import ANSWERS, NOTE_KINDS, Note, School
from . import notes, receipts

OPTIONS = {'class_id': '--class', 'kind': '--kind', 'title': '--title', 'body': '--text', 'deadline': '--deadline',
           'niveaux': '--niveaux', 'pupils': '--pupils', 'remind_days': '--remind-days'}


def _iso(moment):
    """A naive UTC time as ISO 8601 with its offset (2026-12-04T09:00:00+00:00), or None."""
    return moment.isoformat() + '+00:00' if moment else None


def _pupil_ids(logins):
    """The ids of the pupils named by login (notes.send checks they are of the class)."""
    return [str(accounts.get_user(login).id) for login in logins]


def cmd_send(args, ctx):
    ctx.database()
    writer = accounts.get_user(args.by)
    if args.school_wide:
        values = {'class_id': 'ecole'}
        school_id = _school_id(args.school) if args.school else writer.school_id
    else:
        classroom = membership.find_class(args.class_label, args.school)
        values, school_id = {'class_id': str(classroom.id)}, None
    values.update(kind=args.kind, title=args.title, body=args.text, deadline=args.deadline or '',
                  remind_days=str(args.remind_days or ''), urgent='1' if args.urgent else '',
                  niveaux=[n.upper() for n in niveaux_of(args.niveaux)],
                  pupils=_pupil_ids([p.strip() for p in (args.pupils or '').split(',') if p.strip()]))
    try:
        note, warnings = notes.send(writer, values, school_id=school_id)
    except ValidationError as exc:
        raise ValidationError({f: f'{OPTIONS.get(f, f)} : {m}' for f, m in exc.errors.items()}) from None
    for warning in warnings:
        say(_('Attention : %s') % warning)
    out({'id': note.id})
    return 0


def _school_id(uai):
    school = found(School.get_or_none(School.uai == uai.strip().upper()), _('École inconnue : %s') % uai)
    return school.id


def note_status(note_id):
    """{"id", "kind", "deadline", "pupils": [{"login", "guardians": [{"login", "read_at", "signed_at",
    "answer", "channel"}]}]}; a pupil without a guardian account has one guardian of login null."""
    note = found(Note.get_or_none(Note.id == note_id), _('Mot inconnu : %s') % note_id)
    return {'id': note.id, 'kind': note.kind, 'deadline': note.deadline.isoformat() if note.deadline else None,
            'pupils': [{'login': entry['pupil'].login,
                        'guardians': [{'login': r.guardian.login if r.guardian_id else None,
                                       'read_at': _iso(r.read_at), 'signed_at': _iso(r.signed_at),
                                       'answer': r.answer, 'channel': r.channel} for r in entry['receipts']]}
                       for entry in receipts.status(note)]}


def cmd_status(args, ctx):
    ctx.database()
    out(note_status(args.id))
    return 0


def cmd_sign(args, ctx):
    ctx.database()
    guardian = accounts.get_user(args.login)
    child = accounts.get_user(args.child)
    try:
        signed, new = receipts.sign(guardian, args.id, child.id, args.answer, args.comment or '')
    except ValidationError as exc:
        raise ValidationError({f: f'--answer : {m}' if f == 'answer' else m for f, m in exc.errors.items()}) from None
    names = {'id': args.id, 'child': child.login, 'login': guardian.login}
    say(_('Mot %(id)d signé pour %(child)s par %(login)s.') % names if new else _('Déjà signé : rien n’a changé.'))
    out({'id': args.id, 'child': child.login, 'signed_at': _iso(signed.signed_at), 'answer': signed.answer,
         'channel': signed.channel, 'new': new})
    return 0


def register(commands):
    commands.group('notes', _('cahier de liaison : mots aux familles'))
    add = partial(commands.add, parent='notes')
    p = add('send', cmd_send, _('envoie un mot aux familles ; affiche en JSON son numéro {"id": N}'))
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument('--class', dest='class_label', metavar='CLASSE',
                        help=_('nom de la classe comme « users list » le montre (ex. « CP-CE1 »), ou son numéro'))
    target.add_argument('--school-wide', action='store_true',
                        help=_("à toutes les familles de l'école (la direction seulement)"))
    p.add_argument('--school', metavar='UAI', help=_("code UAI de l'école, si plusieurs écoles ont une classe de ce "
                                                     "nom (ou pour l'administrateur, l'école d'un mot --school-wide)"))
    p.add_argument('--by', required=True, metavar='IDENTIFIANT',
                   help=_("identifiant de l'enseignant ou de la direction"))
    p.add_argument('--kind', required=True, choices=NOTE_KINDS, help=_('info, sign (à signer) ou answer (oui / non)'))
    p.add_argument('--niveaux', help=_('seulement ces niveaux de la classe, séparés par des virgules (ex. CP,CE1)'))
    p.add_argument('--pupils', metavar='IDENTIFIANTS',
                   help=_('seulement ces élèves, identifiants séparés par des virgules'))
    p.add_argument('--title', required=True, metavar='TITRE', help=_('titre du mot'))
    p.add_argument('--text', required=True, metavar='TEXTE', help=_('texte du mot (Markdown)'))
    p.add_argument('--deadline', metavar='AAAA-MM-JJ', help=_('date limite pour signer ou répondre'))
    p.add_argument('--remind-days', type=int, metavar='N', help=_('relance automatique N jours avant la date limite'))
    p.add_argument('--urgent', action='store_true',
                   help=_('mot urgent, sans attendre les heures calmes (direction, avec --school-wide)'))
    p = add('status', cmd_status, _('qui a lu, signé ou répondu à un mot, en JSON'))
    p.add_argument('id', type=int, metavar='NUMÉRO', help=_('numéro du mot'))
    p.add_argument('--format', choices=('json',), default='json', help=_('format de sortie'))
    p = add('sign', cmd_sign, _('signe (ou répond à) un mot pour un enfant, au nom de son responsable'))
    p.add_argument('id', type=int, metavar='NUMÉRO', help=_('numéro du mot'))
    p.add_argument('--as', dest='login', required=True, metavar='IDENTIFIANT', help=_('identifiant du responsable'))
    p.add_argument('--child', required=True, metavar='IDENTIFIANT', help=_("identifiant de l'élève"))
    p.add_argument('--answer', choices=ANSWERS, help=_('oui ou non, pour un mot à répondre'))
    p.add_argument('--comment', metavar='TEXTE', help=_('commentaire, pour un mot à répondre'))
