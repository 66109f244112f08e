# Sourced by scripts/test.sh (uses its apt_install, log and missing).
# PostgreSQL for the provider, lease and multi-replica tests: they start their own throwaway clusters (initdb and
# pg_ctl from /usr/lib/postgresql/*/bin, as the postgres user when run as root) on free loopback ports, so the
# system cluster the package may create is not needed. With CI=true those tests fail when PostgreSQL is missing;
# elsewhere they are skipped with the reason.
postgresql_initdb() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; }
if ! postgresql_initdb; then
  log "installing postgresql (for the PostgreSQL tests)"
  # Keep the package's post-install from starting a system cluster (no init system in CI containers anyway).
  postgresql_policy_added=0
  if [ "$(id -u)" -eq 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && postgresql_policy_added=1
  fi
  apt_install postgresql || true
  if [ "$postgresql_policy_added" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
if ! postgresql_initdb; then
  if [ "${CI:-}" = "true" ]; then
    missing+=("postgresql (for the PostgreSQL tests)")
  else
    log "postgresql is not installed: the PostgreSQL tests will be skipped"
  fi
fi
