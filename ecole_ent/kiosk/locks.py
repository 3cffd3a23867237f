"""The kiosk's locks. Every attempt at the hall's kiosk comes from one address, so a few people
typing wrong codes or passwords there lock it for everyone (card:<ip>, addr:<ip>, the pictures'
and each account's keys at that address; accounts.count_failure). The kiosk remembers the
addresses its refused sign-ins came from, per school ('kiosk:<school id>@<ip>', a counter that
never locks), and the school's director clears every lock of those addresses from the school's
admin page (« Débloquer la borne »), audited. Locks of other addresses stay.
"""
import sys

from .. import audit
from ..accounts import service as accounts
from ..admin import service as admin
from ..db import writing
from ..models import Throttle

PREFIX = 'kiosk:'


def _marker(school_id, address):
    return f'{PREFIX}{school_id}@{address}'


def remember_failure(school, address):
    """A sign-in refused at this school's kiosk, from `address`: the address is the kiosk's."""
    if address:
        accounts.count_failure(_marker(school.id, address[:64]), sys.maxsize)


def kiosk_addresses(school):
    """The addresses this school's kiosk refused sign-ins from (most recent first)."""
    prefix = _marker(school.id, '')
    rows = (Throttle.select(Throttle.key).where(Throttle.key.startswith(prefix))
            .order_by(Throttle.updated_at.desc()))
    return [row.key[len(prefix):] for row in rows]


def _keys_of(addresses):
    """Every throttle key that counts attempts from these addresses (cards, passwords, pictures)."""
    clients = {accounts.client_key(address) for address in addresses}
    keys = {f'card:{address}' for address in addresses}
    keys |= {f'addr:{client}' for client in clients}
    keys |= {f'pictures-addr:{client}' for client in clients}     # pictures/service.py's address key
    per_account = Throttle.select(Throttle.key).where(Throttle.key.startswith('login:'))
    keys |= {row.key for row in per_account if row.key.rsplit('@', 1)[-1] in clients}
    return keys


def unlock(actor, school_id):
    """Clear every lock and failure count of the school's kiosk addresses; how many were locked.
    The school's director or the admin (admin.get_school)."""
    school = admin.get_school(actor, school_id)
    addresses = kiosk_addresses(school)
    keys = _keys_of(addresses)
    with writing():
        locked = Throttle.select().where(Throttle.key.in_(list(keys))
                                         & (Throttle.locked_until > accounts.now())).count() if keys else 0
        if keys:
            Throttle.delete().where(Throttle.key.in_(list(keys))).execute()
        audit.record(actor, 'kiosk.unlocked', school.uai, school=school.id, addresses=addresses, locked=locked)
    return locked
