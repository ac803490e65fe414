#!/bin/bash
# Edges made by gpio-sim reach MQTT: the initial level at start, then one message per edge
# with the right value, a `ts` taken from the kernel's edge timestamp (between the moments
# just before and just after the pull) and strictly increasing `ts` and `seq`.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
line=6
topic=sensorgate/hil-edges/contact
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-edges }
inputs:
  - id: contact
    gpio: { chip: $HIL_GPIOCHIP, line: $line }
    debounce: 0s
YAML
messages="$HIL_TMP/messages"
check "subscribed" subscribe 'sensorgate/hil-edges/#' "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" '^sensorgate/hil-edges/status online$' 20
check "the initial level (low: false) is published at start" wait_count "$topic" "$messages" 1 5
expected=(false)
windows=()
for level in up down up down up; do
  sleep 0.2
  before=$EPOCHREALTIME; pull "$line" "$level"; after=$EPOCHREALTIME
  windows+=("$before $after")
  if [[ $level == up ]]; then expected+=(true); else expected+=(false); fi
  wait_count "$topic" "$messages" "${#expected[@]}" 5 || echo "  no message after pull-$level"
done
sleep 0.5
check "values are ${expected[*]}" values_are "$topic" "$messages" "${expected[@]}"
check "ts strictly increasing" strictly_increasing < <(field "$topic" "$messages" .ts)
check "seq strictly increasing" strictly_increasing < <(field "$topic" "$messages" .seq)
# Each edge's ts lies between the clock read just before and just after its pull (50 ms
# of slack for the monotonic-to-UTC mapping).
mapfile -t stamps < <(field "$topic" "$messages" ".ts | $utc_seconds")
in_window() {
  awk -v ts="$1" -v a="$2" -v b="$3" 'BEGIN { exit !(ts >= a - 0.05 && ts <= b + 0.05) }'
}
for i in "${!windows[@]}"; do
  stamp=${stamps[$((i + 1))]:-none}
  read -r before after <<<"${windows[$i]}"
  check "edge $((i + 1)) ts $stamp is within the pull [$before, $after]" in_window "$stamp" "$before" "$after"
done
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
