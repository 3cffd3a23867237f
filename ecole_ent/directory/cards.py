"""Login cards for pupils (QR code + short code) and activation letters for adults.

A pupil's card token is a random secret stored only as a keyed hash (PupilCard): printing
a class's cards issues new tokens, which revokes the previous cards; a teacher can also
revoke one card. QR sign-in works only for active pupil accounts and only from the
school's networks (``security.school_networks``). Activation letters issue a fresh code
through the accounts service for each adult who has not activated yet.
"""


from .. import audit, security
from ..accounts import service as accounts
from ..db import writing
from ..errors import Forbidden
from ..i18n import _
from ..models import GuardianLink, User, now
from ..models.directory import PupilCard

TOKEN_LENGTH = 8
MAX_FAILURES = 20


def printable(token):
    return f'{token[:4]} {token[4:]}'


def qr_svg(text):
    """An inline SVG QR code (segno), scaled for a printed card."""
    import segno  # loaded when cards are printed, not by every server start (1.2 MB)
    return segno.make(text, error='m').svg_inline(scale=4, dark='#000', light='#fff')


def issue_cards(classroom, actor):
    """New card tokens for the class's active pupils: [(pupil, token)], old cards revoked."""
    pupils = [p for p in accounts.pupils_of(classroom) if p.status == 'active']
    cards = []
    with writing():
        for pupil in pupils:
            token = security.new_code(TOKEN_LENGTH)
            PupilCard.delete().where(PupilCard.pupil == pupil).execute()
            PupilCard.create(pupil=pupil, token_hash=security.keyed_hash(token, 'card'),
                             issued_by=actor)
            cards.append((pupil, token))
        audit.record(actor, 'cards.issued', classroom.name, pupils=len(cards))
    return cards


def revoke_card(pupil, actor):
    with writing():
        removed = PupilCard.delete().where(PupilCard.pupil == pupil).execute()
        audit.record(actor, 'card.revoked', pupil.login)
    return removed


def has_card(pupil):
    return PupilCard.select().where(PupilCard.pupil == pupil).exists()


def card_user(token, address, networks):
    """The pupil a card signs in, or Forbidden (outside school networks, unknown, not a pupil).

    Wrong codes are counted per address: after MAX_FAILURES the address waits, one minute
    at first, doubling up to an hour (codes are short so that young pupils can type them).
    """
    if not security.in_networks(address, networks):
        raise Forbidden(_('La connexion par carte ne fonctionne que depuis le réseau de l\'école.'))
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
            or pupil.role_set - {'pupil'}:
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


