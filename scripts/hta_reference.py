#!/usr/bin/env python3
"""Regenerate Tests/LinkscopeTracesTests/Reference/hta_reference.json from real HTA.

Developer-side step (not run by `swift test`). Needs `pip install holistictraceanalysis==0.5.0`.

    python3 scripts/hta_reference.py [TRACES_DIR] [OUTPUT_JSON]

TRACES_DIR defaults to $LINKSCOPE_SHARED (the traces are not part of the repository). Each trace file is
copied into its own temporary directory outside the repository (HTA maps rank -> file, and two files may claim the same rank).
For every trace it records, per rank:
  * "hta": HTA's default semantics (last ProfilerStep dropped, ns rounding applied)
  * "raw": the same numbers with the ProfilerStep filter skipped (every event in the file)
"""
import json
import logging
import math
import os
import shutil
import sys
import tempfile
import time

logging.disable(logging.WARNING)

from hta.trace_analysis import TraceAnalysis  # noqa: E402
from hta.analyzers.breakdown_analysis import BreakdownAnalysis  # noqa: E402
from hta.analyzers.communication_analysis import CommunicationAnalysis  # noqa: E402
from hta.common.trace import Trace  # noqa: E402
import hta.version  # noqa: E402

TRACE_FILES = ["control.json.gz", "nccl_data.json.gz", "sampled_rank-0.json.gz", "sampled_rank-1.json.gz"]


def num(x):
    if x is None:
        return None
    x = float(x)
    if math.isnan(x):
        return None
    return int(x) if x == int(x) else x


def metrics(t, idle_fn_ranks):
    out = {}
    tb = BreakdownAnalysis.get_temporal_breakdown(t, visualize=False)
    ov = CommunicationAnalysis.get_comm_comp_overlap(t, visualize=False)
    for _, row in tb.iterrows():
        r = int(row["rank"])
        out[str(r)] = {
            "idle_time_us": num(row["idle_time(us)"]),
            "compute_time_us": num(row["compute_time(us)"]),
            "non_compute_time_us": num(row["non_compute_time(us)"]),
            "kernel_time_us": num(row["kernel_time(us)"]),
            "idle_pct": num(row["idle_time_pctg"]),
            "compute_pct": num(row["compute_time_pctg"]),
            "non_compute_pct": num(row["non_compute_time_pctg"]),
        }
    for _, row in ov.iterrows():
        out[str(int(row["rank"]))]["comm_comp_overlap_pct"] = num(row["comp_comm_overlap_pctg"])
    for r in idle_fn_ranks:
        df, _ = BreakdownAnalysis.get_idle_time_breakdown(t, 30, rank=r, visualize=False)
        rows = []
        for _, row in df.iterrows():
            rows.append({"stream": int(row["stream"]), "category": row["idle_category"],
                         "idle_time_us": num(row["idle_time"]), "ratio": num(row["idle_time_ratio"])})
        rows.sort(key=lambda d: (d["stream"], d["category"]))
        out[str(r)]["idle_breakdown"] = rows
    for r, df in t.traces.items():
        gpu = df[df["stream"].ne(-1)]
        out[str(r)]["gpu_event_count"] = int(len(gpu))
    return out


def kernel_breakdown(analyzer):
    types, kernels = analyzer.get_gpu_kernel_breakdown(visualize=False, include_memory_kernels=True)
    ktypes = [{"kernel_type": row["kernel_type"], "sum_us": num(row["sum"]), "percentage": num(row["percentage"])}
              for _, row in types.iterrows()]
    ktable = []
    for _, row in kernels.iterrows():
        ktable.append({"rank": int(row["rank"]), "kernel_type": row["kernel_type"], "name": row["name"],
                       "sum_us": num(row["sum (us)"]), "max_us": num(row["max (us)"]),
                       "min_us": num(row["min (us)"]), "mean_us": num(row["mean (us)"]),
                       "std_us": num(row["stddev"])})
    return ktypes, ktable


def main():
    traces_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LINKSCOPE_SHARED")
    if not traces_dir:
        sys.exit("hta_reference.py: give TRACES_DIR or set LINKSCOPE_SHARED to a folder of Kineto traces")
    here = os.path.dirname(os.path.abspath(__file__))
    output = sys.argv[2] if len(sys.argv) > 2 else os.path.join(
        here, "..", "Tests", "LinkscopeTracesTests", "Reference", "hta_reference.json")
    result = {"hta_version": ".".join(str(v) for v in hta.version.__version_tuple__),
              "generator": "scripts/hta_reference.py", "traces": {}}
    for name in TRACE_FILES:
        src = os.path.join(traces_dir, name)
        if not os.path.exists(src):
            print(f"skip {name}: not found in {traces_dir}")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            shutil.copy(src, os.path.join(tmp, name))
            start = time.perf_counter()
            analyzer = TraceAnalysis(trace_dir=tmp)
            seconds = time.perf_counter() - start
            ranks = sorted(analyzer.t.traces.keys())
            entry = {"ranks": ranks, "load_seconds": round(seconds, 3)}
            entry["hta"] = metrics(analyzer.t, ranks)
            try:
                entry["kernel_types"], entry["kernels"] = kernel_breakdown(analyzer)
            except Exception as exc:  # keep going: the breakdown is an extra
                entry["kernel_breakdown_error"] = repr(exc)
            raw = Trace(trace_dir=tmp)
            raw.parse_traces(use_multiprocessing=False)
            raw._align_all_ranks()
            for r, df in raw.traces.items():
                df = df.set_index("index", drop=False)
                df.index.names = [None]
                raw.traces[r] = df
            raw.is_parsed = True
            entry["raw"] = metrics(raw, ranks)
            result["traces"][name] = entry
            print(f"{name}: ranks {ranks}, HTA load {seconds:.2f} s")
    with open(output, "w") as fh:
        json.dump(result, fh, indent=1, sort_keys=True)
        fh.write("\n")
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
