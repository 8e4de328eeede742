#!/usr/bin/env bash
# The Open MPI transport: builds linkscope with the MPI trait (its own scratch path, so the default build
# stays MPI-free), trains for a few iterations on 2 ranks with each sync scheme, and checks that linkscope's
# schedule over MPI point-to-point gives the sum MPI_Allreduce gives on the same buffers.
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
# Without the trait, --transport mpi is refused clearly (exit 2).
if .build/debug/linkscope profile --transport mpi >/dev/null 2>"$log"; then
  echo "default build accepted --transport mpi"; status=1
elif ! grep -q "built without MPI" "$log"; then
  cat "$log"; echo "default build: unclear --transport mpi error"; status=1
fi
exit $status
