"""web/cookies.py: a plain Cookie header gives what bottle's own parse (SimpleCookie) gives; any
other header is left to bottle."""
import random
from http.cookies import SimpleCookie

import pytest
from bottle import FormsDict

from ecole_ent.web import cookies


def bottle_parse(header):
    return FormsDict((c.key, c.value) for c in SimpleCookie(header).values())


def parsed(header):
    environ = {'HTTP_COOKIE': header}
    cookies.parse(environ)
    found = environ.get(cookies.ENVIRON_KEY)
    return None if found is None else sorted(found.allitems())


@pytest.mark.parametrize('header', [
    'ecole_session=AbC-_09xyz; ecole_anon=Zz_-1; ecole_langue=ar',
    'a=1;b=2', 'a=', 'a=1; a=2', 'ecole_flash=e30.3f2a', '-=_', '9=9', 'ecole_langue="fr"', 'a=""; b=2',
])
def test_a_plain_header_is_read_as_bottle_reads_it(header):
    assert parsed(header) == sorted(bottle_parse(header).allitems())


@pytest.mark.parametrize('header', [
    '', 'a="quo ted"', 'a="q\\"x"', 'a="x', 'a=1; path=x', 'a=1; Max-Age=3', 'a=b=c', 'a=1;', 'a = 1', 'a=1; Secure',
    'a=é', '$Version=1; a=2', 'a=1,b=2', 'a=1;  b=2',
])
def test_any_other_header_is_left_to_bottle(header):
    assert parsed(header) is None


def test_random_headers_read_by_either_way_give_the_same_cookies():
    rnd = random.Random(20261205)
    names = ['ecole_session', 'ecole_anon', 'x', 'a-b', 'path', 'Expires', 'samesite', 'HttpOnly']
    fast = 0
    for _ in range(20000):
        pairs = [(rnd.choice(names) if rnd.random() < 0.7 else ''.join(rnd.choices('aZ09_-', k=rnd.randint(0, 3))),
                  ''.join(rnd.choices('aZ09_-.' if rnd.random() < 0.9 else 'aZ9.="; \\é', k=rnd.randint(0, 8))))
                 for _ in range(rnd.randint(1, 4))]
        header = rnd.choice(['; ', ';']).join(f'{name}={value}' if rnd.random() < 0.8 else f'{name}="{value}"'
                                              for name, value in pairs)
        found = parsed(header)
        if found is not None:
            fast += 1
            assert found == sorted(bottle_parse(header).allitems()), header
    assert fast > 1000
