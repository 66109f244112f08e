#!/usr/bin/env bash
# Runs the whole test suite: .NET tests (unit, SQLite, gRPC, MTProto client against the emulator)
# and the independent-client interop tests in tests/interop. Installs what the suite needs when it
# runs as root on Debian; otherwise says what is missing. Ends with one line: "N passed, N failed, N skipped".
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

log() { printf '[test] %s\n' "$*" >&2; }

# --- prerequisites -----------------------------------------------------------------------------
missing=()
need_cmd() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
apt_updated=0
apt_install() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    return 1
  fi
  if [ "$apt_updated" -eq 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is required (dotnet not on PATH)." >&2; exit 2; }

if [ -d tests/interop ]; then
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm || true
  fi
  need_cmd node "nodejs (for tests/interop)"
  need_cmd npm "npm (for tests/interop)"
fi

for hook in scripts/test.d/*.sh; do
  [ -e "$hook" ] || continue
  # shellcheck source=/dev/null
  . "$hook"
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "Missing prerequisites: ${missing[*]}. Run this script as root on Debian to install them." >&2
  exit 2
fi

# GramJS is installed before the .NET tests too: one of them drives it against our client.
if [ -f tests/interop/package.json ]; then
  log "installing the interop clients (npm ci)"
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

# --- .NET tests -------------------------------------------------------------------------------
log "building"
dotnet build Channel.sln -c Release -nologo -v:q
log "running .NET tests"
set +e
dotnet test Channel.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results/dotnet" -- xUnit.ShowLiveOutput=false
dotnet_rc=$?
set -e

# --- interop tests (independent MTProto clients against our emulator) ---------------------------
interop_rc=0
interop_passed=0; interop_failed=0; interop_skipped=0
if [ -f tests/interop/package.json ]; then
  log "running interop tests"
  set +e
  (cd tests/interop && node --test --test-reporter=spec --test-reporter-destination=stdout \
     --test-reporter=tap --test-reporter-destination="$results/interop.tap" )
  interop_rc=$?
  set -e
  if [ -f "$results/interop.tap" ]; then
    interop_passed=$(awk '/^# pass /{v=$3} END{print v+0}' "$results/interop.tap")
    interop_failed=$(awk '/^# fail /{v=$3} END{print v+0}' "$results/interop.tap")
    interop_skipped=$(awk '/^# skipped /{v=$3} END{print v+0}' "$results/interop.tap")
  fi
fi

# --- summary ----------------------------------------------------------------------------------
passed=0; failed=0; skipped=0
for trx in "$results"/dotnet/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  # xUnit v3 skips (Assert.Skip) show as total - executed, with notExecuted left at 0.
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  x=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  not_run=$(( ${t:-0} - ${x:-0} )); [ "$not_run" -gt "${n:-0}" ] && n=$not_run
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0})); skipped=$((skipped + ${n:-0}))
done
passed=$((passed + ${interop_passed:-0})); failed=$((failed + ${interop_failed:-0})); skipped=$((skipped + ${interop_skipped:-0}))

if [ "$dotnet_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; log "dotnet test failed outside a test (exit $dotnet_rc)"; fi
if [ "$interop_rc" -ne 0 ] && [ "${interop_failed:-0}" -eq 0 ]; then failed=$((failed + 1)); log "interop run failed outside a test (exit $interop_rc)"; fi

if [ $((passed + failed)) -eq 0 ]; then log "no test ran"; failed=1; fi
echo "Total: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
