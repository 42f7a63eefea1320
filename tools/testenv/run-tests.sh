#!/usr/bin/env bash
# The project's one test command (`npm test`):
#   1. install the test servers (tools/testenv/install.sh)
#   2. lint + build every project
#   3. run every project's tests, one project at a time
# Exits non-zero when any step failed. The last line printed is always `N passed, N failed`,
# summed over all test runs; "failed" also counts each failed lint/build task and each test task
# that failed without reporting a failing test (so it is never 0 when the command fails).
set -uo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO"
LOG_DIR="${CDC_TESTENV_DIR:-$REPO/.testenv}"
mkdir -p "$LOG_DIR"
BUILD_LOG="$LOG_DIR/lint-build.log"
TEST_LOG="$LOG_DIR/test.log"

say() { printf '\n[run-tests] %s\n' "$*"; }

passed=0
failed=0
extra_failures=0
status=0

summary() {
  echo
  echo "$passed passed, $((failed + extra_failures)) failed"
}

say "installing test servers"
if ! bash tools/testenv/install.sh; then
  say "install.sh failed"
  extra_failures=$((extra_failures + 1))
  summary
  exit 1
fi

say "lint + build (log: $BUILD_LOG)"
npx nx run-many -t lint build --outputStyle=stream 2>&1 | tee "$BUILD_LOG"
build_status=${PIPESTATUS[0]}
if [ "$build_status" -ne 0 ]; then
  say "lint/build FAILED (exit $build_status)"
  # one failure per failed lint/build task (at least one)
  n="$(sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' "$BUILD_LOG" | grep -cE '^- [^ ]+:(lint|build)')"
  extra_failures=$((extra_failures + (n > 0 ? n : 1)))
  status=1
fi

say "tests (log: $TEST_LOG)"
npx nx run-many -t test --parallel=1 --outputStyle=stream 2>&1 | tee "$TEST_LOG"
test_status=${PIPESTATUS[0]}

# node's test runner ends every run with `# pass N` / `# fail N` (tap) or `ℹ pass N` / `ℹ fail N`
# (spec); nx prefixes stream lines with `<project>: ` and may colour them. A test task that
# failed without reporting a failing test (crash, no test files, ...) counts as one failure.
counts="$(sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' "$TEST_LOG" | awk '
  match($0, /(#|ℹ) (pass|fail) [0-9]+[[:space:]]*$/) {
    split(substr($0, RSTART), w, " ")
    project = (index($0, ": ") > 0) ? substr($0, 1, index($0, ": ") - 1) : ""
    if (w[2] == "pass") pass += w[3]; else { fail += w[3]; pfail[project] += w[3] }
    next
  }
  /^Failed tasks:/ { in_failed = 1; next }
  in_failed && match($0, /^- [^ ]+:test/) {
    project = substr($0, 3, RLENGTH - 7)
    if (pfail[project] + 0 == 0) unreported++
  }
  END { printf "%d %d %d\n", pass, fail, unreported }')"
read -r passed failed unreported <<<"$counts"
extra_failures=$((extra_failures + unreported))

if [ "$test_status" -ne 0 ]; then
  say "tests FAILED (exit $test_status)"
  status=1
  [ "$failed" -eq 0 ] && [ "$unreported" -eq 0 ] && extra_failures=$((extra_failures + 1))
fi
if [ "$failed" -ne 0 ]; then status=1; fi

# Repeat what failed at the end, where a reader of only the tail of the output (a CI summary)
# still sees it: node's spec reporter lists each failing test with its error after the file's
# totals. Capped so the summary line stays close.
if [ "$status" -ne 0 ]; then
  say "what failed (details above and in $TEST_LOG)"
  sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' "$TEST_LOG" | awk '
    /failing tests:/ { on = 1; n = 0 }
    /nx run / { on = 0 }
    /\(node:(internal|async_hooks)/ { next }
    on && n < 80 { print; n++ }
  ' | head -n 150
  sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' "$BUILD_LOG" | grep -E "error( |TS)[0-9]*" | head -n 20
fi

# The Vitess test cluster is shared by the test files and outlives them; end it with the run.
bash tools/vitess-testenv/stop.sh >/dev/null 2>&1 || true

summary
exit "$status"
