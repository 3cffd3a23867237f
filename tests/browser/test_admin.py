"""The director's administration in a real browser, forms only (no JavaScript needed): a class, its
teacher, a local guardian linked to a pupil and activated from the letter; axe-core on each page."""
import re

import pytest

from tests.conftest import axe_violations, browser_sign_in

pytestmark = pytest.mark.browser


def sign_out(page):
    page.get_by_role('button', name='Se déconnecter').click()
    page.wait_for_load_state()


def click(page, name):
    page.get_by_role('button', name=name, exact=True).click()
    page.wait_for_load_state()


def test_director_sets_up_a_class_and_a_guardian_who_then_signs_in(browser_page):
    page = browser_page
    browser_sign_in(page, 'sophie.lefevre-martin')
    page.goto(page.base + '/admin')
    assert page.get_by_role('heading', name='École des Mimosas').is_visible()
    assert axe_violations(page) == []

    page.get_by_label('Nom de la classe').fill('CM2 Les Pins')
    page.get_by_label('CM2', exact=True).check()
    click(page, 'Créer la classe')
    assert page.get_by_text('Classe « CM2 Les Pins » créée.').is_visible()
    page.get_by_label('Affecter à la classe').select_option('julien.roux')
    click(page, 'Affecter')
    assert page.get_by_text('Enseignant·e affecté·e.').is_visible()
    assert page.get_by_text('Julien Roux', exact=False).first.is_visible()
    assert axe_violations(page) == []

    crumbs = page.get_by_role('navigation', name='Vous êtes ici')
    trail = ['Administration', 'École des Mimosas', 'Classe CM2 Les Pins']
    assert crumbs.get_by_role('link').all_inner_texts() == trail
    crumbs.get_by_role('link', name='École des Mimosas').click()
    page.get_by_role('link', name='Comptes de l’école').click()
    assert axe_violations(page) == []
    page.get_by_role('link', name='Créer un compte').click()
    assert axe_violations(page) == []
    page.get_by_label('Type de compte').select_option('guardian')
    page.get_by_label(re.compile(r'^Prénom')).fill('Odile')
    page.get_by_label(re.compile(r'^Nom\b')).fill('Grand')
    click(page, 'Créer le compte')
    assert page.get_by_role('heading', name='Odile Grand').is_visible()
    page.get_by_label('Élève à relier').select_option('zoe.dubois')
    page.get_by_label('Lien avec l’enfant').select_option('grandparent')
    click(page, "Relier l'enfant")
    assert page.get_by_text('Lien enregistré.').is_visible()
    assert page.get_by_role('link', name='Zoé Dubois').is_visible()
    assert axe_violations(page) == []

    click(page, "Préparer le courrier d'activation (nouveau code)")
    assert page.get_by_role('heading', name="Votre compte sur l'espace numérique de l'école").is_visible()
    assert page.locator('#letter-login').inner_text() == 'odile.grand'
    code = page.locator('#letter-code').inner_text()
    assert page.get_by_text(page.base + '/activation').is_visible()
    assert axe_violations(page) == []
    page.emulate_media(media='print')
    assert not page.get_by_role('button', name='Se déconnecter').is_visible()
    assert page.locator('#letter-code').is_visible()
    page.emulate_media(media='screen')
    sign_out(page)

    browser_sign_in(page, 'julien.roux')
    page.locator('a.tile', has_text='CM2 Les Pins').click()        # the class's tile (its homework is linked too)
    assert page.get_by_role('heading', name='Classe CM2 Les Pins').is_visible()
    sign_out(page)

    page.goto(page.base + '/activation')
    page.get_by_label('Identifiant').fill('odile.grand')
    page.get_by_label("Code d'activation").fill(code)
    page.get_by_label('Nouveau mot de passe').fill('mamie-odile-2026')
    page.get_by_label('Confirmez le mot de passe').fill('mamie-odile-2026')
    click(page, 'Activer mon compte')
    assert page.get_by_text('Votre compte est activé. Bienvenue !').is_visible()
    assert page.locator('.child-card').count() == 1
    assert page.locator('.child-card h3').inner_text() == 'Zoé'
    assert axe_violations(page) == []
