#!/bin/bash
# A sensor that goes bad and comes back, while a healthy sensor on the same bus and a GPIO
# input keep their time. On the i2c-stub bus: an MCP9808 at 0x18 and an LM75 at 0x48,
# both polled every 250 ms; a gpio-sim input beside them. The MCP9808's T_A register is
# made implausible (0x0FF0: +255 °C, outside -40...125 °C), so every read fails:
# `<prefix>/probe/status` turns `offline` (retained) after offline_after = 3 failed polls.
# The image is restored while the gateway backs off (set up again after 1 s, 2 s, 4 s ...,
# DeviceProfiles/README.md "Availability"): the part is found within the backoff step in
# effect, status turns `online` and readings resume. Meanwhile every edge pulled on
# gpio-sim is published with its kernel `ts` inside the pull's wall-clock window, and the
# LM75 publishes on its 250 ms schedule throughout.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
line=11
swapped() { printf '0x%04x' $(((($1 & 0xff) << 8) | (($1 >> 8) & 0xff))); }
set_register() { i2cset -y "$bus" "$1" "$2" "$(swapped "$3")" w; }   # ADDRESS REGISTER VALUE, big endian
good=0x0190   # MCP9808 T_A: 400 sixteenths, +25.0 °C
bad=0x0FF0    # +255 °C: refused as implausible
load_registers() {
  set_register 0x18 0x06 0x0054; set_register 0x18 0x07 0x0400     # MCP9808 manufacturer and device ids
  set_register 0x18 0x01 0x0000; i2cset -y "$bus" 0x18 0x08 0x00 b
  set_register 0x18 0x05 $good
  i2cset -y "$bus" 0x48 0x01 0x00 b                                 # LM75: normal operation
  set_register 0x48 0x00 0x1600                                     # +22.0 °C
}
require "the register images are loaded" load_registers
pull "$line" down
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-outage }
inputs:
  - id: contact
    gpio: { chip: $HIL_GPIOCHIP, line: $line }
    debounce: 0s
sensors:
  - id: probe
    driver: mcp9808
    i2c: { bus: $bus, address: 0x18 }
    interval: 250ms
    offline_after: 3
    options: { resolution: "0.5" }
  - id: steady
    driver: lm75
    i2c: { bus: $bus, address: 0x48 }
    interval: 250ms
YAML
prefix=sensorgate/hil-outage
status=$prefix/probe/status
probe=$prefix/probe/temperature
steady=$prefix/steady/temperature
contact=$prefix/contact
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
require "the probe is online and reads" wait_count "$probe" "$messages" 3 10
check "the probe's status is online" wait_for "$messages" "^$status online$" 2
check "the initial level of the input (false) is published" wait_count "$contact" "$messages" 1 5

# Edges: one pull, its window kept; each edge must be published before the next pull.
windows=()
level=down
edge() {
  if [[ $level == down ]]; then level=up; else level=down; fi
  local before=$EPOCHREALTIME; pull "$line" "$level"; local after=$EPOCHREALTIME
  windows+=("$before $after")
  wait_count "$contact" "$messages" $((${#windows[@]} + 1)) 5 || echo "  no message after pull-$level"
  sleep 0.25
}
# wait_lines FILE ERE N SECONDS: until N lines of FILE match ERE.
wait_lines() {
  local deadline=$((SECONDS + $4))
  until (($(count_matches "$1" "$2") >= $3)); do
    ((SECONDS < deadline)) || return 1
    sleep 0.05
  done
}

broken=$EPOCHREALTIME
set_register 0x18 0x05 $bad
edge; edge
require "status offline after 3 failed polls" wait_for "$messages" "^$status offline$" 5
offline=$EPOCHREALTIME
probes_at_offline=$(message_count "$probe" "$messages")
echo "  offline $(awk -v a="$broken" -v b="$offline" 'BEGIN { printf "%.2f", b - a }') s after the image went bad"
check "offline no sooner than 3 polls 250 ms apart could fail (0.5 s)" \
  awk -v a="$broken" -v b="$offline" 'BEGIN { exit !(b - a >= 0.45) }'
retained=$(mosquitto_sub -h 127.0.0.1 -p 1883 -v -C 1 -W 3 -t "$status" 2>/dev/null)
check "a client subscribing now is told offline (retained)" test "$retained" = "$status offline"
restored=$EPOCHREALTIME
set_register 0x18 0x05 $good
edge; edge
check "status online again" wait_lines "$messages" "^$status online$" 2 10
online=$EPOCHREALTIME
back=$(awk -v a="$restored" -v b="$online" 'BEGIN { printf "%.2f", b - a }')
# The backoff: after offline_after (3) failed reads, setup is tried again 1 s later, then
# 2 s, 4 s ... after each failed attempt; so with N failed polls in all the attempt that
# found the part came 2^(N-3) s after the one before, which failed, so before the restore.
polls=$(sed -n "s/.*sensor 'probe' reads again after .* down, \([0-9]*\) failed polls.*/\1/p" "$gateway_log" | tail -n1)
step=$(( ${polls:-3} >= 3 ? 1 << (${polls:-3} - 3) : 1 ))
echo "  online $back s after the image was restored; $polls failed polls, so the last backoff step was $step s"
check "the log counts at least 3 failed polls" test "${polls:-0}" -ge 3
check "back within the backoff step in effect ($step s, + 1 s for setup and the emulated machine)" \
  awk -v d="$back" -v step="$step" 'BEGIN { exit !(d <= step + 1) }'
check "readings resume" wait_count "$probe" "$messages" $((probes_at_offline + 3)) 5
check "no probe reading between offline and online" \
  awk -v topic="$probe" -v status="$status" '
    $1 == status && $2 == "offline" { down = 1 } $1 == status && $2 == "online" { down = 0 }
    $1 == topic && down { bad = 1 } END { exit bad }' "$messages"
check "readings after the outage are +25.0 °C again" test "$(field "$probe" "$messages" .value | tail -n1)" = 25
edge

# GPIO: every edge on time.
sleep 0.3
mapfile -t stamps < <(field "$contact" "$messages" ".ts | $utc_seconds")
check "one message per edge ($(( ${#windows[@]} + 1 )) with the initial level)" test "${#stamps[@]}" -eq $((${#windows[@]} + 1))
in_window() { awk -v ts="$1" -v a="$2" -v b="$3" 'BEGIN { exit !(ts >= a - 0.05 && ts <= b + 0.05) }'; }
late=0
for i in "${!windows[@]}"; do
  read -r before after <<<"${windows[$i]}"
  stamp=${stamps[$((i + 1))]:-none}
  in_window "$stamp" "$before" "$after" || { echo "  edge $((i + 1)) ts $stamp outside [$before, $after]"; late=$((late + 1)); }
done
check "all ${#windows[@]} edges' ts inside the wall-clock window of their pull (50 ms slack)" test "$late" -eq 0

# The healthy sensor: readings all through the outage, on its 250 ms schedule.
mapfile -t steady_stamps < <(field "$steady" "$messages" ".ts | $utc_seconds")
during=$(printf '%s\n' "${steady_stamps[@]}" | awk -v a="$broken" -v b="$online" '$1 >= a && $1 <= b' | wc -l)
expected=$(awk -v a="$broken" -v b="$online" 'BEGIN { printf "%d", (b - a) / 0.25 - 2 }')
check "the LM75 published $during readings during the outage (at least $expected)" test "$during" -ge "$expected"
gap=$(printf '%s\n' "${steady_stamps[@]}" | awk 'NR > 1 { d = $1 - p; if (d > m) m = d } { p = $1 } END { printf "%.3f", m }')
check "the LM75's longest gap $gap s is within one slot (250 ms) of its interval" awk -v g="$gap" 'BEGIN { exit !(g > 0 && g <= 0.5) }'
check "the LM75 reads +22.0 °C throughout" test "$(field "$steady" "$messages" .value | sort -u)" = 22
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 30 "$messages"; }
finish
