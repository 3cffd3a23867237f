"""The demo school opens its hall kiosk (kiosk/demo.py): on a trial installation, /kiosque from the
server itself (127.0.0.1, a school network) shows the sign-in, and aurelie.dubois (password demo)
reaches the kiosk's home; the other tests open the kiosk themselves (conftest's `people`)."""
from ecole_ent.models import LoginSession, School
from tests.conftest import redirected_to
from tests.kiosk.conftest import Kiosk


def test_the_demo_school_opens_its_kiosk_and_a_family_signs_in_there(demo, demo_app):
    assert [school.kiosk for school in School.select()] == [True]
    at_kiosk = Kiosk(demo_app, extra_environ={'REMOTE_ADDR': '127.0.0.1'})
    page = at_kiosk.start()
    assert page.status_int == 200 and 'name="password"' in page.text
    assert redirected_to(at_kiosk.password('aurelie.dubois')) == '/kiosque/accueil'
    assert 'Terminer' in at_kiosk.get('/kiosque/accueil').text
    assert LoginSession.get().kiosk is True
