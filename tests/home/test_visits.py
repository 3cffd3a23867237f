"""A visit is written once per reader, class and area, and never goes backwards: two tabs at once
cannot both insert it, and a write that waited for the lock does not undo a newer one."""
from datetime import timedelta

from ecole_ent.home import visits
from ecole_ent.models import Classroom, User, Visit, now


def test_a_visit_is_one_row_that_only_moves_forward(demo):
    guardian = User.with_role('guardian').first()
    classroom = Classroom.select().first()
    Visit.delete().where(Visit.user == guardian.id).execute()
    later, earlier = now(), now() - timedelta(hours=1)
    visits._record_visit(guardian.id, classroom.id, 'photos', later)
    visits._record_visit(guardian.id, classroom.id, 'photos', later)      # a second tab: no error
    visits._record_visit(guardian.id, classroom.id, 'photos', earlier)    # written late: ignored
    rows = list(Visit.select().where((Visit.user == guardian.id) & (Visit.classroom == classroom.id)))
    assert [(row.area, row.seen_at) for row in rows] == [('photos', later)]
    visits._record_visit(guardian.id, classroom.id, 'photos', later + timedelta(minutes=1))
    assert Visit.get(Visit.user == guardian.id).seen_at == later + timedelta(minutes=1)
