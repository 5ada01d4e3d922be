"""ipywidgets helpers shared by the notebooks.

The course uses matplotlib's default inline backend. A widget here is a row of controls above an
``Output`` area; every change of a control redraws a fresh figure into that area (everything expensive
is computed once, up front, so a redraw costs one small figure). Every figure has a title and labelled
axes (see :mod:`mlcore.plots`).

Sections (append new helpers to the matching section, or start a new one at the end):

- generic: :func:`interactive_figure`, :func:`log_slider`;
- finite differences (notebook 00): :func:`finite_difference_explorer`;
- gradient descent on a two-parameter loss (notebook 01): :func:`descent_path`, :func:`descent_explorer`;
- vanishing gradients through a deep stack (notebook 02): :func:`vanishing_gradients`.
"""

import numpy as np
from IPython.display import clear_output, display

from mlcore import plots
from mlcore._lazy import LazyModule

# Imported on first use: grading runs show no widgets and draw nothing.
widgets = LazyModule("ipywidgets")
plt = LazyModule("matplotlib.pyplot")

# --------------------------------------------------------------------------------------------------------
# Generic
# --------------------------------------------------------------------------------------------------------


def interactive_figure(draw, controls, *, ncols=1, width=5.0, height=3.8):
    """Controls above a figure that ``draw`` redraws whenever a control changes.

    Parameters
    ----------
    draw : callable
        ``draw(axes, **values)`` draws on fresh axes (one Axes, or an array of ``ncols``); ``values`` maps
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
    out = widgets.Output()

    def redraw(_change=None):
        values = {name: control.value for name, control in controls.items()}
        fig, axes = plots.subplots(ncols, width=width, height=height)
        draw(axes, **values)
        with out:
            clear_output(wait=True)
            display(fig)
        plt.close(fig)  # the inline backend must not show it a second time at the end of the cell

    for control in controls.values():
        control.observe(redraw, names="value")
    ui = widgets.VBox([widgets.HBox(list(controls.values())), out])
    ui.redraw = redraw
    ui.controls = controls
    redraw()
    return ui


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
        models["estimate h|f″|/2 + ε|f|/h"] = hs * abs(d2(x)) / 2 + roundoff
        models["estimate h²|f‴|/6 + ε|f|/h"] = hs**2 * abs(d3(x)) / 6 + roundoff

    def draw(axes, log10_h):
        h = 10.0**log10_h
        ax = axes[0]
        t = np.linspace(x - 1.5, x + 1.5, 200)
        slope_fwd = (f(x + h) - f(x)) / h
        slope_cen = (f(x + h) - f(x - h)) / (2 * h)
        ax.plot(t, f(t), color="k", lw=2, label=f"{name}(t)")
        ax.plot(t, f(x) + df(x) * (t - x), color="gray", lw=1, label=f"tangent, slope {df(x):.6f}")
        ax.plot(t, f(x) + slope_fwd * (t - x), "--", color="tab:orange", label=f"forward, slope {slope_fwd:.6f}")
        ax.plot(t, f(x) + slope_cen * (t - x), ":", color="tab:blue", lw=2, label=f"central, slope {slope_cen:.6f}")
        ax.plot([x - h, x, x + h], f(np.array([x - h, x, x + h])), "o", color="k", ms=4)
        ax.set_ylim(f(t).min() - 0.5, f(t).max() + 0.5)
        ax.legend(fontsize=8, loc="lower center")
        plots.label(ax, f"Secants through x ± h, h = {h:.1e}", "t", f"{name}(t)")
        plots.plot_difference_errors(
            axes[1], hs, forward, central, h=h, models=models,
            title=f"Errors at h = {h:.1e}: forward {abs(slope_fwd - df(x)):.1e}, central {abs(slope_cen - df(x)):.1e}",
        )

    slider = widgets.FloatSlider(
        value=log10_h, min=-16, max=0, step=0.25, description="log10(h)", continuous_update=False,
        layout=widgets.Layout(width="480px"),
    )
    return interactive_figure(draw, {"log10_h": slider}, ncols=2, width=5.6, height=4.0)


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
            return "diverges (lr > 2/λ_max)"
        if ratio > 0.5:
            return "zig-zags across the valley, converges"
        if ratio < 0.05:
            return "slow crawl"
        return "converges"

    def draw(axes, lr):
        path, losses = path_for(lr)
        plots.plot_loss_contours(
            axes[0], P, Q, L, optimum=optimum, xlabel=names[0], ylabel=names[1],
            title=f"lr = {lr:.3g} = {lr / lr_max:.2f} lr_max: {regime(lr)}",
        )
        plots.plot_path(axes[0], path, label_=f"{len(path) - 1} steps")
        axes[0].legend(fontsize=8, loc="upper right")
        ax = axes[1]
        ax.semilogy(np.arange(len(losses)), losses, ".-", color="tab:red")
        ax.set_xlim(0, steps)
        plots.label(ax, f"Loss along the path (final {losses[-1]:.3g})", "step", "loss")

    slider = log_slider("learning rate", low=lr_max / 300, high=1.15 * lr_max, value=lr or 0.3 * lr_max)
    return interactive_figure(draw, {"lr": slider}, ncols=2, width=5.2, height=4.0)


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
    depth_slider = widgets.IntSlider(value=depth, min=2, max=max_depth, step=1, description="depth L",
                                     continuous_update=True, layout=widgets.Layout(width="360px"))
    scale_slider = widgets.FloatSlider(value=1.0, min=0.25, max=3.0, step=0.05, description="weight scale",
                                       continuous_update=True, style={"description_width": "initial"},
                                       layout=widgets.Layout(width="360px"))
    choice = widgets.ToggleButtons(options=["all", *activations], value="all", description="activation")

    def draw(ax, depth, scale, activation):
        names = activations if activation == "all" else (activation,)
        norms = {name: delta_norms(name, depth, scale) for name in names}
        bound = 0.25 if "sigmoid" in names else None
        plots.plot_delta_norms(ax, norms, bound=bound,
                               title=f"Gradient size per layer at initialisation (L = {depth}, weight scale {scale:g})")
        ax.set_ylim(bottom=max(1e-30, min(float(np.min(v)) for v in norms.values()) / 10))

    return interactive_figure(draw, {"depth": depth_slider, "scale": scale_slider, "activation": choice},
                              width=8.0, height=4.2)


# --------------------------------------------------------------------------------------------------------
# Training a small network (notebook 05)
# --------------------------------------------------------------------------------------------------------


def _train_and_draw(X, y, *, hidden, lr, batch_size, momentum, epochs, seed, show, title, redraws=3):
    """Train a fresh ``MLP([2, hidden, K])`` (ReLU, softmax) and hand its loss curve and decision regions to
    ``show(fig, text)`` ``redraws`` times during training (live) and once at the end (``text`` then gives
    the training time, drawing excluded). Returns (model, history, seconds)."""
    import time

    from mlcore.mlp import MLP
    from mlcore.optim import train

    K = int(np.max(y)) + 1
    model = MLP([X.shape[1], hidden, K], activation="relu", head="softmax", rng=seed)
    rng = np.random.default_rng(seed + 1)
    every = max(1, epochs // max(1, redraws))
    t0 = time.perf_counter()
    elapsed, drawing = [0.0], [0.0]  # training time only: the drawing time is subtracted

    def draw(history, final):
        start = time.perf_counter()
        fig, axes = plots.subplots(2, width=4.6, height=3.8)
        plots.plot_loss_curve(axes[0], history["loss"], title=f"Training loss ({len(history['loss'])}/{epochs} epochs)",
                              xlabel="epoch", ylabel="mean cross-entropy")
        axes[0].set_xlim(0, epochs)
        acc = history["accuracy"][-1] if history.get("accuracy") else float("nan")
        plots.plot_decision_regions(axes[1], model.predict, X, y, title=f"{title}: accuracy {acc:.2f}", resolution=100)
        text = ""
        if final:
            text = (f"trained {len(history['loss'])} epochs in {elapsed[0]:.2f} s "
                    f"(hidden width {hidden}, lr {lr:.3g}, batch {batch_size or 'full'}, momentum {momentum:g})")
        show(fig, text)
        plt.close(fig)
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
    from IPython.display import Markdown

    handle = display(Markdown("*training...*"), display_id=True)
    note = display(Markdown(""), display_id=True)

    def show(fig, text):
        handle.update(fig)
        if text:
            note.update(Markdown(text))

    model, history, _ = _train_and_draw(X, y, hidden=hidden, lr=lr, batch_size=batch_size, momentum=momentum,
                                        epochs=epochs, seed=seed, show=show, title=title)
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
        "dataset": widgets.Dropdown(options=names, value=names[0], description="data"),
        "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=1, step=0.1, description="learning rate",
                                     continuous_update=False, style=style),
        "batch_size": widgets.Dropdown(options=[("8", 8), ("32", 32), ("128", 128), ("full", None)],
                                       value=batch_size, description="batch size", style=style),
        "momentum": widgets.FloatSlider(value=momentum, min=0.0, max=0.95, step=0.05, description="momentum β",
                                        continuous_update=False, style=style),
        "hidden": widgets.IntSlider(value=hidden, min=1, max=64, description="hidden width",
                                    continuous_update=False, style=style),
        "epochs": widgets.IntSlider(value=epochs, min=10, max=300, step=10, description="epochs",
                                    continuous_update=False, style=style),
    }
    button = widgets.Button(description="Train", button_style="primary", icon="play")
    out = widgets.Output()

    def on_click(_=None):
        values = {name: c.value for name, c in controls.items()}
        X, y = datasets[values.pop("dataset")]
        button.disabled = True

        def show(fig, text):
            with out:
                clear_output(wait=True)
                display(fig)
                if text:
                    print(text)

        try:
            _train_and_draw(X, y, seed=seed, show=show, title=controls["dataset"].value, **values)
        finally:
            button.disabled = False

    button.on_click(on_click)
    rows = [widgets.HBox([controls["dataset"], controls["batch_size"], button]),
            widgets.HBox([controls["lr"], controls["momentum"]]),
            widgets.HBox([controls["hidden"], controls["epochs"]]), out]
    ui = widgets.VBox(rows)
    ui.controls, ui.train = controls, on_click
    if run:
        on_click()
    return ui
