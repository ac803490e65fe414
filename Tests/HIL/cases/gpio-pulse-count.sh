#!/bin/bash
# A pulse counter on falling edges counts a known number of pulses exactly (the sum over
# its periods), scales it and adds no pulse for the rising edges in between.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
line=14
pulses=40
topic=sensorgate/hil-count/meter
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-count }
inputs:
  - id: meter
    gpio: { chip: $HIL_GPIOCHIP, line: $line, edge: falling }
    debounce: 0s
    count: { every: 1s, scale: 0.5, unit: L }
YAML
pull "$line" up
messages="$HIL_TMP/messages"
check "subscribed" subscribe 'sensorgate/hil-count/#' "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" '^sensorgate/hil-count/status online$' 20
sleep 1.5
for _ in $(seq 1 "$pulses"); do
  pull "$line" down; sleep 0.01
  pull "$line" up; sleep 0.01
done
sum() { field "$topic" "$messages" "$1" | awk '{ s += $1 } END { printf "%g", s }'; }
deadline=$((SECONDS + 10))
while [[ $(sum .count) != "$pulses" ]] && ((SECONDS < deadline)); do sleep 0.2; done
sleep 2.5   # two more periods: nothing may be added
echo "  periods: $(field "$topic" "$messages" .count | tr '\n' ' ')"
check "the counts add up to exactly $pulses" test "$(sum .count)" = "$pulses"
check "the values add up to $pulses x 0.5 = $((pulses / 2))" test "$(sum .value)" = "$((pulses / 2))"
check "the unit is L" test "$(field "$topic" "$messages" .unit | sort -u)" = '"L"'
check "periods are published every second (at least 4)" test "$(message_count "$topic" "$messages")" -ge 4
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
