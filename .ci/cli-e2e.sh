#!/usr/bin/env bash
# End-to-end checks of the command line as a user meets it: exit codes, error locations, no partial
# output files, and the Chrome trace's structure (as Perfetto reads it). Usage: .ci/cli-e2e.sh BINARY
set -uo pipefail
bin=${1:?usage: cli-e2e.sh BINARY}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# expect_error NAME EXPECTED_STDERR_REGEX YAML
expect_error() {
  local name=$1 regex=$2 yaml=$3
  printf '%s\n' "$yaml" > "$tmp/$name.yaml"
  rm -f "$tmp/out.json"
  "$bin" simulate "$tmp/$name.yaml" --trace-out "$tmp/out.json" >"$tmp/stdout" 2>"$tmp/stderr"
  local code=$?
  [ $code -eq 2 ] || { bad "$name: exit $code, expected 2"; return; }
  grep -qE "$regex" "$tmp/stderr" || { bad "$name: stderr '$(cat "$tmp/stderr")' does not match '$regex'"; return; }
  [ ! -e "$tmp/out.json" ] || { bad "$name: wrote a partial trace file"; return; }
  [ ! -s "$tmp/stdout" ] || { bad "$name: printed a partial report"; return; }
  grep -q "Stack\|Fatal error\|Backtrace" "$tmp/stderr" && { bad "$name: crashed"; return; }
  ok
}

expect_error syntax '^.*/syntax\.yaml:3:12: error: invalid YAML' $'name: x\ncluster: {preset: dgx1-v100\ncollectives: []'
expect_error unknown-key '^.*/unknown-key\.yaml:3:3: error: unknown key .presett. \(did you mean .preset.\?\)' $'name: x\ncluster:\n  presett: dgx1-v100'
expect_error missing-unit '^.*/missing-unit\.yaml:4:[0-9]+: error: .*unit' $'name: x\ncluster: {preset: dgx1-v100}\ncollectives:\n  - {op: allreduce, algorithm: ring, sizes: [1024]}'
expect_error wrong-type '^.*/wrong-type\.yaml:3:[0-9]+: error: ' $'name: x\ncluster: {preset: dgx1-v100}\ngpus: yes-please\ncollectives:\n  - {op: allreduce, algorithm: ring, sizes: [1 MiB]}'
expect_error gpu-range '^.*/gpu-range\.yaml:3:[0-9]+: error: .*GPU' $'name: x\ncluster: {preset: dgx1-v100}\ngpus: [0, 1, 9]\ncollectives:\n  - {op: allreduce, algorithm: ring, sizes: [1 MiB]}'
expect_error zero-bw '^.*/zero-bw\.yaml:[0-9]+:[0-9]+: error: ' $'name: x\ncluster:\n  devices: [{id: a, kind: gpu}, {id: b, kind: gpu}]\n  links: [{from: a, to: b, bandwidth: 0 GB/s, latency: 1 us, kind: nvlink}]\ncollectives:\n  - {op: allreduce, algorithm: ring, sizes: [1 MiB]}'
expect_error disconnected '^.*/disconnected\.yaml:[0-9]+:[0-9]+: error: .*disconnected' $'name: x\ncluster:\n  devices: [{id: a, kind: gpu}, {id: b, kind: gpu}, {id: c, kind: gpu}]\n  links: [{from: a, to: b, bandwidth: 10 GB/s, latency: 1 us, kind: nvlink}]\ncollectives:\n  - {op: allreduce, algorithm: ring, sizes: [1 MiB]}'
# Errors found while planning point at the entry that asked (file:line:col), not only at the file.
expect_error planning-collective '^.*/planning-collective\.yaml:4:5: error: spanning-trees needs GPUs joined by NVLink.*\(at collectives\[1\]\)' $'cluster: {preset: pcie-4gpu}\ncollectives:\n  - {op: allreduce, algorithm: ring, size: 1 MiB}\n  - {op: allreduce, algorithm: spanning-trees, size: 1 MiB}'
expect_error planning-training '^.*/planning-training\.yaml:[0-9]+:[0-9]+: error: .*\(at training.sync\)' $'cluster: {preset: pcie-4gpu}\nmodel: {preset: book-mnist-cnn}\ntraining:\n  iterations: 1\n  sync: {algorithm: spanning-trees}'

# Missing file, bad arguments: exit 2.
"$bin" simulate "$tmp/nope.yaml" >/dev/null 2>"$tmp/stderr"; code=$?
[ $code -eq 2 ] && grep -q "nope.yaml: error: no such file" "$tmp/stderr" && ok || bad "missing file: exit $code"
"$bin" simulate --format xml scenarios/custom-graph.yaml >/dev/null 2>&1; code=$?
[ $code -eq 2 ] && ok || bad "bad --format: exit $code, expected 2"
"$bin" frobnicate >/dev/null 2>&1; code=$?
[ $code -eq 2 ] && ok || bad "unknown subcommand: exit $code, expected 2"

# check: 0 on the stored baseline, 1 with a diff on a tampered one.
"$bin" check scenarios/custom-graph.yaml --baseline traces/custom-graph.traffic.json >/dev/null; code=$?
[ $code -eq 0 ] && ok || bad "check on its own baseline: exit $code"
sed 's/"bytes": \([0-9]*\)/"bytes": 1\1/' traces/custom-graph.traffic.json > "$tmp/tampered.json"
"$bin" check scenarios/custom-graph.yaml --baseline "$tmp/tampered.json" >"$tmp/stdout"; code=$?
[ $code -eq 1 ] && grep -q "~ .*bytes: baseline" "$tmp/stdout" && ok || bad "check on a tampered baseline: exit $code"

# A Chrome trace as Perfetto reads it: an object with traceEvents; every pid named by process_name
# metadata, every tid by thread_name; X events with numeric ts/dur; no overlapping slices on a thread.
"$bin" simulate scenarios/custom-graph.yaml --trace-out "$tmp/trace.json" --format json > "$tmp/report.json"; code=$?
[ $code -eq 0 ] && ok || bad "simulate with trace: exit $code"
python3 - "$tmp/trace.json" "$tmp/report.json" <<'PY' && ok || bad "trace structure"
import json, sys, collections
t = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))
ev = t["traceEvents"]
named_p = {e["pid"] for e in ev if e["ph"] == "M" and e["name"] == "process_name"}
named_t = {(e["pid"], e["tid"]) for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
xs = [e for e in ev if e["ph"] == "X"]
assert xs, "no slices"
for e in xs:
    assert isinstance(e["ts"], (int, float)) and isinstance(e["dur"], (int, float)) and e["dur"] >= 0
    assert e["pid"] in named_p, ("unnamed process", e["pid"])
    assert (e["pid"], e["tid"]) in named_t, ("unnamed thread", e["pid"], e["tid"])
by = collections.defaultdict(list)
for e in xs: by[(e["pid"], e["tid"])].append((e["ts"], e["ts"] + e["dur"]))
for k, v in by.items():
    v.sort()
    for (a0, a1), (b0, b1) in zip(v, v[1:]):
        assert b0 >= a1 - 1e-6, ("overlapping slices on", k, (a0, a1), (b0, b1))
for key in ["scenario", "simulated_time_s", "iteration_time_s", "events", "collectives", "gpus", "links"]:
    assert key in r, key
c = r["collectives"][0]
for key in ["op", "algorithm", "gpus", "bytes", "time_s", "algbw_gbps", "busbw_gbps", "formula_time_s"]:
    assert key in c, key
PY

# topo: NVLink ring and tree rates for DGX-1 subsets (JSON keys of docs/output-formats.md).
"$bin" topo dgx1-v100 --gpus 0,1,5,6 --format json > "$tmp/topo.json" && python3 - "$tmp/topo.json" <<'PY' && ok || bad "topo json"
import json, sys
t = json.load(open(sys.argv[1]))
for k in ["devices", "links", "gpus", "nvlink_rings", "ring_rate_gbps", "tree_broadcast_rate_gbps", "tree_allreduce_rate_gbps"]:
    assert k in t, k
assert t["gpus"] == [0, 1, 5, 6] and t["nvlink_rings"] == [], t["nvlink_rings"]
assert abs(t["tree_broadcast_rate_gbps"] - 25) < 1e-9 and t["ring_rate_gbps"] < t["tree_broadcast_rate_gbps"]
assert all(set(l) >= {"from", "to", "kind", "bandwidth_gbps", "latency_s"} for l in t["links"])
PY
"$bin" topo dgx1-v100 --gpus 0,1,4,5 | grep -q "NVLink rings: 0-1-5-4" && ok || bad "topo text: ring 0-1-5-4"
"$bin" topo dgx1-v100 --gpus 0,9 >/dev/null 2>"$tmp/stderr"; code=$?
[ $code -eq 2 ] && ok || bad "topo with GPU 9: exit $code"

# formulas: the book's MNIST CNN at N = 8 (docs/cost-model.md §21 A), exact integers.
"$bin" formulas --ranks 8 --size 4805528B --bandwidth 25GB/s > "$tmp/formulas.txt"
for n in 38444224 76888448 8409674 67277392 33638696 269109568; do
  grep -q "$n" "$tmp/formulas.txt" && ok || bad "formulas: $n missing"
done
"$bin" formulas --ranks 8 --size 4805528 --bandwidth 25GB/s >/dev/null 2>"$tmp/stderr"; code=$?
[ $code -eq 2 ] && grep -q "no unit" "$tmp/stderr" && ok || bad "formulas without a unit: exit $code"

# nccl-tests: the table's header, NCCL's pick, --compare against a run in nccl-tests' own format, bad input.
"$bin" nccl-tests all_reduce -b 8 -e 1G -f 8 --preset dgx-h100 > "$tmp/nccl.txt" 2>&1
grep -q "#       size         count      type   redop    root     time   algbw   busbw #wrong" "$tmp/nccl.txt" \
  && grep -q "nvls/simple" "$tmp/nccl.txt" && ok || bad "nccl-tests table: $(head -3 "$tmp/nccl.txt")"
grep -E '^ *[0-9]+ ' "$tmp/nccl.txt" | head -4 > "$tmp/nccl-run.txt"
"$bin" nccl-tests all_reduce -b 8 -e 1G -f 8 --preset dgx-h100 --compare "$tmp/nccl-run.txt" > "$tmp/cmp.txt" 2>&1 \
  && grep -q "mean |error| 0.0 % over 4 sizes" "$tmp/cmp.txt" && ok || bad "nccl-tests --compare: $(tail -2 "$tmp/cmp.txt")"
"$bin" nccl-tests all_twist -b 8 -e 1G >/dev/null 2>"$tmp/stderr"; code=$?
[ $code -eq 2 ] && grep -q "unknown operation" "$tmp/stderr" && ok || bad "nccl-tests bad op: exit $code"

# Byte-identical reruns.
"$bin" simulate scenarios/custom-graph.yaml --trace-out "$tmp/trace2.json" --format json > "$tmp/report2.json"
cmp -s "$tmp/trace.json" "$tmp/trace2.json" && cmp -s "$tmp/report.json" "$tmp/report2.json" && ok || bad "reruns differ"

# Hand-made Kineto traces of a 2-rank job (and a rank 0 of another job) for analyze and replay.
python3 - "$tmp" <<'PY'
import json, sys
def trace(rank, world, path):
    ev = []
    for k in range(3):
        ev.append({"ph": "X", "cat": "user_annotation", "name": f"ProfilerStep#{k}", "pid": 1, "tid": 1, "ts": k * 1000, "dur": 1000})
        ev.append({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": k * 1000 + 5, "dur": 2, "args": {"correlation": k + 1}})
        ev.append({"ph": "X", "cat": "kernel", "name": "gemm", "pid": 0, "tid": 7, "ts": k * 1000 + 10, "dur": 300, "args": {"stream": 7, "correlation": k + 1, "device": 0}})
    json.dump({"distributedInfo": {"backend": "nccl", "rank": rank, "world_size": world}, "traceEvents": ev}, open(path, "w"))
trace(0, 2, sys.argv[1] + "/rank0.json"); trace(1, 2, sys.argv[1] + "/rank1.json"); trace(0, 4, sys.argv[1] + "/other-job-rank0.json")
# The same job with an NCCL all-reduce of 1 MiB after each step's GEMM, so replay has collectives to list.
def comm_trace(rank, path):
    ev = []
    for k in range(3):
        ev.append({"ph": "X", "cat": "user_annotation", "name": f"ProfilerStep#{k}", "pid": 1, "tid": 1, "ts": k * 1000, "dur": 1000})
        for j, (name, stream, ts, dur, extra) in enumerate([
                ("gemm", 7, 10, 300, {}),
                ("ncclKernel_AllReduce_RING_LL_Sum_float(ncclDevComm*, unsigned long, ncclWork*)", 13, 320, 200,
                 {"Collective name": "allreduce", "In msg nelems": 262144, "dtype": "Float", "Group size": 2,
                  "Process Group Name": "0", "Process Group Ranks": "[0, 1]"})]):
            corr = 10 * k + j + 1
            ev.append({"ph": "X", "cat": "cuda_runtime", "name": "cudaLaunchKernel", "pid": 1, "tid": 1, "ts": k * 1000 + ts - 5, "dur": 2, "args": {"correlation": corr}})
            ev.append({"ph": "X", "cat": "kernel", "name": name, "pid": 0, "tid": stream, "ts": k * 1000 + ts, "dur": dur, "args": dict({"stream": stream, "correlation": corr, "device": 0}, **extra)})
    json.dump({"distributedInfo": {"backend": "nccl", "rank": rank, "world_size": 2}, "traceEvents": ev}, open(path, "w"))
comm_trace(0, sys.argv[1] + "/comm0.json"); comm_trace(1, sys.argv[1] + "/comm1.json")
PY

# --format csv is honoured (not text) by every command with a table, and CSV agrees with JSON.
csv_matches_json() {  # NAME JSON_FILE CSV_FILE PYTHON_SELECTOR
  python3 - "$2" "$3" "$4" <<'PY' && ok || bad "$1: csv does not match json"
import csv, json, sys
j = json.load(open(sys.argv[1])); rows = list(csv.DictReader(open(sys.argv[2])))
objs = eval(sys.argv[3])
assert rows and len(rows) == len(objs), (len(rows), len(objs))
for r, o in zip(rows, objs):
    for k, v in r.items():
        if k not in o: continue
        want = o[k]
        if want is None: assert v == "", (k, v)
        elif isinstance(want, list): assert v == " ".join(str(x) for x in want), (k, v, want)
        elif isinstance(want, bool): assert v == ("true" if want else "false"), (k, v)
        elif isinstance(want, (int, float)): assert abs(float(v) - want) <= 1e-9 * max(1, abs(want)), (k, v, want)
        else: assert v == want, (k, v, want)
PY
}
"$bin" formulas --ranks 8 --size 4805528B --bandwidth 25GB/s --format json > "$tmp/f.json"
"$bin" formulas --ranks 8 --size 4805528B --bandwidth 25GB/s --format csv > "$tmp/f.csv"
csv_matches_json formulas "$tmp/f.json" "$tmp/f.csv" 'j["schemes"]'
"$bin" topo dgx1-v100 --gpus 0,1,5,6 --format json > "$tmp/t.json"; "$bin" topo dgx1-v100 --gpus 0,1,5,6 --format csv > "$tmp/t.csv"
csv_matches_json topo "$tmp/t.json" "$tmp/t.csv" 'j["links"]'
"$bin" analyze "$tmp/rank0.json" "$tmp/rank1.json" --format json > "$tmp/a.json"
"$bin" analyze "$tmp/rank0.json" "$tmp/rank1.json" --format csv > "$tmp/a.csv"
csv_matches_json analyze "$tmp/a.json" "$tmp/a.csv" 'j'
"$bin" replay "$tmp/rank0.json" "$tmp/rank1.json" --preset dgx1-v100 --format json > "$tmp/r.json"
"$bin" replay "$tmp/rank0.json" "$tmp/rank1.json" --preset dgx1-v100 --format csv > "$tmp/r.csv"; code=$?
[ $code -eq 0 ] && ok || bad "replay csv: exit $code"
"$bin" replay "$tmp/comm0.json" "$tmp/comm1.json" --preset dgx1-v100 --format json > "$tmp/rc.json"
"$bin" replay "$tmp/comm0.json" "$tmp/comm1.json" --preset dgx1-v100 --format csv > "$tmp/rc.csv"; code=$?
[ $code -eq 0 ] && ok || bad "replay csv with collectives: exit $code"
csv_matches_json replay "$tmp/rc.json" "$tmp/rc.csv" 'j["collectives"]'
# Every JSON collective key is a CSV column (the CSV drops nothing).
python3 - "$tmp/rc.json" "$tmp/rc.csv" <<'PY' && ok || bad "replay csv: columns differ from the json collectives"
import csv, json, sys
j = json.load(open(sys.argv[1])); header = next(csv.reader(open(sys.argv[2])))
assert j["collectives"], "no collectives replayed"
assert set().union(*(c.keys() for c in j["collectives"])) == set(header), header
PY

# nccl-tests: JSON numbers are numbers, CSV is the JSON's rows; --compare adds the measured values per size.
"$bin" nccl-tests all_gather -b 1K -e 64M -f 16 --preset dgx-h100 --format json > "$tmp/n.json"
"$bin" nccl-tests all_gather -b 1K -e 64M -f 16 --preset dgx-h100 --format csv > "$tmp/n.csv"
csv_matches_json nccl-tests "$tmp/n.json" "$tmp/n.csv" 'j["rows"]'
python3 - "$tmp/n.json" "$tmp/n.csv" <<'PY' && ok || bad "nccl-tests json structure"
import csv, json, sys
j = json.load(open(sys.argv[1])); header = next(csv.reader(open(sys.argv[2])))
assert j["operation"] == "all_gather" and j["preset"] == "dgx-h100" and j["gpus"] == 8 and j["comparison"] is None
assert [r["size_bytes"] for r in j["rows"]] == [1024, 16384, 262144, 4194304, 67108864]
for r in j["rows"]:
    assert set(r) == set(header), (sorted(r), header)
    for k in ["size_bytes", "count", "channels"]: assert type(r[k]) is int, (k, r[k])
    for k in ["time_us", "algbw_gbps", "busbw_gbps"]: assert isinstance(r[k], (int, float)) and r[k] > 0, (k, r[k])
    assert r["count"] == r["size_bytes"] // 4 // 8 and r["type"] == "float" and r["redop"] == "none" and r["root"] is None
    assert r["algorithm"] in ("ring", "tree", "nvls", "collnet") and r["protocol"] in ("ll", "ll128", "simple"), r
    assert r["measured_time_us"] is None and r["time_error_pct"] is None
PY
"$bin" nccl-tests all_reduce -b 8 -e 1G -f 8 --preset dgx-h100 --compare "$tmp/nccl-run.txt" --format json > "$tmp/nc.json"
"$bin" nccl-tests all_reduce -b 8 -e 1G -f 8 --preset dgx-h100 --compare "$tmp/nccl-run.txt" --format csv > "$tmp/nc.csv"
csv_matches_json "nccl-tests --compare" "$tmp/nc.json" "$tmp/nc.csv" 'j["rows"]'
python3 - "$tmp/nc.json" <<'PY' && ok || bad "nccl-tests --compare json"
import json, sys
j = json.load(open(sys.argv[1])); rows = j["rows"]
measured = [r for r in rows if r["measured_time_us"] is not None]
assert len(measured) == 4 and all(r["root"] == None and r["redop"] == "sum" for r in rows)
assert all(abs(r["time_error_pct"]) < 0.5 for r in measured), [r["time_error_pct"] for r in measured]
assert all(r["time_error_pct"] is None for r in rows if r["measured_time_us"] is None)
assert j["comparison"]["sizes"] == 4 and j["comparison"]["mean_abs_error_pct"] < 0.5
PY
"$bin" nccl-tests broadcast -b 1M -e 1M --format json | python3 -c 'import json,sys; assert json.load(sys.stdin)["rows"][0]["root"] == 0' \
  && ok || bad "nccl-tests broadcast: root 0"
"$bin" nccl-tests all_reduce --format xml >"$tmp/stdout" 2>"$tmp/stderr"; code=$?
[ $code -eq 2 ] && grep -q "xml" "$tmp/stderr" && [ ! -s "$tmp/stdout" ] && ok || bad "nccl-tests --format xml: exit $code"

# profile: a tiny real run; CSV has one row per phase plus the iteration, matching the JSON (structure only).
"$bin" profile --iterations 3 --batch 8 --workers 2 --format json > "$tmp/p.json" 2>/dev/null; code=$?
"$bin" profile --iterations 3 --batch 8 --workers 2 --format csv > "$tmp/p.csv" 2>/dev/null; code2=$?
[ $code -eq 0 ] && [ $code2 -eq 0 ] && ok || bad "profile json/csv: exit $code/$code2"
python3 - "$tmp/p.json" "$tmp/p.csv" <<'PY' && ok || bad "profile csv does not have the json's phases"
import csv, json, sys
j = json.load(open(sys.argv[1])); rows = list(csv.DictReader(open(sys.argv[2])))
assert list(rows[0].keys()) == ["name", "measured_s", "simulated_s", "error_pct"], list(rows[0].keys())
assert [r["name"] for r in rows] == [p["name"] for p in j["phases"]] + ["iteration"], [r["name"] for r in rows]
for r in rows:
    for k in ["measured_s", "simulated_s", "error_pct"]: float(r[k])
for k in ["measured_s", "simulated_s", "error_pct"]: assert isinstance(j["iteration"][k], (int, float)), k
PY
"$bin" profile --format xml >/dev/null 2>"$tmp/stderr"; code=$?
[ $code -eq 2 ] && grep -q "text, json or csv" "$tmp/stderr" && ok || bad "profile --format xml: exit $code"

# replay: a GPU the preset lacks is an error, as in topo.
"$bin" replay "$tmp/rank0.json" "$tmp/rank1.json" --preset dgx1-v100 --gpus 0,9 >/dev/null 2>"$tmp/stderr"; code=$?
[ $code -eq 2 ] && grep -q "GPU 9 does not exist" "$tmp/stderr" && ok || bad "replay --gpus 0,9: exit $code"

# analyze: files of unrelated jobs are labelled by file and warned about; linkscope's own trace is refused.
"$bin" analyze "$tmp/rank0.json" "$tmp/other-job-rank0.json" > "$tmp/a.txt"; code=$?
[ $code -eq 0 ] && grep -q "different jobs" "$tmp/a.txt" && grep -q "0 other-job-rank0.json" "$tmp/a.txt" && ok \
  || bad "analyze of unrelated jobs: no warning"
"$bin" analyze "$tmp/trace.json" >/dev/null 2>"$tmp/stderr"; code=$?
[ $code -eq 2 ] && grep -q "linkscope view" "$tmp/stderr" && ok || bad "analyze of a linkscope trace: exit $code"

# A sweep point that fails: error text in CSV and JSON, exit 1.
printf 'cluster: {preset: pcie-4gpu}\ncollectives: [{op: allreduce, algorithm: ring, size: 1 MiB}]\nsweep:\n  collectives[0].algorithm: [ring, spanning-trees]\n' > "$tmp/sweep.yaml"
"$bin" simulate "$tmp/sweep.yaml" --format csv > "$tmp/sweep.csv"; code=$?
[ $code -eq 1 ] && grep -q "spanning-trees.*NVLink" "$tmp/sweep.csv" && ok || bad "failed sweep point: exit $code"

# Every example in every command's --help runs as written (from the repository root).
for cmd in simulate tui view analyze replay check topo formulas nccl-tests profile calibrate; do
  # An example may continue on the next line after a trailing backslash, as in a shell.
  "$bin" $cmd --help | awk '/^[ \t]+(Example: )?linkscope /{line=$0; while (line ~ /\\$/ && (getline next_line) > 0) { sub(/\\$/, "", line); line=line next_line } print line}' \
    | sed -E 's/^\s+(Example: )?linkscope //; s/\s+#.*$//; s/\s+/ /g' > "$tmp/examples"
  while IFS= read -r example; do
    [ -n "$example" ] || continue
    eval "\"$bin\" $example" >/dev/null 2>"$tmp/stderr"; code=$?
    [ $code -eq 0 ] && ok || bad "help example 'linkscope $example' (from $cmd --help): exit $code $(head -2 "$tmp/stderr")"
  done < "$tmp/examples"
done

# topo agrees with the simulator on NVSwitch systems: packed rings reach 150 GB/s on a DGX-2, so trees do not
# "beat the ring by 6x"; tree counts read naturally.
"$bin" topo dgx2 > "$tmp/dgx2.txt"
grep -q "ring rate (packed NVLink rings together): 150 GB/s" "$tmp/dgx2.txt" && ! grep -q "trees beat" "$tmp/dgx2.txt" \
  && ok || bad "topo dgx2: ring and tree figures disagree: $(grep -E 'ring rate|beat' "$tmp/dgx2.txt")"
"$bin" topo dgx1-v100 --gpus 0,1 | grep -q "(1 trees)" && bad "topo: '(1 trees)'" || ok
# Likewise on a DGX A100: topo's ring rate is what a simulated 1 GiB ring all-reduce reaches (busbw, within 2 %),
# no "best ring" figure below it that is not called a single ring, no "trees beat", and "1 tree" not "(1 trees)".
"$bin" topo dgx-a100 > "$tmp/a100.txt"
cat > "$tmp/a100.yaml" <<'YAML'
name: dgx-a100 ring all-reduce
cluster: {preset: dgx-a100}
gpus: [0, 1, 2, 3, 4, 5, 6, 7]
collectives:
  - {op: allreduce, algorithm: ring, sizes: [1 GiB]}
YAML
"$bin" simulate "$tmp/a100.yaml" --format json > "$tmp/a100.json"
python3 - "$tmp/a100.txt" "$tmp/a100.json" <<'PY' && ok || bad "topo dgx-a100 disagrees with simulate: $(grep -E 'ring' "$tmp/a100.txt" | tr '\n' ' ')"
import json, re, sys
text = open(sys.argv[1]).read()
rate = re.search(r"ring rate \(packed NVLink rings together\): ([0-9.]+) GB/s", text)
assert rate, "no ring rate line"
ring = float(rate.group(1))
busbw = json.load(open(sys.argv[2]))["collectives"][0]["busbw_gbps"]
assert abs(busbw - ring) <= 0.02 * ring, (ring, busbw)
assert "trees beat" not in text and not re.search(r"\b1 trees\b", text)
for m in re.finditer(r"best (\w+ )?ring ([0-9.]+) GB/s", text):
    assert m.group(1) == "single " or float(m.group(2)) >= ring, m.group(0)
PY
"$bin" topo dgx-a100 --gpus 0,1 > "$tmp/a100-pair.txt"
grep -q "1 tree)" "$tmp/a100-pair.txt" && ! grep -q "1 trees" "$tmp/a100-pair.txt" && ok || bad "topo dgx-a100 --gpus 0,1: tree count wording"

# A --once frame below the dashboard's 80x24 minimum is an error, not a "press q to quit" frame with exit 0.
"$bin" tui --once --height 16 >"$tmp/stdout" 2>"$tmp/stderr"; code=$?
[ $code -eq 2 ] && grep -q "80×24" "$tmp/stderr" && ! grep -q "press q" "$tmp/stdout" && ok || bad "tui --once --height 16: exit $code"
"$bin" tui --once --width 80 --height 24 | head -1 | grep -q "samples/s" && ok || bad "tui --once 80x24: header lost the throughput"

# plan: ranked layouts as JSON (simulated rows first, by flow time), no progress bar when stderr is not a
# terminal, byte-identical serial and parallel; a scenario without training is a located error (exit 2).
"$bin" plan scenarios/plan-gpt-16gpu.yaml --simulate 3 --rows 5 --format json --jobs 2 >"$tmp/plan.json" 2>"$tmp/stderr"; code=$?
[ $code -eq 0 ] && [ ! -s "$tmp/stderr" ] && ok || bad "plan: exit $code, stderr '$(head -c 200 "$tmp/stderr")'"
python3 - "$tmp/plan.json" <<'PY' && ok || bad "plan JSON"
import json, sys
r = json.load(open(sys.argv[1]))
rows = r["layouts"]
assert len(rows) == 5 and r["simulated"] == 3 and r["candidates"] > r["out_of_memory"], r
flows = [x["flow_iteration_time_s"] for x in rows[:3]]
assert None not in flows and flows == sorted(flows), flows
assert all(x["flow_iteration_time_s"] is None for x in rows[3:])
assert all(x["peak_memory_bytes"] <= x["capacity_bytes"] for x in rows)
assert all(x["data"] * x["tensor"] * x["pipeline"] == 16 for x in rows)
PY
"$bin" plan scenarios/plan-gpt-16gpu.yaml --simulate 3 --rows 5 --format json --jobs 1 | cmp -s - "$tmp/plan.json" && ok || bad "plan --jobs 1 differs from --jobs 2"
"$bin" plan scenarios/plan-gpt-16gpu.yaml --simulate 1 --format csv | head -1 | grep -q "^rank,data,tensor,pipeline" && ok || bad "plan csv header"
printf 'name: x\ncluster: {preset: dgx-a100}\nmodel: {preset: gpt2}\ncollectives:\n  - {op: allreduce, algorithm: ring, sizes: [1 MiB]}\n' > "$tmp/plan-no-training.yaml"
"$bin" plan "$tmp/plan-no-training.yaml" >"$tmp/stdout" 2>"$tmp/stderr"; code=$?
[ $code -eq 2 ] && grep -qE 'plan-no-training\.yaml:[0-9]+:[0-9]+: error: plan needs the training job.*\(at training\)' "$tmp/stderr" \
  && [ ! -s "$tmp/stdout" ] && ok || bad "plan without training: exit $code, '$(cat "$tmp/stderr")'"
"$bin" plan scenarios/plan-gpt-16gpu.yaml --simulate -1 >/dev/null 2>&1; code=$?
[ $code -eq 2 ] && ok || bad "plan --simulate -1: exit $code, expected 2"

# Nothing a user reads refers outside the repository.
if grep -rnE '\.\./shared|shared/spec|formulas\.md|interface\.md' README.md docs scenarios scripts >"$tmp/refs" 2>/dev/null; then
  bad "references outside the repository: $(head -3 "$tmp/refs")"
else ok; fi
# Source comments cite the repository's docs/ too (the spec files they were written from are not in a clone).
if grep -rnE '\.\./shared|shared/spec|(^|[^/a-z-])(formulas|interface|hardware|traces|nccl|stack|style)\.md' Sources >"$tmp/refs"; then
  bad "source comments refer outside the repository: $(head -3 "$tmp/refs")"
else ok; fi
for cmd in "" simulate tui view analyze replay check topo formulas nccl-tests profile calibrate plan; do
  "$bin" $cmd --help 2>&1 | grep -qE '\.\./shared|formulas\.md|interface\.md' && bad "$cmd --help refers outside" || ok
done

echo "cli-e2e: $pass passed, $fail failed"
[ $fail -eq 0 ]
