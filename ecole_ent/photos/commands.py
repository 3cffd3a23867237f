"""`ecole-ent photos import --class CLASSE --album ALBUM FICHIER_OU_DOSSIER...`: photos from the
classroom PC (an SD card folder) through the same pipeline as uploads."""
import sys

from ..accounts import membership
from ..errors import ValidationError
from ..i18n import _
from . import importer


def cmd_import(args, ctx):
    ctx.database()      # also configures the feature (media folder, limits)
    try:
        classroom = membership.find_class(args.class_name, args.school)
        album = importer.find_or_create_album(classroom, args.album)
    except ValidationError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    imported, skipped = importer.import_files(classroom, album, args.paths, print)
    print(_('%(imported)d photo(s) importée(s), %(skipped)d ignorée(s) ; album « %(album)s » de la classe %(cls)s')
          % {'imported': imported, 'skipped': skipped, 'album': album.title, 'cls': classroom.name})
    return 0


def register(commands):
    commands.group('photos', _('photos des classes'))
    parser = commands.add('import', cmd_import, _("importe des photos dans un album d'une classe "
                                                  "(l'album est créé s'il n'existe pas)"), parent='photos')
    parser.add_argument('--class', dest='class_name', required=True, metavar='CLASSE',
                        help=_('nom de la classe (ex. « CP-CE1 ») ou son numéro'))
    parser.add_argument('--album', required=True, help=_("titre de l'album"))
    parser.add_argument('--school', metavar='UAI', help=_("code UAI de l'école, si plusieurs écoles ont "
                                                          'une classe de ce nom'))
    parser.add_argument('paths', nargs='+', metavar='FICHIER_OU_DOSSIER',
                        help=_('photos, ou dossiers dont les photos sont importées'))
