"""The environment a slide's Manim process is started with: every variable named once.

The render pipeline runs each slide as its own `manim` process and tells it what to
draw and where to report through these variables; a scene, its speed-ups and the
benchmarks read them from here. Run by hand (`manim -qm scenes/...`), a scene finds
none of them set and draws the defaults, silent, in the dark theme.
"""

from __future__ import annotations

__all__ = ["PARAMS", "FACTS_OUT", "STILL_OUT", "THEME", "LANG", "CATALOGS", "VOICE", "TAKES",
           "CHECKPOINTS", "CHECKPOINT_MODES", "DEFAULT_CHECKPOINTS", "SPEECH_CACHE",
           "TEX_FORMATS", "CACHE", "SCENE_KEY", "NO_SVG_CACHE", "NO_PREFETCH", "STOCK_MANIM",
           "PROFILE", "PROFILE_CAPTURE", "ALL"]

# What to draw.
PARAMS = "BACKPROP_PARAMS"  # a .toml or .json file of parameters; unset: the defaults
THEME = "BACKPROP_THEME"  # dark or light (lecture/palettes.py); unset: dark
LANG = "BACKPROP_LANG"  # the language's tag (lecture/language.py); unset: English
# a JSON file of checked catalogs a render keeps (lecture/i18n.py); unset: each process
# reads lecture/locale/*.po itself
CATALOGS = "BACKPROP_CATALOGS"
VOICE = "BACKPROP_VOICE"  # the voice a scene speaks with; unset: none (tests, manim by hand)
# Whether a slide stops on the question bank's checkpoints (lecture/questions.py): one of
# CHECKPOINT_MODES; unset: DEFAULT_CHECKPOINTS.
CHECKPOINTS = "BACKPROP_CHECKPOINTS"
CHECKPOINT_MODES = ("all", "none")
DEFAULT_CHECKPOINTS = "all"
# The lecturer's takes folder (narration/narrator.py): a beat whose take fits its sentence is
# spoken with it, the others with $BACKPROP_VOICE; unset: no takes.
TAKES = "BACKPROP_TAKES"

# Where the scene reports.
FACTS_OUT = "BACKPROP_FACTS_OUT"  # the facts manifest (JSON) of what it read, showed and said
STILL_OUT = "BACKPROP_STILL_OUT"  # its last frame (PNG)

# Caches.
# The user's cache of what is keyed by content (lecture/user_cache.py): sentences, typeset
# and parsed SVGs, LaTeX formats; a private folder, shared by every render on the machine.
CACHE = "BACKPROP_CACHE"
SPEECH_CACHE = "BACKPROP_SPEECH_CACHE"  # folder the scene leaves each sentence it spoke in
# folder of the precompiled LaTeX preamble formats, when there is no $BACKPROP_CACHE
TEX_FORMATS = "BACKPROP_TEX_FORMATS"
# The hash of everything but what the scene is handed while it runs that decides its frames
# (backprop_render/build/reuse.py's scene_key): Manim's cache keys each animation on it and
# on what the scene was handed so far (scenes/speedups/play_key.py); unset: Manim's own key.
SCENE_KEY = "BACKPROP_SCENE_KEY"

# Switches, for benchmarks or to rule a speed-up out when something looks wrong.
NO_SVG_CACHE = "BACKPROP_NO_SVG_CACHE"  # set: every SVG is parsed
NO_PREFETCH = "BACKPROP_NO_PREFETCH"  # set: every formula compiles on its own
STOCK_MANIM = "BACKPROP_STOCK_MANIM"  # set: Manim's own code, none of scenes/speedups
PROFILE = "BACKPROP_PROFILE"  # a folder: each Manim process times its phases (bench/profiling.py)
PROFILE_CAPTURE = "BACKPROP_PROFILE_CAPTURE"  # a folder: keep the frames handed to the encoder

ALL = (PARAMS, THEME, LANG, CATALOGS, VOICE, TAKES, CHECKPOINTS, FACTS_OUT, STILL_OUT, CACHE,
       SPEECH_CACHE, TEX_FORMATS, SCENE_KEY, NO_SVG_CACHE, NO_PREFETCH, STOCK_MANIM, PROFILE,
       PROFILE_CAPTURE)
