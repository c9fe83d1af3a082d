"""Shared figure style: provider colours, column checks, saving figures."""
from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable, Sequence
from os import PathLike
from pathlib import Path

import pandas as pd

from gstk.errors import GstkError

logger = logging.getLogger(__name__)


__all__ = ["PROVIDER_COLORS", "category_colors", "provider_color", "require_columns", "save_figure"]


#: Colour of each provider in the bundled catalog, the same in every figure.
PROVIDER_COLORS: dict[str, str] = {
    "Atlas": "#1f77b4",
    "AWS": "#ff7f0e",
    "Azure": "#17becf",
    "KSAT": "#d62728",
    "Leaf": "#2ca02c",
    "Viasat": "#9467bd",
}


#: Colours for providers outside the catalog, picked by a hash of the name so
#: that a name keeps its colour whatever else is on the figure.
_EXTRA_PROVIDER_COLORS = ("#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#aec7e8",
                          "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94")


_UNSELECTED_COLOR = "#9a9a9a"


_DEFAULT_FORMATS = ("png", "pdf")


def provider_color(provider: str) -> str:
    """Return the colour of ``provider``, identical in every gstk figure."""
    if provider in PROVIDER_COLORS:
        return PROVIDER_COLORS[provider]
    index = zlib.crc32(str(provider).encode("utf-8")) % len(_EXTRA_PROVIDER_COLORS)
    return _EXTRA_PROVIDER_COLORS[index]


def category_colors(values: Iterable, column: str) -> dict[str, str]:
    """Return an ordered ``{category: colour}`` for the values of ``column``.

    Providers use :func:`provider_color` and the catalog's order; any other
    column gets matplotlib's cycle over its sorted values.
    """
    uniques = sorted({str(v) for v in values})
    if column == "provider":
        known = [p for p in PROVIDER_COLORS if p in uniques]
        ordered = known + [p for p in uniques if p not in PROVIDER_COLORS]
        return {p: provider_color(p) for p in ordered}
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps["tab10" if len(uniques) <= 10 else "tab20"]
    return {v: to_hex(cmap(i % cmap.N)) for i, v in enumerate(uniques)}


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise :class:`~gstk.errors.GstkError` naming the columns ``frame`` (the ``what`` table) lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise GstkError(
            f"{what} table lacks column(s) {missing}; it has {list(frame.columns)}. "
            f"Pass the table gstk returns (see the {what} table in the docs)."
        )


def _legend_below(ax, ncol_max: int = 6) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.02),
                  ncol=min(len(handles), ncol_max), frameon=False, fontsize=9, markerscale=1.4)


def save_figure(fig, name: str, figures_dir: str | PathLike = "build/figures", *,
                formats: Sequence[str] = _DEFAULT_FORMATS, dpi: int = 200) -> list[Path]:
    """Write ``fig`` as ``<figures_dir>/<name>.png`` and ``.pdf``; return the paths.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Figure to save.
    name : str
        File stem, e.g. ``"fig1_station_map"`` (no directory, no extension).
    figures_dir : str or path-like
        Output directory, created when missing.  The default ``build/figures``
        (relative to the working directory) is git-ignored, so a notebook run
        never adds files to the committed ``figures/``; ``gstk reproduce`` passes
        ``<out>/figures``.
    formats : sequence of str
        File formats, default PNG and PDF.
    dpi : int
        Resolution of raster formats.

    Returns
    -------
    list of pathlib.Path
        The written files, in ``formats`` order.

    Raises
    ------
    GstkError
        If ``name`` contains a directory or an extension.
    """
    stem = Path(name)
    if not name or stem.name != name or stem.suffix in {f".{f}" for f in formats}:
        raise GstkError(f"save_figure name must be a bare file stem like 'fig1_station_map', "
                        f"got {name!r}; put directories in figures_dir and leave out "
                        "the extension.")
    out_dir = Path(figures_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{name}.{fmt}" for fmt in formats]
    for path in paths:
        fig.savefig(path, dpi=dpi, bbox_inches="tight")
        logger.info("wrote %s", path)
    return paths
