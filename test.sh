#!/usr/bin/env bash
# Runs the whole test suite (Vulkan tests on the best device, lavapipe on machines without a GPU, with the
# Khronos validation layer on), installing prerequisites first. Extra arguments go to `dotnet test`.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLUSTSEG_NEED_VALIDATION=1 "$here/scripts/bootstrap.sh"
log="$(mktemp)"
set +e
dotnet test "$here/ClustSeg.sln" -c Release -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain summary line (N passed, N failed, N skipped) for tools that read it.
summary=$(grep -E 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" | tail -n 1 || true)
if [ -n "$summary" ]; then
  failed=$(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"$summary")
  passed=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")
  skipped=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")
  echo "tests: $passed passed, $failed failed, $skipped skipped"
fi
rm -f "$log"
exit "$status"
