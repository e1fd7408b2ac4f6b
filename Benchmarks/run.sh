#!/usr/bin/env bash
# Benchmarks the real release binary, whole commands, under GNU time.
#
#   Benchmarks/run.sh                      # 10k, 100k and 1M users
#   SIZES="10000 100000" RUNS=5 Benchmarks/run.sh
#
# SEATCTL=/path/to/seatctl benchmarks that binary instead of building one.
#
# Needs: swift, cc, libyaml-dev, python3, GNU time (/usr/bin/time, Debian
# package `time`). Data is generated once into $DATA (default
# Benchmarks/.data, git-ignored) and reused; the release build goes to
# .build-release. Prints a Markdown table: per size and scenario the median
# wall time, CPU time (user + sys), peak resident memory, and each time as a
# ratio to the libyaml floor (Benchmarks/yaml-floor.c parsing the same file),
# run alternately with the scenario's own runs (the last column).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

SIZES=${SIZES:-"10000 100000 1000000"}
PLANS=${PLANS:-50}
CHANGE=${CHANGE:-0.01}
RUNS=${RUNS:-3}          # runs per measurement; the median is reported
DATA=${DATA:-$root/Benchmarks/.data}
NOW=2026-11-22T09:00:00Z
TIME=/usr/bin/time

[ -x "$TIME" ] || { echo "GNU time is missing: apt-get install -y time" >&2; exit 1; }
[ -e /usr/include/yaml.h ] || { echo "libyaml headers are missing: apt-get install -y libyaml-dev" >&2; exit 1; }

# SEATCTL=path benchmarks another binary (e.g. an older build) instead.
if [ -n "${SEATCTL:-}" ]; then
  seatctl=$SEATCTL
else
  swift build -c release --scratch-path .build-release --product seatctl >&2
  seatctl=$root/.build-release/release/seatctl
fi
mkdir -p "$DATA"
floor=$DATA/yaml-floor
if [ ! -x "$floor" ] || [ "$root/Benchmarks/yaml-floor.c" -nt "$floor" ]; then
  cc -O2 -o "$floor" Benchmarks/yaml-floor.c -lyaml
fi

# measure COMMAND...: runs the command RUNS times, keeps the median wall
# time; prints "wall cpu maxrss_kb" of that run. With PAIRED_FLOOR=FILE it
# also runs the floor on FILE right before each run of the command and
# appends the floor's median wall and CPU times over those same runs, so
# that a ratio compares times measured moments apart: this machine's speed
# drifts by a third within minutes.
measure() {
  local samples=() floors=() line
  for _ in $(seq "$RUNS"); do
    [ -n "${PREPARE:-}" ] && eval "$PREPARE"
    if [ -n "${PAIRED_FLOOR:-}" ]; then
      line=$("$TIME" -f "%e %U %S" -o "$DATA/time.out" "$floor" "$PAIRED_FLOOR" >/dev/null 2>&1 && cat "$DATA/time.out") || {
        echo "failed: $floor $PAIRED_FLOOR" >&2; exit 1; }
      floors+=("$(awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' <<<"$line")")
    fi
    line=$("$TIME" -f "%e %U %S %M" -o "$DATA/time.out" "$@" >/dev/null 2>"$DATA/stderr.out" && cat "$DATA/time.out") || {
      echo "failed: $*" >&2; cat "$DATA/stderr.out" >&2; exit 1; }
    samples+=("$(awk '{ printf "%.2f %.2f %d\n", $1, $2 + $3, $4 }' <<<"$line")")
  done
  local median
  median=$(printf '%s\n' "${samples[@]}" | sort -n | awk -v n="${#samples[@]}" 'NR == int((n + 1) / 2)')
  if [ -n "${PAIRED_FLOOR:-}" ]; then
    local fwall fcpu
    fwall=$(printf '%s\n' "${floors[@]}" | sort -n -k1,1 | awk -v n="${#floors[@]}" 'NR == int((n + 1) / 2) { print $1 }')
    fcpu=$(printf '%s\n' "${floors[@]}" | sort -n -k2,2 | awk -v n="${#floors[@]}" 'NR == int((n + 1) / 2) { print $2 }')
    median="$median $fwall $fcpu"
  fi
  echo "$median"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "–" }'; }

echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ { print $2 }') GB RAM; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| users | scenario | wall s | CPU s | peak MB | wall ÷ floor | CPU ÷ floor | floor in the same runs, wall s |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|"

for users in $SIZES; do
  dir=$DATA/u$users
  if [ ! -e "$dir/seats-changed.yaml" ]; then
    python3 Benchmarks/generate.py --users "$users" --plans "$PLANS" --change "$CHANGE" --out "$dir"
  fi
  # The ledgers: one with only the catalog, one with the account applied.
  if [ ! -e "$dir/applied.sqlite" ] || [ "$seatctl" -nt "$dir/applied.sqlite" ]; then
    rm -f "$dir"/*.sqlite*
    "$seatctl" catalog import "$dir/catalog.yaml" --state "sqlite:$dir/catalog.sqlite" >/dev/null
    cp "$dir/catalog.sqlite" "$dir/applied.sqlite"
    "$seatctl" apply "$dir/seats.yaml" --auto-approve --now "$NOW" --state "sqlite:$dir/applied.sqlite" >/dev/null
    # Written out now: otherwise the kernel writes the new ledgers back
    # during the next measurements (the floor's included) and slows them.
    sync
  fi
  state="--now $NOW --state sqlite:$dir/work.sqlite"
  read -r fwall fcpu fmem <<<"$(measure "$floor" "$dir/seats.yaml")"
  echo "| $users | libyaml floor (events only) | $fwall | $fcpu | $((fmem / 1024)) | 1.0× | 1.0× | $fwall |"

  # Each scenario's ratios are to the floor run alternately with it.
  row() {
    local name=$1; shift
    read -r wall cpu mem pwall pcpu <<<"$(PAIRED_FLOOR=$dir/seats.yaml measure "$@")"
    echo "| $users | $name | $wall | $cpu | $((mem / 1024)) | $(ratio "$wall" "$pwall") | $(ratio "$cpu" "$pcpu") | $pwall |"
  }
  # The copy is flushed to disk before the run: otherwise the apply's first
  # fsync writes the whole fresh copy out, inside the measurement.
  PREPARE="rm -f $dir/work.sqlite*; cp $dir/applied.sqlite $dir/work.sqlite; sync $dir/work.sqlite"
  row "validate" "$seatctl" validate "$dir/seats.yaml" $state
  row "plan, no changes" "$seatctl" plan "$dir/seats.yaml" $state
  percent=$(awk -v c="$CHANGE" 'BEGIN { print c * 100 }')
  row "plan, $percent % changed" "$seatctl" plan "$dir/seats-changed.yaml" $state
  row "apply, $percent % changed" "$seatctl" apply "$dir/seats-changed.yaml" --auto-approve $state
  # The plan/apply split CI uses: `plan --out` on the pull request, then
  # `apply PLANFILE` of the reviewed plan, which does not read the file again.
  eval "$PREPARE"
  "$seatctl" plan "$dir/seats-changed.yaml" --out "$dir/changed.seatplan" $state >/dev/null
  row "apply saved plan (\`apply PLANFILE\`), $percent % changed" "$seatctl" apply "$dir/changed.seatplan" $state
  # What apply adds to the plan it shows: the write transaction (lock,
  # check, rows, journal, commit), as the command's own SEATCTL_TIMINGS
  # reports its "apply" phase, in one more run.
  eval "$PREPARE"
  SEATCTL_TIMINGS=1 "$seatctl" apply "$dir/seats-changed.yaml" --auto-approve $state >/dev/null 2>"$DATA/timings.out"
  read -r dwall dcpu <<<"$(awk '$2 == "apply" { sub("s", "", $4); sub("s", "", $6); print $4, $6 }' "$DATA/timings.out")"
  echo "| $users | apply, $percent % changed: the store transaction (its \"apply\" phase) | $dwall | $dcpu | – | $(ratio "$dwall" "$fwall") | $(ratio "$dcpu" "$fcpu") | $fwall |"
  PREPARE="rm -f $dir/work.sqlite*; cp $dir/catalog.sqlite $dir/work.sqlite; sync $dir/work.sqlite"
  row "first apply" "$seatctl" apply "$dir/seats.yaml" --auto-approve $state
  PREPARE=""
  rm -f "$dir"/work.sqlite*
done
