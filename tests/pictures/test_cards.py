"""The class's QR cards (directory/routes.py, templates/directory/cards.html) show each pupil's three
pictures, the same as the class sheet and the command line; a class without pictures has none."""
import json

from ecole_ent.pictures import service
from tests.blog.conftest import send


def card_pictures(page):
    """{login: [names]} of the printed cards."""
    found = {}
    for card in page.html.select('article.login-card'):
        login = card.select_one('.login-card-school').get_text().split(' · ')[0].strip()
        found[login] = [li['data-picture'] for li in card.select('.login-card-pictures li')]
    return found


def test_the_cards_show_the_pictures_of_the_sheet_and_the_cli(people, signed_in, run_cli):
    client = signed_in(people.small_teacher)
    cards = card_pictures(send(client, f'/annuaire/classe/{people.small.id}/cartes', {}))
    sheet = {p.login: names for p, names in service.sequences(people.small)}
    assert cards == sheet and len(cards) > 5
    out, _err = run_cli('cards', 'pictures', people.small_pupil.login)
    assert json.loads(out)['pictures'] == cards[people.small_pupil.login]


def test_cards_of_a_class_without_pictures_show_none(people, signed_in):
    client = signed_in(people.teacher)
    cards = card_pictures(send(client, f'/annuaire/classe/{people.cp.id}/cartes', {}))
    assert cards and all(names == [] for names in cards.values())


def test_the_class_page_links_to_the_sheet_for_its_teachers(people, signed_in):
    page = signed_in(people.small_teacher).get(f'/annuaire/classe/{people.small.id}')
    assert page.html.select_one(f'a[href="/annuaire/classe/{people.small.id}/images"]') is not None


def test_a_newcomer_given_pictures_by_the_cards_is_given_them_by_the_teacher_printing(people, signed_in):
    from ecole_ent.accounts import service as accounts
    from ecole_ent.models import Enrolment, PicturePassword
    newcomer = accounts.create_user('lina.nouvelle', 'Lina', 'Nouvelle', ['pupil'], school=people.small.school,
                                    status='active')
    Enrolment.create(pupil=newcomer, classroom=people.small, niveau='MS')
    cards = card_pictures(send(signed_in(people.small_teacher), f'/annuaire/classe/{people.small.id}/cartes', {}))
    assert len(cards['lina.nouvelle']) == 3
    assert PicturePassword.get(PicturePassword.pupil == newcomer).issued_by_id == people.small_teacher.id
