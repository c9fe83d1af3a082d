"""What an elevation-dependent data rate changes: one max-data scenario, constant rate against link budget.

Scenario: ``data/example_link_budget.yaml`` (the demo constellation over the KSAT and Leaf stations,
max data with at most one provider and a monthly cost cap, Table 1 prices with seed 2025, an X-band
link budget at every station, ACM steps at Leaf, a horizon mask at Svalbard), over ``--days`` days.
Both solves see the same windows (horizon mask included); only the volumes differ: (1) of the paper,
v_c = min(R_s, R_k) d_c, or the integral of the link's rate over each pass (capped by the same
radio rates, gstk.problem.volumes).  Printed: each network (provider, stations), its data as the
model saw it, the data the constant-rate network would really carry under the link budget, the
stations the two networks share, and solve times.  Run on an idle machine for timings.

Run: ``python benchmarks/bench_link_budget.py [--days 7] [--time-limit 60]`` (``--quick``: 1 day, 10 s).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from gstk.contacts.windows import compute_contacts
from gstk.scenario.files import load_scenario
from gstk.solve.api import optimize
from gstk.solve.options import SolverOptions
from gstk.units import BITS_PER_TB
from gstk.verification.report import verify, verify_selection

SCENARIO = Path(__file__).resolve().parent.parent / "data" / "example_link_budget.yaml"


def solved(contacts, problem, scenario, time_limit_s: float):
    """Return (solution, solve seconds) of the scenario's problem on ``contacts``."""
    wall = time.perf_counter()
    solution = optimize(contacts, problem, start=scenario.start, end=scenario.end,
                        options=SolverOptions.from_kwargs(scenario.solver_options(), time_limit_s=time_limit_s))
    return solution, time.perf_counter() - wall


def describe(label: str, solution, seconds: float) -> None:
    print(f"{label:<16}: {solution.status.name} in {seconds:.1f} s; providers {list(solution.selected_providers)}; "
          f"{len(solution.selected_stations)} stations, {len(solution.contacts)} contacts; "
          f"model data {solution.objective / BITS_PER_TB:.1f} TB over the mission")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--quick", action="store_true", help="1 day, 10 s per solve (a smoke run)")
    args = parser.parse_args()
    days, limit = (1.0, 10.0) if args.quick else (args.days, args.time_limit)
    scenario = load_scenario(SCENARIO).with_changes(days=days)
    problem = scenario.problem()
    links = scenario.link_models()
    sats, stations = scenario.satellites(), scenario.stations()
    masked = {"horizon_masks": links["horizon_masks"]}
    constant = compute_contacts(sats, stations, scenario.start, scenario.end, progress=False, **masked)
    linked = compute_contacts(sats, stations, scenario.start, scenario.end, progress=False, **links)
    print(f"scenario: {scenario.name}, {days:g} days, {len(sats)} satellites x {len(stations)} stations, "
          f"{len(linked)} windows")
    flat, flat_s = solved(constant, problem, scenario, limit)
    link, link_s = solved(linked, problem, scenario, limit)
    describe("constant rate", flat, flat_s)
    describe("link budget", link, link_s)
    assert verify(link, linked, problem, satellites=sats, **links) == []
    real, problems = verify_selection(list(flat.contacts["contact_id"]), linked, problem)
    shared = set(flat.selected_stations) & set(link.selected_stations)
    union = set(flat.selected_stations) | set(link.selected_stations)
    print(f"the constant-rate network under the link budget: {real / BITS_PER_TB:.1f} TB "
          f"({100 * (real / flat.objective - 1):+.1f} % against what the constant rate promised; "
          f"{100 * (real / link.objective - 1):+.1f} % against the link-budget optimum)"
          + (f"; {len(problems)} constraint violations under the link budget" if problems else ""))
    print(f"stations shared by both networks: {len(shared)} of {len(union)} "
          f"(Jaccard {len(shared) / max(len(union), 1):.2f}); only constant: "
          f"{sorted(set(flat.selected_stations) - shared)}; only link budget: "
          f"{sorted(set(link.selected_stations) - shared)}")


if __name__ == "__main__":
    main()
