"""Solver options, validated once at the boundary, and the one time budget of a call.

:class:`SolverOptions` is what every entry point (:func:`gstk.optimize`, the CLI,
scenario files, the explorer, the study) builds from its keywords; nothing below
it re-reads loose ``**kwargs``.  :class:`TimeBudget` is the single wall clock of
one ``optimize``/``solve`` call: decomposition, the min-max-gap search and the
infeasibility diagnosis all draw from it, so ``time_limit_s`` bounds the whole
call, not each of its solves.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any

import numpy as np

from gstk.errors import GstkError


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


#: The MILP backends gstk can run.
SOLVERS = ("scip", "highs")


@dataclass(frozen=True)
class SolverOptions:
    """How to solve: the MILP solver, limits, threads, seed, extra solver parameters and warm start.

    Parameters
    ----------
    solver : {"scip", "highs"}
        The MILP backend: SCIP (default) or HiGHS (``pip install "gstk[highs]"``).  The
        provider-set searches and min cost run on either; the exact min-max gap search and
        the infeasibility diagnosis always run on SCIP.
    time_limit_s : float, optional
        Wall-clock limit in seconds for the whole call (every solve of it); None: no limit.
    rel_gap : float, optional
        Relative optimality gap at which a solve stops and counts as optimal.
    threads : int
        SCIP LP threads and ``parallel/maxnthreads``.
    seed : int
        SCIP random seed shift, in [0, 2**31).
    scip_params : mapping
        Extra SCIP parameters by name (``{"limits/nodes": 1000}``); they override the rest.
    highs_options : mapping
        Extra HiGHS options by name (``{"mip_heuristic_effort": 0.2}``), used when ``solver="highs"``.
    warm_start : bool
        Hand SCIP a start solution when one is known.
    greedy_start : bool
        For min cost (2) under the downlink floor (9), build a start with the greedy cover of
        :mod:`gstk.solve.greedy` (and, with a time limit, polish it on its own stations).  Off by
        default: on the study's 10-satellite networks at 20 s it changed the median cost by 0 %
        (from -36 % to +11 % per network; ``benchmarks/bench_study.py``).
    branch_priority : bool
        SCIP branches on providers z, then stations y, then licences w before contacts x
        (branching priorities 3, 2, 1, 0).  SCIP only; off by default.

    Examples
    --------
    >>> SolverOptions(time_limit_s=60, rel_gap=0.01).threads
    1
    >>> SolverOptions.from_kwargs(SolverOptions(threads=2), time_limit_s=5).time_limit_s
    5
    >>> SolverOptions.from_kwargs(time_limit=5)
    Traceback (most recent call last):
    ...
    gstk.errors.GstkError: unknown solver option(s) ['time_limit']; expected some of ['branch_priority', \
'greedy_start', 'highs_options', 'rel_gap', 'scip_params', 'seed', 'solver', 'threads', 'time_limit_s', 'warm_start']
    """

    solver: str = "scip"
    time_limit_s: float | None = None
    rel_gap: float | None = None
    threads: int = 1
    seed: int = 0
    scip_params: Mapping[str, Any] = field(default_factory=dict)
    warm_start: bool = True
    greedy_start: bool = False
    highs_options: Mapping[str, Any] = field(default_factory=dict)
    branch_priority: bool = False

    def __post_init__(self) -> None:
        if self.solver not in SOLVERS:
            raise GstkError(f"unknown solver {self.solver!r}; expected one of {list(SOLVERS)}")
        t = self.time_limit_s
        if t is not None and not (_is_number(t) and not math.isnan(t) and t >= 0):
            raise GstkError(f"time_limit_s must be a number >= 0 or None, got {t!r}")
        if self.rel_gap is not None and not (_is_number(self.rel_gap) and self.rel_gap >= 0):
            raise GstkError(f"rel_gap must be a number >= 0 or None, got {self.rel_gap!r}")
        if isinstance(self.threads, bool) or not isinstance(self.threads, (int, np.integer)) or self.threads < 1:
            raise GstkError(f"threads must be an integer >= 1, got {self.threads!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) or not 0 <= self.seed < 2**31:
            raise GstkError(f"seed must be an integer in [0, 2**31), got {self.seed!r}")
        if not isinstance(self.scip_params, Mapping):
            raise GstkError(f"scip_params must be a mapping of SCIP parameter names to values, "
                            f"got {type(self.scip_params).__name__}")
        for name in ("warm_start", "greedy_start", "branch_priority"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise GstkError(f"{name} must be True or False, got {getattr(self, name)!r}")
        for name in ("scip_params", "highs_options"):
            if not isinstance(getattr(self, name), Mapping):
                raise GstkError(f"{name} must be a mapping of parameter names to values, "
                                f"got {type(getattr(self, name)).__name__}")
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    @classmethod
    def from_kwargs(cls, base: SolverOptions | None = None, **options: Any) -> SolverOptions:
        """Return ``base`` (default: the defaults) with the keyword options that are not None.

        An unknown keyword is a one-line error naming the known ones.
        """
        known = sorted(f.name for f in fields(cls))
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise GstkError(f"unknown solver option(s) {unknown}; expected some of {known}")
        if base is not None and not isinstance(base, SolverOptions):
            raise GstkError(f"options must be a SolverOptions, got {type(base).__name__}")
        changes = {k: v for k, v in options.items() if v is not None}
        return replace(base, **changes) if base is not None else cls(**changes)

    def to_dict(self) -> dict[str, Any]:
        """Return the options as plain JSON-ready values (the ``solver`` section of a scenario file)."""
        return {"solver": self.solver, "time_limit_s": None if self.time_limit_s is None else float(self.time_limit_s),
                "rel_gap": None if self.rel_gap is None else float(self.rel_gap), "threads": int(self.threads),
                "seed": int(self.seed), "scip_params": dict(self.scip_params), "warm_start": bool(self.warm_start),
                "greedy_start": bool(self.greedy_start), "highs_options": dict(self.highs_options),
                "branch_priority": bool(self.branch_priority)}


class TimeBudget:
    """The wall-clock budget of one call: started once, drawn from by every solve in it.

    Examples
    --------
    >>> budget = TimeBudget(None)
    >>> budget.remaining_s() is None, budget.expired()
    (True, False)
    >>> TimeBudget(0.0).expired()
    True
    """

    def __init__(self, limit_s: float | None, *, clock: Callable[[], float] = time.perf_counter) -> None:
        self.limit_s = None if limit_s is None else float(limit_s)
        self._clock = clock
        self.started = clock()

    def elapsed_s(self) -> float:
        """Return the seconds since the budget started."""
        return self._clock() - self.started

    def remaining_s(self) -> float | None:
        """Return the seconds left (>= 0), or None without a limit."""
        if self.limit_s is None:
            return None
        return max(self.limit_s - self.elapsed_s(), 0.0)

    def expired(self) -> bool:
        """Return whether a limit was set and no time is left."""
        remaining = self.remaining_s()
        return remaining is not None and remaining <= 0.0

    def capped(self, seconds: float) -> float:
        """Return ``seconds``, or less if the budget has less left."""
        remaining = self.remaining_s()
        return float(seconds) if remaining is None else min(float(seconds), remaining)

    def __repr__(self) -> str:
        left = self.remaining_s()
        return f"<TimeBudget {'unlimited' if left is None else f'{left:.1f} s left of {self.limit_s:g} s'}>"
