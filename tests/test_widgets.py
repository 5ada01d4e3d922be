"""The notebooks' widgets in the kernel (no browser): every control changes the picture, a change updates
the kept figure instead of making a new one, the blitted picture is the one a full render gives, a
widget is displayed with its re-run hint; the plots' legends; the learner's Jupyter settings command."""

import io

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from mlcore import jupyter_settings, plots, widgets  # noqa: E402
from mlcore.data import make_spirals  # noqa: E402


def _pixels(png):
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def _finite_difference():
    return widgets.finite_difference_explorer(np.sin, np.cos, 1.0, name="sin", log10_h=-3,
                                              d2=lambda t: -np.sin(t), d3=lambda t: -np.cos(t))


def _descent():
    def loss(w, b):
        return (w - 1.5) ** 2 + 0.1 * (b + 2) ** 2 + 0.05

    def grad(w, b):
        return 2 * (w - 1.5), 0.2 * (b + 2)

    return widgets.descent_explorer(loss, grad, (-1.0, 3.0), p_values=np.linspace(-1.5, 4.5, 40),
                                    q_values=np.linspace(-9, 5, 40), lr_max=1.0, lr=0.5, optimum=(1.5, -2))


def _vanishing():
    return widgets.vanishing_gradients(lambda activation, depth, scale: np.geomspace(scale ** -depth, 1.0, depth))


EXPLORERS = {"finite_difference": (_finite_difference, "log10_h", -1.0),
             "descent": (_descent, "lr", 0.05),
             "vanishing_depth": (_vanishing, "depth", 20),
             "vanishing_activation": (_vanishing, "activation", "relu")}


@pytest.mark.parametrize("name", EXPLORERS)
def test_a_control_changes_the_picture_of_the_same_figure(name):
    make, control, value = EXPLORERS[name]
    ui = make()
    fig, before = ui.view.fig, ui.view.image.value
    ui.controls[control].value = value
    assert ui.view.fig is fig, "a change must update the kept figure, not make a new one"
    assert not np.array_equal(_pixels(before), _pixels(ui.view.image.value))


@pytest.mark.parametrize("name", EXPLORERS)
def test_a_blitted_render_is_the_picture_a_full_render_gives(name):
    make, control, value = EXPLORERS[name]
    ui = make()
    ui.controls[control].value = value           # drawn from the background kept at the first render
    _assert_full_render_matches(ui.view)


def test_the_first_render_draws_the_moving_artists_too():
    ui = _finite_difference()
    view = ui.view
    for artist in view._dynamic:
        artist.set_visible(False)
    view._background = None
    without = _pixels(view.png())
    for artist in view._dynamic:
        artist.set_visible(True)
    assert not np.array_equal(without, _pixels(ui.view.image.value))


def test_training_explorer_draws_the_data_then_trains_on_one_figure():
    X, y = make_spirals(60, n_classes=3, noise=0.2, rng=np.random.default_rng(0))
    ui = widgets.training_explorer({"spirals": (X, y)}, epochs=10)
    image, status = ui.children[-2], ui.children[-1]
    before = image.value
    assert before, "the data are drawn before the first run"
    ui.train()
    assert "trained 10 epochs in" in status.value
    assert not np.array_equal(_pixels(before), _pixels(image.value))
    _assert_full_render_matches(ui.view)


def _assert_full_render_matches(view):
    """The picture shown equals a full render of the same state (what blitting must give)."""
    shown = _pixels(view.image.value)
    view._background = None
    full = _pixels(view.png())
    assert shown.shape == full.shape
    # Anti-aliased edges of the moved artists may differ by a shade where they cross the background.
    assert np.mean(np.abs(shown - full) > 8) < 1e-3


def test_a_widget_is_displayed_with_its_rerun_hint(monkeypatch):
    shown = []
    monkeypatch.setattr(widgets, "display", lambda obj, raw=False: shown.append(obj))
    ui = _vanishing()
    ui._ipython_display_()
    widget, hint = shown
    assert "application/vnd.jupyter.widget-view+json" in widget
    assert widget["text/plain"] == widgets.NO_WIDGETS
    assert "Run this cell again" in hint["text/plain"] and "Run this cell again" in hint["text/html"]
    # The browser test asserts that no "Error displaying widget" text is on the page: the hint must not say it.
    assert "Error displaying widget" not in hint["text/plain"]


def test_contour_plots_have_a_legend_for_the_start_and_the_minimum():
    P, Q, L = plots.loss_surface(lambda p, q: p * p + q * q, np.linspace(-2, 2, 10), np.linspace(-2, 2, 10))
    fig, ax = plots.subplots()
    plots.plot_loss_contours(ax, P, Q, L, optimum=(0, 0))
    plots.plot_path(ax, [(1.5, 1.5), (0.5, 0.5), (0.1, 0.1)])
    plots.plot_path(ax, [(-1.5, 1.5), (-0.5, 0.5)], color="tab:blue", label_="another path")
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert sorted(labels) == sorted(["minimum", "descent path", "start", "another path"]), labels


def test_decision_regions_colour_each_class_and_mark_the_boundary():
    X = np.array([[-1.0, 0.0], [1.0, 0.0]])
    fig, ax = plots.subplots()
    plots.plot_decision_regions(ax, lambda P: (P[:, 0] > 0).astype(int), X, np.array([0, 1]), resolution=11)
    picture = ax.images[0].get_array()                 # (11, 11, 4)
    left, right = picture[5, 0], picture[5, -1]
    assert not np.allclose(left, right), "two classes, two colours"
    assert np.allclose(picture[:, 6, :3], 0.2), "the column where the class changes is the boundary"


def test_jupyter_settings_command_needs_learner_or_instructor(capsys):
    assert jupyter_settings.main(["teacher"]) == 2
    assert "learner" in capsys.readouterr().err
