"""The image-rights consent history: a change by the director (on the pupil's admin page, alone or
for ticked pupils of a class) and a change from the directory (ONDE's « Autorisation photo », at the
first import and when a re-import brings a new answer) are each kept with their source, who and
when, and shown on the pupil's admin page in French; an unchanged re-import adds nothing."""
import re
import shutil

from ecole_ent.accounts import service as accounts
from ecole_ent.admin import accounts as admin_accounts
from ecole_ent.directory import service as directory
from ecole_ent.models import User
from ecole_ent.models.privacy import ConsentChange
from ecole_ent.privacy import pages
from tests.blog.conftest import send, text
from tests.directory.conftest import ONDE, UAI

ONDE_FILES = ('CSVExtraction-eleves.csv', 'CSVExtraction-responsables.csv', 'CSVExtraction-enseignants.csv')


def test_the_directors_change_is_kept_and_shown_on_the_pupils_page(people, signed_in):
    pupil = people.pupil
    director = signed_in(people.director)
    before = ConsentChange.select().where(ConsentChange.pupil == pupil.id).count()
    send(director, f'/admin/comptes/{pupil.id}/droit-image', {'consent': 'refused'})
    send(director, f'/admin/comptes/{pupil.id}/droit-image', {'consent': 'granted'})
    changes = list(ConsentChange.select().where(ConsentChange.pupil == pupil.id).order_by(ConsentChange.id))
    assert len(changes) == before + 2
    assert [(c.image_rights, c.source, c.actor_id) for c in changes[-2:]] == [
        ('refused', 'director', people.director.id), ('granted', 'director', people.director.id)]
    page = text(director.get(f'/admin/comptes/{pupil.id}'))
    assert 'Historique du droit à l’image' in page
    history = re.sub(r'<[^>]+>', '', page.split('Historique du droit à l’image', 1)[1])
    assert 'Autorisé · source : direction de l’école · par Sophie Lefèvre-Martin' in history
    assert 'Refusé · source : direction de l’école · par Sophie Lefèvre-Martin' in history
    assert history.index('Autorisé') < history.index('Refusé')        # newest first


def test_a_class_wide_change_and_the_admin_are_kept_with_their_source(people):
    pupil = people.pupil
    classroom = pupil.enrolments[0].classroom
    admin_accounts.set_class_consent(people.director, classroom, [pupil.id], 'unknown')
    admin_accounts.set_consent(people.admin, User.get_by_id(pupil.id), 'refused')
    rows = pages.consent_history(pupil)
    assert [(r.value, r.source, r.actor) for r in rows[:2]] == [
        ('Refusé', 'administration de l’ENT', people.admin.display_name),
        ('Non renseigné', 'direction de l’école', people.director.display_name)]


def test_a_directory_sync_keeps_the_feeds_answers_with_their_source(config, database, tmp_path):
    accounts.ensure_school(UAI, 'École des Mimosas')
    folder = tmp_path / 'onde'
    shutil.copytree(ONDE, folder)
    files = [folder / name for name in ONDE_FILES]
    assert directory.sync_onde(*files, config).applied
    lea = User.get(User.login == 'lea.martin-rousseau')
    first = pages.consent_history(lea)
    assert [(r.value, r.source, r.actor) for r in first] == [('Autorisé', 'ONDE (base élèves)', '')]
    assert directory.sync_onde(*files, config).applied           # the same answers: nothing new
    assert len(pages.consent_history(lea)) == 1
    pupils = files[0]
    raw = pupils.read_bytes().split(b'\r\n')
    line = next(i for i, row in enumerate(raw) if b'"0612345601A"' in row)
    fields = raw[line].split(b';')
    assert fields[20] == b'"Oui"'                                  # « Autorisation photo »
    fields[20] = b'"Non"'
    raw[line] = b';'.join(fields)
    pupils.write_bytes(b'\r\n'.join(raw))
    assert directory.sync_onde(*files, config).applied
    rows = pages.consent_history(lea)
    assert [(r.value, r.source) for r in rows] == [('Refusé', 'ONDE (base élèves)'), ('Autorisé', 'ONDE (base élèves)')]
    lea = User.get_by_id(lea.id)
    assert lea.image_rights == 'refused' and lea.image_rights_by_id is None and lea.image_rights_at is not None
    page = admin_accounts.account_page(None, lea.id)
    assert [r.value for r in page['consent_history']] == ['Refusé', 'Autorisé']
