"""The feature folders, in order. Each may have routes.register(app), commands.register(cli),
demo.seed(demo), an options module that registers its configuration options, and a jobs module
whose @job functions the scheduler runs (ecole_ent/scheduler.py); adding a feature is one line here."""
import importlib

FEATURES = ['accounts', 'home', 'admin', 'maintenance', 'directory', 'photos', 'blog', 'mail']


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


def hook(registry, function):
    """Add `function` to a hook list (home.SECTIONS, archive.SECTIONS, app.HEALTH_CHECKS) once:
    register(app) runs for every app built, and a process may build several (tests, workers)."""
    if function not in registry:
        registry.append(function)
