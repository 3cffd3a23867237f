"""Writing homework (entries.py): niveaux, subjects, dates and their warnings, scheduled publication,
weekly repeats over the holidays, who may write, copies, files, and the pupils' ticks. The clock
stands on Friday 4 December 2026 (conftest.NOW)."""
import io
import os
import re
from datetime import date, datetime

import pytest
from peewee import fn
from PIL import Image

from ecole_ent.errors import Forbidden, NotFound, ValidationError
from ecole_ent.homework import entries, service
from ecole_ent.models import Homework, HomeworkDone, HomeworkFile
from tests.blog.conftest import MP3, PDF

HTML = b'<!DOCTYPE html><html><body><script>alert(1)</script></body></html>'


def form(**values):
    """A valid form for Tuesday 8 December 2026, with these fields changed."""
    return {'subject': 'Français', 'due_on': '2026-12-08', 'body': 'Lire la page 12.', **values}


def give(user, classroom, uploads=(), **values):
    made, warnings = entries.create(user, classroom.id, form(**values), uploads)
    return made[0] if len(made) == 1 else made, warnings


def refused(user, classroom, uploads=(), **values):
    with pytest.raises(ValidationError) as caught:
        entries.create(user, classroom.id, form(**values), uploads)
    return caught.value.errors


def png(color=(20, 120, 200), size=(64, 48)):
    out = io.BytesIO()
    Image.new('RGB', size, color).save(out, 'PNG')
    return out.getvalue()


def on_disk():
    """Every file under the homework's media folders (uploads being received included)."""
    root = os.path.dirname(service.settings().files_dir)
    return sorted(os.path.join(folder, name) for folder, _dirs, names in os.walk(root) for name in names)


class Since:
    """What a test made: the rows and files added since it began (the demo has homework of its own)."""

    def __init__(self):
        self.last = {model: model.select(fn.MAX(model.id)).scalar() or 0
                     for model in (Homework, HomeworkFile, HomeworkDone)}
        self.disk = set(on_disk())

    def rows(self, model):
        return model.select().where(model.id > self.last[model]).order_by(model.id)

    def files(self):
        return sorted(set(on_disk()) - self.disk)

    def nothing(self):
        return not any(self.rows(model).exists() for model in self.last) and self.files() == []


@pytest.fixture
def since(people):
    return Since()


def stored_path(row):
    return entries.file_for(row.homework.author, row.id)['path']


# --- niveaux, subjects, text -----------------------------------------------------------------------

def test_an_entry_for_ce1_only_names_that_niveau(people):
    entry, warnings = give(people.teacher, people.cp, niveaux=['CE1'])
    assert entry.niveaux == 'CE1' and warnings == []
    assert (entry.classroom_id, entry.author_id, entry.subject) == (people.cp.id, people.teacher.id, 'Français')
    assert (entry.due_on, entry.given_on) == (date(2026, 12, 8), date(2026, 12, 4))
    assert entry.body_html == '<p>Lire la page 12.</p>' and entry.series is None
    assert entry.publish_at == datetime(2026, 12, 4, 9, 0)


@pytest.mark.parametrize('niveaux', [[], ['CP', 'CE1'], ['CE1', 'CP', 'CE1']])
def test_an_entry_for_every_niveau_is_stored_for_the_whole_class(people, niveaux):
    entry, _warnings = give(people.teacher, people.cp, niveaux=niveaux)
    assert Homework.get_by_id(entry.id).niveaux == ''


def test_a_niveau_the_class_does_not_have_is_refused(people, since):
    errors = refused(people.teacher, people.cp, niveaux=['CE1', 'CM2'])
    assert errors == {'niveaux': 'La classe CP-CE1 n’a pas le niveau CM2 : choisissez parmi CP, CE1.'}
    assert since.nothing()


def test_a_subject_outside_the_school_list_is_refused(people):
    assert refused(people.teacher, people.cp, subject='Latin') == {
        'subject': '« Latin » n’est pas dans la liste des matières de l’école.'}
    assert refused(people.teacher, people.cp, subject=' ') == {'subject': 'Choisissez une matière.'}


def test_a_text_of_one_megabyte_is_refused_and_nothing_is_saved(people, since):
    errors = refused(people.teacher, people.cp, [('fiche.pdf', io.BytesIO(PDF))], body='a' * 2**20)
    assert errors == {'body': 'Le texte est trop long (10 000 caractères au plus).'}
    assert since.nothing()


def test_every_problem_is_named_at_once(people):
    errors = refused(people.teacher, people.cp, subject='Latin', niveaux=['CM2'], due_on='08/12/2026',
                     body='', links='javascript:alert(1)\nhttps://ecole.example/fiche', when='later',
                     publish_date='demain')
    assert set(errors) == {'subject', 'niveaux', 'due_on', 'links', 'publish_date'}
    assert errors['links'] == ('« javascript:alert(1) » n’est pas une adresse web (http:// ou https://, 500 '
                               'caractères au plus).')
    assert refused(people.teacher, people.cp, body='', due_on='')['body'] == (
        'Écrivez le travail à faire, ou joignez un fichier ou un lien.')


def test_links_alone_make_an_entry_and_more_than_ten_are_refused(people):
    entry, _warnings = give(people.teacher, people.cp, body='', links='\n https://lumni.fr/video \r\n\n')
    assert entry.link_list == ['https://lumni.fr/video']
    many = '\n'.join(f'https://lumni.fr/{n}' for n in range(11))
    assert refused(people.teacher, people.cp, links=many) == {'links': '10 liens au plus.'}


# --- dates and their warnings ----------------------------------------------------------------------

def test_a_due_date_in_the_past_is_saved_with_a_warning(people):
    entry, warnings = give(people.teacher, people.cp, due_on='2026-12-03')
    assert warnings == ['Le jeudi 3 décembre 2026 est déjà passé : les devoirs sont enregistrés quand même.']
    assert Homework.get_by_id(entry.id).due_on == date(2026, 12, 3)
    assert entry.given_on == date(2026, 12, 3)          # by default given today, or on its day if before


def test_a_due_date_on_a_saturday_is_saved_with_a_warning(people):
    entry, warnings = give(people.teacher, people.cp, due_on='2026-12-12')
    assert warnings == ['Pas de classe le samedi 12 décembre 2026 : vérifiez la date.']
    assert entry.id


def test_a_due_date_in_the_holidays_is_saved_with_a_warning_naming_them(people):
    entry, warnings = give(people.teacher, people.cp, due_on='2026-12-24')
    assert warnings == ['Pas de classe le jeudi 24 décembre 2026 (Vacances de Noël) : vérifiez la date.']
    assert entry.due_on == date(2026, 12, 24)


def test_a_given_day_after_the_due_day_is_refused(people):
    assert refused(people.teacher, people.cp, given_on='2026-12-09') == {
        'given_on': 'Le travail ne peut pas être donné après le jour où il est à faire.'}


def test_a_scheduled_entry_is_stored_in_utc_from_the_school_time(people):
    winter, _w = give(people.teacher, people.cp, due_on='2036-01-15', when='later',
                      publish_date='2036-01-14', publish_time='18:30')
    summer, _w = give(people.teacher, people.cp, due_on='2036-06-12', when='later',
                      publish_date='2036-06-11', publish_time='18:30')
    assert Homework.get_by_id(winter.id).publish_at == datetime(2036, 1, 14, 17, 30)
    assert Homework.get_by_id(summer.id).publish_at == datetime(2036, 6, 11, 16, 30)


def test_a_publication_time_already_past_is_refused(people):
    errors = refused(people.teacher, people.cp, when='later', publish_date='2026-12-01', publish_time='08:00')
    assert errors == {'publish_date': 'Cette date est déjà passée : choisissez une date à venir, '
                                      'ou « Tout de suite ».'}


# --- weekly repeats --------------------------------------------------------------------------------

def test_a_weekly_repeat_skips_the_christmas_holidays(people, since):
    made, warnings = give(people.teacher, people.cp, subject='Français', body='Poésie', due_on='2026-12-07',
                          repeat_weekdays=['0'], repeat_until='2027-01-18', when='later',
                          publish_date='2036-12-04', publish_time='18:00')
    assert [e.due_on for e in made] == [date(2026, 12, 7), date(2026, 12, 14), date(2027, 1, 4),
                                        date(2027, 1, 11), date(2027, 1, 18)]
    assert [e.given_on for e in made] == [date(2026, 12, 4), date(2026, 12, 11), date(2026, 12, 18),
                                          date(2027, 1, 8), date(2027, 1, 15)]
    assert len({e.series for e in made}) == 1 and made[0].series
    assert {e.publish_at for e in made} == {datetime(2036, 12, 4, 17, 0)}
    assert warnings == [] and since.rows(Homework).count() == 5


@pytest.mark.parametrize('repeat, field, message', [
    ({'repeat_weekdays': ['0']}, 'repeat_until', 'Indiquez jusqu’à quand ces devoirs reviennent.'),
    ({'repeat_until': '2027-01-18'}, 'repeat_weekdays', 'Cochez les jours de la semaine où ces devoirs reviennent.'),
    ({'repeat_weekdays': ['6'], 'repeat_until': '2027-01-18'}, 'repeat_weekdays',
     'Cochez les jours de la semaine où ces devoirs reviennent.'),
    ({'repeat_weekdays': ['0'], 'repeat_until': '2026-12-01'}, 'repeat_until',
     'La fin de la répétition doit venir après le premier jour.'),
    ({'repeat_weekdays': ['0'], 'repeat_until': '2028-01-18'}, 'repeat_until', 'Une répétition dure un an au plus.'),
])
def test_a_repeat_without_a_sound_end_is_refused(people, repeat, field, message, since):
    errors = refused(people.teacher, people.cp, due_on='2026-12-07', **repeat)
    assert errors == {field: message}
    assert since.nothing()


def test_a_repeat_of_more_than_sixty_entries_is_refused(people, since):
    errors = refused(people.teacher, people.cp, due_on='2026-12-07', repeat_weekdays=['0', '1', '3', '4'],
                     repeat_until='2027-06-30')
    count = re.fullmatch(r'Cela ferait (\d+) devoirs : 60 au plus par répétition\.', errors.pop('repeat_until'))
    assert int(count.group(1)) > 60 and errors == {}
    assert since.nothing()


# --- who may write ---------------------------------------------------------------------------------

@pytest.mark.parametrize('who', ['other_teacher', 'big_teacher', 'pupil', 'guardian', 'staff'])
def test_only_the_class_teachers_and_director_may_write(people, who, since):
    with pytest.raises(Forbidden):
        give(getattr(people, who), people.cp)
    assert since.nothing()


def test_a_director_of_another_school_may_not_write(people, school_b):
    with pytest.raises(Forbidden):
        give(school_b.director, people.cp)
    with pytest.raises(Forbidden):
        give(people.director, school_b.classroom)


def test_the_director_of_the_school_may_write(people):
    entry, _warnings = give(people.director, people.cp)
    assert entry.author_id == people.director.id


# --- copies ----------------------------------------------------------------------------------------

def test_a_copy_goes_to_another_class_or_niveau_with_its_files(people, since):
    source, _w = give(people.director, people.cp, [('fiche.pdf', io.BytesIO(PDF))], niveaux=['CE1'],
                      links='https://lumni.fr/video', when='later', publish_date='2036-12-05', publish_time='07:00')
    made = entries.copy(people.director, source.id, people.big.id, ['CM2'])
    assert (made.classroom_id, made.niveaux, made.author_id) == (people.big.id, 'CM2', people.director.id)
    for name in entries.COPIED:
        assert getattr(made, name) == getattr(source, name)
    assert [(f.name, f.sha256) for f in made.files] == [(f.name, f.sha256) for f in source.files]
    assert len(since.files()) == 1
    same_class = entries.copy(people.teacher, source.id, people.cp.id, ['CP'])
    assert (same_class.classroom_id, same_class.niveaux) == (people.cp.id, 'CP')


def test_a_copy_takes_the_niveaux_of_the_target_class(people, since):
    source, _w = give(people.director, people.cp, niveaux=['CE1'])
    with pytest.raises(ValidationError) as caught:
        entries.copy(people.director, source.id, people.big.id, ['CE1'])
    assert caught.value.errors == {
        'niveaux': 'La classe CE2-CM1-CM2 n’a pas le niveau CE1 : choisissez parmi CE2, CM1, CM2.'}
    assert since.rows(Homework).count() == 1


def test_a_copy_to_a_class_the_writer_does_not_teach_is_refused(people, school_b, since):
    source, _w = give(people.teacher, people.cp)
    with pytest.raises(Forbidden):
        entries.copy(people.teacher, source.id, people.big.id, [])
    with pytest.raises(Forbidden):
        entries.copy(people.director, source.id, school_b.classroom.id, [])
    assert since.rows(Homework).count() == 1


def test_a_copy_leaves_the_ticks_behind(people):
    source, _w = give(people.teacher, people.cp)
    entries.set_done(people.ce1_pupil, source.id)
    made = entries.copy(people.teacher, source.id, people.cp.id, [])
    assert not HomeworkDone.select().where(HomeworkDone.homework == made).exists()


# --- files -----------------------------------------------------------------------------------------

def test_a_pdf_is_stored_as_sent_and_served_as_an_attachment(people):
    entry, _w = give(people.teacher, people.cp, [('', io.BytesIO(b'')), ('C:\\Mes docs\\fiche.PDF', io.BytesIO(PDF))])
    row, = entry.files
    assert (row.kind, row.name, row.size) == ('pdf', 'fiche.pdf', len(PDF))
    served = entries.file_for(people.ce1_pupil, row.id)
    assert served['content_type'] == 'application/pdf' and served['inline'] is False
    with open(served['path'], 'rb') as fp:
        assert fp.read() == PDF


def test_an_audio_file_is_played_in_the_page(people):
    entry, _w = give(people.teacher, people.cp, [('poesie.mp3', io.BytesIO(MP3))], body='')
    served = entries.file_for(people.ce1_pupil, entry.files[0].id)
    assert (served['name'], served['content_type'], served['inline']) == ('poesie.mp3', 'audio/mpeg', True)


def test_a_browsers_webm_recording_is_audio_played_in_the_page(people, signed_in):
    from tests.young.conftest import VOICE
    entry, _w = give(people.teacher, people.cp, [('voix.webm', io.BytesIO(VOICE))], body='')
    assert entry.files[0].kind == 'webm'
    served = entries.file_for(people.ce1_pupil, entry.files[0].id)
    assert (served['content_type'], served['inline']) == ('audio/webm', True)
    page = signed_in(people.ce1_pupil).get(f'/devoirs/{entry.id}').text
    assert f'<audio controls preload="none" src="/devoirs/fichier/{entry.files[0].id}"></audio>' in page


def test_a_failed_write_leaves_no_entry_and_no_new_file(people, monkeypatch, since):
    def broken(**fields):
        raise RuntimeError('disk full')
    monkeypatch.setattr(HomeworkFile, 'create', broken)
    with pytest.raises(RuntimeError):
        give(people.teacher, people.cp, [('fiche.pdf', io.BytesIO(PDF)), ('b.png', io.BytesIO(png()))])
    assert since.nothing()


def test_html_named_pdf_is_refused_and_nothing_stays(people, since):
    errors = refused(people.teacher, people.cp, [('fiche.pdf', io.BytesIO(PDF + b'%1')),
                                                  ('exercices.pdf', io.BytesIO(HTML))])
    assert errors == {'files': '« exercices.pdf » n’est ni un PDF, ni un fichier audio, ni une image.'}
    assert since.nothing()


def test_a_png_goes_through_the_media_pipeline_and_is_kept_as_jpeg(people, since):
    entry, _w = give(people.teacher, people.cp, [('tableau.png', io.BytesIO(png()))])
    row, = entry.files
    assert (row.kind, row.name) == ('jpg', 'tableau.jpg')
    served = entries.file_for(people.guardian, row.id)
    assert (served['content_type'], served['inline']) == ('image/jpeg', True)
    assert os.path.getsize(served['path']) == row.size
    with Image.open(served['path']) as image:
        assert (image.format, image.size) == ('JPEG', (64, 48))
    assert since.files() == [served['path']]                # the display size only


def test_a_corrupt_png_is_refused_with_the_pipelines_message(people, since):
    broken = png()[:60]
    errors = refused(people.teacher, people.cp, [('photo.png', io.BytesIO(broken))])
    assert errors == {'files': '« photo.png » : L\'image est incomplète ou abîmée (fichier tronqué) : renvoyez-la.'}
    assert since.files() == []


def test_more_than_five_files_are_refused(people):
    uploads = [(f'f{n}.pdf', io.BytesIO(PDF + bytes([n]))) for n in range(6)]
    assert refused(people.teacher, people.cp, uploads) == {'files': '5 fichiers au plus.'}


def test_a_file_of_an_entry_the_user_may_not_read_does_not_exist(people):
    entry, _w = give(people.teacher, people.cp, [('fiche.pdf', io.BytesIO(PDF))], niveaux=['CE1'])
    row, = entry.files
    for outsider in (people.cp_pupil, people.other_guardian, people.other_pupil):
        with pytest.raises(NotFound):
            entries.file_for(outsider, row.id)


# --- update and delete -----------------------------------------------------------------------------

def test_update_removes_a_file_and_its_disk_file_when_nothing_else_uses_it(people, since):
    entry, _w = give(people.teacher, people.cp, [('a.pdf', io.BytesIO(PDF)), ('b.png', io.BytesIO(png()))])
    pdf, image = sorted(entry.files, key=lambda f: f.kind == 'jpg')
    copied = entries.copy(people.teacher, entry.id, people.cp.id, ['CP'])
    pdf_path, image_path = stored_path(pdf), stored_path(image)
    saved, warnings = entries.update(people.teacher, entry.id, form(body='Relire', due_on='2026-12-10'),
                                     remove=[str(pdf.id), image.id])
    assert (saved.body_source, saved.due_on, list(saved.files), warnings) == ('Relire', date(2026, 12, 10), [], [])
    assert os.path.exists(pdf_path) and os.path.exists(image_path)       # the copy still has them
    entries.update(people.teacher, copied.id, form(), remove=[f.id for f in copied.files])
    assert since.files() == []


def test_update_keeps_a_subject_no_longer_in_the_list_and_refuses_a_repeat(people, since):
    entry, _w = give(people.teacher, people.cp)
    Homework.update(subject='Lecture').where(Homework.id == entry.id).execute()
    saved, _w = entries.update(people.teacher, entry.id, form(subject='Lecture', repeat_weekdays=['0'],
                                                              repeat_until='2027-01-18'))
    assert saved.subject == 'Lecture' and since.rows(Homework).count() == 1


def test_update_publishes_a_scheduled_entry_now_or_keeps_its_time(people):
    entry, _w = give(people.teacher, people.cp, when='later', publish_date='2036-12-05', publish_time='07:00')
    kept, _w = entries.update(people.teacher, entry.id, form())
    assert kept.publish_at == datetime(2036, 12, 5, 6, 0)
    moved, _w = entries.update(people.teacher, entry.id, form(when='later', publish_date='2036-12-06'))
    assert moved.publish_at == datetime(2036, 12, 6, 7, 0)             # 08:00 in Paris when no time is given
    published, _w = entries.update(people.teacher, entry.id, form(when='now'))
    assert Homework.get_by_id(entry.id).publish_at == published.publish_at == datetime(2026, 12, 4, 9, 0)
    again, _w = entries.update(people.teacher, entry.id, form(when='now'))
    assert again.publish_at == datetime(2026, 12, 4, 9, 0)


def test_update_by_someone_who_only_reads_is_refused(people):
    entry, _w = give(people.teacher, people.cp)
    with pytest.raises(Forbidden):
        entries.update(people.pupil, entry.id, form(body='Rien'))
    with pytest.raises(NotFound):
        entries.update(people.other_teacher, entry.id, form(body='Rien'))


def test_delete_series_removes_the_entries_still_to_come(people, clock, since):
    made, _w = give(people.teacher, people.cp, [('poesie.pdf', io.BytesIO(PDF))], due_on='2026-12-07',
                    repeat_weekdays=['0'], repeat_until='2027-01-18')
    lone, _w = give(people.teacher, people.cp, due_on='2026-12-14')
    clock.set(datetime(2026, 12, 15, 9, 0))
    entries.delete(people.teacher, made[-1].id, series=True)
    assert [e.due_on for e in since.rows(Homework).order_by(Homework.due_on)] == [
        date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 14)]
    assert len(since.files()) == 1
    entries.delete(people.teacher, made[0].id)
    entries.delete(people.teacher, made[1].id, series=True)
    assert [e.id for e in since.rows(Homework)] == [lone.id] and since.files() == []


# --- ticks ------------------------------------------------------------------------------------------

def test_a_pupil_ticks_once_however_often_it_is_sent(people, since):
    entry, _w = give(people.teacher, people.cp, niveaux=['CE1'])
    entries.set_done(people.ce1_pupil, entry.id)
    entries.set_done(people.ce1_pupil, entry.id)
    assert HomeworkDone.select().where(HomeworkDone.homework == entry).count() == 1
    entries.set_done(people.ce1_pupil, entry.id, done=False)
    entries.set_done(people.ce1_pupil, entry.id, done=False)
    assert not since.rows(HomeworkDone).exists()


def test_only_the_pupils_it_is_given_to_tick_it(people, since):
    for_all, _w = give(people.teacher, people.cp)
    for reader in (people.teacher, people.guardian, people.director, people.admin):
        with pytest.raises(Forbidden):
            entries.set_done(reader, for_all.id)
    for_ce1, _w = give(people.teacher, people.cp, niveaux=['CE1'])
    for outsider in (people.cp_pupil, people.other_pupil):
        with pytest.raises(NotFound):
            entries.set_done(outsider, for_ce1.id)
    assert not since.rows(HomeworkDone).exists()


def test_a_scheduled_entry_cannot_be_ticked_before_it_is_published(people):
    entry, _w = give(people.teacher, people.cp, when='later', publish_date='2036-12-05', publish_time='07:00')
    with pytest.raises(NotFound):
        entries.set_done(people.ce1_pupil, entry.id)
