#!/bin/bash
# Kernel debounce (`gpio: { kernel_debounce: 50ms }`, software `debounce: 0ms`): under the
# v2 uAPI the kernel debounces the line itself, so a burst of toggles closer together than
# 50 ms that ends where it began reaches the gateway as no edge at all, and a bouncy press
# or release as exactly one; gpioinfo shows the line's debounce period. libgpiod 1.6
# cannot ask for it: the gateway refuses the profile at start (exit 1) and says why.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
line=24
period_ms=50
prefix=sensorgate/hil-kdebounce
topic=$prefix/button
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-kdebounce }
inputs:
  - id: button
    gpio: { chip: $HIL_GPIOCHIP, line: $line, kernel_debounce: ${period_ms}ms }
    debounce: 0ms
YAML
messages="$HIL_TMP/messages"

if [[ $HIL_LIBGPIOD_API == 1 ]]; then
  start_gateway "$HIL_TMP/profile.yaml"
  gateway_stopping=1   # it is expected to exit by itself
  exited() { local deadline=$((SECONDS + 20)); while gateway_alive; do ((SECONDS < deadline)) || return 1; sleep 0.05; done; }
  require "v1: the gateway exits by itself" exited
  wait "$gateway_pid"; status=$?
  check "v1: with status 1 (a start-up error)" test "$status" = 1
  check "v1: its log says \"kernel debounce needs libgpiod 2\"" grep -q "kernel debounce needs libgpiod 2" "$gateway_log"
  [[ $failures -eq 0 ]] || show_gateway_log
  finish
fi

check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
check "the initial level is published" wait_count "$topic" "$messages" 1 5
info=$(tool_line_info "$line")
echo "  line $line: $info"
check "gpioinfo shows the line debounced by ${period_ms}ms" has_words "$info" used input "debounce=${period_ms}ms"
sleep 0.3
# burst LEVEL...: pulls as fast as the shell can; prints the longest gap between two
# pulls in ms (the kernel restarts its debounce period at every edge)
burst() {
  local stamps=() level
  for level in "$@"; do pull "$line" "$level"; stamps+=("$EPOCHREALTIME"); done
  printf '%s\n' "${stamps[@]}" | awk 'NR > 1 && $1 - previous > longest { longest = $1 - previous }
    { previous = $1 } END { printf "%d", longest * 1000 }'
}
gap=$(burst up down up down up down)
echo "  a 6-toggle burst back to low: longest gap ${gap} ms"
check "every toggle came within ${period_ms} ms of the one before (else this case proves nothing)" test "$gap" -lt "$period_ms"
sleep 0.5
check "no publication after a burst that returned to the same level" values_are "$topic" "$messages" false
gap=$(burst up down up down up)
echo "  a bouncy press (ends high): longest gap ${gap} ms"
check "the press bounced faster than ${period_ms} ms" test "$gap" -lt "$period_ms"
wait_count "$topic" "$messages" 2 5
sleep 0.5
check "the stable press is published once: true" values_are "$topic" "$messages" false true
gap=$(burst down up down)
echo "  a bouncy release (ends low): longest gap ${gap} ms"
check "the release bounced faster than ${period_ms} ms" test "$gap" -lt "$period_ms"
wait_count "$topic" "$messages" 3 5
sleep 0.5
check "the stable release is published once: false" values_are "$topic" "$messages" false true false
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
