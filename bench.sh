#!/usr/bin/env bash
# Runs the scale benchmark at the sizes its targets are set for: Tekton at 10,000 and 100,000
# PipelineRuns, the Gateway API scenario (10,000 Gateways, 20,000 HTTPRoutes), the cache heap and
# the API mock server. Extra options are passed on (docs/operations.md, "Performance and scale"),
# e.g. `./bench.sh only=tekton scrapes=11`. Run it on a quiet machine; it takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q test-compile exec:exec -Dbench.args="sizes=10000,100000 gateways=10000 routes=20000 $*"
