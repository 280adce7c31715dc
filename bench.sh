#!/usr/bin/env bash
# Runs the benchmarks at the sizes their targets are set for (docs/operations.md, "Performance and
# scale"), then prints their figures:
# - the scale benchmark, in process: Tekton at 10,000 and 100,000 PipelineRuns, the Gateway API
#   scenario (10,000 Gateways, 20,000 HTTPRoutes), the heap of the series, the cache, the API mock;
# - the memory benchmark: the built jar as a process of its own, with the image's JVM flags and the
#   deploy's memory limit, against an API server of 10,000 and 100,000 PipelineRuns.
# Options go to the scale benchmark (`./bench.sh only=tekton scrapes=11`), or, prefixed with
# `memory.`, to the memory benchmark (`./bench.sh memory.objects=50000 memory.limit=768`);
# `only=memory` runs the memory benchmark alone, any other `only=` the scale benchmark alone.
# Run it on a quiet machine; it takes several minutes.
set -euo pipefail
cd "$(dirname "$0")"
scale=()
memory=()
only=""
for a in "$@"; do
  case "$a" in
    memory.*) memory+=("${a#memory.}") ;;
    only=*) only="${a#only=}"; [ "$only" = memory ] || scale+=("$a") ;;
    *) scale+=("$a") ;;
  esac
done
mvn -B -q package -DskipTests
if [ "$only" != memory ]; then
  mvn -B -q test-compile exec:exec -Dbench.args="sizes=10000,100000 gateways=10000 routes=20000 ${scale[*]:-}"
fi
if [ -z "$only" ] || [ "$only" = memory ]; then
  mvn -B -q test-compile exec:exec -Dbench.main=io.kubestate.bench.MemoryBenchmark -Dbench.heap=1g \
    -Dbench.args="objects=10000,100000 ${memory[*]:-}"
fi
