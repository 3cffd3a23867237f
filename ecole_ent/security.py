"""Secrets and hashes: memory-hard hashes for chosen passwords, keyed hashes for random tokens.

Passwords people choose get argon2id with OWASP's minimum (19 MiB, 2 passes). Random high-entropy
secrets (session ids, activation codes, QR tokens) are stored as HMAC-SHA256 keyed with the
installation's secret: they cannot be brute-forced, so a fast hash is safe and keeps imports fast.
"""
import hashlib
import hmac
import ipaddress
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import OutsideSchoolNetwork
from .i18n import _

_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_key = {'secret': None, 'dummy': None}



def password_hashing():
    """The password hash's settings (argon2id): {'memory_kib', 'passes', 'parallelism'}, for the
    processing register."""
    return {'memory_kib': _hasher.memory_cost, 'passes': _hasher.time_cost, 'parallelism': _hasher.parallelism}


ACTIVATION_ALPHABET = 'abcdefghjkmnprstvwxyz3456789'   # no i l o q u 0 1 2


def configure(secret_key):
    _key['secret'] = secret_key.encode()


def keyed_hash(value, purpose='token'):
    if _key['secret'] is None:
        raise RuntimeError('security.configure() was not called')
    return hmac.new(_key['secret'], f'{purpose}:{value}'.encode(), hashlib.sha256).hexdigest()


def new_token():
    return secrets.token_urlsafe(32)


def new_code(length=8, alphabet=ACTIVATION_ALPHABET):
    return ''.join(secrets.choice(alphabet) for _ in range(length))


def hash_password(password):
    return _hasher.hash(password)


def verify_password(stored_hash, password):
    if stored_hash is None:
        # Verify against a dummy hash when the login is unknown: both cases take the same time.
        _key['dummy'] = _key['dummy'] or _hasher.hash('ecole-ent-dummy-password')
    try:
        return _hasher.verify(stored_hash or _key['dummy'], password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def same(a, b):
    return hmac.compare_digest(str(a), str(b))


def in_networks(address, networks):
    """True when the address (text) lies in one of the networks (config security.school_networks)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def require_school_network(address, networks, message=None):
    """OutsideSchoolNetwork unless the client's address (as the trusted proxy names it) lies in the
    school's networks: the first check of every sign-in made for the classroom (the QR cards, the
    picture passwords; the kiosk with its own message)."""
    if not in_networks(address, networks):
        raise OutsideSchoolNetwork(message or _('La connexion par carte ne fonctionne que depuis le '
                                                'réseau de l’école.'))
