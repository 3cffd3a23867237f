"""The admin services (schools, classes, accounts) on a real database: every action, its audit
event, and every refusal."""
from datetime import timedelta

import pytest

from ecole_ent import security
from ecole_ent.accounts import membership
from ecole_ent.accounts import service as accounts
from ecole_ent.admin import accounts as admin_accounts
from ecole_ent.admin import classes, service
from ecole_ent.errors import Forbidden, NotFound, ValidationError
from ecole_ent.models import AuditEvent, Classroom, Enrolment, GuardianLink, LoginSession, School, Teaching, User, now


def events(action):
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


def cp(demo):
    return Classroom.get(Classroom.name == 'CP-CE1')


# --- classes ----------------------------------------------------------------------------------

def test_director_creates_a_class_of_the_current_year_and_it_is_audited(demo):
    school = demo.director.school
    classroom = classes.create_class(demo.director, school, '  CM1 B ', ['CM1', 'ce2'])
    assert classroom.name == 'CM1 B' and classroom.niveau_list == ['CE2', 'CM1']
    assert classroom.year_id == school.current_year().id and not classroom.archived
    [event] = events('class.created')
    assert event.actor_id == demo.director.id and event.school_id == school.id and event.target == 'CM1 B'


@pytest.mark.parametrize('name, niveaux, field, message', [
    ('', ['CP'], 'name', 'Le nom de la classe est obligatoire.'),
    ('   ', ['CP'], 'name', 'Le nom de la classe est obligatoire.'),
    ('CP B', [], 'niveaux', 'Choisissez au moins un niveau.'),
    ('CP B', ['CP', '6E'], 'niveaux', 'Niveau inconnu : 6E'),
    ('cp-ce1', ['CP'], 'name', 'Une classe porte déjà ce nom cette année'),
    ('x' * 101, ['CP'], 'name', 'trop long'),
])
def test_a_bad_class_is_refused_in_french_and_nothing_is_saved(demo, name, niveaux, field, message):
    before = Classroom.select().count()
    with pytest.raises(ValidationError) as refused:
        classes.create_class(demo.director, demo.director.school, name, niveaux)
    assert message in refused.value.errors[field]
    assert Classroom.select().count() == before and not events('class.created')


def test_rename_and_set_niveaux_then_archive(demo):
    classroom = classes.update_class(demo.director, cp(demo), 'CP-CE1 bleu', ['CE1', 'CP', 'CE2'])
    assert (classroom.name, classroom.niveaux) == ('CP-CE1 bleu', 'CP,CE1,CE2')
    assert 'CP-CE1 (CP,CE1)' in events('class.updated')[0].details
    with pytest.raises(ValidationError):
        classes.update_class(demo.director, classroom, 'CP-CE1 bleu', [])
    assert Classroom.get_by_id(classroom.id).niveaux == 'CP,CE1,CE2'
    assert classroom in membership.current_classes_of(demo.teacher)
    with pytest.raises(ValidationError, match='confirmez'):
        classes.archive_class(demo.director, classroom)
    assert not Classroom.get_by_id(classroom.id).archived and not events('class.archived')
    classes.archive_class(demo.director, classroom, confirmed=True)
    assert Classroom.get_by_id(classroom.id).archived and events('class.archived')
    assert classroom not in membership.current_classes_of(demo.teacher)
    assert classroom not in classes.list_classes(demo.director.school)
    assert classroom in classes.list_classes(demo.director.school, archived=True)


def test_a_class_may_have_several_teachers_and_a_teacher_several_classes(demo):
    classroom, other = cp(demo), Classroom.get(Classroom.name == 'CE2-CM1-CM2')
    replacement = admin_accounts.create_account(demo.director, demo.director.school,
                                         {'first_name': 'Rémi', 'last_name': 'Remplaçant', 'role': 'teacher'})
    classes.assign_teacher(demo.director, classroom, replacement)
    classes.assign_teacher(demo.director, other, replacement)
    assert {t.login for t in accounts.teachers_of([classroom])[classroom.id]} == {'julien.roux', replacement.login}
    assert {c.id for c in membership.current_classes_of(replacement)} == {classroom.id, other.id}
    with pytest.raises(ValidationError, match='déjà affecté'):
        classes.assign_teacher(demo.director, classroom, replacement)
    classes.remove_teacher(demo.director, classroom, replacement)
    assert [c.id for c in membership.current_classes_of(replacement)] == [other.id]
    with pytest.raises(ValidationError, match="n'est pas affecté"):
        classes.remove_teacher(demo.director, classroom, replacement)
    assert [e.target for e in events('class.teacher_assigned')] == [
        f'CP-CE1 : {replacement.login}', f'CE2-CM1-CM2 : {replacement.login}']
    assert len(events('class.teacher_removed')) == 1


def test_only_teachers_and_staff_of_the_school_can_be_assigned(demo, school_b):
    with pytest.raises(ValidationError, match="n'est pas enseignant"):
        classes.assign_teacher(demo.director, cp(demo), demo.first('guardian'))
    with pytest.raises(ValidationError, match="n'est pas enseignant"):
        classes.assign_teacher(None, cp(demo), school_b.teacher)
    assert not Teaching.select().where(Teaching.teacher == school_b.teacher, Teaching.classroom == cp(demo)).exists()


# --- local accounts ---------------------------------------------------------------------------

def test_a_local_account_gets_a_login_from_its_name_and_waits_for_activation(demo):
    user = admin_accounts.create_account(demo.director, demo.director.school,
                                  {'first_name': 'Zoé', 'last_name': "L'Hermitte-Œuvrard", 'role': 'guardian',
                                   'email': 'zoe@example.org'})
    assert (user.login, user.source, user.status, user.roles) == (
        'zoe.lhermitte-oeuvrard', 'local', 'pending', 'guardian')
    assert user.school_id == demo.director.school_id and user.password_hash is None
    again = admin_accounts.create_account(demo.director, demo.director.school,
                                   {'first_name': 'Zoe', 'last_name': 'Lhermitte-Oeuvrard', 'role': 'staff'})
    assert again.login == 'zoe.lhermitte-oeuvrard2'
    assert [e.target for e in events('account.created')] == [user.login, again.login]


def test_a_name_without_latin_letters_gets_the_login_the_director_chooses(demo):
    user = admin_accounts.create_account(demo.director, demo.director.school,
                                  {'first_name': '李', 'last_name': '王', 'role': 'guardian', 'login': 'li.wang'})
    assert (user.login, user.display_name) == ('li.wang', '李 王')


def test_a_local_pupil_can_be_enrolled_at_creation(demo):
    user = admin_accounts.create_account(demo.director, demo.director.school,
                                  {'first_name': 'Ana', 'last_name': 'Nouvelle', 'role': 'pupil',
                                   'class_id': str(cp(demo).id), 'niveau': 'CE1'})
    assert user.image_rights == 'unknown'
    assert Enrolment.get(Enrolment.pupil == user).niveau == 'CE1'
    assert user.id in {p.id for p in accounts.pupils_of(cp(demo))}


@pytest.mark.parametrize('data, field, message', [
    ({'first_name': '', 'last_name': 'Martin', 'role': 'guardian'}, 'first_name', 'Le prénom est obligatoire.'),
    ({'first_name': 'Léa', 'last_name': ' ', 'role': 'guardian'}, 'last_name', 'Le nom est obligatoire.'),
    ({'first_name': 'Léa', 'last_name': 'Martin', 'role': 'guardian', 'login': 'julien.roux'},
     'login', 'Cet identifiant est déjà pris : julien.roux'),
    ({'first_name': 'Léa', 'last_name': 'Martin', 'role': 'guardian', 'login': 'Léa Martin'},
     'login', 'Identifiant invalide'),
    ({'first_name': 'Léa', 'last_name': 'Martin', 'role': 'admin'}, 'role', 'Type de compte impossible'),
    ({'first_name': 'Léa', 'last_name': 'Martin', 'role': ''}, 'role', 'Choisissez le type de compte.'),
    ({'first_name': 'Léa', 'last_name': 'Martin', 'role': 'guardian', 'email': 'pas-une-adresse'},
     'email', 'Adresse électronique invalide'),
    ({'first_name': 'Léa', 'last_name': 'Martin', 'role': 'pupil', 'class_id': '999'}, 'class_id',
     "Cette classe n'existe pas"),
    ({'first_name': '李', 'last_name': '王', 'role': 'guardian'}, 'login', 'Indiquez un identifiant'),
])
def test_bad_account_input_is_refused_in_french_and_nothing_is_saved(demo, data, field, message):
    before = User.select().count()
    with pytest.raises(ValidationError) as refused:
        admin_accounts.create_account(demo.director, demo.director.school, data)
    assert message in refused.value.errors[field]
    assert User.select().count() == before and not events('account.created')


def test_a_director_cannot_create_a_director_but_the_admin_can(demo):
    data = {'first_name': 'Paul', 'last_name': 'Chef', 'role': 'director'}
    with pytest.raises(ValidationError):
        admin_accounts.create_account(demo.director, demo.director.school, data)
    assert admin_accounts.create_account(demo.admin, demo.director.school, data).roles == 'director'


def test_edit_changes_a_local_account_but_not_a_directory_one(demo):
    user = admin_accounts.edit_account(demo.director, demo.teacher,
                                {'first_name': 'Julien', 'last_name': 'Roux-Martin', 'email': 'j@example.org'})
    assert (user.last_name, user.email) == ('Roux-Martin', 'j@example.org')
    assert 'Julien Roux' in events('account.edited')[0].details
    User.update(source='aaf', external_id='X1').where(User.id == user.id).execute()
    with pytest.raises(ValidationError, match="vient de l'annuaire"):
        admin_accounts.edit_account(demo.director, User.get_by_id(user.id),
                             {'first_name': 'J', 'last_name': 'R', 'email': ''})
    assert User.get_by_id(user.id).last_name == 'Roux-Martin'


def test_disabling_ends_every_session_and_enabling_restores_the_right_status(demo):
    accounts.open_session(demo.teacher)
    token = accounts.open_session(demo.teacher)
    admin_accounts.disable_account(demo.director, demo.teacher)
    assert LoginSession.select().where(LoginSession.user == demo.teacher).count() == 0
    assert accounts.session_user(token) is None
    assert User.get_by_id(demo.teacher.id).status == 'disabled'
    assert '"sessions": 2' in events('account.disabled')[0].details
    admin_accounts.enable_account(demo.director, User.get_by_id(demo.teacher.id))
    assert User.get_by_id(demo.teacher.id).status == 'active'
    never = admin_accounts.create_account(demo.director, demo.director.school,
                                   {'first_name': 'Jo', 'last_name': 'Jamais', 'role': 'guardian'})
    admin_accounts.disable_account(demo.director, never)
    admin_accounts.enable_account(demo.director, User.get_by_id(never.id))
    assert User.get_by_id(never.id).status == 'pending'


def test_a_director_cannot_disable_themselves(demo):
    with pytest.raises(ValidationError, match='propre compte'):
        admin_accounts.disable_account(demo.director, demo.director)
    assert User.get_by_id(demo.director.id).status == 'active'


@pytest.mark.parametrize('query, expected', [
    ('lefevre', 'sophie.lefevre-martin'), ('LEFÈVRE-MARTIN', 'sophie.lefevre-martin'),
    ('Sophie lefevre', 'sophie.lefevre-martin'), ('INES haddad', 'ines.haddad'),
    ('ïnès', 'ines.haddad'), ('belkacem nadia', 'nadia.belkacem'),
])
def test_search_ignores_accents_case_and_word_order(demo, query, expected):
    found, total = admin_accounts.search_accounts(demo.director.school, query)
    assert expected in [u.login for u in found] and total == len(found)
    assert all(admin_accounts.folded(query).split()[0]
               in admin_accounts.folded(f'{u.first_name} {u.last_name} {u.login}')
               for u in found)


def test_search_finds_names_with_ligatures_and_apostrophes_and_filters_by_role(demo):
    admin_accounts.create_account(None, demo.director.school,
                           {'first_name': 'Chloé', 'last_name': "D'Œuvrard", 'role': 'guardian'})
    found = admin_accounts.search_accounts(demo.director.school, "d'oeuvrard")[0]
    assert [u.login for u in found] == ['chloe.doeuvrard']
    assert [u.login for u in admin_accounts.search_accounts(demo.director.school, 'DŒUVRARD')[0]] == ['chloe.doeuvrard']
    staff, _total = admin_accounts.search_accounts(demo.director.school, '', 'staff')
    assert [u.login for u in staff] == ['nadia.belkacem']


def test_search_stays_inside_the_school(demo, school_b):
    assert admin_accounts.search_accounts(demo.director.school, 'port')[0] == []
    assert {u.login for u in admin_accounts.search_accounts(school_b.school, 'port')[0]} >= {'tom.port', 'gaelle.port'}


# --- guardian links ---------------------------------------------------------------------------

def new_guardian(demo, first='Odile', last='Grand'):
    return admin_accounts.create_account(demo.director, demo.director.school,
                                  {'first_name': first, 'last_name': last, 'role': 'guardian'})


def test_link_and_unlink_a_guardian_with_relation_and_legal_authority(demo):
    grandmother, pupil = new_guardian(demo), accounts.pupils_of(cp(demo))[0]
    admin_accounts.link_guardian(demo.director, grandmother, pupil, 'grandparent', False)
    link = GuardianLink.get(GuardianLink.guardian == grandmother)
    assert (link.pupil_id, link.relation, link.legal_authority, link.source) == (
        pupil.id, 'grandparent', False, 'local')
    assert [p.id for p, _c in accounts.children_of(grandmother)] == [pupil.id]
    page = admin_accounts.account_page(demo.director, pupil.id)
    assert grandmother.id in [link.guardian.id for link in page['guardian_links']]
    links = admin_accounts.account_page(demo.director, grandmother.id)['child_links']
    assert [link.pupil.id for link in links] == [pupil.id]
    with pytest.raises(ValidationError, match='déjà relié'):
        admin_accounts.link_guardian(demo.director, grandmother, pupil)
    admin_accounts.unlink_guardian(demo.director, grandmother, pupil)
    assert accounts.children_of(grandmother) == []
    with pytest.raises(ValidationError, match="n'est pas relié"):
        admin_accounts.unlink_guardian(demo.director, grandmother, pupil)
    assert [e.target for e in events('guardian.linked') + events('guardian.unlinked')] == [
        f'{grandmother.login} → {pupil.login}'] * 2


def test_a_guardian_cannot_be_linked_to_a_pupil_of_another_school(demo, school_b):
    grandmother = new_guardian(demo)
    for actor in (demo.director, None):
        with pytest.raises(ValidationError) as refused:
            admin_accounts.link_guardian(actor, grandmother, school_b.pupil)
        assert "pas de la même école" in refused.value.errors['other']
        with pytest.raises(ValidationError, match='même école'):
            admin_accounts.link_accounts(actor, grandmother, 'tom.port')
    assert not GuardianLink.select().where(GuardianLink.guardian == grandmother).exists()
    assert not events('guardian.linked')


def test_link_refuses_wrong_roles_and_an_unknown_relation(demo):
    grandmother, pupil = new_guardian(demo), accounts.pupils_of(cp(demo))[0]
    with pytest.raises(ValidationError, match="pas un compte d'élève"):
        admin_accounts.link_guardian(demo.director, grandmother, demo.teacher)
    with pytest.raises(ValidationError, match='pas un compte de responsable'):
        admin_accounts.link_accounts(demo.director, pupil, 'julien.roux')
    with pytest.raises(ValidationError, match='Lien de parenté inconnu'):
        admin_accounts.link_guardian(demo.director, grandmother, pupil, 'voisin')
    with pytest.raises(ValidationError, match="Aucun compte n'a l'identifiant"):
        admin_accounts.link_accounts(demo.director, grandmother, 'personne.inconnue')
    assert not GuardianLink.select().where(GuardianLink.guardian == grandmother).exists()


# --- image rights -----------------------------------------------------------------------------

def test_consent_is_recorded_with_who_and_when(demo):
    pupil = accounts.pupils_of(cp(demo))[0]
    admin_accounts.set_consent(demo.director, pupil, 'refused')
    stored = User.get_by_id(pupil.id)
    assert stored.image_rights == 'refused' and stored.image_rights_by_id == demo.director.id
    assert now() - stored.image_rights_at < timedelta(minutes=5)
    assert events('consent.set')[0].target == pupil.login


@pytest.mark.parametrize('value', ['yes', '', 'GRANTED', None])
def test_an_unknown_consent_value_is_refused_and_nothing_changes(demo, value):
    pupil = accounts.pupils_of(cp(demo))[0]
    with pytest.raises(ValidationError) as refused:
        admin_accounts.set_consent(demo.director, pupil, value)
    assert "Valeur de droit à l'image inconnue" in refused.value.errors['consent']
    assert User.get_by_id(pupil.id).image_rights == pupil.image_rights and not events('consent.set')


def test_consent_for_a_whole_class_from_a_checklist(demo):
    pupils = accounts.pupils_of(cp(demo))
    ticked = [p.id for p in pupils[:3]]
    assert admin_accounts.set_class_consent(demo.director, cp(demo), ticked, 'granted') == 3
    values = {u.id: u.image_rights for u in User.select().where(User.id.in_([p.id for p in pupils]))}
    assert all(values[i] == 'granted' for i in ticked)
    assert all(values[p.id] == p.image_rights for p in pupils[3:])
    assert len(events('consent.set')) == 3


def test_class_checklist_refuses_pupils_of_another_class_and_an_empty_tick(demo):
    other = accounts.pupils_of(Classroom.get(Classroom.name == 'CE2-CM1-CM2'))[0]
    mine = accounts.pupils_of(cp(demo))[0]
    with pytest.raises(ValidationError, match='pas dans cette classe'):
        admin_accounts.set_class_consent(demo.director, cp(demo), [mine.id, other.id], 'refused')
    with pytest.raises(ValidationError, match='Cochez au moins un élève'):
        admin_accounts.set_class_consent(demo.director, cp(demo), [], 'refused')
    assert User.get_by_id(mine.id).image_rights == mine.image_rights and not events('consent.set')


# --- recovery ---------------------------------------------------------------------------------

def test_a_reissued_code_makes_the_old_one_useless(demo):
    guardian = new_guardian(demo)
    old = admin_accounts.reissue_code(demo.director, guardian)
    new = admin_accounts.reissue_code(demo.director, User.get_by_id(guardian.id))
    with pytest.raises(ValidationError):
        accounts.activate(guardian.login, old, 'secret-famille-1', 'secret-famille-1')
    assert accounts.activate(guardian.login, new, 'secret-famille-1', 'secret-famille-1').status == 'active'
    assert [e.actor_id for e in events('activation.issued')] == [demo.director.id] * 2


def test_a_one_time_password_must_be_changed_and_ends_sessions(demo):
    pupil = accounts.pupils_of(cp(demo))[0]
    accounts.open_session(pupil)
    password = admin_accounts.one_time_password(demo.director, pupil)
    stored = User.get_by_id(pupil.id)
    assert stored.must_change_password and security.verify_password(stored.password_hash, password)
    assert not LoginSession.select().where(LoginSession.user == pupil).exists()
    assert events('password.reset')[0].actor_id == demo.director.id


def test_revoking_sessions_signs_the_account_out_everywhere(demo):
    tokens = [accounts.open_session(demo.teacher) for _ in range(3)]
    assert admin_accounts.revoke_all_sessions(demo.director, demo.teacher) == 3
    assert all(accounts.session_user(t) is None for t in tokens)
    assert User.get_by_id(demo.teacher.id).status == 'active'
    assert '"sessions": 3' in events('sessions.revoked')[0].details


def test_recovery_of_a_disabled_account_is_refused(demo):
    admin_accounts.disable_account(demo.director, demo.teacher)
    disabled = User.get_by_id(demo.teacher.id)
    for action in (admin_accounts.reissue_code, admin_accounts.one_time_password):
        with pytest.raises(ValidationError, match='désactivé'):
            action(demo.director, disabled)
    assert User.get_by_id(demo.teacher.id).status == 'disabled'


# --- who administers what ---------------------------------------------------------------------

def b_actions(school_b):
    b = school_b
    return {
        'get_school': lambda a: service.get_school(a, b.school.id),
        'create_class': lambda a: classes.create_class(a, b.school, 'Intrus', ['CP']),
        'update_class': lambda a: classes.update_class(a, b.classroom, 'Intrus', ['CP']),
        'archive_class': lambda a: classes.archive_class(a, b.classroom, confirmed=True),
        'assign_teacher': lambda a: classes.assign_teacher(a, b.classroom, b.teacher),
        'remove_teacher': lambda a: classes.remove_teacher(a, b.classroom, b.teacher),
        'get_class': lambda a: classes.get_class(a, b.classroom.id),
        'get_account': lambda a: admin_accounts.get_account(a, b.pupil.id),
        'create_account': lambda a: admin_accounts.create_account(
            a, b.school, {'first_name': 'I', 'last_name': 'N', 'role': 'guardian'}),
        'edit_account': lambda a: admin_accounts.edit_account(a, b.teacher, {'first_name': 'I', 'last_name': 'N'}),
        'disable_account': lambda a: admin_accounts.disable_account(a, b.teacher),
        'enable_account': lambda a: admin_accounts.enable_account(a, b.teacher),
        'link_guardian': lambda a: admin_accounts.unlink_guardian(a, b.guardian, b.pupil),
        'set_consent': lambda a: admin_accounts.set_consent(a, b.pupil, 'granted'),
        'set_class_consent': lambda a: admin_accounts.set_class_consent(a, b.classroom, [b.pupil.id], 'granted'),
        'reissue_code': lambda a: admin_accounts.reissue_code(a, b.guardian),
        'one_time_password': lambda a: admin_accounts.one_time_password(a, b.pupil),
        'revoke_all_sessions': lambda a: admin_accounts.revoke_all_sessions(a, b.pupil),
        'account_page': lambda a: admin_accounts.account_page(a, b.guardian.id),
        'class_page': lambda a: classes.class_page(a, b.classroom.id),
    }


def test_the_director_of_school_a_can_neither_see_nor_change_school_b(demo, school_b):
    before = (AuditEvent.select().count(), User.select().count(), Classroom.select().count())
    for name, action in b_actions(school_b).items():
        with pytest.raises(Forbidden):
            action(demo.director)
            pytest.fail(f'{name} was allowed')
    assert (AuditEvent.select().count(), User.select().count(), Classroom.select().count()) == before
    assert GuardianLink.select().where(GuardianLink.pupil == school_b.pupil).count() == 1
    assert service.schools_for(demo.director) == [demo.director.school]


@pytest.mark.parametrize('login', ['julien.roux', 'nadia.belkacem'])
def test_teachers_and_staff_administer_nothing(demo, school_b, login):
    for action in b_actions(school_b).values():
        with pytest.raises(Forbidden):
            action(demo.user(login))
    with pytest.raises(Forbidden):
        classes.create_class(demo.user(login), demo.director.school, 'Ma classe', ['CP'])
    with pytest.raises(Forbidden):
        service.audit_log(demo.user(login))


def test_the_admin_administers_every_school_and_alone_creates_schools(demo, school_b):
    assert classes.create_class(demo.admin, school_b.school, 'CM1 Port', ['CM1']).school_id == school_b.school.id
    assert {s.uai for s in service.schools_for(demo.admin)} == {'0061234A', '0069999Z'}
    school = service.create_school(demo.admin, '0061111b', ' École du Lac ')
    assert (school.uai, school.name) == ('0061111B', 'École du Lac') and school.current_year()
    with pytest.raises(Forbidden):
        service.create_school(demo.director, '0062222C', 'École des Pins')
    with pytest.raises(ValidationError, match='déjà ce code UAI'):
        service.create_school(demo.admin, '0061111B', 'Doublon')
    with pytest.raises(ValidationError, match='Code UAI invalide'):
        service.create_school(demo.admin, '12', 'X')
    assert School.select().count() == 3 and len(events('school.created')) == 1


def test_unknown_objects_are_not_found(demo):
    with pytest.raises(NotFound):
        classes.get_class(demo.director, 999999)
    with pytest.raises(NotFound):
        admin_accounts.get_account(demo.director, 999999)


# --- audit log --------------------------------------------------------------------------------

def test_the_audit_log_is_per_school_for_a_director_and_complete_for_the_admin(demo, school_b):
    classes.create_class(demo.director, demo.director.school, 'CM1 B', ['CM1'])
    classes.create_class(demo.admin, school_b.school, 'CM1 Port', ['CM1'])
    admin_accounts.set_consent(school_b.director, school_b.pupil, 'granted')
    mine = [row['event'].target for row in service.audit_log(demo.director)]
    assert 'CM1 B' in mine and 'CM1 Port' not in mine and 'tom.port' not in mine
    every = [row['event'].target for row in service.audit_log(demo.admin)]
    assert {'CM1 B', 'CM1 Port', 'tom.port'} <= set(every)
    theirs = service.audit_log(school_b.director, action='consent.set')
    assert [(r['event'].target, r['actor'].login, r['label']) for r in theirs] == [
        ('tom.port', 'bruno.port', "Droit à l'image")]


def test_the_audit_log_filters_by_person_and_dates(demo):
    admin_accounts.set_consent(demo.director, accounts.pupils_of(cp(demo))[0], 'granted')
    admin_accounts.disable_account(demo.director, demo.teacher)
    by_target = service.audit_log(demo.admin, person='JULIEN.ROUX')
    assert [r['event'].action for r in by_target] == ['account.disabled']
    by_actor = service.audit_log(demo.admin, person='sophie.lefevre-martin')
    assert {r['event'].action for r in by_actor} == {'consent.set', 'account.disabled'}
    today = now().date()
    assert len(service.audit_log(demo.admin, start=str(today), end=str(today))) == 2
    assert service.audit_log(demo.admin, start=str(today + timedelta(days=1))) == []
    assert service.audit_log(demo.admin, end=str(today - timedelta(days=1))) == []
    with pytest.raises(ValidationError, match='Date invalide'):
        service.audit_log(demo.admin, start='31/12/2026')
