"""`ecole-ent migrate-data --from URL --to URL`: move every row (and the media folder) between
engines, e.g. a school's SQLite appliance onto a district's PostgreSQL server, or back.

The target is migrated to the program's schema; every table is copied parents first, in batches,
inside one transaction on the target; PostgreSQL sequences are moved past the copied ids. Each
table's row count and checksum (SHA-256 of its sorted, engine-neutral rows) is computed on both
sides; any difference rolls the whole copy back. A target that already holds data is refused unless
--force (its rows are then deleted in the same transaction). Stop the servers before moving.
"""
import hashlib
import shutil
from datetime import date, datetime
from pathlib import Path

from peewee import DatabaseError, OperationalError

from .. import db, migrations
from ..errors import EcoleError

BATCH = 1000


def _as_datetime(value):
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _as_date(value):
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def convert(value, kind):
    """A value read from one engine, as the other expects it for a column of this kind."""
    if value is None:
        return None
    if kind == 'bool':
        return bool(int(value)) if isinstance(value, (int, str)) else bool(value)
    if kind == 'datetime':
        return _as_datetime(value)
    if kind == 'date':
        return _as_date(value)
    if kind == 'bytes':
        return bytes(value)
    return value


def canonical(value, kind):
    """An engine-neutral text for one value (checksums must agree across engines)."""
    value = convert(value, kind)
    if value is None:
        return '\\N'
    if kind == 'bool':
        return '1' if value else '0'
    if kind == 'datetime':
        return value.isoformat(' ', 'microseconds')
    if kind == 'int':
        return str(int(value))
    if kind == 'float':
        return repr(float(value))
    if kind == 'bytes':
        return value.hex()
    return str(value)


def table_summary(database, table, columns, kinds):
    """(row count, checksum) of a table: rows hashed, sorted, hashed again (order-neutral)."""
    names = ', '.join(f'"{c}"' for c in columns)
    cursor = database.execute_sql(f'SELECT {names} FROM "{table}"')
    digests = []
    while True:
        rows = cursor.fetchmany(BATCH)
        if not rows:
            break
        for row in rows:
            line = '\x1f'.join(canonical(v, kinds[c]) for c, v in zip(columns, row))
            digests.append(hashlib.sha256(line.encode()).digest())
    digests.sort()
    return len(digests), hashlib.sha256(b''.join(digests)).hexdigest()


def _bind(database):
    db.database.initialize(database)


def migrate_data(source_url, target_url, force=False, media_from=None, media_to=None,
                 out=print):
    """Copy everything from source to target; returns {table: {...counts and checksums}}."""
    if source_url == target_url:
        raise EcoleError('la source et la cible sont la même base')
    if source_url.startswith('sqlite:///') and not Path(source_url[len('sqlite:///'):]).is_file():
        raise EcoleError(f'base source introuvable : {source_url}')
    if target_url.startswith('sqlite:///') and not Path(target_url[len('sqlite:///'):]).parent.is_dir():
        raise EcoleError(f'dossier de la base cible introuvable : {target_url}')
    try:
        source = db.make_database(source_url, pool_size=2)
        target = db.make_database(target_url, pool_size=2)
    except ValueError as exc:
        raise EcoleError(str(exc)) from None
    try:
        return _migrate(source, target, force, media_from, media_to, out)
    except OperationalError as exc:
        raise EcoleError(f'base de données injoignable ou refusée : {str(exc).strip()}') from None
    except DatabaseError as exc:
        raise EcoleError(f'copie refusée par la base, rien n’a été écrit : {str(exc).strip()}') from None


def _migrate(source, target, force, media_from, media_to, out):
    try:
        _bind(source)
        version = migrations.current()
        if version != len(migrations.STEPS):
            raise EcoleError(f'la base source est au schéma {version}, ce programme attend '
                             f'{len(migrations.STEPS)} : lancez d’abord « ecole-ent migrate » sur elle')
        _bind(target)
        migrations.run()
        tables = db.tables_in_order(target)
        missing = set(tables) ^ set(db.tables_in_order(source))
        if missing:
            raise EcoleError(f'tables différentes entre source et cible : {sorted(missing)}')
        report = _copy(source, target, tables, force, out)
    finally:
        for database in (source, target):
            _bind(database)
            db.close_all()
    if media_from and media_to and Path(media_from).resolve() != Path(media_to).resolve():
        report['_media'] = copy_media(Path(media_from), Path(media_to), out)
    return report


def _copy(source, target, tables, force, out):
    report = {}
    with target.atomic():
        filled = [t for t in tables
                  if target.execute_sql(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()]
        if filled and not force:
            raise EcoleError('la base cible contient déjà des données (tables : '
                             f'{", ".join(filled[:8])}) : ajoutez --force pour les remplacer')
        for table in reversed(tables):
            target.execute_sql(f'DELETE FROM "{table}"')
        copied, deferred, all_kinds = {}, [], {}
        for index, table in enumerate(tables):
            all_kinds[table] = merged_kinds(source, target, table)
            copied[table], later = copy_table(source, target, table, list(all_kinds[table]),
                                              all_kinds[table], set(tables[:index]))
            deferred += later
        for table, key_column, column, value, key in deferred:
            target.execute_sql(f'UPDATE "{table}" SET "{column}" = {target.param} '
                               f'WHERE "{key_column}" = {target.param}', (value, key))
        for table in tables:
            kinds = all_kinds[table]
            src_count, src_sum = table_summary(source, table, list(kinds), kinds)
            dst_count, dst_sum = table_summary(target, table, list(kinds), kinds)
            report[table] = {'source_rows': src_count, 'target_rows': dst_count,
                             'source_sha256': src_sum, 'target_sha256': dst_sum}
            same = (src_count, src_sum) == (dst_count, dst_sum) and copied[table] == src_count
            out(f'{table:<24} source {src_count:>7} lignes {src_sum[:16]}   '
                f'cible {dst_count:>7} lignes {dst_sum[:16]}   {"OK" if same else "DIFFÉRENT"}')
            if not same:
                raise EcoleError(f'copie de {table} incomplète : rien n’a été écrit dans la cible')
        db.reset_sequences(target)
    return report


def merged_kinds(source, target, table):
    """Column kinds from both catalogs: SQLite declares booleans INTEGER, PostgreSQL knows better."""
    kinds = db.column_kinds(target, table)
    for column, kind in db.column_kinds(source, table).items():
        if column in kinds and kinds[column] in ('int', 'text') and kind not in ('int', 'text'):
            kinds[column] = kind
    return kinds


def copy_table(source, target, table, columns, kinds, copied_tables=()):
    """Copy one table in batches. References to rows not copied yet (the table itself, or a table
    later in a cycle of foreign keys) are written NULL, then filled in once every table is in."""
    keys = target.get_primary_keys(table)
    later = [fk.column for fk in target.get_foreign_keys(table)
             if fk.dest_table == table or fk.dest_table not in copied_tables]
    if later and len(keys) != 1:
        raise EcoleError(f'{table} : référence circulaire sans clé primaire simple')
    names = ', '.join(f'"{c}"' for c in columns)
    order = ', '.join(f'"{k}"' for k in keys) or names
    cursor = source.execute_sql(f'SELECT {names} FROM "{table}" ORDER BY {order}')
    copied, deferred = 0, []
    while True:
        rows = cursor.fetchmany(BATCH)
        if not rows:
            break
        batch = []
        for row in rows:
            values = {c: convert(v, kinds[c]) for c, v in zip(columns, row)}
            for column in later:
                if values[column] is not None:
                    deferred.append((values[column], column, values[keys[0]]))
                    values[column] = None
            batch.append(tuple(values[c] for c in columns))
        db.insert_rows(target, table, columns, batch)
        copied += len(batch)
    return copied, [(table, keys[0], column, value, key) for value, column, key in deferred]


def copy_media(source, target, out=print):
    """Copy the media folder (new and changed files); returns {'files': n, 'bytes': n}."""
    if not source.is_dir():
        out(f'médias : pas de dossier {source}, rien à copier')
        return {'files': 0, 'bytes': 0}
    files = size = 0
    for path in sorted(source.rglob('*')):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)
            if destination.stat().st_size != path.stat().st_size:
                raise EcoleError(f'médias : copie incomplète de {path}')
            files += 1
            size += path.stat().st_size
    out(f'médias : {files} fichier(s), {size} octets copiés de {source} vers {target}')
    return {'files': files, 'bytes': size}
