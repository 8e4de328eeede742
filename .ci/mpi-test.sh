#!/usr/bin/env bash
# The Open MPI transport: builds linkscope with the MPI trait (its own scratch path, so the default build
# stays MPI-free), trains for a few iterations on 2 ranks with each sync scheme, and checks that linkscope's
# schedule over MPI point-to-point gives the sum MPI_Allreduce gives on the same buffers. Then sweeps split
# over ranks (`mpirun -np N linkscope simulate`) must give the serial run's report byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
if ! swift build --traits MPI --scratch-path .build-mpi >"$log" 2>&1; then grep -vE 'prohibited flag' "$log"; exit 1; fi
bin=.build-mpi/debug/linkscope
export OMPI_MCA_btl_vader_single_copy_mechanism=none   # containers often forbid cross-memory attach
status=0
for sync in ring tree naive ps; do
  out=$(timeout 120 mpirun --allow-run-as-root --oversubscribe -np 2 "$bin" profile --transport mpi --model mlp \
        --iterations 4 --batch 16 --sync "$sync" 2>&1) || { echo "$out"; echo "mpi $sync: mpirun failed"; status=1; continue; }
  line=$(echo "$out" | grep 'max |difference|' || true)
  diff=$(echo "$line" | sed -E 's/.*max \|difference\| ([0-9.e+-]+).*/\1/')
  if [ -z "$line" ] || ! awk -v d="$diff" 'BEGIN { exit !(d + 0 <= 1e-4) }'; then
    echo "$out"; echo "mpi $sync: schedule result differs from MPI_Allreduce ($diff)"; status=1
  else
    echo "mpi $sync: 2 ranks, schedule == MPI_Allreduce (max |difference| $diff)"
  fi
done
# Sweeps split over ranks: the report, trace and traffic gathered on rank 0 equal the serial run's byte for
# byte, and the other ranks print nothing. big-sweep in text; a sweep with failing points (exit 1) in JSON and
# CSV with the trace and traffic files; 2 and 3 ranks. The same outputs with --jobs 2 (threads in one process).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$log"' EXIT
sweep_case() {  # NAME SCENARIO FORMAT EXPECTED_EXIT RANKS
  local name=$1 scenario=$2 format=$3 expected=$4 ranks=$5 rc ok=1
  set +e
  "$bin" simulate "$scenario" --format "$format" --jobs 1 --trace-out "$tmp/s.trace" --traffic-out "$tmp/s.traffic" \
    >"$tmp/s.out" 2>"$tmp/s.err"
  rc=$?
  [ $rc -eq "$expected" ] || { cat "$tmp/s.err"; echo "sweep $name: serial run exited $rc, expected $expected"; ok=0; }
  "$bin" simulate "$scenario" --format "$format" --jobs 2 --trace-out "$tmp/j.trace" --traffic-out "$tmp/j.traffic" \
    >"$tmp/j.out" 2>/dev/null
  timeout 300 mpirun --allow-run-as-root --oversubscribe -np "$ranks" "$bin" simulate "$scenario" --format "$format" \
    --trace-out "$tmp/m.trace" --traffic-out "$tmp/m.traffic" >"$tmp/m.out" 2>"$tmp/m.err"
  rc=$?
  set -e
  # mpirun's exit status is rank 0's; its own notes about non-zero exits go to stderr.
  [ $rc -eq "$expected" ] || { cat "$tmp/m.err"; echo "sweep $name: mpirun -np $ranks exited $rc, expected $expected"; ok=0; }
  for f in out trace traffic; do
    if ! cmp -s "$tmp/s.$f" "$tmp/m.$f"; then
      diff "$tmp/s.$f" "$tmp/m.$f" | head -20; echo "sweep $name: mpirun -np $ranks $f differs from the serial run"; ok=0
    elif ! cmp -s "$tmp/s.$f" "$tmp/j.$f"; then
      diff "$tmp/s.$f" "$tmp/j.$f" | head -20; echo "sweep $name: --jobs 2 $f differs from the serial run"; ok=0
    fi
  done
  [ -s "$tmp/s.out" ] || { echo "sweep $name: empty report"; ok=0; }
  [ $ok = 1 ] || { status=1; return; }
  echo "sweep $name ($format): serial == --jobs 2 == mpirun -np $ranks (report, trace, traffic; $(wc -c <"$tmp/s.out") B report)"
}
sweep_case big-sweep scenarios/big-sweep.yaml text 0 2
sweep_case fragmented-dgx1 scenarios/fragmented-dgx1.yaml json 1 2
sweep_case fragmented-dgx1 scenarios/fragmented-dgx1.yaml csv 1 3
# Bad input under mpirun: one error, from rank 0 (not one per rank), exit 2.
printf 'name: bad\ncluster: {preset: dgx1-v100}\ncollectives:\n  - {op: allreduce, algorithm: bogus, sizes: [1 MiB]}\n' \
  >"$tmp/bad.yaml"
set +e
timeout 120 mpirun --allow-run-as-root --oversubscribe -np 2 "$bin" simulate "$tmp/bad.yaml" >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
set -e
if [ $rc -ne 2 ] || [ -s "$tmp/bad.out" ] || [ "$(grep -c "unknown algorithm 'bogus'" "$tmp/bad.err")" -ne 1 ]; then
  cat "$tmp/bad.err"; echo "sweep: bad input under mpirun: exit $rc, expected one error and exit 2"; status=1
else
  echo "sweep: bad input under mpirun: one error (rank 0), exit 2"
fi
# Without the trait, simulate under mpirun is refused clearly (exit 2) instead of printing one report per rank.
set +e
timeout 120 mpirun --allow-run-as-root --oversubscribe -np 2 .build/debug/linkscope simulate scenarios/big-sweep.yaml \
  >"$tmp/nompi.out" 2>"$tmp/nompi.err"
rc=$?
set -e
if [ $rc -ne 2 ] || [ -s "$tmp/nompi.out" ] || ! grep -q "built without MPI" "$tmp/nompi.err"; then
  cat "$tmp/nompi.err"; echo "default build under mpirun: exit $rc, expected a clear refusal"; status=1
fi
# Without the trait, --transport mpi is refused clearly (exit 2).
if .build/debug/linkscope profile --transport mpi >/dev/null 2>"$log"; then
  echo "default build accepted --transport mpi"; status=1
elif ! grep -q "built without MPI" "$log"; then
  cat "$log"; echo "default build: unclear --transport mpi error"; status=1
fi
exit $status
