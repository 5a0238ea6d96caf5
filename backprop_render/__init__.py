"""The render pipeline: from parameters to the lecture's videos, GIFs, stills and subtitles.

`cli` is the command line behind `render.sh`; `pipeline` renders a deck into an output
folder; `slide_render` turns one slide into finished files; `media` and `subtitles`
post-process; `outputs` keeps the output folder whole and `records` writes what it
holds (facts.json); `system` checks the machine; `progress` reports.

Importing this package (and `cli`) imports nothing outside the standard library and
`lecture` (stdlib-only too), so `render.sh --help` works before anything is installed.
"""

from pathlib import Path

__all__ = ["REPO"]

# The repository: render.sh, manim.cfg, assets/ and the scenes a render runs.
REPO = Path(__file__).resolve().parent.parent
