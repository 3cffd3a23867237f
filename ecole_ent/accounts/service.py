"""Accounts: sign-in, sessions, throttling, passwords, activation, and who is linked to whom."""
import ipaddress
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import JOIN, IntegrityError

from .. import audit, runtime, security
from ..db import instance, prepared, write_soon, writing
from ..errors import ValidationError, found
from ..i18n import _
from ..models import (
    CONSENTS,
    ROLES,
    Classroom,
    Enrolment,
    GuardianLink,
    LoginSession,
    School,
    SchoolYear,
    Teaching,
    Throttle,
    User,
    now,
)

SESSION_REFRESH = timedelta(minutes=5)     # sliding expiry written at most this often
KIOSK_REFRESH = timedelta(seconds=1)       # a kiosk session's (kiosk/): its inactivity limit is short
KIOSK_ROLES = frozenset({'guardian', 'pupil'})    # the only accounts the hall's kiosk signs in (kiosk/)
MAX_LOGIN_LENGTH = 120
MAX_PASSWORD_LENGTH = 1024
MIN_PASSWORD_LENGTH = 8


class LoginError(Exception):
    """A refused sign-in; str() is the French message shown (never says which part was wrong)."""


@dataclass(frozen=True)
class Settings:
    """What the accounts' services read from the configuration ([security])."""
    session_days: int
    login_max_failures: int
    address_max_failures: int
    activation_days: int


def read_settings(config):
    return Settings(**{name: config[f'security.{name}'] for name in Settings.__dataclass_fields__})


def settings():
    return runtime.settings(read_settings)


def read_kiosk_seconds(config):
    return config['kiosk.inactivity_seconds']     # declared, with its default, by kiosk/options.py


def kiosk_seconds():
    """A kiosk session ends after this many seconds without a request ([kiosk] inactivity_seconds)."""
    return runtime.settings(read_kiosk_seconds)


def kiosk_account(user):
    """A family's or a pupil's account (KIOSK_ROLES only): the hall's kiosk, and any sign-in on
    its terminal, refuse every other one (a staff member, an account without a role)."""
    return bool(user.role_set) and not user.role_set - KIOSK_ROLES


# --- sign-in and throttling -------------------------------------------------------------------

def authenticate(login, password, remote_addr, allowed=None):
    """The user for these credentials, or LoginError. Failures are counted per account and address.
    `allowed(user)` (e.g. the kiosk's): an account it refuses is refused as a wrong password, and
    counted so, before anything says the password was right."""
    login = (login or '').strip().lower()
    if not login or not password or len(login) > MAX_LOGIN_LENGTH or len(password) > MAX_PASSWORD_LENGTH:
        raise LoginError(_('Identifiant ou mot de passe incorrect.'))
    keys = throttle_keys(login, remote_addr)
    refuse_if_locked([key for key, _limit in keys])
    user = User.get_or_none(User.login == login)
    ok = security.verify_password(user.password_hash if user else None, password)
    if not ok or user.status != 'active' or (allowed is not None and not allowed(user)):
        for key, limit in keys:
            count_failure(key, limit, user)
        raise LoginError(_('Identifiant ou mot de passe incorrect.'))
    with writing():
        Throttle.delete().where(Throttle.key == keys[0][0]).execute()
        User.update(last_login_at=now()).where(User.id == user.id).execute()
    return user


def client_key(remote_addr):
    """The client an address stands for: the address itself, or for IPv6 its /64 (one home or
    phone gets a whole /64 and may rotate through it); '?' when unknown."""
    try:
        ip = ipaddress.ip_address(remote_addr or '')
    except ValueError:
        return '?'
    return str(ipaddress.ip_network(f'{ip}/64', strict=False)) if ip.version == 6 else str(ip)


def throttle_keys(login, remote_addr):
    """[(key, limit)] a failed sign-in counts under: this account from this address, so that
    failures from one address lock the account for that address only (anyone could otherwise
    keep anyone out), and this address whatever the account (one client trying many)."""
    address = client_key(remote_addr)
    return [(f'login:{login}@{address}', settings().login_max_failures),
            ('addr:' + address, settings().address_max_failures)]


def refuse_if_locked(keys):
    locked = (Throttle.select(Throttle.locked_until)
              .where(Throttle.key.in_(keys) & (Throttle.locked_until > now()))
              .order_by(Throttle.locked_until.desc()).first())
    if locked:
        minutes = max(1, round((locked.locked_until - now()).total_seconds() / 60))
        raise LoginError(_('Trop de tentatives de connexion. Réessayez dans %d minute(s).') % minutes)


def count_failure(key, limit, user=None):
    """Count a failed attempt under `key`; from `limit` failures on, lock it (1 minute, doubling
    up to an hour) and write an audit event. The one throttling rule (passwords, codes, cards)."""
    with writing():
        Throttle.insert(key=key, failures=1, updated_at=now()).on_conflict(
            conflict_target=[Throttle.key],
            update={Throttle.failures: Throttle.failures + 1, Throttle.updated_at: now()}).execute()
        failures = Throttle.get_by_id(key).failures
        if failures >= limit:
            # The lock doubles with each further failure, from 1 minute up to 1 hour.
            seconds = min(60 * 2 ** (failures - limit), 3600)
            Throttle.update(locked_until=now() + timedelta(seconds=seconds)).where(
                Throttle.key == key).execute()
            audit.record(None, 'login.locked', key, school=user.school_id if user else None,
                         failures=failures, seconds=seconds)


# --- sessions ---------------------------------------------------------------------------------

def open_session(user, remote_addr=None, kiosk=False):
    """A new session for user; returns the raw token for the cookie (only its hash is stored).
    A kiosk session (kiosk/) expires after kiosk_seconds() without a request."""
    token, opened = security.new_token(), now()
    with writing():
        LoginSession.create(token_hash=security.keyed_hash(token, 'session'), user=user, last_seen_at=opened,
                            expires_at=opened + _lifetime(kiosk), kiosk=kiosk,
                            remote_addr=(remote_addr or '')[:64])
    return token


def _lifetime(kiosk):
    return timedelta(seconds=kiosk_seconds()) if kiosk else timedelta(days=settings().session_days)


_session_lookup = prepared(lambda token_hash: (
    User.select(User, LoginSession.expires_at.alias('session_expires'),
                LoginSession.last_seen_at.alias('session_seen'), LoginSession.kiosk.alias('session_kiosk'))
    .join(LoginSession, on=(LoginSession.user == User.id))
    .where(LoginSession.token_hash == token_hash)), 1)


def session_user(token):
    """The active user of a session token, or None. Refreshes the sliding expiry now and then.

    Runs on every request: one prepared query, no write unless the expiry is due a refresh, and
    that write never makes the request wait for the write lock (db.write_soon)."""
    if not token or len(token) > 100:
        return None
    token_hash = security.keyed_hash(token, 'session')
    user = next(iter(_session_lookup(token_hash)), None)
    if user is None:
        return None
    current = now()
    if as_datetime(user.session_expires) <= current or user.status != 'active':
        write_soon(lambda: LoginSession.delete().where(LoginSession.token_hash == token_hash).execute())
        return None
    if current - as_datetime(user.session_seen) > (KIOSK_REFRESH if user.session_kiosk else SESSION_REFRESH):
        expires = current + _lifetime(user.session_kiosk)
        write_soon(lambda: LoginSession.update(last_seen_at=current, expires_at=expires).where(
            (LoginSession.token_hash == token_hash)
            & (LoginSession.last_seen_at < current)).execute())      # a late write never goes back
    if user.school_id:
        user.school = School.cached(user.school_id)
    return user


def as_datetime(value):
    """Raw rows give SQLite datetimes as text and PostgreSQL ones as datetime."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def close_session(token):
    if token:
        with writing():
            LoginSession.delete().where(
                LoginSession.token_hash == security.keyed_hash(token, 'session')).execute()


def revoke_sessions(user, keep_token=None):
    """End every session of user (but keep_token's); returns how many ended."""
    query = LoginSession.delete().where(LoginSession.user == user)
    if keep_token:
        query = query.where(LoginSession.token_hash != security.keyed_hash(keep_token, 'session'))
    with writing():
        return query.execute()


# --- passwords and activation -----------------------------------------------------------------

def check_new_password(password, confirm):
    errors = {}
    if len(password) < MIN_PASSWORD_LENGTH:
        errors['password'] = _('Le mot de passe doit compter au moins %d caractères.') % MIN_PASSWORD_LENGTH
    elif len(password) > MAX_PASSWORD_LENGTH:
        errors['password'] = _('Le mot de passe est trop long.')
    elif password != confirm:
        errors['confirm'] = _('Les deux mots de passe ne sont pas identiques.')
    if errors:
        raise ValidationError(errors)


def change_password(user, current, password, confirm, keep_token=None):
    """Check the current password, set the new one, end the user's other sessions."""
    if not user.must_change_password and not security.verify_password(user.password_hash, current):
        raise ValidationError({'current': _('Le mot de passe actuel est incorrect.')})
    check_new_password(password, confirm)
    with writing():
        User.update(password_hash=security.hash_password(password), must_change_password=False,
                    updated_at=now()).where(User.id == user.id).execute()
        revoke_sessions(user, keep_token=keep_token)
        audit.record(user, 'password.changed', user.login)


def reset_password(user, actor=None):
    """A one-time password the user must change at first sign-in; ends their sessions."""
    password = security.new_code(10)
    with writing():
        User.update(password_hash=security.hash_password(password), must_change_password=True,
                    status='active' if user.status == 'pending' else user.status,
                    updated_at=now()).where(User.id == user.id).execute()
        revoke_sessions(user)
        audit.record(actor, 'password.reset', user.login, school=user.school_id)
    return password


def issue_activation_code(user, actor=None):
    """A new activation code (the previous one stops working); the account waits as 'pending'."""
    code = security.new_code()
    with writing():
        User.update(activation_hash=security.keyed_hash(code, 'activation'),
                    activation_expires=now() + timedelta(days=settings().activation_days),
                    status='pending' if user.status != 'disabled' else 'disabled',
                    updated_at=now()).where(User.id == user.id).execute()
        audit.record(actor, 'activation.issued', user.login, school=user.school_id)
    return code


def activate(login, code, password, confirm, remote_addr=None):
    """First sign-in of a pending account: login + code, then the password the person chooses."""
    login, code = (login or '').strip().lower(), (code or '').strip().lower().replace(' ', '')
    refused = ValidationError({'code': _("Identifiant ou code d'activation incorrect ou expiré.")})
    if not login or not code or len(login) > MAX_LOGIN_LENGTH or len(code) > 40:
        raise refused
    keys = throttle_keys(login, remote_addr)
    try:
        refuse_if_locked([key for key, _limit in keys])
    except LoginError as exc:
        raise ValidationError({'code': str(exc)}) from None
    user = User.get_or_none(User.login == login)
    if (user is None or user.status != 'pending' or not user.activation_hash
            or user.activation_expires < now()
            or not security.same(user.activation_hash, security.keyed_hash(code, 'activation'))):
        for key, limit in keys:
            count_failure(key, limit, user)
        raise refused
    check_new_password(password, confirm)
    with writing():
        User.update(password_hash=security.hash_password(password), status='active',
                    activation_hash=None, activation_expires=None, must_change_password=False,
                    updated_at=now()).where(User.id == user.id).execute()
        audit.record(user, 'account.activated', user.login)
    return User.get_by_id(user.id)


# --- people and their links -------------------------------------------------------------------

def get_user(login):
    return found(User.get_or_none(User.login == (login or '').strip().lower()),
                 _('Compte introuvable : %s') % login)


def create_user(login, first_name, last_name, roles, school=None, status='active', password=None,
                password_hash=None, source='local', external_id=None, email=None,
                image_rights=None, must_change_password=False):
    """Insert a user; raises ValidationError for a taken login or an unknown role."""
    roles = [roles] if isinstance(roles, str) else list(roles)
    errors = {}
    if not all(role in ROLES for role in roles) or not roles:
        errors['roles'] = _('Rôle inconnu.')
    if not first_name.strip() or not last_name.strip():
        errors['name'] = _('Le prénom et le nom sont obligatoires.')
    if image_rights is not None and image_rights not in CONSENTS:
        errors['image_rights'] = _("Valeur de droit à l'image inconnue.")
    if errors:
        raise ValidationError(errors)
    if password is not None:
        password_hash = security.hash_password(password)
    if 'pupil' in roles and image_rights is None:
        image_rights = 'unknown'
    try:
        with writing():
            return User.create(login=login.lower(), first_name=first_name.strip(),
                               last_name=last_name.strip(), roles=','.join(roles), school=school,
                               status=status, password_hash=password_hash, source=source,
                               external_id=external_id, email=email, image_rights=image_rights,
                               must_change_password=must_change_password)
    except IntegrityError:
        raise ValidationError({'login': _('Cet identifiant est déjà pris : %s') % login}) from None


_Teacher = User.alias('teacher')

_children_lookup = prepared(lambda guardian_id: (     # what the cards and the archive use
    User.select(User.id, User.login, User.first_name, User.last_name, User.roles, User.status,
                User.school, User.image_rights, Classroom.id.alias('class_id'),
                Classroom.name.alias('class_name'), Classroom.niveaux.alias('class_niveaux'),
                Classroom.school.alias('class_school'), SchoolYear.current.alias('year_current'),
                _Teacher.id.alias('teacher_id'), _Teacher.first_name.alias('teacher_first'),
                _Teacher.last_name.alias('teacher_last'), _Teacher.roles.alias('teacher_roles'))
    .join(GuardianLink, on=(GuardianLink.pupil == User.id))
    .join_from(User, Enrolment, JOIN.LEFT_OUTER,
               on=((Enrolment.pupil == User.id) & Enrolment.ended_on.is_null()))
    .join_from(Enrolment, Classroom, JOIN.LEFT_OUTER)
    .join_from(Classroom, SchoolYear, JOIN.LEFT_OUTER)
    .join_from(Classroom, Teaching, JOIN.LEFT_OUTER, on=(Teaching.classroom == Classroom.id))
    .join_from(Teaching, _Teacher, JOIN.LEFT_OUTER, on=(Teaching.teacher == _Teacher.id))
    .where((GuardianLink.guardian == guardian_id) & (User.status != 'disabled'))
    .order_by(User.first_name, User.id, _Teacher.last_name)), 1)


def children_with_teachers(guardian):
    """[(pupil, current class or None, [its teachers])] for a guardian's active children, in any
    school. Staff such as an ATSEM may work in a class, but families are shown its teachers.

    The guardian home runs this on every visit: one prepared query (see db.prepared)."""
    children = {}
    for row in _children_lookup(guardian.id):
        child = children.setdefault(row.id, [row, None, []])
        if not (row.class_id and row.year_current):
            continue
        if child[1] is None or child[1].id != row.class_id:
            child[1] = instance(Classroom, id=row.class_id, name=row.class_name,
                                niveaux=row.class_niveaux, school=row.class_school)
            child[2] = []
        teachers = child[2]
        if row.teacher_id and 'teacher' in row.teacher_roles.split(',') \
                and all(t.id != row.teacher_id for t in teachers):
            teachers.append(instance(User, id=row.teacher_id, first_name=row.teacher_first,
                                     last_name=row.teacher_last, roles=row.teacher_roles))
    return [tuple(child) for child in children.values()]


def children_of(guardian):
    """[(pupil, current class or None)] for a guardian's active children, in any school."""
    return [(pupil, classroom) for pupil, classroom, _teachers in children_with_teachers(guardian)]


def teachers_of(classrooms):
    """{classroom id: [teacher, ...]} for these classes."""
    ids = [c.id for c in classrooms if c is not None]
    result = {i: [] for i in ids}
    if ids:
        for row in (Teaching.select(Teaching.classroom, User).join(User)
                    .where(Teaching.classroom.in_(ids)).order_by(User.last_name)):
            result[row.classroom_id].append(row.teacher)
    return result


def pupils_of(classroom):
    return list(User.select(User, Enrolment.niveau).join(Enrolment, on=Enrolment.pupil)
                .where((Enrolment.classroom == classroom) & Enrolment.ended_on.is_null()
                       & (User.status != 'disabled'))
                .order_by(User.last_name, User.first_name).objects())


def ensure_school(uai, name):
    """The school with this UAI, with a current school year; created if missing."""
    school = School.get_or_none(School.uai == uai)
    with writing():
        if school is None:
            school = School.create(uai=uai, name=name)
        if school.current_year() is None:
            SchoolYear.create(school=school, label=school_year_label(date.today()), current=True)
    return school


def school_year_label(day):
    start = day.year if day.month >= 8 else day.year - 1
    return f'{start}-{start + 1}'
