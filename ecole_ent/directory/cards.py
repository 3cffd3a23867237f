"""Login cards for pupils (QR code + short code) and activation letters for adults.

A pupil's card code is derived from a random seed with the installation's secret (HMAC), and the
database keeps the seed and the code's keyed hash, never the code: whoever reads the database
alone cannot sign in, yet the school can print the same card again. With the secret as well (a
backup archive holds both, as it holds every other piece of the school's data) the codes can be
computed: keep archives as carefully as the server, and renew a class's codes if one is lost.

Printing a class keeps the codes of valid cards (cards already cut out still work) and gives
pupils without one a new card; renewing the whole class, or one pupil's card, replaces the codes
at once (the old cards stop working). Cards from before seeds were kept (migration m0010) have an
unknown code: printing them gives a new one. Every print is audited. QR sign-in works only for
active pupil accounts and only from the school's networks (``security.school_networks``).
Activation letters issue a fresh code through the accounts service for each adult who has not
activated yet.
"""
import secrets

from .. import audit, security
from ..accounts import service as accounts
from ..db import writing
from ..errors import Forbidden, ValidationError
from ..i18n import _
from ..models import GuardianLink, User, now
from ..models.directory import PupilCard

TOKEN_LENGTH = 8
MAX_FAILURES = 20


def printable(token):
    return f'{token[:4]} {token[4:]}'


def qr_svg(text):
    """An inline SVG QR code (segno) that scales to the box the stylesheets give it (6 rem on screen,
    38 mm printed): a viewBox and no fixed size, or the box would cut the code instead."""
    import segno  # loaded when cards are printed, not by every server start (1.2 MB)
    return segno.make(text, error='m').svg_inline(scale=4, dark='#000', light='#fff', omitsize=True)


def _code_of(seed):
    """The printed code a seed gives: TOKEN_LENGTH letters of the activation alphabet."""
    number, alphabet, letters = int(security.keyed_hash(seed, 'card-code'), 16), security.ACTIVATION_ALPHABET, []
    for _index in range(TOKEN_LENGTH):
        number, digit = divmod(number, len(alphabet))
        letters.append(alphabet[digit])
    return ''.join(letters)


def _token_hash(token):
    return security.keyed_hash(token, 'card')


def token_of(card):
    """The code printed on this card, or None when it cannot be known (no seed: an older card;
    or the installation's secret changed, and the card no longer works anyway)."""
    if card is None or not card.seed:
        return None
    token = _code_of(card.seed)
    return token if security.same(_token_hash(token), card.token_hash) else None


def _new_card(pupil, actor):
    """A new card for the pupil (the old one stops working); its code. Inside writing()."""
    PupilCard.delete().where(PupilCard.pupil == pupil).execute()
    while True:
        seed = secrets.token_hex(16)
        token = _code_of(seed)
        if not PupilCard.select().where(PupilCard.token_hash == _token_hash(token)).exists():
            break
    PupilCard.create(pupil=pupil, token_hash=_token_hash(token), seed=seed, issued_by=actor)
    return token


def _cards_of(pupils):
    return {c.pupil_id: c for c in PupilCard.select().where(PupilCard.pupil.in_([p.id for p in pupils]))}


def print_class(classroom, actor, renew=False):
    """The cards of the class's active pupils: [(pupil, code, new)], in the class's order.

    A valid card keeps its code unless `renew` (then every pupil gets a new code and every old card
    of the class stops working); pupils without a card, or whose code is unknown, get a new one.
    """
    pupils = [p for p in accounts.pupils_of(classroom) if p.status == 'active']
    with writing():
        existing = _cards_of(pupils)
        printed = []
        for pupil in pupils:
            token = None if renew else token_of(existing.get(pupil.id))
            printed.append((pupil, token or _new_card(pupil, actor), token is None))
        new = sum(1 for _p, _t, fresh in printed if fresh)
        audit.record(actor, 'cards.printed', classroom.name, school=classroom.school_id, pupils=len(printed),
                     new=new, kept=len(printed) - new, renew_all=renew)
    return printed


REPRINT_CHOICES = ('meme', 'nouveau')    # the same code (card lost in the classroom) or a new one


def reprinted_card(pupil, actor, choice):
    """One pupil's card printed again: (code, new). `choice` 'meme' keeps the code when it is known;
    'nouveau' (or an unknown code) gives a new one, and the old card stops working at once."""
    if choice not in REPRINT_CHOICES:
        raise ValidationError({'code': _('Choisissez : la même carte, ou une nouvelle carte avec un '
                                         'nouveau code.')})
    if pupil.status != 'active':
        raise ValidationError({'code': _('Le compte de {name} n’est pas actif : sa carte ne le '
                                         'connecterait pas.').format(name=pupil.first_name)})
    with writing():
        token = token_of(PupilCard.get_or_none(PupilCard.pupil == pupil)) if choice == 'meme' else None
        new = token is None
        token = token or _new_card(pupil, actor)
        audit.record(actor, 'card.reprinted', pupil.login, school=pupil.school_id, new=new, asked=choice)
    return token, new


def revoke_card(pupil, actor):
    with writing():
        removed = PupilCard.delete().where(PupilCard.pupil == pupil).execute()
        audit.record(actor, 'card.revoked', pupil.login, school=pupil.school_id)
    return removed


def with_cards(pupils):
    """The ids of those of `pupils` who have a card: one query for a whole class."""
    rows = PupilCard.select(PupilCard.pupil).where(PupilCard.pupil.in_([p.id for p in pupils]))
    return {row.pupil_id for row in rows}


def card_states(pupils):
    """{pupil id: 'none' | 'known' (can be printed again as is) | 'unknown' (a new code is needed)}."""
    cards = _cards_of(pupils)
    return {p.id: 'none' if p.id not in cards else 'known' if token_of(cards[p.id]) else 'unknown'
            for p in pupils}


def card_user(token, address, networks, allowed=None):
    """The pupil a card signs in, or Forbidden (outside school networks, unknown, not a pupil, or
    refused by `allowed(pupil)`, e.g. the kiosk's: then as an unknown card, and counted so).

    Wrong codes are counted per address: after MAX_FAILURES the address waits, one minute
    at first, doubling up to an hour (codes are short so that young pupils can type them).
    """
    security.require_school_network(address, networks)
    key = 'card:' + address
    try:
        accounts.refuse_if_locked([key])
    except accounts.LoginError:
        raise Forbidden(_('Trop de codes faux. Attends un peu, puis réessaie.')) from None
    token = (token or '').strip().lower().replace(' ', '').replace('-', '')
    card = PupilCard.get_or_none(PupilCard.token_hash == security.keyed_hash(token, 'card')) \
        if 0 < len(token) <= 40 else None
    pupil = User.get_or_none(User.id == card.pupil_id) if card else None
    if pupil is None or not pupil.has_role('pupil') or pupil.status != 'active' \
            or pupil.role_set - {'pupil'} or (allowed is not None and not allowed(pupil)):
        accounts.count_failure(key, MAX_FAILURES)
        raise Forbidden(_('Cette carte ne fonctionne pas. Demande une nouvelle carte à ton '
                          'enseignant·e.'))
    with writing():
        User.update(last_login_at=now()).where(User.id == pupil.id).execute()
    return pupil


def issue_letters(classroom, actor):
    """Activation codes for the not-yet-activated guardians of the class's pupils.

    Returns [(guardian, code, [children in this class])]; each code replaces the previous one.
    """
    pupils = {p.id: p for p in accounts.pupils_of(classroom)}
    links = (GuardianLink.select(GuardianLink, User).join(User, on=GuardianLink.guardian)
             .where(GuardianLink.pupil.in_(list(pupils)) & (User.status == 'pending'))
             .order_by(User.last_name, User.first_name))
    children = {}
    guardians = {}
    for link in links:
        guardians[link.guardian.id] = link.guardian
        children.setdefault(link.guardian.id, []).append(pupils[link.pupil_id])
    return [(g, accounts.issue_activation_code(g, actor), children[g.id])
            for g in guardians.values()]


def issue_staff_letters(school, actor):
    """Activation codes for the school's adults (teachers, staff) who have not activated yet."""
    staff = [u for u in User.select().where((User.school == school) & (User.status == 'pending'))
             .order_by(User.last_name, User.first_name)
             if u.has_role('teacher', 'director', 'staff')]
    return [(u, accounts.issue_activation_code(u, actor), []) for u in staff]


