"""The explorer: an ipywidgets panel that builds, solves and shows a ground-station selection.

``gstk.jupyter.explorer.explore()`` opens the panel in a notebook.  Choose providers,
required bands, the objective and the constraint values, press **Solve**: the
model is solved in a background thread (the kernel stays responsive, a
progress bar runs, the button is disabled meanwhile), then the panel shows the
selected network on a map, the cost breakdown of Eq. (2), the data and gaps per
satellite, a Gantt chart of the taken contacts and the solver's certificate.
Bad inputs, infeasible problems and solver errors appear in the panel as a
message, never as a traceback.

Everything the panel does is a plain method: :meth:`Explorer.settings` reads
the controls, :func:`problem_specs` turns settings into specs,
:meth:`Explorer.problem` builds the :class:`~gstk.problem.Problem`,
:meth:`Explorer.solve` runs one solve synchronously and
:meth:`Explorer.start_solve` (the button's callback) runs it in a thread, so
tests drive the panel without a browser.  Figures are rendered to PNG bytes
in ``ipywidgets.Image`` widgets, off pyplot, so drawing from the worker thread
is safe.  Prices are the seeded Table 1 draw of :func:`gstk.catalog.prices.draw_prices`.
"""
from __future__ import annotations

import html
import io
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import pandas as pd

from gstk.errors import GstkError
from gstk.jupyter.display import html_table
from gstk.problem.specs import (
    AllowedProviders,
    MaxMissionData,
    MaxMonthlyCost,
    MaxProviders,
    MinContactDuration,
    MinMaxGap,
    MinMissionCost,
    MinSatelliteDownlink,
    RequiredBands,
    SatelliteContactExclusion,
    Spec,
    StationContactExclusion,
)
from gstk.units import BITS_PER_GB, BITS_PER_TB, SECONDS_PER_DAY, SECONDS_PER_HOUR

logger = logging.getLogger(__name__)

#: Objective choices: builder name -> (label, spec class).
OBJECTIVES: dict[str, tuple[str, type[Spec]]] = {
    "max_mission_data": ("Maximize mission data (3)", MaxMissionData),
    "min_mission_cost": ("Minimize mission cost (2)", MinMissionCost),
    "min_max_gap": ("Minimize the longest gap (4)", MinMaxGap),
}
#: Default start of the contact window when the explorer computes contacts (the TLE snapshot's week).
DEFAULT_START = "2025-03-11T00:00:00Z"
#: Band letters in the order they are offered; others follow alphabetically.
_BAND_ORDER = ("S", "X", "Ka", "Ku", "UHF", "VHF", "L")
#: The solver dropdown: backend -> label (HiGHS needs ``gstk[highs]``).
SOLVER_LABELS = {"scip": "SCIP", "highs": "HiGHS"}
#: Share of the progress bar before the solver starts, and where drawing starts.
_SOLVE_FROM, _DRAW_FROM = 0.2, 0.9
_TICK_S = 0.5
_STATUS_COLORS = {"OPTIMAL": "#2e7d32", "FEASIBLE": "#ef6c00"}


@dataclass(frozen=True)
class Settings:
    """The panel's choices as plain values (``None`` = that constraint is off)."""

    providers: tuple[str, ...]
    bands: tuple[str, ...] = ()
    objective: str = "max_mission_data"
    monthly_cost_cap_usd: float | None = None
    max_providers: int | None = None
    min_contact_duration_s: float = 0.0
    turnaround_s: float = 0.0
    min_daily_downlink_gb: float | None = None
    time_limit_s: float = 30.0
    solver: str = "scip"


def problem_specs(settings: Settings) -> tuple[Spec, list[Spec]]:
    """Return the objective and constraint/prefilter specs the settings describe.

    Antenna exclusions (11) and (12) are always on: one contact per antenna, one
    link per satellite; ``turnaround_s`` is every antenna's setup time between two
    contacts (11).

    Raises
    ------
    GstkError
        If no provider is chosen or the objective is unknown.
    """
    if not settings.providers:
        raise GstkError("No provider selected: tick at least one provider in the panel.")
    if settings.objective not in OBJECTIVES:
        raise GstkError(f"Unknown objective {settings.objective!r}; choose one of {sorted(OBJECTIVES)}.")
    specs: list[Spec] = [AllowedProviders(tuple(settings.providers)),
                         StationContactExclusion(turnaround_s=float(settings.turnaround_s)),
                         SatelliteContactExclusion()]
    if settings.bands:
        specs.append(RequiredBands(tuple(settings.bands)))
    if settings.min_contact_duration_s > 0:
        specs.append(MinContactDuration(duration_s=float(settings.min_contact_duration_s)))
    if settings.monthly_cost_cap_usd is not None:
        specs.append(MaxMonthlyCost(usd=float(settings.monthly_cost_cap_usd)))
    if settings.max_providers is not None:
        specs.append(MaxProviders(count=int(settings.max_providers)))
    if settings.min_daily_downlink_gb is not None:
        specs.append(MinSatelliteDownlink(window_s=SECONDS_PER_DAY, step_s=SECONDS_PER_HOUR,
                                          volume_bit=float(settings.min_daily_downlink_gb) * BITS_PER_GB))
    return OBJECTIVES[settings.objective][1](), specs


def band_choices(stations: pd.DataFrame) -> list[str]:
    """Return the band letters any station offers, in the order S, X, Ka, Ku, UHF, VHF, L, others."""
    if "bands" not in stations:
        return []
    found = {b.strip() for text in stations["bands"].fillna("").astype(str) for b in text.split(";")}
    found.discard("")
    return [b for b in _BAND_ORDER if b in found] + sorted(found - set(_BAND_ORDER))


def figure_png(fig, dpi: int = 100) -> bytes:
    """Return a matplotlib figure as PNG bytes (tight bounding box)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def network_png(stations: pd.DataFrame, selected: tuple[str, ...], altitude_km: float | None) -> bytes:
    """Return the selected network on a world map as PNG (drawn without pyplot)."""
    import cartopy.crs as ccrs
    from matplotlib.figure import Figure

    from gstk.plots.network import network_map

    fig = Figure(figsize=(9.0, 5.0))
    ax = fig.add_subplot(projection=ccrs.Robinson())
    network_map(stations, selected, altitude_km=altitude_km, ax=ax)
    return figure_png(fig)


def gantt_png(solution) -> bytes:
    """Return the taken contacts as a Gantt chart PNG over the simulation window (drawn without pyplot)."""
    from matplotlib.figure import Figure

    from gstk.plots.network import contact_gantt

    contacts = solution.contacts.copy()
    contacts.attrs.update(start=solution.sim_start, end=solution.sim_end)
    rows = contacts["station_id"].nunique()
    fig = Figure(figsize=(9.0, max(2.5, 0.25 * rows + 1.5)))
    contact_gantt(contacts, by="station_id", color_by="satellite_id", ax=fig.add_subplot(),
                  title=f"{len(contacts)} taken contacts by station")
    return figure_png(fig)


def satellite_report(solution) -> pd.DataFrame:
    """Return one row per satellite: data over the mission (GB), contact time (min/day), longest gap (h)."""
    table = solution.satellites
    return pd.DataFrame({
        "satellite_id": table["satellite_id"],
        "mission_data_gb": table["data_bit"] / BITS_PER_GB,
        "contact_time_min_per_day": table["contact_minutes_per_day"],
        "longest_gap_h": table["max_gap_s"] / SECONDS_PER_HOUR,
    })


def status_line(solution) -> str:
    """Return the one-line HTML summary of a solution: badge, network size, cost, data, times."""
    name = solution.status.value
    color = _STATUS_COLORS.get(name, "#c62828")
    badge = (f'<span class="gstk-badge" style="background:{color};color:#fff;padding:1px 6px;'
             f'border-radius:3px">{html.escape(name)}</span>')
    if not solution.status.has_solution:
        return f"{badge} {html.escape(solution.message or 'no solution')}"
    total = solution.cost_breakdown.get("total", 0.0)
    return (f"{badge} {len(solution.selected_providers)} provider(s), "
            f"{len(solution.selected_stations)} station(s), {len(solution.contacts)} contacts · "
            f"${total:,.0f} over {solution.mission_days:g} days · "
            f"{solution.data_total_bit / BITS_PER_TB:,.1f} TB · solved in {solution.solve_time_s:.1f} s")


class Explorer:
    """An interactive ground-station selection panel (see the module docstring).

    Parameters
    ----------
    contacts : pandas.DataFrame, optional
        Contacts from :func:`gstk.contacts.compute_contacts` (``attrs`` start/end).
        Default: computed on the first solve for ``satellites`` × ``stations``
        over ``days`` from ``start``.
    satellites : gstk.orbits.satellites.Satellites, optional
        Default: the satellites of ``contacts``, else :func:`gstk.orbits.satellites.demo_constellation`.
    stations : pandas.DataFrame, optional
        Stations table; default :func:`gstk.catalog.stations.load_stations` (operational).
    start : str or pandas.Timestamp
        Start of the contact window when contacts are computed (UTC).
    days : float
        Length of that window (the simulation window T_sim), days.
    seed : int
        Seed of the Table 1 price draw.
    mission_days : float
        Mission length T_opt, days.
    time_limit_s : float
        Initial solver time limit, s.
    rates, horizon_masks : optional
        A rate model and horizon masks for the contacts computed here (as
        :func:`gstk.contacts.compute_contacts` takes them); ignored when ``contacts`` are given.
    """

    def __init__(self, contacts: pd.DataFrame | None = None, satellites=None,
                 stations: pd.DataFrame | None = None, *, start: Any = DEFAULT_START, days: float = 1.0,
                 seed: int = 0, mission_days: float = 365.0, time_limit_s: float = 30.0, rates: Any = None,
                 horizon_masks: Any = None):
        self.stations = _stations_for(contacts, stations)
        self.satellites = satellites
        if satellites is None and contacts is None:
            from gstk.orbits.satellites import demo_constellation

            self.satellites = demo_constellation()
        self.satellite_ids = _satellite_ids(contacts, self.satellites)
        self.start, self.days, self.seed, self.mission_days = start, float(days), int(seed), mission_days
        self._contacts = contacts
        self._links = {"rates": rates, "horizon_masks": horizon_masks}
        self.solution = None
        self.error: str | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._job_began = self._stage_began = time.monotonic()
        self._stage_value = 0.0
        self.ui = _Controls(self, time_limit_s)
        self.panel = self.ui.panel

    # ------------------------------------------------------------------ model
    def settings(self) -> Settings:
        """Return the current choices of the panel's controls."""
        return self.ui.settings()

    def problem(self, settings: Settings | None = None):
        """Return the :class:`~gstk.problem.Problem` of ``settings`` (default: the panel's)."""
        from gstk.catalog.prices import draw_prices
        from gstk.problem.definition import Problem

        objective, specs = problem_specs(settings or self.settings())
        stations, providers, satellites = draw_prices(self.stations, self.satellite_ids, seed=self.seed)
        return Problem(objective, specs, stations, providers, satellites,
                       mission_days=self.mission_days, name="explorer")

    def contacts(self) -> pd.DataFrame:
        """Return the contacts (computed once, on first use, when none were given)."""
        if self._contacts is None:
            from gstk.contacts.windows import compute_contacts

            begin = pd.Timestamp(self.start)
            self._contacts = compute_contacts(self.satellites, self.stations, begin,
                                              begin + pd.Timedelta(days=self.days), progress=False, **self._links)
        return self._contacts

    @property
    def running(self) -> bool:
        """True while a solve runs in the background."""
        return self._thread is not None and self._thread.is_alive()

    # ------------------------------------------------------------------ solving
    def solve(self, settings: Settings | None = None):
        """Solve with ``settings`` (default: the panel's) in this thread and show the outcome.

        Returns
        -------
        gstk.solution.Solution or None
            None when the inputs were rejected or the solve failed; the reason is in
            :attr:`error` and in the panel.
        """
        settings = settings or self.settings()
        self.error = None
        self._job_began = time.monotonic()
        try:
            self._set_stage("computing contacts", 0.05)
            contacts = self.contacts()
            self._set_stage("building the model", 0.15)
            problem = self.problem(settings)
            self._set_stage(f"solving with {SOLVER_LABELS.get(settings.solver, settings.solver)}", _SOLVE_FROM)
            from gstk.solve.api import optimize
            from gstk.solve.options import SolverOptions

            solution = optimize(contacts, problem, options=SolverOptions(
                solver=settings.solver, time_limit_s=float(settings.time_limit_s)))
            self._set_stage("drawing the results", _DRAW_FROM)
            self.solution = solution
            self.ui.show_solution(solution, self.stations, self._altitude_km())
        except GstkError as exc:
            return self._fail(str(exc))
        except Exception as exc:  # the panel must never show a traceback
            logger.exception("explorer solve failed")
            return self._fail(f"Unexpected {type(exc).__name__}: {exc}")
        self._set_stage(f"done in {time.monotonic() - self._job_began:.1f} s", 1.0)
        return solution

    def start_solve(self) -> bool:
        """Start :meth:`solve` in a background thread (the Solve button's callback).

        Returns
        -------
        bool
            False (and nothing starts) when a solve is already running or the
            settings are invalid; the message is then in the panel.
        """
        with self._lock:
            if self.running:
                return False
            settings = self.settings()
            try:
                problem_specs(settings)  # reject bad inputs at once, before any thread
            except GstkError as exc:
                self._fail(str(exc))
                return False
            self.ui.set_busy(True)
            self._thread = threading.Thread(target=self._run, args=(settings,), daemon=True,
                                            name="gstk-explorer-solve")
            self._thread.start()
        threading.Thread(target=self._tick, args=(settings.time_limit_s, settings.solver), daemon=True).start()
        return True

    def wait(self, timeout_s: float | None = None):
        """Block until the background solve ends (or ``timeout_s`` passes); return the solution."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
        return self.solution

    def _run(self, settings: Settings) -> None:
        try:
            self.solve(settings)
        finally:
            self.ui.set_busy(False)

    def _tick(self, time_limit_s: float, solver: str = "scip") -> None:
        """Advance the progress bar while the solver runs (it reports nothing until it stops)."""
        while self.running:
            elapsed = time.monotonic() - self._stage_began
            share = min(elapsed / max(float(time_limit_s), 1e-9), 1.0)
            if self._stage_value == _SOLVE_FROM:  # checked again right before writing
                self.ui.show_progress(f"solving with {SOLVER_LABELS.get(solver, solver)}… {elapsed:.0f} s "
                                      f"(limit {time_limit_s:g} s)",
                                      _SOLVE_FROM + (_DRAW_FROM - _SOLVE_FROM) * share)
            time.sleep(_TICK_S)

    def _set_stage(self, label: str, value: float) -> None:
        self._stage_began, self._stage_value = time.monotonic(), value
        self.ui.show_progress(label, value)

    def _fail(self, message: str) -> None:
        self.error = message
        self.ui.show_error(message)
        return None

    def _altitude_km(self) -> float | None:
        if self.satellites is None or len(self.satellites) == 0:
            return None
        return float(self.satellites.to_frame()["perigee_km"].median())

    def __repr__(self) -> str:
        last = "no solve yet" if self.solution is None else repr(self.solution)
        return (f"<Explorer {len(self.satellite_ids)} satellites, {len(self.stations)} stations, "
                f"{self.stations['provider'].nunique()} providers; {last}>")


def _stations_for(contacts: pd.DataFrame | None, stations: pd.DataFrame | None) -> pd.DataFrame:
    """Return the candidate stations: given, else the bundled catalog (those in ``contacts``)."""
    from gstk.catalog.stations import load_stations

    if stations is None:
        stations = load_stations() if contacts is None else load_stations(status=None)
        if contacts is not None:
            stations = stations[stations["station_id"].isin(contacts["station_id"])].reset_index(drop=True)
    if contacts is not None:
        unknown = sorted(set(contacts["station_id"].astype(str)) - set(stations["station_id"].astype(str)))
        if unknown:
            raise GstkError(f"contacts name stations missing from the stations table: {unknown[:5]}; "
                            "pass stations= the table the contacts were computed for.")
    return stations


def _satellite_ids(contacts: pd.DataFrame | None, satellites) -> list[str]:
    if satellites is not None:
        return [str(s) for s in satellites.satellite_id]
    return sorted(contacts["satellite_id"].astype(str).unique())


class _Controls:
    """The ipywidgets of the panel; reads settings and shows progress, errors and results."""

    def __init__(self, explorer: Explorer, time_limit_s: float):
        import ipywidgets as w

        self.w = w
        stations = explorer.stations
        providers = sorted(stations["provider"].astype(str).unique(), key=str.lower)
        wide = {"style": {"description_width": "190px"}, "layout": w.Layout(width="470px")}
        self.providers = {p: w.Checkbox(value=True, description=p, indent=False,
                                        layout=w.Layout(width="110px")) for p in providers}
        self.bands = {b: w.Checkbox(value=False, description=b, indent=False,
                                    layout=w.Layout(width="58px")) for b in band_choices(stations)}
        self.objective = w.Dropdown(options=[(label, key) for key, (label, _) in OBJECTIVES.items()],
                                    value="max_mission_data", description="Objective",
                                    style={"description_width": "70px"}, layout=w.Layout(width="360px"))
        self.cost_cap = w.FloatSlider(value=50_000, min=0, max=200_000, step=1_000, readout_format=",.0f",
                                      description="Monthly cost cap (USD)", **wide)
        self.max_providers = w.IntSlider(value=min(2, len(providers)), min=1, max=max(len(providers), 1),
                                         description="Max providers", **wide)
        self.min_duration = w.FloatSlider(value=180, min=0, max=600, step=30, readout_format=".0f",
                                          description="Min contact duration (s)", **wide)
        self.turnaround = w.FloatSlider(value=0, min=0, max=300, step=10, readout_format=".0f",
                                        description="Antenna turnaround (s)", **wide)
        self.turnaround.add_class("gstk-turnaround")
        self.min_downlink = w.FloatSlider(value=50, min=0, max=2_000, step=10, readout_format=".0f",
                                          description="Min daily downlink (GB/sat)", **wide)
        self.time_limit = w.FloatSlider(value=float(time_limit_s), min=5, max=300, step=5,
                                        readout_format=".0f", description="Time limit (s)", **wide)
        self.solver = w.Dropdown(options=[(name, key) for key, name in SOLVER_LABELS.items()], value="scip",
                                 description="Solver", style={"description_width": "190px"},
                                 layout=w.Layout(width="320px"))
        self.solver.add_class("gstk-solver")
        self.use_cost_cap = w.Checkbox(value=True, indent=False, layout=w.Layout(width="28px"))
        self.use_max_providers = w.Checkbox(value=True, indent=False, layout=w.Layout(width="28px"))
        self.use_min_downlink = w.Checkbox(value=False, indent=False, layout=w.Layout(width="28px"))
        for toggle, slider in self._toggled():
            slider.disabled = not toggle.value
            toggle.observe(lambda change, s=slider: setattr(s, "disabled", not change["new"]), "value")
        self.solve_button = w.Button(description="Solve", button_style="primary", icon="play")
        self.solve_button.add_class("gstk-solve")
        self.solve_button.on_click(lambda _button: explorer.start_solve())
        self.progress = w.FloatProgress(value=0.0, min=0.0, max=1.0, layout=w.Layout(width="240px"))
        self.progress_label = w.Label(value="ready")
        self.status = w.HTML(value="<i>Choose settings and press Solve.</i>")
        self.status.add_class("gstk-status")
        self.map = w.Image(format="png", layout=w.Layout(max_width="860px"))
        self.map.add_class("gstk-map")
        self.costs = w.HTML()
        self.data = w.HTML()
        self.gantt = w.Image(format="png", layout=w.Layout(max_width="860px"))
        self.gantt.add_class("gstk-gantt")
        self.certificate = w.HTML()
        self.panel = self._layout(explorer)

    def _toggled(self):
        return ((self.use_cost_cap, self.cost_cap), (self.use_max_providers, self.max_providers),
                (self.use_min_downlink, self.min_downlink))

    def _layout(self, explorer: Explorer):
        w = self.w
        header = w.HTML(f"<b>gstk explorer</b> — {len(explorer.satellite_ids)} satellites × "
                        f"{len(explorer.stations)} stations; Table 1 prices, seed {explorer.seed}; "
                        f"mission {explorer.mission_days:g} days")
        pad = {"layout": w.Layout(width="28px")}
        choices = w.VBox([
            w.HTML("<b>Providers</b>"),
            w.GridBox(list(self.providers.values()), layout=w.Layout(grid_template_columns="repeat(3, 115px)")),
            w.HTML("<b>Required bands</b>"),
            w.HBox(list(self.bands.values()), layout=w.Layout(flex_flow="row wrap")),
            self.objective,
        ], layout=w.Layout(width="380px", margin="0 24px 0 0"))
        cap, count, downlink = (w.HBox([toggle, slider]) for toggle, slider in self._toggled())
        limits = w.VBox([cap, count, w.HBox([w.Label(**pad), self.min_duration]),
                         w.HBox([w.Label(**pad), self.turnaround]), downlink,
                         w.HBox([w.Label(**pad), self.time_limit]), w.HBox([w.Label(**pad), self.solver])])
        run = w.HBox([self.solve_button, self.progress, self.progress_label],
                     layout=w.Layout(align_items="center"))
        note = w.HTML("<small>Ticked constraints apply. Always on: one contact per antenna (11), "
                      "the turnaround apart, one link per satellite (12).</small>")
        tabs = w.Tab(children=[self.map, self.costs, self.data, self.gantt, self.certificate])
        for i, title in enumerate(("Network map", "Costs", "Data per satellite", "Contacts", "Certificate")):
            tabs.set_title(i, title)
        panel = w.VBox([header, w.HBox([choices, limits], layout=w.Layout(flex_flow="row wrap")),
                        note, run, self.status, tabs])
        panel.add_class("gstk-explorer")
        return panel

    def settings(self) -> Settings:
        return Settings(
            providers=tuple(p for p, box in self.providers.items() if box.value),
            bands=tuple(b for b, box in self.bands.items() if box.value),
            objective=self.objective.value,
            monthly_cost_cap_usd=float(self.cost_cap.value) if self.use_cost_cap.value else None,
            max_providers=int(self.max_providers.value) if self.use_max_providers.value else None,
            min_contact_duration_s=float(self.min_duration.value),
            turnaround_s=float(self.turnaround.value),
            min_daily_downlink_gb=float(self.min_downlink.value) if self.use_min_downlink.value else None,
            time_limit_s=float(self.time_limit.value),
            solver=str(self.solver.value),
        )

    def set_busy(self, busy: bool) -> None:
        self.solve_button.disabled = busy
        self.solve_button.description = "Solving…" if busy else "Solve"
        if busy:
            self.progress.bar_style = "info"
            self.status.value = "<i>Solving…</i>"

    def show_progress(self, label: str, value: float) -> None:
        self.progress_label.value = label
        self.progress.value = float(value)

    def show_error(self, message: str) -> None:
        self.progress.bar_style = "danger"
        self.progress_label.value = "stopped"
        self.status.value = (f'<div class="gstk-error" style="color:#b71c1c;white-space:pre-wrap">'
                             f'<b>Error:</b> {html.escape(message)}</div>')

    def show_solution(self, solution, stations: pd.DataFrame, altitude_km: float | None) -> None:
        ok = solution.status.has_solution
        self.progress.bar_style = "success" if solution.status.value == "OPTIMAL" else "warning"
        self.status.value = f'<div class="gstk-result">{status_line(solution)}</div>'
        self.certificate.value = solution._repr_html_()
        if not ok:
            self.map.value, self.gantt.value = b"", b""
            self.costs.value = self.data.value = "<i>No network: see the message.</i>"
            return
        self.map.value = network_png(stations, solution.selected_stations, altitude_km)
        self.costs.value = (html_table(solution.cost_table, caption=f"Mission cost over "
                                       f"{solution.mission_days:g} days, Eq. (2)", max_rows=None)
                            + html_table(solution.providers, caption="Selected providers", max_rows=None))
        self.data.value = html_table(satellite_report(solution), caption="Per satellite over the mission",
                                     max_rows=None)
        self.gantt.value = gantt_png(solution) if len(solution.contacts) else b""


def explore(contacts: pd.DataFrame | None = None, satellites=None, stations: pd.DataFrame | None = None, *,
            start: Any = DEFAULT_START, days: float = 1.0, seed: int = 0, mission_days: float = 365.0,
            time_limit_s: float = 30.0, solve: bool = False, rates: Any = None,
            horizon_masks: Any = None) -> Explorer:
    """Open the explorer panel in the notebook and return its :class:`Explorer`.

    Parameters are those of :class:`Explorer`; with ``solve=True`` the panel's
    default settings are solved at once (in the background).

    Examples
    --------
    >>> explorer = explore(days=0.5)  # doctest: +SKIP
    """
    from IPython.display import display

    explorer = Explorer(contacts, satellites, stations, start=start, days=days, seed=seed,
                        mission_days=mission_days, time_limit_s=time_limit_s, rates=rates,
                        horizon_masks=horizon_masks)
    display(explorer.panel)
    if solve:
        explorer.start_solve()
    return explorer
