#!/bin/bash
# The gateway's ADS1115 and ADS1015 drivers against the kernel's i2c-dev and i2c-stub (not
# the simulator): an ADS1115 at 0x48 (single-ended, ±4.096 V, 860 SPS) and an ADS1015 at
# 0x49 (differential, ±2.048 V, 3300 SPS). i2c-stub keeps each 16-bit register as one
# word, little-endian, so the case swaps the bytes of the big-endian register values it
# sets and reads. Its config register reads back what was written (OS = 1 stays set, so
# the driver's poll finds every conversion done at once), and all inputs share the one
# conversion register: every channel of a part publishes the same value.
#   ADS1115 conversion 0x3039 = 12345 codes × 4.096 V / 32768 = 1.543125 V
#   ADS1015 conversion 0xF060: 12 bits 0xF06 = -250 codes × 2.048 V / 2048 = -0.25 V
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
# set_register ADDRESS REGISTER VALUE: the big-endian VALUE as the part's 16-bit register.
set_register() { i2cset -y "$bus" "$1" "$2" "$(printf '0x%04x' $(((($3 & 0xff) << 8) | (($3 >> 8) & 0xff))))" w; }
# register ADDRESS REGISTER: the part's 16-bit register, big-endian.
register() { local word; word=$(i2cget -y "$bus" "$1" "$2" w) || return 1; printf '0x%04x' $((((word & 0xff) << 8) | (word >> 8))); }
load_registers() {
  local address
  for address in 0x48 0x49; do
    set_register $address 0x01 0x8583        # config at power-up
    set_register $address 0x02 0x8000        # Lo_thresh, Hi_thresh at power-up
    set_register $address 0x03 0x7FFF
  done
  set_register 0x48 0x00 0x3039
  set_register 0x49 0x00 0xF060
}
require "the register images are loaded" load_registers
check "i2c-stub holds the word as the part would send it (0x3039 reads 0x3930 as an SMBus word)" \
  test "$(i2cget -y "$bus" 0x48 0x00 w)" = 0x3930
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-adc }
sensors:
  - id: single
    driver: ads1115
    i2c: { bus: $bus, address: 0x48 }
    interval: 1s
    options: { inputs: single-ended, gain: 4.096, data_rate: 860 }
  - id: pairs
    driver: ads1015
    i2c: { bus: $bus, address: 0x49 }
    interval: 1s
    options: { inputs: differential, gain: 2.048, data_rate: 3300 }
YAML
prefix=sensorgate/hil-adc
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
for channel in single/a0 single/a1 single/a2 single/a3 pairs/a0_a1 pairs/a2_a3; do
  check "$channel published twice" wait_count "$prefix/$channel" "$messages" 2 10
done
near() { awk -v v="$1" -v want="$2" -v tol="$3" 'BEGIN { d = v - want; if (d < 0) d = -d; exit !(v != "" && d <= tol) }'; }
for channel in a0 a1 a2 a3; do
  value=$(field "$prefix/single/$channel" "$messages" .value | tail -n1)
  check "ADS1115 $channel is 1.543125 V (12345 codes at ±4.096 V), got $value" near "$value" 1.543125 0.0000005
done
for channel in a0_a1 a2_a3; do
  value=$(field "$prefix/pairs/$channel" "$messages" .value | tail -n1)
  check "ADS1015 $channel is -0.25 V (-250 codes at ±2.048 V), got $value" near "$value" -0.25 0.0000005
done
check "unit V" test "$(field "$prefix/single/a0" "$messages" .unit | tail -n1)" = '"V"'
check "no single-ended channel of the differential ADS1015" test "$(count_matches "$messages" "^$prefix/pairs/a[0-3] ")" = 0
check "the gateway stops with status 0" stop_gateway
# The last conversion of each read is the last channel's: OS | MUX | PGA | MODE 1 | DR | COMP_QUE 11.
config=$(register 0x48 0x01)
check "the ADS1115 driver wrote config 0xF3E3 (OS, AIN3-GND, ±4.096 V, single-shot, 860 SPS), got $config" \
  test "$config" = 0xf3e3
config=$(register 0x49 0x01)
check "the ADS1015 driver wrote config 0xB5C3 (OS, AIN2-AIN3, ±2.048 V, single-shot, 3300 SPS), got $config" \
  test "$config" = 0xb5c3
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
