"""Visual regression: each slide's last frame, and one frame where its story turns, compared
pixel by pixel with control frames rendered on this machine type (854x480).

Refresh the control data after an intended visual change, then look at the new frames:

    .venv/bin/python -m pytest tests/scenes/test_frames.py --set_test

The control frames were made with cairo 1.16 (Debian 12); Manim skips cairo tests
below 1.18 because its own control data comes from newer cairo, so the minimum is
set to the cairo that made ours.
"""

from __future__ import annotations

import pytest
from manim.utils.testing import frames_comparison as fc

from scenes.slides import SLIDES
from tests.scenes.conftest import existing_slides, scene_class

fc.MIN_CAIRO_VERSION = 11600
__module_test__ = "slides"


@pytest.fixture(scope="module")
def tmp_path(tmp_path_factory: pytest.TempPathFactory):
    """frames_comparison keeps Manim's LaTeX and text caches in `tmp_path`: one folder for
    the module compiles each formula once instead of once per test."""
    return tmp_path_factory.mktemp("frames")

# Each slide's beats in order, and how many of them lead to its middle frame.
BEATS = {
    1: (["title_card", "overview", "show_network", "predict", "measure", "trace_back", "adjust",
         "look_ahead"], 3),
    2: (["show_neuron", "feed_values", "multiply", "add_bias", "emit_prediction", "show_network",
         "one_hidden_neuron", "apply_relu", "whole_network"], 5),
    3: (["show_prediction_and_target", "show_error", "square_the_error", "sign_does_not_matter",
         "big_mistakes_cost_more", "loss_over_predictions"], 3),
    4: (["show_loss_curve", "show_slope", "take_one_step", "descend", "explain"], 3),
    5: (["nested_function", "draw_graph", "chain_rule", "upstream_gradient", "local_gradient",
         "reuse", "nudge_w", "predict_loss"], 5),
    6: (["forward_pass", "backward_to_prediction", "backward_to_parameters", "read_gradients",
         "update_parameters", "new_forward_pass"], 3),
    7: (["stack_linear_layers", "collapse_to_a_line", "no_line_fits", "show_activations",
         "why_derivatives_matter", "relu_network_bends"], 4),
    8: (["the_loop", "forward_pass", "backward_pass", "training", "the_fit", "takeaways"], 3),
}
pytestmark = pytest.mark.skipif(len(existing_slides()) < len(SLIDES), reason="not every slide exists")


def _construct(scene, beats_kept: int | None = None) -> None:
    base = scene_class(SLIDES[type(scene).slide_number - 1])
    beats, _ = BEATS[base.slide_number]
    if beats_kept is not None:
        for name in beats[beats_kept:]:
            setattr(scene, name, lambda: None)  # the story stops after the kept beats
    base.construct(scene)


def _frame_test(number: int, which: str):
    def test(scene):
        _construct(scene, BEATS[number][1] if which == "middle" else None)

    # frames_comparison names the control file after the function: s06_last.npz, s06_middle.npz
    test.__name__ = f"test_s{number:02d}_{which}"
    return fc.frames_comparison(base_scene=scene_class(SLIDES[number - 1]))(test)


for _number in BEATS:
    for _which in ("last", "middle"):
        _test = _frame_test(_number, _which)
        globals()[_test.__name__] = _test
