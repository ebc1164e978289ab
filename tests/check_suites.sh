#!/usr/bin/env bash
# Fails when a test suite of the integration binary is not registered with ctest (each suite
# is a ctest entry of its own, so a suite left off the list would never run in CI).
# Usage: check_suites.sh <integration_tests binary> <registered suite>...
set -euo pipefail
binary="$1"
shift
registered=" $* Stress "  # Stress runs as integration.Leak and integration.Stress
missing=()
while read -r suite; do
  [[ "$registered" == *" $suite "* ]] || missing+=("$suite")
done < <("$binary" --gtest_list_tests | grep -E '^[A-Za-z0-9_]+\.$' | sed 's/\.$//')
if [ ${#missing[@]} -gt 0 ]; then
  echo "suites not registered in tests/CMakeLists.txt: ${missing[*]}" >&2
  exit 1
fi
echo "every suite is registered"
