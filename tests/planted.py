"""A pickle that runs code when it is loaded: what someone able to write a cache could plant."""

from __future__ import annotations

import os
import pickle
from pathlib import Path


class Planted:
    """Loaded, it writes the file `marker` (through a shell, as an attack would)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def planted(marker: Path) -> bytes:
    return pickle.dumps(Planted(marker))
