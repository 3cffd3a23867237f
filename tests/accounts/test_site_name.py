"""The pages without a user (sign-in, QR card, password reset, activation) show the school's name
in their <header> and <title> when the installation has one school; the product's name otherwise."""
import re

import pytest

from ecole_ent.models import School
from ecole_ent.web import render

ANONYMOUS_PAGES = ['/connexion', '/carte', '/mot-de-passe-oublie', '/activation']


def header_and_title(page):
    header = re.search(r'<header class="site-header">(.*?)</header>', page.text, re.S).group(1)
    brand = re.sub(r'<[^>]+>', '', re.search(r'<a class="brand"[^>]*>(.*?)</a>', header, re.S).group(1)).strip()
    title = re.search(r'<title>(.*?)</title>', page.text, re.S).group(1)
    return brand, title


@pytest.mark.parametrize('path', ANONYMOUS_PAGES)
def test_one_school_names_the_sign_in_pages(demo_client, path):
    school = School.get()
    brand, title = header_and_title(demo_client.get(path))
    assert brand == school.name == 'École des Mimosas'
    assert title.endswith('· École des Mimosas')
    assert 'ecole-ent' not in title


@pytest.mark.parametrize('path', ANONYMOUS_PAGES)
def test_two_schools_keep_the_product_name(demo_client, path):
    School.create(uai='0069999Z', name='École des Tilleuls')
    render._sole_school.clear()                  # the cache keeps the count for 30 s
    brand, title = header_and_title(demo_client.get(path))
    assert brand == 'ecole-ent' and title.endswith('· ecole-ent')
    assert 'Mimosas' not in title and 'Tilleuls' not in title


def test_no_school_yet_keeps_the_product_name(client):
    brand, title = header_and_title(client.get('/connexion').maybe_follow())
    assert brand == 'ecole-ent' and title.endswith('· ecole-ent')


def test_signed_in_pages_keep_the_user_s_school(signed_in, demo):
    page = signed_in(demo.teacher).get('/')
    brand, _title = header_and_title(page)
    assert brand == 'École des Mimosas'
