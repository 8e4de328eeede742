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

# topo: NVLink ring and tree rates for DGX-1 subsets (JSON keys of interface.md).
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

# formulas: the book's MNIST CNN at N = 8 (formulas.md §21 A), exact integers.
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

echo "cli-e2e: $pass passed, $fail failed"
[ $fail -eq 0 ]
