#!/bin/bash
# Edge metrics from kernel timestamps: pulses made by gpio-sim, each timed by the shell
# (the clock read before and after each pull bounds the kernel's timestamps), must come
# out as the right number of rising edges (frequency x period), pulse widths inside the
# measured bounds, and 100 % / 0 % duty cycle for periods the line spent high / low.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
line=18
prefix=sensorgate/hil-metrics/tach
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-metrics }
inputs:
  - id: tach
    gpio: { chip: $HIL_GPIOCHIP, line: $line }
    debounce: 0s
    frequency: { every: 1s }
    pulse_width: { every: 1s, stats: [mean, min, max, count] }
    duty_cycle: { every: 1s }
YAML
messages="$HIL_TMP/messages"
check "subscribed" subscribe 'sensorgate/hil-metrics/#' "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" '^sensorgate/hil-metrics/status online$' 20
sleep 1.5
short_low=999; short_high=0   # bounds of the short pulses' widths, over all of them
for _ in $(seq 1 8); do
  a=$EPOCHREALTIME; pull "$line" up; b=$EPOCHREALTIME
  sleep 0.15
  c=$EPOCHREALTIME; pull "$line" down; d=$EPOCHREALTIME
  sleep 0.1
  read -r short_low short_high < <(awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v lo="$short_low" -v hi="$short_high" \
    'BEGIN { w1 = c - b; w2 = d - a; if (w1 < lo) lo = w1; if (w2 > hi) hi = w2; printf "%.6f %.6f\n", lo, hi }')
done
a=$EPOCHREALTIME; pull "$line" up; b=$EPOCHREALTIME
sleep 2.5                       # at least one whole period high
c=$EPOCHREALTIME; pull "$line" down; d=$EPOCHREALTIME
long_low=$(awk -v b="$b" -v c="$c" 'BEGIN { printf "%.6f", c - b }')
long_high=$(awk -v a="$a" -v d="$d" 'BEGIN { printf "%.6f", d - a }')
sleep 3                         # and at least one whole period low, published
echo "  short pulses: widths within [$short_low, $short_high] s; long pulse within [$long_low, $long_high] s"

total() { field "$1" "$messages" "$2" | awk '{ s += $1 } END { printf "%g", s }'; }
echo "  frequency counts: $(field "$prefix/frequency" "$messages" .count | tr '\n' ' ')"
check "frequency: 9 rising edges in all (sum of count)" test "$(total "$prefix/frequency" .count)" = 9
consistent() {  # every frequency message: (end - start) x value = count
  payloads "$prefix/frequency" "$messages" \
    | jq -e -s "all(.[]; (((.end | $utc_seconds) - (.start | $utc_seconds)) * .value - .count | fabs) < 0.01)" >/dev/null
}
check "frequency: (end - start) x value = count in every period" consistent
check "frequency: unit Hz" test "$(field "$prefix/frequency" "$messages" .unit | sort -u)" = '"Hz"'
echo "  pulse widths (min/max/count): $(field "$prefix/pulse_width" "$messages" '"\(.min)/\(.max)/\(.count)"' | tr -d '"' | tr '\n' ' ')"
check "pulse_width: 9 pulses in all" test "$(total "$prefix/pulse_width" .count)" = 9
smallest=$(field "$prefix/pulse_width" "$messages" .min | sort -g | head -n1)
largest=$(field "$prefix/pulse_width" "$messages" .max | sort -g | tail -n1)
within() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v != "" && v >= lo - 0.002 && v <= hi + 0.002) }'; }
all_short_within() {  # every min and max but the long pulse's within the short bounds
  local width
  for width in $(payloads "$prefix/pulse_width" "$messages" | jq --argjson long "$long_low" \
      'if .max >= $long - 0.002 then (if .count > 1 then .min else empty end) else .min, .max end'); do
    within "$width" "$short_low" "$short_high" || { echo "  $width s is outside"; return 1; }
  done
}
check "pulse_width: the shortest ($smallest s) is within the short pulses' bounds" within "$smallest" "$short_low" "$short_high"
check "pulse_width: every other pulse's min and max are within them too" all_short_within
check "pulse_width: the longest ($largest s) is within the long pulse's bounds" within "$largest" "$long_low" "$long_high"
check "pulse_width: unit s" test "$(field "$prefix/pulse_width" "$messages" .unit | sort -u)" = '"s"'
duty=$(field "$prefix/duty_cycle" "$messages" .value | tr '\n' ' ')
echo "  duty cycles: $duty"
check "duty_cycle: a period entirely high is 100 %, a later one entirely low is 0 %" \
  grep -qE '(^| )100(\.0+)? .*(^| )0(\.0+)? ' <<<"$duty "
check "duty_cycle: every value within 0...100" \
  awk -v list="$duty" 'BEGIN { n = split(list, v, " "); for (i = 1; i <= n; i++) if (v[i] < 0 || v[i] > 100) exit 1 }'
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; grep -v sync "$messages" | tail -n 30; }
finish
