"""The admin pages through the real app: each action by form, refusals for every other role and
for the director of another school, French messages on bad input."""
import pytest

from ecole_ent.accounts import service as accounts
from ecole_ent.models import AuditEvent, Classroom, GuardianLink, LoginSession, School, Teaching, User
from ecole_ent.web.render import static
from tests.admin.conftest import admin_routes, fill, text_of
from tests.conftest import Client, redirected_to

ROUTES = admin_routes()


def form_for(page, action, **hidden):
    """The form of `page` posting to `action` (and carrying these hidden values)."""
    found = [f for f in page.forms.values() if f.action == action
             and all(f.fields.get(k) and f[k].value == v for k, v in hidden.items())]
    assert found, f'no form to {action} {hidden} in the page'
    return found[0]


def cp():
    return Classroom.get(Classroom.name == 'CP-CE1')


def admin_events():
    return AuditEvent.select().where(~AuditEvent.action.startswith('login')).count()


@pytest.fixture
def director(demo, signed_in):
    return signed_in(demo.director)


def test_the_route_table_is_what_the_app_serves(demo_app):
    served = {(r.method, r.rule) for r in demo_app.bottle.routes if r.rule.startswith('/admin')
              and not r.name.startswith(('maintenance.', 'privacy.', 'stats.'))}
    # the backups page: tests/maintenance/test_page.py; the erasure page: tests/privacy/test_routes.py;
    # a family's data export: tests/privacy/test_export_routes.py; the processing register and the
    # closed years' photo dates: tests/privacy/test_register.py; the statistics: tests/stats/test_pages.py
    assert served == {(method, path) for method, path, _name in ROUTES} and len(ROUTES) >= 20


@pytest.mark.parametrize('method, path, name', ROUTES, ids=[name for _m, _p, name in ROUTES])
def test_teachers_staff_guardians_and_pupils_get_403_on_every_admin_route(demo, signed_in, method, path, name):
    pupil = accounts.pupils_of(cp())[0]
    url = fill(path, {'school_id': demo.director.school_id, 'class_id': cp().id, 'user_id': pupil.id})
    before = admin_events()
    for user in (demo.teacher, demo.staff, demo.first('guardian'), pupil):
        client = signed_in(user)
        if method == 'GET':
            response = client.get(url, status=403)
        else:
            response = client.post(url, {'csrf_token': client.csrf('/'), 'name': 'X', 'consent': 'granted'},
                                   status=403)
        assert 'Accès refusé' in text_of(response), (user.login, url)
    assert admin_events() == before


@pytest.mark.parametrize('method, path, name', [r for r in ROUTES if '<' in r[1]],
                         ids=[name for _m, path, name in ROUTES if '<' in path])
def test_the_director_of_school_a_gets_403_on_everything_of_school_b(demo, school_b, signed_in,
                                                                     method, path, name):
    client = signed_in(demo.director)
    ids = {'school_id': school_b.school.id, 'class_id': school_b.classroom.id, 'user_id': school_b.pupil.id}
    before = admin_events()
    if method == 'GET':
        response = client.get(fill(path, ids), status=403)
        assert 'Tom' not in response.text and 'CM2 Port' not in response.text
    else:
        client.post(fill(path, ids), {'csrf_token': client.csrf('/'), 'name': 'X', 'consent': 'granted',
                                      'other': 'gaelle.port', 'teacher': 'tina.port',
                                      'eleve-%d' % school_b.pupil.id: '1',
                                      'first_name': 'X', 'last_name': 'Y', 'role': 'guardian'}, status=403)
    assert admin_events() == before
    owner = signed_in(school_b.director)        # what A was refused is B's own director's to use
    if method == 'GET':
        assert owner.get(fill(path, ids)).status_int == 200
    else:
        assert redirected_to(owner.get('/admin')) == f'/admin/ecoles/{school_b.school.id}'


def test_a_director_lands_on_their_school_and_the_admin_sees_every_school(demo, school_b, signed_in):
    response = signed_in(demo.director).get('/admin')
    assert response.status_int == 303
    assert response.headers['Location'].endswith(f'/admin/ecoles/{demo.director.school_id}')
    page = text_of(signed_in(demo.admin).get('/admin'))
    assert 'École des Mimosas' in page and 'École du Port' in page and 'Ajouter une école' in page


def test_the_admin_creates_a_school_and_a_director_cannot(demo, signed_in):
    admin = signed_in(demo.admin)
    form = form_for(admin.get('/admin'), '/admin/ecoles')
    form['uai'], form['name'] = '12', ''
    page = text_of(form.submit())
    assert 'Code UAI invalide' in page and "Le nom de l'école est obligatoire" in page
    form['uai'], form['name'] = '0061111B', 'École du Lac'
    location = form.submit().headers['Location']
    assert location.endswith(f"/admin/ecoles/{School.get(School.uai == '0061111B').id}")
    director = signed_in(demo.director)
    director.post('/admin/ecoles', {'csrf_token': director.csrf('/'), 'uai': '0062222C', 'name': 'X'}, status=403)
    assert School.select().count() == 2


# --- classes ----------------------------------------------------------------------------------

def test_director_creates_renames_and_archives_a_class_by_form(demo, director):
    school_page = f'/admin/ecoles/{demo.director.school_id}'
    form = form_for(director.get(school_page), f'{school_page}/classes')
    form['name'], form['niveau-CM1'], form['niveau-CM2'] = 'CM1-CM2 B', True, True
    page = form.submit().follow()
    classroom = Classroom.get(Classroom.name == 'CM1-CM2 B')
    assert classroom.niveaux == 'CM1,CM2' and 'Classe « CM1-CM2 B » créée.' in text_of(page)
    form = form_for(page, f'/admin/classes/{classroom.id}')
    form['name'], form['niveau-CM1'] = 'CM2 B', False
    assert 'Classe enregistrée.' in text_of(form.submit().follow())
    assert (Classroom.get_by_id(classroom.id).name, Classroom.get_by_id(classroom.id).niveaux) == ('CM2 B', 'CM2')
    form = form_for(director.get(f'/admin/classes/{classroom.id}'), f'/admin/classes/{classroom.id}/archiver')
    assert 'confirmez pour continuer' in text_of(form.submit())
    assert not Classroom.get_by_id(classroom.id).archived
    form['confirm'] = True
    assert 'Classe archivée.' in text_of(form.submit().follow())
    assert Classroom.get_by_id(classroom.id).archived
    assert 'Classes archivées' in text_of(director.get(school_page))
    assert [e.action for e in AuditEvent.select().where(AuditEvent.action.startswith('class.'))
            .order_by(AuditEvent.id)] == ['class.created', 'class.updated', 'class.archived']


def test_a_bad_class_gets_french_messages_and_nothing_is_saved(demo, director):
    school_page = f'/admin/ecoles/{demo.director.school_id}'
    before = Classroom.select().count()
    form = form_for(director.get(school_page), f'{school_page}/classes')
    form['name'] = ''
    page = text_of(form.submit())
    assert 'Le nom de la classe est obligatoire.' in page and 'Choisissez au moins un niveau.' in page
    assert "Rien n'a été enregistré" in page and Classroom.select().count() == before
    form = form_for(director.get(f'/admin/classes/{cp().id}'), f'/admin/classes/{cp().id}')
    for niveau in ('CP', 'CE1'):
        form[f'niveau-{niveau}'] = False
    assert 'Choisissez au moins un niveau.' in text_of(form.submit())
    assert cp().niveaux == 'CP,CE1'


def test_director_assigns_a_teacher_who_then_sees_the_class_and_removes_them(demo, director, signed_in):
    classroom = Classroom.get(Classroom.name == 'Maternelle PS-MS-GS')
    page = director.get(f'/admin/classes/{classroom.id}')
    form = form_for(page, f'/admin/classes/{classroom.id}/enseignants')
    form['teacher'] = 'julien.roux'
    assert 'Enseignant·e affecté·e.' in text_of(form.submit().follow())
    teacher = signed_in(demo.teacher)
    assert 'Maternelle PS-MS-GS' in text_of(teacher.get('/'))
    assert 'Maternelle PS-MS-GS' in text_of(teacher.get(f'/classe/{classroom.id}'))
    form = form_for(director.get(f'/admin/classes/{classroom.id}'),
                    f'/admin/classes/{classroom.id}/enseignants/retirer', teacher='julien.roux')
    form.submit()
    assert not Teaching.select().where(Teaching.teacher == demo.teacher, Teaching.classroom == classroom).exists()
    teacher.get(f'/classe/{classroom.id}', status=403)


def test_assigning_nobody_gets_a_french_message(demo, director):
    form = form_for(director.get(f'/admin/classes/{cp().id}'), f'/admin/classes/{cp().id}/enseignants')
    assert "Indiquez l'identifiant du compte." in text_of(form.submit())


def test_consent_checklist_for_a_class(demo, director):
    pupils = accounts.pupils_of(cp())
    form = form_for(director.get(f'/admin/classes/{cp().id}'), f'/admin/classes/{cp().id}/droit-image')
    form[f'eleve-{pupils[0].id}'] = form[f'eleve-{pupils[1].id}'] = True
    form['consent'] = 'refused'
    assert "Droit à l'image enregistré pour 2 élève(s)." in text_of(form.submit().follow())
    assert [User.get_by_id(p.id).image_rights for p in pupils[:2]] == ['refused', 'refused']
    assert User.get_by_id(pupils[2].id).image_rights == pupils[2].image_rights
    form['consent'].force_value('peut-etre')
    assert "Valeur de droit à l'image inconnue" in text_of(form.submit())
    assert [User.get_by_id(p.id).image_rights for p in pupils[:2]] == ['refused', 'refused']


# --- accounts ---------------------------------------------------------------------------------

def create_guardian(director, demo, first='Odile', last='Grand-Mère'):
    form = form_for(director.get(f'/admin/ecoles/{demo.director.school_id}/comptes/nouveau'),
                    f'/admin/ecoles/{demo.director.school_id}/comptes')
    form['role'], form['first_name'], form['last_name'] = 'guardian', first, last
    return form.submit()


def test_director_creates_a_local_guardian_and_finds_them_ignoring_accents(demo, director):
    response = create_guardian(director, demo)
    user = User.get(User.login == 'odile.grand-mere')
    assert response.headers['Location'].endswith(f'/admin/comptes/{user.id}')
    assert (user.source, user.status) == ('local', 'pending')
    assert 'Compte créé : odile.grand-mere' in text_of(response.follow())
    found = text_of(director.get(f'/admin/ecoles/{demo.director.school_id}/comptes?q=GRAND+MERE'))
    assert 'Grand-Mère Odile' in found and '1 compte trouvé' in found


def test_a_taken_login_or_an_empty_name_is_refused_and_nothing_is_saved(demo, director):
    before = User.select().count()
    form = form_for(director.get(f'/admin/ecoles/{demo.director.school_id}/comptes/nouveau'),
                    f'/admin/ecoles/{demo.director.school_id}/comptes')
    form['role'], form['first_name'], form['last_name'], form['login'] = 'teacher', 'Ana', '', 'julien.roux'
    page = text_of(form.submit())
    assert 'Cet identifiant est déjà pris : julien.roux' in page and 'Le nom est obligatoire.' in page
    assert 'value="Ana"' in page and User.select().count() == before


@pytest.mark.parametrize('class_id', [str(2**63), '99999999999999999999', '²', '-1'])
def test_a_class_number_no_class_can_have_gets_the_french_message(demo, director, class_id):
    before = User.select().count()
    form = form_for(director.get(f'/admin/ecoles/{demo.director.school_id}/comptes/nouveau'),
                    f'/admin/ecoles/{demo.director.school_id}/comptes')
    form['role'], form['first_name'], form['last_name'] = 'pupil', 'Léo', 'Petit'
    form['class_id'].force_value(class_id)
    page = text_of(form.submit())
    assert "Cette classe n'existe pas dans cette école." in page and User.select().count() == before


def test_edit_then_disable_ends_sessions_then_enable(demo, director, signed_in):
    teacher_client = signed_in(demo.teacher)
    page = director.get(f'/admin/comptes/{demo.teacher.id}')
    form = form_for(page, f'/admin/comptes/{demo.teacher.id}')
    form['last_name'] = 'Roux-Petit'
    assert 'Compte enregistré.' in text_of(form.submit().follow())
    assert User.get_by_id(demo.teacher.id).last_name == 'Roux-Petit'
    form = form_for(director.get(f'/admin/comptes/{demo.teacher.id}'), f'/admin/comptes/{demo.teacher.id}/desactiver')
    assert 'ses sessions ouvertes sont fermées' in text_of(form.submit().follow())
    assert redirected_to(teacher_client.get('/')) == '/connexion?next=/'
    assert not LoginSession.select().where(LoginSession.user == demo.teacher).exists()
    refused = Client(teacher_client.app).login('julien.roux')
    assert refused.status_int == 200 and 'Identifiant ou mot de passe incorrect.' in refused.text
    form = form_for(director.get(f'/admin/comptes/{demo.teacher.id}'), f'/admin/comptes/{demo.teacher.id}/reactiver')
    form.submit()
    assert 'Bonjour Julien' in signed_in(demo.teacher).get('/').text
    assert redirected_to(Client(teacher_client.app).login('julien.roux')) == '/'


def test_the_page_of_a_member_of_staff_lists_the_class_they_help_in(demo, director):
    page = text_of(director.get(f'/admin/comptes/{demo.staff.id}'))
    assert 'Personnel (ATSEM, AESH…)' in page and 'Maternelle PS-MS-GS' in page


def test_an_empty_name_on_edit_is_refused(demo, director):
    form = form_for(director.get(f'/admin/comptes/{demo.teacher.id}'), f'/admin/comptes/{demo.teacher.id}')
    form['first_name'] = ''
    assert 'Le prénom est obligatoire.' in text_of(form.submit())
    assert User.get_by_id(demo.teacher.id).first_name == 'Julien'


def test_link_a_guardian_from_their_page_and_see_it_on_both_pages(demo, director):
    create_guardian(director, demo)
    guardian = User.get(User.login == 'odile.grand-mere')
    pupil = accounts.pupils_of(cp())[0]
    form = form_for(director.get(f'/admin/comptes/{guardian.id}'), f'/admin/comptes/{guardian.id}/liens')
    form['other'], form['relation'], form['legal_authority'] = pupil.login, 'grandparent', False
    assert 'Lien enregistré.' in text_of(form.submit().follow())
    link = GuardianLink.get(GuardianLink.guardian == guardian)
    assert (link.pupil_id, link.relation, link.legal_authority) == (pupil.id, 'grandparent', False)
    pupil_page = text_of(director.get(f'/admin/comptes/{pupil.id}'))
    assert 'Odile Grand-Mère' in pupil_page and 'Grand-parent' in pupil_page
    assert pupil.display_name in text_of(director.get(f'/admin/comptes/{guardian.id}'))
    form = form_for(director.get(f'/admin/comptes/{pupil.id}'), f'/admin/comptes/{pupil.id}/liens/retirer',
                    other=guardian.login)
    assert 'Lien retiré.' in text_of(form.submit().follow())
    assert not GuardianLink.select().where(GuardianLink.guardian == guardian).exists()


def test_linking_to_a_guardian_of_another_school_is_refused_in_french(demo, school_b, director):
    pupil = accounts.pupils_of(cp())[0]
    form = form_for(director.get(f'/admin/comptes/{pupil.id}'), f'/admin/comptes/{pupil.id}/liens')
    form['other'] = 'gaelle.port'
    page = text_of(form.submit())
    assert "pas de la même école" in page and 'value="gaelle.port"' in page
    assert not GuardianLink.select().where(GuardianLink.guardian == school_b.guardian,
                                           GuardianLink.pupil == pupil).exists()


def test_consent_of_one_pupil_shows_who_and_when(demo, director):
    pupil = accounts.pupils_of(cp())[0]
    form = form_for(director.get(f'/admin/comptes/{pupil.id}'), f'/admin/comptes/{pupil.id}/droit-image')
    form['consent'] = 'granted'
    page = text_of(form.submit().follow())
    assert 'Autorisé' in page and 'par Sophie Lefèvre-Martin' in page and 'enregistré le' in page
    assert User.get_by_id(pupil.id).image_rights == 'granted'


# --- recovery ---------------------------------------------------------------------------------

def print_letter(director, user):
    return form_for(director.get(f'/admin/comptes/{user.id}'), f'/admin/comptes/{user.id}/courrier').submit()


def code_on(letter):
    return letter.html.find(id='letter-code').get_text().replace(' ', '')


def test_the_letter_shows_a_code_that_activates_and_a_reissued_one_replaces_it(demo, director, demo_app):
    create_guardian(director, demo)
    guardian = User.get(User.login == 'odile.grand-mere')
    first = print_letter(director, guardian)
    page = text_of(first)
    assert 'odile.grand-mere' in page and 'http://localhost' in page and 'En trois étapes' in page
    assert static('admin/letter.css') in page and "l'ancien ne fonctionne plus" in page
    assert "Ce code ne sert qu'une fois et jusqu'au" in page
    assert first.headers['Cache-Control'] == 'no-store'
    old, new = code_on(first), code_on(print_letter(director, guardian))
    assert old != new and len(new) == 8
    family = Client(demo_app)
    form = family.get('/activation').forms[0]
    form['login'], form['code'], form['password'], form['confirm'] = guardian.login, old, 'famille-1234', 'famille-1234'
    assert "code d'activation incorrect" in text_of(form.submit())
    form['code'] = new
    activated = form.submit()
    assert redirected_to(activated) == '/' and User.get_by_id(guardian.id).status == 'active'
    assert 'Votre compte est activé. Bienvenue !' in text_of(activated.follow())


def test_the_letter_prints_the_configured_public_address(demo, director, demo_app):
    demo_app.bottle.config['ecole']['server.public_url'] = 'https://ent.mimosas.example/'
    page = text_of(print_letter(director, demo.first('guardian')))
    assert 'https://ent.mimosas.example/activation' in page and 'localhost' not in page.split('<main')[1]


def test_a_one_time_password_is_shown_once_and_must_be_changed(demo, director, demo_app):
    pupil = accounts.pupils_of(cp())[0]
    page = form_for(director.get(f'/admin/comptes/{pupil.id}'), f'/admin/comptes/{pupil.id}/mot-de-passe').submit()
    password = page.html.find(id='one-time-password').get_text()
    assert page.headers['Cache-Control'] == 'no-store'
    response = Client(demo_app).login(pupil.login, password)
    assert response.headers['Location'].endswith('/mot-de-passe')


def test_revoke_sessions_signs_the_account_out(demo, director, signed_in):
    teacher = signed_in(demo.teacher)
    form = form_for(director.get(f'/admin/comptes/{demo.teacher.id}'), f'/admin/comptes/{demo.teacher.id}/sessions')
    assert 'Toutes les sessions de ce compte sont fermées.' in text_of(form.submit().follow())
    assert redirected_to(teacher.get('/')) == '/connexion?next=/'
    assert 'Bonjour Sophie' in director.get('/').text


# --- audit log --------------------------------------------------------------------------------

def test_the_audit_log_page_records_each_change_and_filters(demo, school_b, director, signed_in):
    create_guardian(director, demo)
    form = form_for(director.get(f'/admin/classes/{cp().id}'), f'/admin/classes/{cp().id}/enseignants')
    form['teacher'] = 'nadia.belkacem'
    form.submit()
    page = text_of(director.get('/admin/journal'))
    assert 'Compte créé' in page and 'odile.grand-mere' in page and 'CP-CE1 : nadia.belkacem' in page
    assert 'Sophie Lefèvre-Martin (sophie.lefevre-martin)' in page
    only = text_of(director.get('/admin/journal?action=account.created'))
    assert 'odile.grand-mere' in only and 'nadia.belkacem' not in only
    by_person = text_of(director.get('/admin/journal?person=nadia.belkacem'))
    assert 'nadia.belkacem' in by_person and 'odile.grand-mere' not in by_person
    assert 'Date invalide' in text_of(director.get('/admin/journal?start=hier'))


def test_the_audit_log_of_a_director_shows_only_their_school(demo, school_b, signed_in):
    port = signed_in(school_b.director)
    form = form_for(port.get(f'/admin/comptes/{school_b.pupil.id}'), f'/admin/comptes/{school_b.pupil.id}/droit-image')
    form['consent'] = 'refused'
    form.submit()
    assert 'tom.port' in text_of(port.get('/admin/journal'))
    assert 'tom.port' not in text_of(signed_in(demo.director).get('/admin/journal'))
    admin_page = text_of(signed_in(demo.admin).get('/admin/journal'))
    assert 'tom.port' in admin_page and '0069999Z' in admin_page
