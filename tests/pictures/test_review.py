"""Fixes of the review: the sheet's per-pupil renewal is folded and quiet, the cards get the
class's pictures from the route (no query in a template), plural and child wording, and walking
?eleve=<id> over ids the picker does not list locks the address."""
import re

from ecole_ent.models import Throttle
from ecole_ent.pictures import service
from tests.blog.conftest import send

from .conftest import pupil_client


def test_renewing_one_pupil_is_folded_and_secondary_on_the_sheet(people, signed_in):
    page = signed_in(people.small_teacher).get(f'/annuaire/classe/{people.small.id}/images')
    items = page.html.select('.pictures-sheet-item')
    assert len(items) > 5 and 'button-link' not in page.text
    for item in items:
        button = item.select_one('details.pictures-renew-one form button[type="submit"]')
        assert button is not None and 'button-secondary' in button['class']
        assert item.select_one('details.pictures-renew-one summary').get_text(strip=True) == 'Nouvelles images…'
    css = open('static/css/ecole.css', encoding='utf-8').read()
    assert '.button-secondary' in css


def test_the_cards_take_the_class_pictures_from_the_route(people):
    assert 'picture_password' not in open('templates/directory/cards.html', encoding='utf-8').read()
    pictures = service.class_pictures(people.small)
    assert pictures == {p.id: service.with_alts(names) for p, names in service.sequences(people.small)}
    assert service.class_pictures(people.cp) == {}


def test_renewing_the_class_says_how_many_pupils_in_the_plural(people, signed_in):
    client = signed_in(people.small_teacher)
    done = send(client, f'/annuaire/classe/{people.small.id}/images/renouveler', {'confirmer': 'oui'}, status=303)
    count = len(service.active_pupils(people.small))
    assert f'Nouvelles images pour {count} élèves : les anciennes' in done.follow().text


def test_the_child_reads_who_to_ask(people):
    assert 'la maîtresse ou le maître' in service.locked_message() and '·' not in service.locked_message()


def test_walking_ids_the_picker_does_not_list_locks_the_address(people, demo_app):
    client = pupil_client(demo_app)
    for _attempt in range(service.ADDRESS_MAX_FAILURES):
        client.get(f'/images?eleve={people.small_teacher.id}', status=404)
    locked = client.get(f'/images?eleve={people.small_pupil.id}', status=403)
    assert 'Trop d’essais' in locked.text and people.small_pupil.login not in locked.text
    other = pupil_client(demo_app, '10.0.0.99')
    grid = other.get(f'/images?eleve={people.small_pupil.id}')
    assert f'value="{people.small_pupil.login}"' in grid.text


def test_opening_the_grids_the_picker_lists_never_locks(people, demo_app):
    client = pupil_client(demo_app)
    for _attempt in range(service.ADDRESS_MAX_FAILURES + 5):
        client.get(f'/images?eleve={people.small_pupil.id}', status=200)
    assert Throttle.select().where(Throttle.key.startswith('pictures-addr:')).count() == 0


def test_the_feature_messages_use_the_typographic_apostrophe():
    for path in ('ecole_ent/pictures/routes.py', 'ecole_ent/pictures/service.py', 'ecole_ent/pictures/commands.py',
                 'templates/pictures/sheet.html', 'templates/pictures/sign_in.html'):
        source = open(path, encoding='utf-8').read()
        messages = re.findall(r"_\(\s*\"([^\"]*)\"", source) + re.findall(r"_\(\s*'([^']*)'", source)
        assert messages and not [m for m in messages if re.search(r"\w'\w", m)], path
