"""Where bundled resources live: next to the package, or in PyInstaller's unpack folder."""
import sys
from pathlib import Path


def resource_dir(name=''):
    base = Path(getattr(sys, '_MEIPASS', Path(__file__).resolve().parent.parent))
    return base / name
