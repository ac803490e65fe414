#!/bin/bash
# The gateway's VEML7700 driver against the kernel's i2c-dev and i2c-stub (not the
# simulator): i2c-stub at 0x10 keeps 16-bit words and answers SMBus word transactions low
# byte first, exactly as the part's registers do. The ALS register (0x04) holds 10000
# counts; at the driver's default gain 1/8 and 100 ms that is 10000 × 0.4608 = 4608 lx before
# the application note's high-light correction, 5701.02 lx after it (computed by hand from
# the polynomial: 271.130 − 918.997 + 1730.289 + 4618.598). The driver must have written
# ALS_CONF_0 0x1000 (gain 1/8, 100 ms, powered on) over a shut-down configuration and
# turned power saving off.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
address=0x10
set_word() { i2cset -y "$bus" "$address" "$1" "$2" w; }
get_word() { i2cget -y "$bus" "$address" "$1" w; }
load_registers() {
  set_word 0x00 0x0001    # ALS_CONF_0: shut down (ALS_SD 1), gain 1, 100 ms
  set_word 0x03 0x0007    # power saving mode 4 on: the driver must turn it off
  set_word 0x04 10000     # ALS count
  set_word 0x05 12000     # WHITE, unused by the driver
}
require "the register image is loaded" load_registers
check "i2c-stub keeps the whole word, low byte first (byte 0x04 reads the count's low byte)" \
  test "$(i2cget -y "$bus" "$address" 0x04 b)" = 0x10
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-i2c }
sensors:
  - id: window
    driver: veml7700
    i2c: { bus: $bus }
    interval: 1s
YAML
prefix=sensorgate/hil-i2c
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
require "two illuminance readings" wait_count "$prefix/window/illuminance" "$messages" 2 10
lux=$(field "$prefix/window/illuminance" "$messages" .value | tail -n1)
echo "  illuminance $lux"
near() { awk -v v="$1" -v want="$2" -v tol="$3" 'BEGIN { d = v - want; if (d < 0) d = -d; exit !(v != "" && d <= tol) }'; }
check "illuminance 5701.02 lx (10000 counts, corrected)" near "$lux" 5701.02 0.01
check "unit lx" test "$(field "$prefix/window/illuminance" "$messages" .unit | tail -n1)" = '"lx"'
check "ALS_CONF_0 0x1000: gain 1/8, 100 ms, powered on" test "$(get_word 0x00)" = 0x1000
check "power saving off" test "$(get_word 0x03)" = 0x0000
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
