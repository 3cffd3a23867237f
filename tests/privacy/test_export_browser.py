"""The family data export on /compte in Debian's Chromium, through the real server, on a phone
(390 x 844): the section before, while the zip is being prepared, and with its download link;
axe-core finds no violation and the page is never wider than the phone's screen."""
import time

import pytest

from tests.homework.test_browser import PHONE, clean, fits, open_page, signed_in, visit  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


def test_a_guardian_asks_for_and_downloads_the_family_data_on_a_phone(open_page, demo):  # noqa: F811
    page = signed_in(open_page(PHONE['width'], PHONE['height'], mobile=True), 'aurelie.dubois')
    visit(page, '/compte')
    section = page.locator('section', has=page.get_by_role('heading', name='Les données de votre famille'))
    assert section.count() == 1
    fits(page, PHONE['width'])
    clean(page)
    button = page.get_by_role('button', name='Préparer l’export de vos données')
    assert button.bounding_box()['height'] >= 44
    button.click()
    page.wait_for_load_state()
    assert 'Votre export est en préparation' in page.locator('.flashes').inner_text()
    fits(page, PHONE['width'])
    clean(page)
    link = page.get_by_role('link', name='Télécharger les données (zip)')
    for _attempt in range(100):                 # the worker's own pace; nothing timed is asserted
        if link.count():
            break
        time.sleep(0.1)
        visit(page, '/compte')
    assert link.count() == 1 and link.bounding_box()['height'] >= 44
    fits(page, PHONE['width'])
    clean(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith('donnees-famille-')
