"""Picture passwords: which classes use them, each pupil's sequence of 3 pictures, its renewal,
and the sign-in with it.

How a sequence is kept. The database holds a random seed per pupil (PicturePassword), never the
pictures: the sequence is derived from the seed with the installation's secret (HMAC, as
directory/cards.py derives card codes), so the class sheet and the QR cards can print it again,
and whoever reads the database alone cannot replay it (without the secret, the seed says nothing
of the 1,320 possible sequences, and no hash of the sequence is stored to try them against).
A backup archive holds the secret too: with it the sequences can be computed, as the card codes
can. Renewing gives a new seed: the old sequence stops working at once. If the secret changes,
every sequence changes with it (print the sheet again).

Assignment is lazy: switching a class on gives every active pupil a seed, and a pupil who joins
the class later gets theirs the first time their sequence is needed (the sheet, the cards, the
command line, or a sign-in attempt), so nothing hooks into the directory sync.

Sign-in, as the QR cards: pupils only (any other account gets the message of a wrong sequence),
enrolled in a class with picture passwords on, from the school's networks only (checked before
anything else); wrong sequences are counted per pupil and per address (accounts.count_failure,
the one throttling rule), and a lock is audited there.

Brute force, the arithmetic. 12 pictures, 3 different ones in order: 12 x 11 x 10 = 1,320 sequences.
The pupil's counter is global (from any address: otherwise a guesser would change computers), so
failures only count while the pupil is not locked: 10 free tries, then locks of 1, 2, 4, 8, 16, 32
minutes and then an hour after each further failure, i.e. 16 tries in the first 63 minutes and one an
hour after that: at most 16 + 23 = 39 tries a day (a counter left a day unlocked is cleared by
accounts/jobs.py, which gives no more: 16 tries then a day's wait), so at most 39 / 1,320, about 3 %,
of a pupil's sequence a day, from the school's networks only, and every lock is audited. The other
side of a global counter: a classmate can lock a pupil out on purpose. The teacher's way out is
renewal (of the pupil or the class): it gives a new sequence and clears the pupil's counter, which
gives a guesser nothing (the tries made were against the old sequence), and the class sheet shows
which pupils are locked.

Logins. The contract is POST /images with `login` + `images`, so each pupil's grid carries that
pupil's login (the picker's links carry ids only). A grid is shown only for an active pupil of a
class with picture passwords on (the picker lists exactly those, first name and initial), from the
school's networks; an id the picker does not list counts as a failure of the address (the same
key and limit as wrong sequences), so walking ?eleve=1,2,3… over other users locks the address
after 60 misses. Residual risk, accepted: from a school computer, someone can still read the
logins of the pupils of classes with pictures on (the ids the picker lists, or the grid's form),
at no cost; a login alone signs nobody in (sequences are throttled as above, passwords as
accounts/ does), and the same logins are printed on the class's QR cards.
"""
import secrets

from .. import audit, security
from ..accounts import membership
from ..accounts import service as accounts
from ..db import writing
from ..errors import Forbidden, NotFound, ValidationError
from ..i18n import _
from ..models import Classroom, Enrolment, School, SchoolYear, Throttle, User, now
from ..models.pictures import PictureClass, PicturePassword
from .catalogue import PICTURES

LENGTH = 3
PUPIL_MAX_FAILURES = 10        # 1,320 sequences: ten tries, then one minute, doubling up to an hour
ADDRESS_MAX_FAILURES = 60      # a whole class signs in from one address: young pupils often miss


def wrong_message():
    return _('Ce ne sont pas les bonnes images. Recommence !')


def locked_message():
    return _('Trop d’essais. Attends un peu, puis réessaie avec la maîtresse ou le maître.')


# --- sequences ---------------------------------------------------------------------------------

def sequence_of_seed(seed):
    """The 3 different pictures (names, in order) a seed gives with this installation's secret."""
    number, pool, chosen = int(security.keyed_hash(seed, 'pictures'), 16), list(PICTURES), []
    for _index in range(LENGTH):
        number, index = divmod(number, len(pool))
        chosen.append(pool.pop(index))
    return chosen


def parse(images):
    """The picture names of the form field `images` (comma-separated), or None when one is unknown."""
    names = [name.strip() for name in (images or '').split(',') if name.strip()]
    if len(names) > LENGTH or any(name not in PICTURES for name in names):
        return None
    return names


def _new_seed(pupil, actor):
    """Inside writing(): a new seed for the pupil (the old sequence stops working)."""
    PicturePassword.delete().where(PicturePassword.pupil == pupil).execute()
    return PicturePassword.create(pupil=pupil, seed=secrets.token_hex(16), issued_by=actor, issued_at=now())


def is_on(classroom):
    return PictureClass.select().where(PictureClass.classroom == classroom).exists()


def active_pupils(classroom):
    return [p for p in accounts.pupils_of(classroom) if p.status == 'active']


def sequences(classroom, actor=None):
    """[(pupil, [3 names])] for the class's active pupils, each given a seed if they had none yet."""
    pupils = active_pupils(classroom)
    rows = {r.pupil_id: r for r in PicturePassword.select().where(
        PicturePassword.pupil.in_([p.id for p in pupils]))}
    missing = [p for p in pupils if p.id not in rows]
    if missing:
        with writing():
            rows.update({p.id: _new_seed(p, actor) for p in missing})
    return [(p, sequence_of_seed(rows[p.id].seed)) for p in pupils]


def _picture_class_of(pupil):
    """The pupil's current class that uses picture passwords, or None."""
    return (Classroom.select().join(Enrolment, on=(Enrolment.classroom == Classroom.id))
            .switch(Classroom).join(PictureClass, on=(PictureClass.classroom == Classroom.id))
            .where((Enrolment.pupil == pupil) & Enrolment.ended_on.is_null() & ~Classroom.archived)
            .first())


def sequence_for(pupil, actor=None):
    """The pupil's 3 pictures, or None when the pupil is not in a class using them (or not an
    active pupil)."""
    if pupil is None or not pupil.has_role('pupil') or pupil.status != 'active' \
            or _picture_class_of(pupil) is None:
        return None
    row = PicturePassword.get_or_none(PicturePassword.pupil == pupil)
    if row is None:
        with writing():
            row = _new_seed(pupil, actor)
    return sequence_of_seed(row.seed)


def with_alts(names):
    return [(name, PICTURES[name]) for name in names]


def class_pictures(classroom, actor=None):
    """{pupil id: [(name, alt)]} of the class's active pupils, {} when the class does not use
    picture passwords: one batch of queries for a whole page of cards (templates run none)."""
    if not is_on(classroom):
        return {}
    return {p.id: with_alts(names) for p, names in sequences(classroom, actor)}


# --- the teacher's side -----------------------------------------------------------------------

def managed_class(user, class_id):
    """The class, if the user is one of its teachers, the director of its school or the admin."""
    classroom = membership.classroom(class_id)
    if classroom is None:
        raise NotFound(_('Classe introuvable.'))
    if not (membership.heads(user, classroom) or membership.is_teacher_of(user, classroom)):
        raise Forbidden(_('Seuls les enseignants de la classe et la direction y ont accès.'))
    return classroom


def class_pupil(classroom, pupil_id):
    pupil = User.get_or_none(User.id == pupil_id)
    if pupil is None or pupil.status != 'active' or not membership.enrolled(pupil, classroom):
        raise NotFound(_('Élève introuvable dans cette classe.'))
    return pupil


def locked_ids(pupils):
    """The ids of the pupils locked out of the sign-in with pictures now (too many wrong tries)."""
    by_key = {_pupil_key(p.login): p.id for p in pupils}
    if not by_key:
        return set()
    keys = Throttle.select(Throttle.key).where(Throttle.key.in_(list(by_key)) & (Throttle.locked_until > now()))
    return {by_key[row.key] for row in keys}


def switch(actor, classroom, on):
    """Picture passwords on or off for the class; on gives every active pupil a sequence. A class
    switched off keeps its pupils' sequences: switched on again, the same sheet works."""
    with writing():
        if on and not is_on(classroom):
            PictureClass.create(classroom=classroom, enabled_by=actor)
        elif not on:
            PictureClass.delete().where(PictureClass.classroom == classroom).execute()
        audit.record(actor, 'pictures.on' if on else 'pictures.off', classroom.name, school=classroom.school_id)
    if on:
        sequences(classroom, actor)


def _renew(pupil, actor):
    """Inside writing(): a new sequence, and the pupil no longer locked (the teacher's way out)."""
    Throttle.delete().where(Throttle.key == _pupil_key(pupil.login)).execute()
    return _new_seed(pupil, actor)


def renew_pupil(actor, classroom, pupil):
    with writing():
        names = sequence_of_seed(_renew(pupil, actor).seed)
        audit.record(actor, 'pictures.renewed', pupil.login, school=pupil.school_id)
    return names


def renew_class(actor, classroom, confirmed):
    if not confirmed:
        raise ValidationError({'confirmer': _('Cochez la case pour confirmer : les images actuelles de '
                                              'toute la classe ne fonctionneront plus.')})
    pupils = active_pupils(classroom)
    with writing():
        for pupil in pupils:
            _renew(pupil, actor)
        audit.record(actor, 'pictures.renewed_class', classroom.name, school=classroom.school_id,
                     pupils=len(pupils))
    return len(pupils)


# --- the pupil's side: sign-in ------------------------------------------------------------------

def require_school_network(address, networks):
    """The message /carte gives (security.require_school_network), before any other check."""
    security.require_school_network(address, networks)


def several_schools():
    """True when the installation has more than one school: the picker asks for the school first."""
    return School.select().limit(2).count() > 1


def _classes_on():
    return (Classroom.select(Classroom, School).join(PictureClass, on=(PictureClass.classroom == Classroom.id))
            .switch(Classroom).join(School).switch(Classroom).join(SchoolYear)
            .where(SchoolYear.current & ~Classroom.archived))


def schools_on():
    """The schools with at least one of this year's open classes using picture passwords, by name."""
    seen = {c.school_id: c.school for c in _classes_on()}
    return sorted(seen.values(), key=lambda school: school.name)


def school_on(uai):
    """The school of the picker's ?ecole=UAI, if it has a class using picture passwords; else NotFound."""
    found = [s for s in schools_on() if s.uai == (uai or '').strip().upper()]
    if not found:
        raise NotFound(_('Aucune classe de cette école n’utilise les images pour se connecter.'))
    return found[0]


def classes_on(school=None):
    """This year's open classes using picture passwords, by name: the school's, or every school's."""
    rows = _classes_on().order_by(Classroom.name)
    return list(rows if school is None else rows.where(Classroom.school == school))


def open_class(class_id):
    """A class of the picker: this year's, open, using picture passwords; else NotFound."""
    found = _classes_on().where(Classroom.id == class_id).first() if class_id is not None else None
    if found is None:
        raise NotFound(_('Cette classe n’utilise pas les images pour se connecter.'))
    return found


def _picker(pupil):
    if pupil is None or pupil.role_set != {'pupil'} or pupil.status != 'active':
        raise NotFound(_('Élève introuvable.'))
    classroom = _picture_class_of(pupil)
    if classroom is None:
        raise NotFound(_('Élève introuvable.'))
    return pupil, classroom


def _walk_key(address):
    return f'pictures-addr:{accounts.client_key(address)}'


def picker_pupil(pupil_id, address):
    """The pupil whose grid is asked for (?eleve=<id>: no login in the picker's links), an active
    pupil of a class using pictures, and that class; else NotFound. An id the picker never links
    to (another user, a pupil of a class without pictures) counts as a failure of the address,
    under the same key as wrong sequences: walking ids locks the address as guessing does."""
    try:
        accounts.refuse_if_locked([_walk_key(address)])
    except accounts.LoginError:
        raise Forbidden(locked_message()) from None
    try:
        return _picker(User.get_or_none(User.id == pupil_id) if pupil_id is not None else None)
    except NotFound:
        accounts.count_failure(_walk_key(address), ADDRESS_MAX_FAILURES)
        raise


def posting_pupil(login):
    """The same for the login a step of the grid posts (the grid again after 1 or 2 pictures)."""
    return _picker(User.get_or_none(User.login == (login or '').strip().lower()[:accounts.MAX_LOGIN_LENGTH]))


def _pupil_key(login):
    return f'pictures:{login}'


def _throttle_keys(login, address):
    return [(_pupil_key(login), PUPIL_MAX_FAILURES),
            (_walk_key(address), ADDRESS_MAX_FAILURES)]


def sign_in_user(login, images, address, networks):
    """The pupil these pictures sign in, or Forbidden (outside the school networks, locked, wrong
    sequence, not a pupil, class without picture passwords: the last three say the same)."""
    require_school_network(address, networks)
    login = (login or '').strip().lower()[:accounts.MAX_LOGIN_LENGTH]
    keys = _throttle_keys(login, address)
    try:
        accounts.refuse_if_locked([key for key, _limit in keys])
    except accounts.LoginError:
        raise Forbidden(locked_message()) from None
    pupil = User.get_or_none(User.login == login) if login else None
    names = parse(images)
    expected = sequence_for(pupil) if pupil is not None and pupil.role_set == {'pupil'} else None
    if expected is None or names is None or not security.same(','.join(names), ','.join(expected)):
        with writing():                 # the pupil's and the address's counts: one wait for the write lock
            for key, limit in keys if pupil is not None else keys[1:]:
                accounts.count_failure(key, limit, pupil)
        raise Forbidden(wrong_message())
    with writing():
        Throttle.delete().where(Throttle.key == keys[0][0]).execute()
        User.update(last_login_at=now()).where(User.id == pupil.id).execute()
    return pupil
