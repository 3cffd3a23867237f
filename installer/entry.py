"""Entry point of the one-file binary (PyInstaller needs a script; this is `ecole-ent`)."""
from ecole_ent.cli import main

raise SystemExit(main())
