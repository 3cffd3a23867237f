"""The extension points are declared in one place (ecole_ent/hooks.py): every hook is documented,
features plug in only through them, and nothing appends to another module's list."""
import ast
from pathlib import Path

import pytest

from ecole_ent import features, hooks

PACKAGE = Path(hooks.__file__).parent
MUTATORS = {'append', 'extend', 'insert', 'add', 'update', 'setdefault', '__setitem__'}


def test_every_hook_is_declared_with_its_signature_and_documentation():
    assert hooks.ALL and len({hook.name for hook in hooks.ALL}) == len(hooks.ALL)
    for hook in hooks.ALL:
        assert hook.signature and len(hook.doc) > 60, hook.name
    declared = {name for name, value in vars(hooks).items() if isinstance(value, hooks.Hook)}
    assert declared == {name for name, value in vars(hooks).items() if value in hooks.ALL}


def imported_modules(tree):
    """Names bound to other modules in this file: `from .. import hooks`, `import x.y as z`..."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            names.update(alias.asname or alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update((alias.asname or alias.name).split('.')[0] for alias in node.names)
    return names


def foreign_mutations(path):
    """Calls like `othermodule.LIST.append(f)` or `othermodule.DICT[k] = v`: a module changing a
    collection that another module owns. Only hooks.NAME.add() is allowed."""
    tree = ast.parse(path.read_text(encoding='utf-8'))
    modules = imported_modules(tree)
    found = []
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in MUTATORS:
            target = node.func.value
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            target = next((t.value for t in targets if isinstance(t, ast.Subscript)), None)
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                and target.value.id in modules and target.attr.isupper() \
                and not (target.value.id == 'hooks' and isinstance(getattr(hooks, target.attr, None), hooks.Hook)):
            found.append(f'{path.relative_to(PACKAGE)}:{node.lineno} {ast.unparse(node)[:80]}')
    return found


def test_no_module_appends_to_a_list_that_another_module_owns():
    found = [line for path in sorted(PACKAGE.rglob('*.py')) for line in foreign_mutations(path)]
    assert found == []


def test_the_check_sees_a_feature_appending_to_an_undeclared_list(tmp_path):
    module = tmp_path / 'routes.py'
    module.write_text('from ..home import service as home\n'
                      'def register(app):\n    home.SECTIONS.append(print)\n', encoding='utf-8')
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path
    try:
        assert foreign_mutations(module) == ['routes.py:3 home.SECTIONS.append(print)']
    finally:
        PACKAGE = saved


def test_features_plug_into_the_declared_hooks_when_the_app_is_built(app):
    names = {hook.name: len(hook) for hook in hooks.ALL}
    assert names['home_section'] >= 3 and names['archive_section'] >= 2 and names['family_feed'] >= 4
    assert names['health_check'] >= 3 and names['menu'] >= 5 and names['template_filter'] >= 4


def test_building_the_app_again_plugs_nothing_twice(app, config):
    from ecole_ent.app import create_app
    before = {hook.name: len(hook) for hook in hooks.ALL}
    create_app(config)
    assert {hook.name: len(hook) for hook in hooks.ALL} == before


def test_only_declared_feature_submodules_are_looked_for():
    with pytest.raises(AssertionError):
        features.modules('plugins')
