"""Where the min-cost gap comes from: bounds of the study's one-provider networks, lever by lever.

For one trial of the study (``StudySettings()``: 7 days, 250 GB per satellite in
every 24 h window stepped hourly, exclusions, d_min 180 s, Operational +
Decommissioned stations), each one-provider min-cost network (2) under (9) is
built once (gstk's model: disaggregated links, clique rows, capacity-cover rows
on stations, providers and licences) and bounded in the same process by:

* ``lp``: its LP relaxation (HiGHS dual simplex through SciPy);
* ``lp+cardinality``: the LP with, per satellite and window, sum_c x_c >= m_kj
  (m_kj the fewest contacts whose prorated volumes reach D; valid, added rows);
* ``fixed-integer``: x continuous, stations, providers and licences binary
  (HiGHS MILP within ``--relax-limit``): its bound is valid for the full model
  and its incumbent's integrality is the stations' and licences' alone;
* ``scip`` and ``highs``: the full MILP within ``--time-limit`` (the study: 20 s).

Every bound is printed as a multiple of the LP bound, so the rows say how far
each lever lifts it, next to the best full incumbent (``scip`` or ``highs``; the
``fixed-integer`` incumbent is not a network, its contacts are fractional).
Every incumbent of ``scip`` and ``highs`` passes ``gstk.verify``.

    python benchmarks/bench_min_cost_bounds.py                       # trial 0, 10 satellites, every provider
    python benchmarks/bench_min_cost_bounds.py --n 5 --providers KSAT AWS --relax-limit 60
"""
from __future__ import annotations

import argparse
import time

import cvxpy as cp
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from gstk.model.build import build_model
from gstk.model.constraints import window_volumes
from gstk.model.data import ModelData
from gstk.problem.specs import MinSatelliteDownlink
from gstk.solve.api import optimize
from gstk.study.baselines import available_providers, restricted_problem, verified
from gstk.study.settings import StudySettings
from gstk.study.trials import trial_instance
from gstk.units import BITS_PER_GBIT


def standard_form(model):
    """Return (A, b, c, offset, scale, columns) of the model cvxpy compiles for SCIP (rows A x <= b)."""
    data, _, inverse = model.problem.get_problem_data(cp.SCIP)
    assert data["dims"].zero == 0
    return (sp.csr_matrix(data["A"]), np.asarray(data["b"]), np.asarray(data["c"]),
            float(np.sum(inverse[-1].get("offset", 0.0))), float(model.objective_scale),
            data["param_prob"].var_id_to_col)


def cardinality_rows(data: ModelData, spec: MinSatelliteDownlink) -> tuple[sp.csr_matrix, np.ndarray]:
    """Return sum_{c in C_k, V_jc > 0} x_c >= m_kj for every satellite and window with m_kj >= 2."""
    volumes = sp.csr_matrix(window_volumes(data, spec.window_s, spec.step_s))
    need = spec.volume_bit / BITS_PER_GBIT
    rows, cols, rhs = [], [], []
    for k in range(len(data.satellite_ids)):
        own = np.flatnonzero(data.satellite_of_contact == k)
        per_window = volumes[:, own].tocsr()
        for j in range(per_window.shape[0]):
            values = per_window.data[per_window.indptr[j]:per_window.indptr[j + 1]]
            columns = own[per_window.indices[per_window.indptr[j]:per_window.indptr[j + 1]]][values > 0]
            fewest = int(np.searchsorted(np.cumsum(np.sort(values[values > 0])[::-1]), need - 1e-9) + 1)
            if fewest >= 2:
                rows += [len(rhs)] * len(columns)
                cols += list(columns)
                rhs.append(fewest)
    return sp.csr_matrix((np.ones(len(cols)), (rows, cols)), shape=(len(rhs), data.n_contacts)), np.array(rhs)


def lp_value(A, b, c, offset, scale) -> tuple[float, float]:
    """Return (LP value in USD, seconds)."""
    started = time.perf_counter()
    result = linprog(c, A_ub=A, b_ub=b, bounds=(0, 1), method="highs-ds")
    return (result.fun + offset) * scale, time.perf_counter() - started


def bounds_of(instance, problem, provider: str, args) -> list[dict]:
    """Return one row per lever for the network of ``provider``."""
    restricted = restricted_problem(problem, [provider])
    data = ModelData.from_problem(instance.contacts, restricted)
    model = build_model(data, restricted.objective, restricted.constraints)
    A, b, c, offset, scale, columns = standard_form(model)
    rows = []
    value, seconds = lp_value(A, b, c, offset, scale)
    rows.append({"lever": "lp", "bound": value, "incumbent": np.nan, "seconds": seconds})
    spec = next(s for s in restricted.constraints if isinstance(s, MinSatelliteDownlink))
    card, rhs = cardinality_rows(data, spec)
    x0 = columns[model.variables.x.id]
    card = sp.hstack([sp.csr_matrix((card.shape[0], x0)), card,
                      sp.csr_matrix((card.shape[0], len(c) - x0 - card.shape[1]))]).tocsr()
    value, seconds = lp_value(sp.vstack([A, -card]).tocsr(), np.concatenate([b, -rhs]), c, offset, scale)
    rows.append({"lever": "lp+cardinality", "bound": value, "incumbent": np.nan, "seconds": seconds})
    integral = np.ones(len(c))
    integral[x0:x0 + model.variables.x.size] = 0
    started = time.perf_counter()
    result = milp(c, constraints=[LinearConstraint(A, -np.inf, b)], integrality=integral, bounds=Bounds(0, 1),
                  options={"time_limit": args.relax_limit, "mip_rel_gap": 1e-4})
    rows.append({"lever": "fixed-integer", "bound": (result.mip_dual_bound + offset) * scale,
                 "incumbent": np.nan if result.fun is None else (result.fun + offset) * scale,
                 "seconds": time.perf_counter() - started})
    for solver in ("scip", "highs"):
        started = time.perf_counter()
        solution = verified(optimize(instance.contacts, restricted, solver=solver, time_limit_s=args.time_limit,
                                     rel_gap=0.02, threads=1, diagnose=False), instance.contacts, restricted)
        rows.append({"lever": solver, "bound": solution.bound, "incumbent": solution.objective,
                     "seconds": time.perf_counter() - started})
    for row in rows:
        row.update(provider=provider, contacts=data.n_contacts, stations=len(data.station_ids))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10, help="satellites")
    parser.add_argument("--trial", type=int, default=0)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--providers", nargs="+", default=None, help="default: every provider of the trial")
    parser.add_argument("--time-limit", type=float, default=20.0, help="full MILPs, s (the study's 20 s)")
    parser.add_argument("--relax-limit", type=float, default=120.0, help="the fixed-integer relaxation, s")
    args = parser.parse_args()
    settings = StudySettings()
    instance = trial_instance(None, args.n, args.trial, seed=args.seed, settings=settings)
    problem = instance.problem("min_cost", settings)
    rows = []
    for provider in args.providers or available_providers(problem):
        found = bounds_of(instance, problem, provider, args)
        rows += found
        print(f"{provider}: " + ", ".join(f"{r['lever']} {r['bound']:,.0f}" for r in found), flush=True)
    table = pd.DataFrame(rows)
    full = table[table["lever"].isin(["scip", "highs"])]
    table = table.join(full.groupby("provider")["incumbent"].min().rename("best_network"), on="provider")
    table = table.join(table[table["lever"] == "lp"].set_index("provider")["bound"].rename("lp_bound"), on="provider")
    table["bound / lp"] = table["bound"] / table["lp_bound"]
    table["gap to best network"] = 1 - table["bound"] / table["best_network"]
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table[["provider", "contacts", "stations", "lever", "bound", "incumbent", "bound / lp",
                     "gap to best network", "seconds"]].round(3).to_string(index=False))
        print("\nmedian bound / lp per lever:")
        print(table.groupby("lever")["bound / lp"].median().round(3).to_string())


if __name__ == "__main__":
    main()
