#!/bin/bash
# Debounce on kernel timestamps: a burst of toggles shorter than the debounce period that
# ends where it began publishes nothing; a bouncy change that then holds publishes once.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
line=12
topic=sensorgate/hil-debounce/button
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-debounce }
inputs:
  - id: button
    gpio: { chip: $HIL_GPIOCHIP, line: $line }
    debounce: 200ms
YAML
messages="$HIL_TMP/messages"
check "subscribed" subscribe 'sensorgate/hil-debounce/#' "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" '^sensorgate/hil-debounce/status online$' 20
check "the initial level is published" wait_count "$topic" "$messages" 1 5
sleep 0.3
# burst LEVEL...: pulls as fast as the shell can; prints how long it took in ms
burst() {
  local start=$EPOCHREALTIME level
  for level in "$@"; do pull "$line" "$level"; done
  awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%d", (b - a) * 1000 }'
}
took=$(burst up down up down up down)
echo "  a 6-toggle burst back to low took ${took} ms"
check "the burst was shorter than the debounce period (else this case proves nothing)" test "$took" -lt 200
sleep 0.6
check "no publication after a burst that returned to the same level" values_are "$topic" "$messages" false
took=$(burst up down up down up)
echo "  a bouncy press (ends high) took ${took} ms"
wait_count "$topic" "$messages" 2 5
sleep 0.6
check "the stable press is published once: true" values_are "$topic" "$messages" false true
took=$(burst down up down)
echo "  a bouncy release (ends low) took ${took} ms"
wait_count "$topic" "$messages" 3 5
sleep 0.6
check "the stable release is published once: false" values_are "$topic" "$messages" false true false
check "seq strictly increasing" strictly_increasing < <(field "$topic" "$messages" .seq)
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
