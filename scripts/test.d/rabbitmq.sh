# Sourced by scripts/test.sh (uses its apt_install, log and missing).
# RabbitMQ for the messaging tests (tests/Channel.Service.Tests/Messaging): they start their own throwaway nodes
# from /usr/lib/rabbitmq/bin/rabbitmq-server on free ports, so the system node the package may start is not needed.
# With CI=true those tests fail when the broker is missing; elsewhere they are skipped with the reason.
rabbitmq_server=/usr/lib/rabbitmq/bin/rabbitmq-server
if [ ! -x "$rabbitmq_server" ]; then
  log "installing rabbitmq-server (for the messaging tests)"
  # Keep the package's post-install from starting a system node (no init system in CI containers anyway).
  rabbitmq_policy_added=0
  if [ "$(id -u)" -eq 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && rabbitmq_policy_added=1
  fi
  apt_install rabbitmq-server || true
  if [ "$rabbitmq_policy_added" -eq 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
if [ ! -x "$rabbitmq_server" ]; then
  if [ "${CI:-}" = "true" ]; then
    missing+=("rabbitmq-server (for the messaging tests)")
  else
    log "rabbitmq-server is not installed: the messaging tests against a real broker will be skipped"
  fi
fi
