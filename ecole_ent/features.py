"""The feature folders, in order. Each may have routes.register(app), commands.register(cli),
demo.seed(demo), an options module that registers its configuration options, and a schedule
module whose start(config) runs its background jobs in `serve`; adding a feature is one line here."""
import importlib

FEATURES = ['accounts', 'home', 'admin', 'maintenance', 'directory', 'photos']


def modules(kind):
    """The `kind` submodule (routes, commands, demo) of every feature that has one."""
    found = []
    for name in FEATURES:
        try:
            found.append(importlib.import_module(f'ecole_ent.{name}.{kind}'))
        except ModuleNotFoundError as exc:
            if exc.name != f'ecole_ent.{name}.{kind}':
                raise
    return found
