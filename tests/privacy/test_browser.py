"""The director's erasure page in Debian's Chromium, through the real server, on a phone (390 x
844): from the pupil's admin page to the confirmation page, typing her name, and back on her page
now named « Ancien élève ». axe-core finds no violation on either page, and neither is wider than
the phone's screen."""
import pytest

from ecole_ent.models import User
from tests.homework.test_browser import PHONE, clean, fits, open_page, signed_in, visit  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


def test_the_director_erases_a_pupil_on_a_phone(open_page, people):  # noqa: F811
    pupil = people.pupil
    page = signed_in(open_page(PHONE['width'], PHONE['height'], mobile=True), people.director.login)
    visit(page, f'/admin/comptes/{pupil.id}')
    page.get_by_role('link', name='Effacer ce compte et ses données personnelles (RGPD)…').click()
    page.wait_for_load_state()
    assert page.url.endswith(f'/admin/comptes/{pupil.id}/effacer')
    fits(page, PHONE['width'])
    clean(page)
    page.get_by_role('button', name='Effacer définitivement').click()      # the name not typed yet
    page.wait_for_load_state()
    assert User.get_by_id(pupil.id).login == 'zoe.dubois'
    page.get_by_label('Pour confirmer, tapez le nom complet du compte : Zoé Dubois').fill('Zoé Dubois')
    button = page.get_by_role('button', name='Effacer définitivement')
    assert button.bounding_box()['height'] >= 44
    button.click()
    page.wait_for_load_state()
    assert page.url.endswith(f'/admin/comptes/{pupil.id}')
    assert 'Compte effacé' in page.locator('.flashes').inner_text()
    assert page.get_by_role('heading', level=1).inner_text() == 'Ancien élève'
    fits(page, PHONE['width'])
    clean(page)
