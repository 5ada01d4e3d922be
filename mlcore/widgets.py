"""ipywidgets helpers shared by the notebooks.

A widget here is a row of controls above a figure. The figure is made once and kept for the widget's life;
a change of a control updates its artists' data (lines, markers, titles, one image of decision regions)
and renders it once, to a PNG that an ``ipywidgets.Image`` shows. Everything expensive (contour grids,
error curves, a classifier's grid of points) is computed once per data set. A redraw so costs one Agg
render of a small figure: no new figure, no layout pass (the layout is computed on the first render and
then kept), no second render to find a tight bounding box as the inline backend's ``display(fig)`` does.
Every figure has a title and labelled axes (see :mod:`mlcore.plots`).

A widget lives only as long as its kernel: a saved notebook reopened later shows JupyterLab's "model not
found" in its place, so every widget here is displayed with a one-line hint to run its cell again.

Sections (append new helpers to the matching section, or start a new one at the end):

- generic: :class:`FigureView`, :func:`explorer`, :func:`interactive_figure`, :func:`log_slider`;
- finite differences (notebook 00): :func:`finite_difference_explorer`;
- gradient descent on a two-parameter loss (notebook 01): :func:`descent_path`, :func:`descent_explorer`;
- vanishing gradients through a deep stack (notebook 02): :func:`vanishing_gradients`;
- training a small network (notebook 05): :func:`live_training`, :func:`training_explorer`.
"""

import functools
import io

import numpy as np
from IPython.display import display

from mlcore import plots
from mlcore._lazy import LazyModule
from mlcore.i18n import N_, tr

# Imported on first use: grading runs show no widgets and draw nothing.
widgets = LazyModule("ipywidgets")

RERUN_HINT = N_("Widget gone after reopening the notebook (“model not found”)? Run this cell again.")
NO_WIDGETS = N_("An interactive figure: run this cell in Jupyter to show it.")

# --------------------------------------------------------------------------------------------------------
# Generic
# --------------------------------------------------------------------------------------------------------


class FigureView:
    """A matplotlib figure kept for a widget's life, and the ``ipywidgets.Image`` (``image``) showing it.

    Attributes ``fig`` and ``axes`` (one Axes, or an array of ``ncols``). :meth:`show` renders the figure
    once and sends it; :meth:`png` only renders it. Artists passed to :meth:`animate` are the only ones a
    change moves: the rest of the figure (axes, ticks, contours, static curves: most of the drawing time)
    is rendered once and pasted back under them on every later render (matplotlib's blitting), until an
    axes' limits change (then its ticks must be drawn again: one full render makes a new background).
    """

    def __init__(self, ncols=1, *, width=5.0, height=3.8):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        # Not pyplot's: the inline backend would show it again at the end of the cell.
        self.fig = Figure(figsize=(width * ncols, height), layout="constrained")
        FigureCanvasAgg(self.fig)
        axes = self.fig.subplots(1, ncols, squeeze=False).ravel()
        self.axes = axes[0] if ncols == 1 else axes
        self.image = widgets.Image(format="png")
        self._dynamic, self._background, self._background_limits, self._laid_out = [], None, None, False

    def animate(self, *artists, only=False):
        """Redraw only ``artists`` (in this order, on top of the rest) on every later render; with ``only``,
        they replace those animated so far.

        Apart from them and the axes' limits, a change must not touch the figure: it would not be redrawn."""
        for artist in artists:
            artist.set_animated(True)
        self._dynamic = [*([] if only else self._dynamic), *artists]
        self._background = None

    def swap(self, old, new):
        """Animate ``new`` in the place of ``old`` (e.g. a legend made again for other lines)."""
        new.set_animated(True)
        self._dynamic[self._dynamic.index(old)] = new

    def _limits(self):
        return [(ax.get_xlim(), ax.get_ylim()) for ax in self.fig.axes]

    def png(self):
        """Render the figure; its PNG bytes (fast zlib level: the bytes only cross a local socket)."""
        from PIL import Image

        canvas = self.fig.canvas
        if self._background is None or self._background_limits != self._limits():
            canvas.draw()  # everything but the animated artists
            if not self._laid_out:
                # Keep the first render's layout: computing it again costs as much as the drawing. (Whatever
                # is drawn later is of the same kind: labels and ticks of the same widths.)
                self.fig.set_layout_engine("none")
                self._laid_out = True
            if self._dynamic:  # nothing but the animated artists changes from now on: keep this picture
                self._background = canvas.copy_from_bbox(self.fig.bbox)
                self._background_limits = self._limits()
        else:
            canvas.restore_region(self._background)
        for artist in self._dynamic:
            self.fig.draw_artist(artist)
        out = io.BytesIO()
        Image.fromarray(np.asarray(self.fig.canvas.buffer_rgba())).convert("RGB").save(out, format="png",
                                                                                        compress_level=1)
        return out.getvalue()

    def show(self):
        self.image.value = self.png()


def explorer(view, controls, update):
    """A widget: ``controls`` above ``view``'s figure; every change calls ``update(**values)``, then renders.

    Parameters
    ----------
    view : FigureView
    controls : dict
        name -> ipywidgets control (anything with a ``value`` trait).
    update : callable
        ``update(**values)`` updates the figure's artists; ``values`` maps each control's name to its value.

    Returns
    -------
    ipywidgets.VBox
        The controls in one row, then the figure. ``widget.redraw()`` redraws with the current values;
        ``widget.controls`` is ``controls``, ``widget.view`` is ``view``.
    """

    def redraw(_change=None):
        update(**{name: control.value for name, control in controls.items()})
        view.show()

    for control in controls.values():
        control.observe(redraw, names="value")
    ui = widgets.VBox([widgets.HBox(list(controls.values())), view.image])
    ui.redraw, ui.controls, ui.view = redraw, controls, view
    _with_rerun_hint(ui)
    redraw()
    return ui


def _with_rerun_hint(ui):
    """Display ``ui`` followed by :data:`RERUN_HINT` (an output of its own, so it stays when the widget is
    gone); where widgets are not shown at all (a static view of the notebook) its text says what it is."""

    def show():
        bundle = ui._repr_mimebundle_()
        bundle["text/plain"] = tr(NO_WIDGETS)
        display(bundle, raw=True)
        display({"text/plain": tr(RERUN_HINT),
                 "text/html": f"<small style='color: var(--jp-ui-font-color2, gray)'>{tr(RERUN_HINT)}</small>"},
                raw=True)

    ui._ipython_display_ = show
    return ui


def _take_off(ax):
    """Remove every artist drawn on ``ax`` and let it autoscale again; its ticks, scales and labels stay
    (``ax.cla()`` would build the ticks again, which costs more than drawing them)."""
    for artist in [*ax.lines, *ax.collections, *ax.images, *ax.patches, *ax.texts, *ax.artists, *ax.tables]:
        artist.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
    ax.relim()
    ax.set_autoscale_on(True)


def interactive_figure(draw, controls, *, ncols=1, width=5.0, height=3.8):
    """Controls above a figure that ``draw`` redraws whenever a control changes.

    The figure is kept; before each ``draw``, what the previous one drew is taken off its axes (for figures
    whose every artist depends on the controls; a widget that only moves some artists uses :func:`explorer`
    directly).

    Parameters
    ----------
    draw : callable
        ``draw(axes, **values)`` draws on cleared axes (one Axes, or an array of ``ncols``); ``values`` maps
        each control's name to its current value.
    controls : dict
        name -> ipywidgets control (anything with a ``value`` trait).
    ncols : int
        Panels side by side.
    width, height : float
        Size of one panel in inches.

    Returns
    -------
    ipywidgets.VBox
        The widget (display it, or leave it as a cell's last expression). ``widget.redraw()`` redraws with
        the current values; ``widget.controls`` is ``controls``.
    """
    view = FigureView(ncols, width=width, height=height)

    def update(**values):
        for ax in np.atleast_1d(view.axes):
            _take_off(ax)
        draw(view.axes, **values)

    return explorer(view, controls, update)


def log_slider(description, *, low, high, value, steps=60, readout_format=".3g", continuous_update=False):
    """A slider over ``[low, high]`` spaced evenly in log10, ``steps`` positions, wide description.

    By default it reports its value when released: a redraw costs a figure rendered to PNG, and while
    dragging, every intermediate value would queue one more, so the figure would lag behind the hand.
    """
    low_exp, high_exp = np.log10(low), np.log10(high)
    return widgets.FloatLogSlider(
        value=value, base=10, min=low_exp, max=high_exp, step=(high_exp - low_exp) / steps,
        description=description, readout_format=readout_format, continuous_update=continuous_update,
        style={"description_width": "initial"}, layout=widgets.Layout(width="480px"),
    )


# --------------------------------------------------------------------------------------------------------
# Finite differences (notebook 00)
# --------------------------------------------------------------------------------------------------------


def finite_difference_explorer(f, df, x, *, name="f", log10_h=-4.0, d2=None, d3=None):
    """A slider over log10(h) showing the forward and central difference quotients of ``f`` at ``x``.

    Left panel: ``f`` near ``x`` with its tangent and the two secants for the chosen h. Right panel: both
    errors against h on log-log axes (computed once for 161 steps from 1e-16 to 1), the chosen h marked,
    and — when the second and third derivatives ``d2``, ``d3`` are given — the dashed estimates
    truncation + round-off: :math:`\\frac{h}{2}|f''| + \\frac{\\varepsilon|f|}{h}` and
    :math:`\\frac{h^2}{6}|f'''| + \\frac{\\varepsilon|f|}{h}`.

    Parameters
    ----------
    f, df : callable
        The function and its exact derivative (vectorised).
    x : float
        Where the derivative is taken.
    name : str
        The function's name in titles, e.g. ``"sin"``.
    log10_h : float
        Initial slider position.
    d2, d3 : callable, optional
        Second and third derivatives, for the error estimates.
    """
    hs = np.logspace(-16, 0, 161)
    forward, central = plots.difference_errors(f, df, x, hs)
    eps = np.finfo(float).eps
    models = {}
    if d2 is not None and d3 is not None:
        roundoff = eps * abs(f(x)) / hs
        models[tr("estimate h|f″|/2 + ε|f|/h")] = hs * abs(d2(x)) / 2 + roundoff
        models[tr("estimate h²|f‴|/6 + ε|f|/h")] = hs**2 * abs(d3(x)) / 6 + roundoff

    view = FigureView(2, width=5.6, height=4.0)
    ax, errors_ax = view.axes
    t = np.linspace(x - 1.5, x + 1.5, 200)
    ax.plot(t, f(t), color="k", lw=2, label=f"{name}(t)")
    ax.plot(t, f(x) + df(x) * (t - x), color="gray", lw=1, label=tr("tangent, slope {slope:.6f}").format(slope=df(x)))
    (forward_line,) = ax.plot(t, f(t), "--", color="tab:orange", label=tr("forward"))
    (central_line,) = ax.plot(t, f(t), ":", color="tab:blue", lw=2, label=tr("central"))
    (points,) = ax.plot([], [], "o", color="k", ms=4)
    ax.set_ylim(f(t).min() - 0.5, f(t).max() + 0.5)
    legend = ax.legend(fontsize=8, loc="lower center")
    legend_texts = legend.get_texts()
    plots.label(ax, "", "t", f"{name}(t)")
    plots.plot_difference_errors(errors_ax, hs, forward, central, models=models)
    move_marker = plots.difference_step_marker(errors_ax, hs, forward, central)
    view.animate(forward_line, central_line, points, legend, ax.title, errors_ax.title,
                 *errors_ax.get_lines()[-3:])  # the marker's line and dots

    def update(log10_h):
        h = 10.0**log10_h
        slope_fwd = (f(x + h) - f(x)) / h
        slope_cen = (f(x + h) - f(x - h)) / (2 * h)
        forward_line.set_ydata(f(x) + slope_fwd * (t - x))
        central_line.set_ydata(f(x) + slope_cen * (t - x))
        legend_texts[2].set_text(tr("forward, slope {slope:.6f}").format(slope=slope_fwd))
        legend_texts[3].set_text(tr("central, slope {slope:.6f}").format(slope=slope_cen))
        points.set_data([x - h, x, x + h], f(np.array([x - h, x, x + h])))
        ax.set_title(tr("Secants through x ± h, h = {h:.1e}").format(h=h))
        move_marker(h)
        errors_ax.set_title(tr("Errors at h = {h:.1e}: forward {forward:.1e}, central {central:.1e}").format(
            h=h, forward=abs(slope_fwd - df(x)), central=abs(slope_cen - df(x))))

    slider = widgets.FloatSlider(
        value=log10_h, min=-16, max=0, step=0.25, description="log10(h)", continuous_update=False,
        layout=widgets.Layout(width="480px"),
    )
    return explorer(view, {"log10_h": slider}, update)


# --------------------------------------------------------------------------------------------------------
# Gradient descent on a two-parameter loss (notebook 01)
# --------------------------------------------------------------------------------------------------------


def descent_path(grad, theta0, lr, steps, *, blow_up=1e6):
    """Plain gradient descent on two scalar parameters, stopping early once the iterate blows up.

    Parameters
    ----------
    grad : callable
        ``grad(p, q) -> (dp, dq)``.
    theta0 : tuple of float
        Start (p0, q0).
    lr : float
        Learning rate.
    steps : int
        Number of updates.
    blow_up : float
        Stop when a coordinate's magnitude exceeds this (the path is diverging).

    Returns
    -------
    ndarray, shape (T + 1, 2)
        The iterates, start included; T <= steps.
    """
    p, q = (float(v) for v in theta0)
    path = [(p, q)]
    for _ in range(steps):
        dp, dq = grad(p, q)
        p, q = p - lr * float(dp), q - lr * float(dq)
        path.append((p, q))
        if not (abs(p) < blow_up and abs(q) < blow_up):
            break
    return np.array(path)


def descent_explorer(loss, grad, theta0, *, p_values, q_values, lr_max, lr=None, steps=40, optimum=None,
                     names=("w", "b")):
    """A learning-rate slider drawing the gradient-descent path on the loss contours.

    Left panel: contours of ``loss`` over the grid with the path for the chosen learning rate. Right panel:
    the loss along the path (log scale). The slider runs from ``lr_max / 300`` to ``1.15 lr_max`` (log
    spaced); the title says which regime the rate is in relative to ``lr_max = 2 / lambda_max``.
    Paths are cached per slider position, so moving back and forth only redraws.

    Parameters
    ----------
    loss : callable
        ``loss(p, q) -> float``.
    grad : callable
        ``grad(p, q) -> (dp, dq)``.
    theta0 : tuple of float
        Start of every path.
    p_values, q_values : ndarray
        Grid for the contours.
    lr_max : float
        The largest stable learning rate, 2 / (largest Hessian eigenvalue).
    lr : float, optional
        Initial learning rate (default ``0.3 lr_max``).
    steps : int
        Gradient steps per path.
    optimum : tuple of float, optional
        The minimiser, marked with a star.
    names : tuple of str
        Names of the two parameters (axis labels).
    """
    P, Q, L = plots.loss_surface(loss, p_values, q_values)
    cache = {}

    def path_for(rate):
        key = round(float(np.log10(rate)), 6)
        if key not in cache:
            path = descent_path(grad, theta0, rate, steps)
            losses = np.array([loss(p, q) for p, q in path])
            cache[key] = path, losses
        return cache[key]

    def regime(rate):
        ratio = rate / lr_max
        if ratio > 1:
            return tr("diverges (lr > 2/λ_max)")
        if ratio > 0.5:
            return tr("zig-zags across the valley, converges")
        if ratio < 0.05:
            return tr("slow crawl")
        return tr("converges")

    view = FigureView(2, width=5.2, height=4.0)
    contours_ax, loss_ax = view.axes
    plots.plot_loss_contours(contours_ax, P, Q, L, optimum=optimum, xlabel=names[0], ylabel=names[1])
    draw_path = plots.path_plotter(contours_ax)
    (loss_line,) = loss_ax.semilogy([], [], ".-", color="tab:red")
    # Fixed limits (ticks drawn once): from below the grid's lowest loss to above its highest; a diverging
    # path's losses run off the top, as its path runs off the contours.
    loss_ax.set_xlim(0, steps)
    loss_ax.set_ylim(max(float(np.min(L)), 1e-12) / 3, 10 * float(np.max(L)))
    plots.label(loss_ax, "", tr("step"), tr("loss"))
    view.animate(*contours_ax.get_lines()[-2:], loss_line, contours_ax.title, loss_ax.title)  # path and start

    def update(lr):
        path, losses = path_for(lr)
        contours_ax.set_title(tr("lr = {lr:.3g} = {ratio:.2f} lr_max: {regime}").format(
            lr=lr, ratio=lr / lr_max, regime=regime(lr)))
        draw_path(path)
        shown = np.where(np.isfinite(losses) & (losses > 0), losses, np.nan)  # a log axis shows neither
        loss_line.set_data(np.arange(len(losses)), shown)
        loss_ax.set_title(tr("Loss along the path: {steps} steps, final {final:.3g}").format(
            steps=len(path) - 1, final=losses[-1]))

    slider = log_slider(tr("learning rate"), low=lr_max / 300, high=1.15 * lr_max, value=lr or 0.3 * lr_max)
    return explorer(view, {"lr": slider}, update)


# --------------------------------------------------------------------------------------------------------
# Vanishing gradients through a deep stack (notebook 02)
# --------------------------------------------------------------------------------------------------------


def vanishing_gradients(delta_norms, *, activations=("sigmoid", "tanh", "relu"), depth=10, max_depth=40):
    """Sliders over the depth and the weight scale of a deep stack, and a choice of activation, drawing the
    size of the backpropagated gradient at every layer (log scale).

    Parameters
    ----------
    delta_norms : callable
        ``delta_norms(activation, depth, scale) -> ndarray (depth,)``: :math:`\\lVert\\delta^l\\rVert` per
        layer relative to the top one, for weights drawn at ``scale`` times the usual initialisation.
    activations : tuple of str
        The choices; "all" shows every one of them together.
    depth : int
        Initial depth.
    max_depth : int
        Largest depth on the slider.
    """
    depth_slider = widgets.IntSlider(value=depth, min=2, max=max_depth, step=1, description=tr("depth L"),
                                     continuous_update=True, layout=widgets.Layout(width="360px"))
    scale_slider = widgets.FloatSlider(value=1.0, min=0.25, max=3.0, step=0.05, description=tr("weight scale"),
                                       continuous_update=True, style={"description_width": "initial"},
                                       layout=widgets.Layout(width="360px"))
    choice = widgets.ToggleButtons(options=["all", *activations], value="all", description=tr("activation"))

    norms_of = functools.lru_cache(maxsize=4096)(delta_norms)  # moving back to a setting costs nothing
    view = FigureView(width=8.0, height=4.2)
    ax = view.axes
    lines = {name: ax.semilogy([1], [1], "o-", ms=4, label=name)[0] for name in activations}
    (bound,) = ax.semilogy([1], [1], ":", color="k", label="(0.25)^(L − l)")  # sigmoid′ ≤ 1/4
    plots.label(ax, "", tr("layer l (1 = closest to the input)"), tr("‖δˡ‖ / ‖δᴸ‖ (log scale)"))
    view.animate(*lines.values(), bound, ax.legend(fontsize=9, loc="lower right"), ax.title)

    def update(depth, scale, activation):
        names = activations if activation == "all" else (activation,)
        layers = np.arange(1, depth + 1)
        for name, line in lines.items():
            line.set_visible(name in names)
            if name in names:
                line.set_data(layers, np.maximum(norms_of(name, depth, scale), 1e-300))
        bound.set_visible("sigmoid" in names)
        bound.set_data(layers, 0.25 ** (depth - layers))
        values = np.concatenate([lines[name].get_ydata() for name in names])
        shown = [lines[name] for name in names] + ([bound] if "sigmoid" in names else [])
        # Limits in steps (x by 10 layers, y by whole decades, 5 at the bottom): most changes move only the
        # lines, and the axes' ticks (most of the drawing) are drawn again only when a step is crossed.
        low = max(1e-30, float(values.min()) / 10)
        ax.set_ylim(10.0 ** (5 * np.floor(np.log10(low) / 5)), 10.0 ** max(1, np.ceil(np.log10(values.max() * 3))))
        ax.set_xlim(0.5, 10 * np.ceil(depth / 10) + 0.5)
        view.swap(ax.legend_, ax.legend(handles=shown, fontsize=9, loc="lower right"))
        ax.set_title(tr("Gradient size per layer at initialisation (L = {depth}, weight scale {scale:g})").format(
            depth=depth, scale=scale))

    return explorer(view, {"depth": depth_slider, "scale": scale_slider, "activation": choice}, update)


# --------------------------------------------------------------------------------------------------------
# Training a small network (notebook 05)
# --------------------------------------------------------------------------------------------------------


class TrainingFigure:
    """The loss curve and the decision regions of a small network as it trains, on a kept :class:`FigureView`.

    :meth:`start` readies it for a run on a data set (the regions' grid is built once per data set),
    :meth:`update` moves the curve and recolours the regions. The loss axis is fixed (0.01 to 5: a
    cross-entropy starts below ln 10), so runs compare at a glance and the axes are drawn once; what lies
    on the regions' image is drawn on every render.
    """

    def __init__(self):
        self.view = FigureView(2, width=4.6, height=3.8)
        self.curve_ax, self.regions_ax = self.view.axes
        (self.curve,) = self.curve_ax.semilogy([], [], color="tab:blue")
        # Tick labels such as 0.2, 0.5, 1 whatever the range (a log axis spanning less than a decade would
        # otherwise label its minor ticks, wider than the layout kept from the first render allows).
        from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

        self.curve_ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        self.curve_ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
        self.curve_ax.yaxis.set_minor_formatter(NullFormatter())
        self.curve_ax.set_ylim(0.01, 5.0)
        plots.label(self.curve_ax, tr("Training loss"), tr("epoch"), tr("mean cross-entropy"))
        self.data = self.draw_regions = None

    def start(self, X, y, epochs):
        if self.data is None or self.data[0] is not X or self.data[1] is not y:
            self.regions_ax.cla()
            self.draw_regions = plots.decision_regions(self.regions_ax, X, y, resolution=160)
            self.data = X, y
            ax = self.regions_ax
            self.view.animate(self.curve, self.curve_ax.title, *ax.images, *ax.collections, ax.legend_, ax.title,
                              only=True)
        self.curve_ax.set_xlim(0, epochs)
        self.epochs = epochs

    def update(self, model, history, title):
        losses = np.asarray(history["loss"], dtype=float)
        self.curve.set_data(np.arange(len(losses)), np.where(np.isfinite(losses) & (losses > 0), losses, np.nan))
        self.curve_ax.set_title(tr("Training loss ({done}/{epochs} epochs)").format(done=len(losses), epochs=self.epochs))
        acc = history["accuracy"][-1] if history.get("accuracy") else float("nan")
        self.draw_regions(model.predict, tr("{title}: accuracy {acc:.2f}").format(title=title, acc=acc))


def _train_and_draw(X, y, figure, *, hidden, lr, batch_size, momentum, epochs, seed, show, title, redraws=3):
    """Train a fresh ``MLP([2, hidden, K])`` (ReLU, softmax), updating ``figure`` (a :class:`TrainingFigure`)
    and calling ``show(text)`` ``redraws`` times during training (live) and once at the end (``text`` then
    gives the training time, drawing excluded). Returns (model, history, seconds)."""
    import time

    from mlcore.mlp import MLP
    from mlcore.optim import train

    K = int(np.max(y)) + 1
    model = MLP([X.shape[1], hidden, K], activation="relu", head="softmax", rng=seed)
    rng = np.random.default_rng(seed + 1)
    every = max(1, epochs // max(1, redraws))
    figure.start(X, y, epochs)
    t0 = time.perf_counter()
    elapsed, drawing = [0.0], [0.0]  # training time only: the drawing time is subtracted

    def draw(history, final):
        start = time.perf_counter()
        figure.update(model, history, title)
        text = ""
        if final:
            text = (f"trained {len(history['loss'])} epochs in {elapsed[0]:.2f} s "
                    f"(hidden width {hidden}, lr {lr:.3g}, batch {batch_size or 'full'}, momentum {momentum:g})")
        show(text)
        drawing[0] += time.perf_counter() - start

    def on_epoch(epoch, history):
        elapsed[0] = time.perf_counter() - t0 - drawing[0]
        if epoch % every == 0 and epoch < epochs:
            draw(history, final=False)
        return not np.isfinite(history["loss"][-1])  # stop a diverged run

    history = train(model, X, y, epochs=epochs, lr=lr, batch_size=batch_size, momentum=momentum,
                    rng=rng if batch_size else None, on_epoch=on_epoch, progress=False)
    elapsed[0] = time.perf_counter() - t0 - drawing[0]
    draw(history, final=True)
    return model, history, elapsed[0]


def live_training(X, y, *, hidden=16, lr=0.1, batch_size=32, momentum=0.9, epochs=60, seed=0, title="data"):
    """Train a small MLP on 2-D data, redrawing its loss curve and decision regions in place while it trains.

    Uses IPython display handles (not a widget), so the final figure stays in the saved notebook.
    Returns ``(model, history)``; see :func:`training_explorer` for the model and the settings.
    """
    from IPython.display import Image, Markdown

    handle = display(Markdown("*training...*"), display_id=True)
    note = display(Markdown(""), display_id=True)
    figure = TrainingFigure()

    def show(text):
        handle.update(Image(data=figure.view.png(), format="png"))
        if text:
            note.update(Markdown(text))

    model, history, _ = _train_and_draw(X, y, figure, hidden=hidden, lr=lr, batch_size=batch_size,
                                        momentum=momentum, epochs=epochs, seed=seed, show=show, title=title)
    return model, history


def training_explorer(datasets, *, epochs=60, seed=0, lr=0.1, batch_size=32, momentum=0.9, hidden=16, run=False):
    """Controls over the learning rate, batch size, momentum and hidden width of a small MLP, and a Train
    button that trains it on the chosen data set, drawing the loss curve and the decision regions live.

    Sliders do not retrain on every move (a run takes a fraction of a second, not a frame): press Train.
    The line under the figure gives the training time.

    Parameters
    ----------
    datasets : dict
        name -> (X (N, 2), y (N,) integer labels).
    epochs, seed, lr, batch_size, momentum, hidden
        Initial settings (``batch_size=None`` means full batch).
    run : bool
        Train once with the initial settings when the widget is built.
    """
    names = list(datasets)
    style = {"description_width": "initial"}
    controls = {
        "dataset": widgets.Dropdown(options=names, value=names[0], description=tr("data")),
        "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.1, description=tr("learning rate"),
                                     continuous_update=False, style=style),
        "batch_size": widgets.Dropdown(options=[("8", 8), ("32", 32), ("128", 128), (tr("full"), None)],
                                       value=batch_size, description=tr("batch size"), style=style),
        "momentum": widgets.FloatSlider(value=momentum, min=0.0, max=0.95, step=0.05, description=tr("momentum β"),
                                        continuous_update=False, style=style),
        "hidden": widgets.IntSlider(value=hidden, min=1, max=64, description=tr("hidden width"),
                                    continuous_update=False, style=style),
        "epochs": widgets.IntSlider(value=epochs, min=10, max=300, step=10, description=tr("epochs"),
                                    continuous_update=False, style=style),
    }
    button = widgets.Button(description=tr("Train"), button_style="primary", icon="play")
    figure = TrainingFigure()
    status = widgets.HTML(tr("Press <b>Train</b>."))

    def on_click(_=None):
        values = {name: c.value for name, c in controls.items()}
        X, y = datasets[values.pop("dataset")]
        button.disabled = True
        status.value = tr("training...")

        def show(text):
            figure.view.show()
            if text:
                status.value = text

        try:
            _train_and_draw(X, y, figure, seed=seed, show=show, title=controls["dataset"].value, **values)
        finally:
            button.disabled = False

    button.on_click(on_click)
    rows = [widgets.HBox([controls["dataset"], controls["batch_size"], button]),
            widgets.HBox([controls["lr"], controls["momentum"]]),
            widgets.HBox([controls["hidden"], controls["epochs"]]), figure.view.image, status]
    ui = widgets.VBox(rows)
    ui.controls, ui.train, ui.view = controls, on_click, figure.view
    _with_rerun_hint(ui)
    if run:
        on_click()
    else:  # the data, until the first run colours the regions
        figure.start(*datasets[names[0]], epochs)
        figure.curve_ax.set_title(tr("Training loss (press Train)"))
        figure.view.show()
    return ui
