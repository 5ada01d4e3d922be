"""Plotting helpers shared by the notebooks.

Every figure the course draws has a title and labelled axes: :func:`label` sets all three at once and the
topic helpers below always call it. Helpers draw on an ``ax`` they are given (so a notebook or a widget can
lay out several panels) and return it.

Sections (append new helpers to the matching section, or start a new one at the end):

- generic: figures, labels, loss curves;
- finite differences (notebook 00);
- loss surfaces and descent paths (notebook 01; any two-parameter loss);
- activations and vanishing gradients (notebook 02);
- decision regions of a classifier on 2-D inputs (notebook 03).
"""

import numpy as np

from mlcore._lazy import LazyModule
from mlcore.i18n import tr

plt = LazyModule("matplotlib.pyplot")  # imported on first use: grading runs draw nothing

# --------------------------------------------------------------------------------------------------------
# Generic
# --------------------------------------------------------------------------------------------------------


def subplots(ncols=1, nrows=1, *, width=5.0, height=3.8, **kwargs):
    """A figure with ``nrows x ncols`` panels of ``width x height`` inches each, constrained layout.

    Returns
    -------
    fig, axes
        ``axes`` is a single Axes for one panel, else a flat array of Axes.
    """
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(width * ncols, height * nrows), layout="constrained", squeeze=False, **kwargs
    )
    axes = axes.ravel()
    return fig, (axes[0] if axes.size == 1 else axes)


def label(ax, title, xlabel, ylabel, *, legend=False):
    """Set the title and both axis labels of ``ax`` (and draw its legend when ``legend``)."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if legend:
        ax.legend()
    return ax


def plot_loss_curve(ax, losses, *, label_=None, title=None, xlabel=None, ylabel=None, logy=True):
    """Plot a loss history (one value per step or epoch) on ``ax``; log scale on y by default (title and labels
    default to "Training loss", "step" and "loss", in the language of :mod:`mlcore.i18n`)."""
    losses = np.asarray(losses, dtype=float)
    ax.plot(np.arange(len(losses)), losses, label=label_)
    if logy and np.all(losses[np.isfinite(losses)] > 0):
        ax.set_yscale("log")
    return label(ax, tr("Training loss") if title is None else title, tr("step") if xlabel is None else xlabel,
                 tr("loss") if ylabel is None else ylabel, legend=label_ is not None)


# --------------------------------------------------------------------------------------------------------
# Finite differences (notebook 00)
# --------------------------------------------------------------------------------------------------------


def difference_errors(f, df, x, hs):
    """Absolute errors of the forward and central difference quotients of ``f`` at ``x`` for each step.

    Parameters
    ----------
    f, df : callable
        The function and its exact derivative (scalar in, scalar out, NumPy-vectorised).
    x : float
    hs : array_like, shape (K,)
        Step sizes.

    Returns
    -------
    forward, central : ndarray, shape (K,)
        :math:`|\\frac{f(x+h)-f(x)}{h} - f'(x)|` and :math:`|\\frac{f(x+h)-f(x-h)}{2h} - f'(x)|`.
    """
    hs = np.asarray(hs, dtype=float)
    exact = df(x)
    forward = np.abs((f(x + hs) - f(x)) / hs - exact)
    central = np.abs((f(x + hs) - f(x - hs)) / (2 * hs) - exact)
    return forward, central


def plot_difference_errors(ax, hs, forward, central, *, h=None, models=None, title=None):
    """Log-log plot of finite-difference errors against the step h, marking the chosen ``h``.

    Parameters
    ----------
    ax : Axes
    hs, forward, central : ndarray, shape (K,)
        Steps and the two errors (see :func:`difference_errors`). Exact zeros are drawn at 1e-17.
    h : float, optional
        The chosen step: a vertical line and the two errors there.
    models : dict, optional
        label -> model error curve over ``hs`` (dashed), e.g. truncation + round-off estimates.
    """
    floor = 1e-17  # an error of exactly 0 cannot sit on a log axis
    ax.loglog(hs, np.maximum(forward, floor), color="tab:orange", label=tr("forward  (f(x+h) − f(x)) / h"))
    ax.loglog(hs, np.maximum(central, floor), color="tab:blue", label=tr("central  (f(x+h) − f(x−h)) / 2h"))
    for (name, curve), color in zip((models or {}).items(), ("tab:orange", "tab:blue", "gray", "gray")):
        ax.loglog(hs, curve, "--", color=color, alpha=0.6, lw=1, label=name)
    ax.set_ylim(1e-13, 10)
    ax.legend(fontsize=8, loc="upper center")
    if h is not None:
        difference_step_marker(ax, hs, forward, central)(h)
    return label(ax, title or tr("Error of the difference quotient"), tr("step h"), tr("|estimate − f′(x)|"))


def difference_step_marker(ax, hs, forward, central):
    """A vertical line and the two errors at one step h, on a :func:`plot_difference_errors` plot.

    Returns ``move(h)``, which puts the marker at the step of ``hs`` nearest to ``h`` (a widget moves it
    instead of drawing the plot again).
    """
    floor = 1e-17
    line = ax.axvline(hs[0], color="k", lw=0.8, alpha=0.6)
    (at_forward,) = ax.plot([], [], "o", color="tab:orange")
    (at_central,) = ax.plot([], [], "o", color="tab:blue")

    def move(h):
        i = int(np.argmin(np.abs(np.log(hs) - np.log(h))))
        line.set_xdata([hs[i], hs[i]])
        at_forward.set_data([hs[i]], [max(forward[i], floor)])
        at_central.set_data([hs[i]], [max(central[i], floor)])

    return move


# --------------------------------------------------------------------------------------------------------
# Loss surfaces and descent paths (notebook 01; any loss of two parameters)
# --------------------------------------------------------------------------------------------------------


def loss_surface(loss, p_values, q_values):
    """Evaluate ``loss(p, q) -> float`` on a grid.

    Parameters
    ----------
    loss : callable
        Loss of two scalar parameters.
    p_values : ndarray, shape (P,)
    q_values : ndarray, shape (Q,)

    Returns
    -------
    P, Q, L : ndarray, shape (Q, P)
        Meshgrid of the parameters and the loss there (ready for ``ax.contour(P, Q, L)``).
    """
    P, Q = np.meshgrid(np.asarray(p_values, float), np.asarray(q_values, float))
    L = np.array([[loss(p, q) for p, q in zip(row_p, row_q)] for row_p, row_q in zip(P, Q)])
    return P, Q, L


def plot_loss_contours(ax, P, Q, L, *, optimum=None, title=None, xlabel="w", ylabel="b", n_levels=18):
    """Filled contours of a loss surface on log-spaced levels (a quadratic bowl's valley stays visible).

    ``optimum`` (p, q) is marked with a star.
    """
    L = np.asarray(L, float)
    lo = max(L.min(), 1e-12)
    levels = np.geomspace(lo, L.max(), n_levels)
    ax.contourf(P, Q, L, levels=levels, cmap="viridis_r", norm="log", alpha=0.85)
    ax.contour(P, Q, L, levels=levels, colors="k", linewidths=0.3, alpha=0.5)
    if optimum is not None:
        ax.plot([optimum[0]], [optimum[1]], "*", color="white", ms=14, mec="k", label=tr("minimum"))
    ax.set_xlim(P.min(), P.max())
    ax.set_ylim(Q.min(), Q.max())
    return label(ax, tr("Loss surface") if title is None else title, xlabel, ylabel)


def plot_path(ax, path, *, color="tab:red", label_=None, clip=True):
    """Draw a parameter path (array of shape (T, 2)) as linked dots, start marked by a square, and the
    legend (the path, its start, and the minimum of :func:`plot_loss_contours`).

    With ``clip`` the axes limits are kept and the path ends at its first point outside them, so a
    diverging path runs off the plot instead of rescaling it or scribbling over it.
    """
    path_plotter(ax, color=color, label_=label_, clip=clip)(path)
    return ax


def path_plotter(ax, *, color="tab:red", label_=None, clip=True):
    """The artists of :func:`plot_path` with no path yet; returns ``draw(path)``, which moves them onto
    ``path`` (a widget calls it on every change instead of plotting again)."""
    (line,) = ax.plot([], [], ".-", color=color, lw=1.2, ms=4, label=tr("descent path") if label_ is None else label_)
    # One "start" entry in the legend however many paths share the axes.
    start_label = tr("start")
    first = not any(artist.get_label() == start_label for artist in ax.get_lines())
    (start,) = ax.plot([], [], "s", color=color, ms=7, label=start_label if first else "_start")
    ax.legend(fontsize=8, loc="upper right")

    def draw(path):
        path = np.asarray(path, float)
        path = path[np.all(np.isfinite(path), axis=1)]
        if clip:
            (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
            inside = (x0 <= path[:, 0]) & (path[:, 0] <= x1) & (y0 <= path[:, 1]) & (path[:, 1] <= y1)
            outside = np.flatnonzero(~inside[1:])
            if outside.size:
                path = path[: outside[0] + 2]
        line.set_data(path[:, 0], path[:, 1])
        start.set_data(path[:1, 0], path[:1, 1])
        if not clip:
            ax.relim()
            ax.autoscale_view()

    return draw


# --------------------------------------------------------------------------------------------------------
# Gradient checks of a backward pass (notebook 04)
# --------------------------------------------------------------------------------------------------------


def plot_gradient_errors(ax, names, errors, *, tol=1e-6, title=None):
    """Bar chart of one relative error per parameter (log scale), green at or below ``tol``, red above.

    Parameters
    ----------
    ax : Axes
    names : sequence of str
        Parameter names, e.g. ``["dW1", "db1", "dW2", "db2"]``.
    errors : sequence of float
        Largest relative error of each parameter's gradient; ``inf`` (e.g. a wrong shape) is drawn as 1.
    tol : float
        The tolerance, drawn as a dashed line.
    """
    errors = np.asarray(errors, dtype=float)
    shown = np.clip(np.where(np.isfinite(errors), errors, 1.0), 1e-16, 1.0)
    colors = ["tab:green" if e <= tol else "tab:red" for e in errors]
    ax.bar(np.arange(len(shown)), shown, color=colors)
    ax.axhline(tol, color="k", ls="--", lw=1, label=f"tolerance {tol:.0e}")
    ax.set_xticks(np.arange(len(shown)), list(names))
    ax.set_yscale("log")
    ax.set_ylim(1e-16, 2.0)
    return label(ax, tr("Gradient check") if title is None else title, tr("parameter"), tr("largest relative error"),
                 legend=True)


# --------------------------------------------------------------------------------------------------------
# Activations and vanishing gradients (notebook 02)
# --------------------------------------------------------------------------------------------------------


def plot_activation(ax, f, f_prime, z, *, name):
    """Draw an activation ``f`` (solid) and its derivative ``f_prime`` (dashed) over ``z`` on ``ax``.

    Parameters
    ----------
    ax : Axes
    f, f_prime : callable
        Elementwise functions of ``z``.
    z : ndarray, shape (M,)
    name : str
        The activation's name for the title and legend, e.g. ``"sigmoid"``.
    """
    z = np.asarray(z, dtype=float)
    ax.axhline(0, color="0.85", lw=0.8)
    ax.axvline(0, color="0.85", lw=0.8)
    ax.plot(z, f(z), lw=2, label=f"{name}(z)")
    ax.plot(z, f_prime(z), "--", lw=2, label=f"{name}′(z)")
    ax.legend(fontsize=9, loc="upper left")
    return label(ax, f"{name} and its derivative", "z", "value")


def plot_delta_norms(ax, norms, *, bound=None, title=None):
    """Log plot of the size of the backpropagated gradient per layer, one line per activation.

    Parameters
    ----------
    ax : Axes
    norms : dict
        activation name -> ndarray of shape (L,): :math:`\\lVert\\delta^l\\rVert` for l = 1..L, relative to
        the top layer's (so the last entry is 1).
    bound : float, optional
        Draw the reference line ``bound ** (L - l)`` (e.g. 1/4 for the sigmoid's :math:`\\sigma' \\le 1/4`).
    title : str, optional
    """
    depth = 0
    for name, values in norms.items():
        values = np.asarray(values, dtype=float)
        depth = max(depth, values.size)
        layers = np.arange(1, values.size + 1)
        ax.semilogy(layers, np.maximum(values, 1e-300), "o-", ms=4, label=name)
    if bound is not None and depth:
        layers = np.arange(1, depth + 1)
        ax.semilogy(layers, float(bound) ** (depth - layers), ":", color="k", label=f"({bound:g})^(L − l)")
    ax.set_xlim(0.5, depth + 0.5)
    ax.legend(fontsize=9, loc="lower right")
    return label(ax, title or f"Gradient size per layer, depth L = {depth}", "layer l (1 = closest to the input)",
                 "‖δˡ‖ / ‖δᴸ‖ (log scale)")


# --------------------------------------------------------------------------------------------------------
# Decision regions of a classifier (notebook 03; any model on 2-D inputs)
# --------------------------------------------------------------------------------------------------------


def plot_decision_regions(ax, predict, X, y, *, title=None, resolution=200, padding=0.5,
                          xlabel="x₁", ylabel="x₂"):
    """Colour the plane by the class a classifier predicts, and draw the data on top.

    Parameters
    ----------
    ax : Axes
    predict : callable
        ``predict(P) -> labels`` for points ``P`` of shape (M, 2), returning integer classes of shape (M,).
    X : ndarray, shape (N, 2)
        The data (inputs).
    y : ndarray of int, shape (N,)
        Its labels, drawn as the points' colours.
    title, xlabel, ylabel : str
    resolution : int
        Grid points per axis.
    padding : float
        Margin around the data, in data units.
    """
    decision_regions(ax, X, y, resolution=resolution, padding=padding, xlabel=xlabel, ylabel=ylabel)(predict, title)
    return ax


def decision_regions(ax, X, y, *, resolution=200, padding=0.5, xlabel="x₁", ylabel="x₂"):
    """The data of :func:`plot_decision_regions` and an empty picture of the regions; returns
    ``draw(predict, title)``, which colours the regions for another classifier (a widget calls it on every
    change: the grid is built once, and a redraw only refills one image).

    The regions are one image of the grid (a light colour per class, boundary cells dark grey), much
    cheaper to redraw than filled contours.
    """
    from matplotlib.colors import to_rgba

    X = np.asarray(X, dtype=float)
    y = np.asarray(y).astype(int)
    lo, hi = X.min(axis=0) - padding, X.max(axis=0) + padding
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g1.ravel(), g2.ravel()])                     # (resolution**2, 2)
    cmap = plt.get_cmap("tab10")
    colors = np.array([to_rgba(cmap(k % 10)) for k in range(10)])        # (10, 4)
    light = 0.75 + 0.25 * colors                                         # the class colour at alpha 0.25 on white
    light[:, 3] = 1.0
    dark = np.array([0.2, 0.2, 0.2, 1.0])                               # the boundary
    image = ax.imshow(np.ones((resolution, resolution, 4)), origin="lower", extent=(lo[0], hi[0], lo[1], hi[1]),
                      interpolation="nearest", aspect="auto", zorder=0)
    for k in range(int(y.max()) + 1):
        mine = y == k
        ax.scatter(X[mine, 0], X[mine, 1], s=14, color=colors[k % 10], edgecolor="k", linewidth=0.3, zorder=2,
                   label=tr("class {k}").format(k=k))
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.legend(fontsize=8, loc="upper right")
    label(ax, tr("Decision regions"), xlabel, ylabel)

    def draw(predict, title=None):
        regions = np.asarray(predict(grid)).astype(int).reshape(g1.shape) % 10   # (resolution, resolution)
        edge = np.zeros(regions.shape, dtype=bool)                           # a cell whose neighbour differs
        edge[:, 1:] |= regions[:, 1:] != regions[:, :-1]
        edge[1:, :] |= regions[1:, :] != regions[:-1, :]
        image.set_data(np.where(edge[..., None], dark, light[regions]))
        ax.set_title(tr("Decision regions") if title is None else title)

    return draw


# --------------------------------------------------------------------------------------------------------
# The backward pass as a computational graph (notebook 04)
# --------------------------------------------------------------------------------------------------------

# Node positions (x, y) of a two-layer network's graph: the data row at y = 0, the parameters above it.
_GRAPH_NODES = {
    "X": (0.0, 0.0), "z1": (2.2, 0.0), "a1": (3.9, 0.0), "z2": (6.0, 0.0), "L": (7.8, 0.0),
    "W1": (1.1, 1.3), "b1": (3.2, 1.3), "W2": (4.9, 1.3), "b2": (7.0, 1.3), "y": (7.8, 1.3),
}
_GRAPH_TEXT = {
    "X": "X = a⁰\n(N, D₀)", "z1": "z¹\n(N, D₁)", "a1": "a¹ = f(z¹)\n(N, D₁)", "z2": "z²\n(N, D₂)", "L": "L",
    "W1": "W¹\n(D₀, D₁)", "b1": "b¹\n(D₁,)", "W2": "W²\n(D₁, D₂)", "b2": "b²\n(D₂,)", "y": "y",
}
# Backward edges: (from, to, local gradient, the step of the backward pass it belongs to).
_GRAPH_EDGES = (
    ("L", "z2", "δ² = ∂L/∂z²", "delta2"),
    ("z2", "W2", "dW² = (a¹)ᵀ δ²\nΣ over samples i", "grads2"),
    ("z2", "b2", "db² = Σᵢ δ²ᵢ\n(b² was broadcast)", "grads2"),
    ("z2", "a1", "∂L/∂a¹ = δ² (W²)ᵀ\nΣ over units k", "delta1"),
    ("a1", "z1", "⊙ f′(z¹)", "delta1"),
    ("z1", "W1", "dW¹ = Xᵀ δ¹\nΣ over samples i", "grads1"),
    ("z1", "b1", "db¹ = Σᵢ δ¹ᵢ\n(b¹ was broadcast)", "grads1"),
)
#: The steps of the backward pass, in order, as :func:`plot_backprop_graph` names them.
BACKPROP_STEPS = ("forward", "delta2", "grads2", "delta1", "grads1")


def plot_backprop_graph(ax, *, step=None, title=None):
    """Draw the computational graph of ``z¹ = X W¹ + b¹, a¹ = f(z¹), z² = a¹ W² + b², L(z², y)``.

    Forward edges are grey; every backward edge is labelled with its local gradient (red). Two boxes state
    the two rules the labels use: gradients add where paths meet (the sum over units k in δ, over samples i
    in dW) and a value broadcast forward is summed backward (why db sums δ over the samples).

    Parameters
    ----------
    ax : Axes
    step : str or None
        One of :data:`BACKPROP_STEPS`: draw the backward edges up to this step, the step's own in bold.
        None draws them all.
    title : str
    """
    from matplotlib.patches import FancyBboxPatch

    if step is not None and step not in BACKPROP_STEPS:
        raise ValueError(f"step must be one of {BACKPROP_STEPS} or None, got {step!r}")
    reached = BACKPROP_STEPS.index(step) if step is not None else len(BACKPROP_STEPS)
    for a, b in (("X", "z1"), ("W1", "z1"), ("b1", "z1"), ("z1", "a1"), ("a1", "z2"), ("W2", "z2"),
                 ("b2", "z2"), ("z2", "L"), ("y", "L")):
        ax.annotate("", xy=_GRAPH_NODES[b], xytext=_GRAPH_NODES[a],
                    arrowprops=dict(arrowstyle="-|>", color="0.6", lw=1.2, shrinkA=22, shrinkB=22))
    for name, (x, y) in _GRAPH_NODES.items():
        ax.text(x, y, _GRAPH_TEXT[name], ha="center", va="center", fontsize=8.5,
                bbox=dict(boxstyle="round,pad=0.35", fc="white" if y else "0.93", ec="0.3"))
    for a, b, text, edge_step in _GRAPH_EDGES:
        order = BACKPROP_STEPS.index(edge_step)
        if order > reached:
            continue
        current = step is not None and order == reached
        (xa, ya), (xb, yb) = _GRAPH_NODES[a], _GRAPH_NODES[b]
        offset = -0.28 if ya == yb else 0.0  # backward arrows run just below the forward ones
        ax.annotate("", xy=(xb, yb + offset), xytext=(xa, ya + offset),
                    arrowprops=dict(arrowstyle="-|>", color="tab:red", lw=2.4 if current else 1.2,
                                    shrinkA=24, shrinkB=24, connectionstyle="arc3,rad=0.15"))
        tx, ty = (xa + xb) / 2, (ya + yb) / 2 + (offset * 2.1 if ya == yb else 0.0)
        side = "center" if ya == yb else ("right" if xb < xa else "left")  # W's label left, b's right
        tx += {"center": 0.0, "right": -0.15, "left": 0.35}[side]
        ax.text(tx, ty, text, ha=side, va="center", fontsize=7.5, color="tab:red",
                fontweight="bold" if current else "normal")
    for x, text in ((0.2, "gradients add where paths meet:\n"
                          "a¹ᵢⱼ feeds every z²ᵢₖ → Σₖ δ²ᵢₖ W²ⱼₖ;\n"
                          "W is used by every sample → Σᵢ in dW"),
                    (4.6, "broadcast forward, sum backward:\n"
                          "b is added to every row of z → db = Σᵢ δᵢ,\n"
                          "one entry per unit, shape (D,)")):
        ax.add_patch(FancyBboxPatch((x - 0.3, -1.95), 3.0, 0.75, boxstyle="round,pad=0.05", fc="#fff4e0", ec="0.5"))
        ax.text(x - 0.2, -1.58, text, ha="left", va="center", fontsize=7.5)
    ax.set_xlim(-0.7, 8.4)
    ax.set_ylim(-2.1, 1.85)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    title = tr("Backpropagation through a two-layer network") if title is None else title
    return label(ax, title, tr("forward: left to right (grey)     backward: right to left (red)"), "")
