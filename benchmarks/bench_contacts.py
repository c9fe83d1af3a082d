"""Benchmark gstk.contacts.compute_contacts against Skyfield's find_events on the same workload.

Workload (defaults): 10 satellites with perigee and apogee in 400-700 km drawn with a fixed seed
from the shared Celestrak snapshot (nothing excluded: most draws are Starlink, as in the
catalog) x every operational station of the bundled catalog x 7 days from the snapshot epoch
2025-03-11T00:00Z, each station with its own elevation mask.  Skyfield 1.x
``EarthSatellite.find_events`` (builtin timescale, no downloads) runs on the same pairs in the
same process.  Printed: wall and CPU times, their ratio, window counts, how many windows agree
within 1 s at both ends, and SGP4 propagations per second against raw ``SatrecArray`` throughput.
Then the same search with rate integration on (a link budget at every station, and an ACM rate table),
and with a horizon mask at every station, each against the plain search (target: rates at most 2x
slower).

Run: ``python benchmarks/bench_contacts.py [--satellites 10] [--days 7] [--seed 2025] [--repeat 5]``
(``--quick``: 2 satellites, 1 day, 1 repeat, no Skyfield: a smoke run of the rate and mask timings).
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from gstk.catalog.stations import load_stations
from gstk.contacts.masks import HorizonMask
from gstk.contacts.rates import LinkBudget, RateTable
from gstk.contacts.windows import compute_contacts
from gstk.datasets import shared_tle_path
from gstk.orbits.satellites import load_satellites

START = pd.Timestamp("2025-03-11T00:00:00Z")
#: Windows agree when AOS and LOS are both within this (Skyfield finds events to ~0.5 s).
MATCH_S = 1.0
#: The rate models timed: an X-band link budget and an ACM table (the example scenario's).
LINK_BUDGET = LinkBudget(eirp_dbw=10, gt_db_k=31, frequency_hz=8.2e9, ebn0_db=4.4, margin_db=3, losses_db=1,
                         zenith_attenuation_db=0.3, max_rate_bps=1.2e9)
RATE_TABLE = RateTable(elevation_deg=(5, 15, 30, 50), rate_bps=(1.5e8, 4e8, 8e8, 1.2e9))
#: A terrain mask put at every station for the mask timing.
TERRAIN = HorizonMask.from_points([(0, 5), (60, 12), (100, 18), (140, 8), (220, 5), (300, 6)])


def workload(n_satellites: int, seed: int):
    """Return (satellites, stations) of the benchmark."""
    catalog = load_satellites(shared_tle_path())
    return catalog.select(altitude_km=(400, 700)).sample(n_satellites, seed=seed), load_stations()


def timed(fn, *args, **kwargs):
    """Return fn's result, wall seconds and CPU seconds (all threads of the process)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def raw_sgp4_rate(satellites, n_times: int = 100_000, repeat: int = 5) -> float:
    """Return SGP4 propagations per CPU second of one SatrecArray call (best of ``repeat``)."""
    sat_array = satellites.satrec_array()
    jd = np.full(n_times, 2_460_745.5)
    fr = np.arange(n_times) * 60.0 / 86_400.0
    best = min(timed(sat_array.sgp4, jd, fr)[2] for _ in range(repeat))
    return len(satellites) * n_times / best


def skyfield_time(ts, stamp: pd.Timestamp):
    """Return a Skyfield UTC Time keeping the Timestamp's nanoseconds."""
    stamp = stamp.tz_convert("UTC")
    return ts.utc(stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute,
                  stamp.second + stamp.microsecond * 1e-6 + stamp.nanosecond * 1e-9)


def skyfield_windows(satellites, stations, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """Return Skyfield's windows (rise -> set pairs, clipped at the ends) in gstk's columns."""
    from skyfield.api import EarthSatellite, load, wgs84

    ts = load.timescale(builtin=True)
    t0, t1 = skyfield_time(ts, start), skyfield_time(ts, end)
    span_s = (end - start).total_seconds()
    rows = []
    for satellite_id, satrec in zip(satellites.satellite_id, satellites.satrecs):
        sat = EarthSatellite.from_satrec(satrec, ts)
        for st in stations.itertuples():
            topos = wgs84.latlon(st.lat_deg, st.lon_deg, elevation_m=st.alt_m)
            times, events = sat.find_events(topos, t0, t1, altitude_degrees=st.min_elevation_deg)
            seconds = (times.tt - t0.tt) * 86_400.0
            aos = 0.0 if (sat - topos).at(t0).altaz()[0].degrees > st.min_elevation_deg else None
            for t_s, event in zip(seconds, events):
                if event == 0:
                    aos = t_s
                elif event == 2:
                    rows.append((satellite_id, st.station_id, 0.0 if aos is None else aos, t_s))
                    aos = None
            if aos is not None:
                rows.append((satellite_id, st.station_id, aos, span_s))
    return pd.DataFrame(rows, columns=["satellite_id", "station_id", "aos_s", "los_s"])


def matched(ours: pd.DataFrame, theirs: pd.DataFrame, tol_s: float = MATCH_S) -> int:
    """Return how many of our windows have a window of the same pair with AOS and LOS within tol_s."""
    keys = ["satellite_id", "station_id"]
    as_text = {"satellite_id": str, "station_id": str}
    left = ours[keys + ["aos_s", "los_s"]].astype(as_text).sort_values("aos_s")
    right = theirs[keys + ["aos_s", "los_s"]].astype(as_text).sort_values("aos_s")
    pairs = pd.merge_asof(left, right.rename(columns={"los_s": "los_sky", "aos_s": "aos_sky"}),
                          left_on="aos_s", right_on="aos_sky", by=keys, direction="nearest")
    ok = ((pairs["aos_s"] - pairs["aos_sky"]).abs() <= tol_s) & (
        (pairs["los_s"] - pairs["los_sky"]).abs() <= tol_s)
    return int(ok.sum())


def link_timings(satellites, stations, start, end, repeat: int) -> None:
    """Print the search's median wall time plain, with each rate model, and with horizon masks; and ratios."""
    masks = {station: TERRAIN for station in stations["station_id"]}
    variants = {"plain": {}, "link budget": {"rates": LINK_BUDGET}, "rate table": {"rates": RATE_TABLE},
                "horizon masks": {"horizon_masks": masks}}
    walls, tables = {}, {}
    compute_contacts(satellites, stations, start, end, progress=False, rates=RATE_TABLE)  # warm caches and imports
    for name, extra in variants.items():
        runs = [timed(compute_contacts, satellites, stations, start, end, progress=False, **extra)
                for _ in range(repeat)]
        walls[name], tables[name] = statistics.median(r[1] for r in runs), runs[0][0]
    base = walls["plain"]
    for name, wall in walls.items():
        extra = ""
        if "volume_bit" in tables[name]:
            extra = f"; mean rate {tables[name]['mean_rate_bps'].mean() / 1e6:.0f} Mbit/s"
        print(f"{name:<14}: {wall:.3f} s wall (median of {repeat}), {wall / base:.2f}x plain, "
              f"{len(tables[name])} windows{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--satellites", type=int, default=10)
    parser.add_argument("--days", type=float, default=7.0)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2 satellites, 1 day, 1 repeat, rates and masks only")
    args = parser.parse_args()
    if args.quick:
        satellites, stations = workload(2, args.seed)
        link_timings(satellites, stations, START, START + pd.Timedelta(days=1), 1)
        return

    satellites, stations = workload(args.satellites, args.seed)
    start, end = START, START + pd.Timedelta(days=args.days)
    print(f"workload: {len(satellites)} satellites ({', '.join(satellites.name)}) x {len(stations)} "
          f"stations x {args.days:g} days from {start:%Y-%m-%dT%H:%MZ}")

    first, first_wall, first_cpu = timed(compute_contacts, satellites, stations, start, end, progress=False)
    runs = [timed(compute_contacts, satellites, stations, start, end, progress=False)[1:]
            for _ in range(args.repeat)]
    wall = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    sky, sky_wall, sky_cpu = timed(skyfield_windows, satellites, stations, start, end)

    props = first.attrs["propagations"]
    raw = raw_sgp4_rate(satellites)
    print(f"gstk     : first call {first_wall:.3f} s wall; median of {args.repeat}: {wall:.3f} s wall, "
          f"{cpu:.3f} s CPU; step {first.attrs['step_s']:.1f} s")
    print(f"skyfield : {sky_wall:.2f} s wall, {sky_cpu:.2f} s CPU")
    print(f"ratio    : {sky_wall / wall:.1f}x wall, {sky_cpu / cpu:.1f}x CPU (skyfield / gstk median)")
    print(f"windows  : gstk {len(first)}, skyfield {len(sky)}; gstk windows matching a skyfield window "
          f"within {MATCH_S:g} s at AOS and LOS: {matched(first, sky)}; skyfield windows matched by gstk: "
          f"{matched(sky, first)}")
    print(f"sgp4     : gstk {props} propagations in {cpu:.3f} s CPU = {props / cpu / 1e6:.2f} M/s "
          "end to end; "
          f"raw SatrecArray {raw / 1e6:.2f} M/s per CPU s, so SGP4 itself is {props / raw:.3f} s "
          f"({100 * props / raw / cpu:.0f}% of gstk's CPU)")
    link_timings(satellites, stations, start, end, args.repeat)


if __name__ == "__main__":
    main()
