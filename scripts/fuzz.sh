#!/usr/bin/env bash
# Builds the config loader's libFuzzer target (Fuzz/) with AddressSanitizer
# and runs it for a fixed time, with leak detection on.
#
#   scripts/fuzz.sh [SECONDS]        default 60
#
# The seed corpus is every fixture and example file; new inputs the fuzzer
# finds go to Fuzz/corpus (git-ignored), crashes to Fuzz/artifacts. Extra
# libFuzzer flags can be passed in FUZZ_FLAGS. Exit status is libFuzzer's:
# 0 when the time ran out with no crash, leak or timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"

echo "== build (Fuzz/, -sanitize=fuzzer,address)"
(
  cd Fuzz
  swift build -c release \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    -Xcc -fsanitize=fuzzer-no-link,address
)
binary="Fuzz/.build/release/ConfigLoaderFuzzer"

seeds="Fuzz/.build/seeds"
rm -rf "$seeds"
mkdir -p "$seeds" Fuzz/corpus Fuzz/artifacts
n=0
for file in Tests/SeatConfigTests/Fixtures/*/*.yaml Examples/*.yaml Examples/*/*.yaml; do
  n=$((n + 1))
  cp "$file" "$seeds/$n-$(basename "$file")"
done

echo "== fuzz for ${seconds}s ($n seed files)"
export ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}"
# -rss_limit_mb: the loaders must refuse hostile files long before this.
# -timeout: one input taking 10 s is a hang.
exec "$binary" Fuzz/corpus "$seeds" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -detect_leaks=1 -print_final_stats=1 -artifact_prefix=Fuzz/artifacts/ \
  ${FUZZ_FLAGS:-}
