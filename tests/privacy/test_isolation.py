"""Another school's accounts: the demo school's director (and teacher, guardian) is refused the
erasure page and the erasure of École du Port's pupil and guardian, with a valid CSRF token, and
nothing changes; École du Port's director likewise on the demo school's pupil; the installation's
admin may erase in both."""
import pytest

from ecole_ent.errors import Forbidden
from ecole_ent.models import User
from ecole_ent.models.privacy import ErasedAccount
from ecole_ent.privacy import erase
from tests.admin.conftest import school_b  # noqa: F401 (a fixture: École du Port)
from tests.blog.conftest import send
from tests.privacy.conftest import row_counts


def test_a_director_cannot_erase_another_schools_accounts(people, school_b, signed_in):  # noqa: F811
    before = row_counts() | {'login_session': 5}       # the five clients' own sessions
    for actor, target in ((people.director, school_b.pupil), (people.director, school_b.guardian),
                          (people.teacher, school_b.pupil), (school_b.director, people.pupil),
                          (school_b.director, people.guardian)):
        client = signed_in(actor)
        assert client.get(f'/admin/comptes/{target.id}/effacer', expect_errors=True).status_int == 403
        refused = send(client, f'/admin/comptes/{target.id}/effacer',
                       {'confirm_name': target.display_name, 'contributions': 'delete'}, status='*')
        assert refused.status_int == 403, (actor.login, target.login)
        with pytest.raises(Forbidden):
            erase.erase_on_request(actor, target.id, target.display_name, 'keep')
    assert row_counts() == before
    assert User.get_by_id(school_b.pupil.id).login == 'tom.port'


def test_the_admin_erases_in_every_school(people, school_b, signed_in):  # noqa: F811
    admin = signed_in(people.admin)
    done = send(admin, f'/admin/comptes/{school_b.pupil.id}/effacer',
                {'confirm_name': 'Tom Port', 'contributions': 'keep'})
    assert done.status_int == 303
    erased = ErasedAccount.get(ErasedAccount.user == school_b.pupil.id)
    assert erased.school_id == school_b.school.id and erased.actor_id == people.admin.id
    assert User.get_by_id(people.pupil.id).login == 'zoe.dubois'      # the demo school untouched
