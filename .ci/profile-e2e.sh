#!/usr/bin/env bash
# `profile` and `calibrate` end to end on the debug build (small sizes: seconds): the JSON keys, the preset
# that `simulate` accepts, the Chrome trace, and bad flags (exit 2, no output file).
set -euo pipefail
bin=${1:-.build/debug/linkscope}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "profile-e2e: $*"; exit 1; }
"$bin" profile --model mlp --iterations 4 --batch 16 --sync ps --servers 2 --format json \
  --trace-out "$tmp/trace.json" >"$tmp/out.json" 2>"$tmp/err" || fail "profile failed: $(cat "$tmp/err")"
for key in '"iteration"' '"measured_s"' '"simulated_s"' '"error_pct"' '"phases"' '"samples_per_s"' '"allreduce_gbps"'; do
  grep -q "$key" "$tmp/out.json" || fail "JSON lacks $key"
done
grep -q '"traceEvents"' "$tmp/trace.json" || fail "no Chrome trace written"
"$bin" profile --model mlp --iterations 3 --batch 16 --pipeline 2 --schedule gpipe >"$tmp/pipe.txt" 2>/dev/null \
  || fail "pipeline profile failed"
grep -q "^iteration" "$tmp/pipe.txt" || fail "pipeline report lacks the iteration row"
"$bin" calibrate --model mlp --batch 16 --workers 2 --repeats 1 --out "$tmp/machine.yaml" 2>/dev/null || fail "calibrate failed"
"$bin" simulate "$tmp/machine.yaml" >/dev/null || fail "simulate rejects the calibrated preset"
for bad in "--sync bogus" "--workers 0" "--model resnet" "--batch 10 --micro-batches 3" "--format xml"; do
  # shellcheck disable=SC2086
  if "$bin" profile $bad --trace-out "$tmp/bad.json" >/dev/null 2>&1; then fail "accepted: profile $bad"; fi
  rc=0; "$bin" profile $bad >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 2 ] || fail "profile $bad: exit $rc, expected 2"
  [ ! -e "$tmp/bad.json" ] || fail "profile $bad wrote an output file"
done
echo "profile-e2e: passed"
