#!/bin/bash
# The gateway's INA219 driver against the kernel's i2c-dev and i2c-stub (not the
# simulator): i2c-stub at 0x40 holds the data registers of the datasheet's
# "Configure/Measure/Calculate Example" (load 10 A, 2 mΩ shunt, V_CM 12 V: shunt 0x07D0,
# bus 0x5D98, current 0x2710, power 0x1766), and the profile's shunt_ohms 0.002 and
# max_current 32.768 (a current LSB of exactly 1 mA) make the driver write the example's
# calibration 0x5000 = trunc(0.04096 / (0.001 × 0.002)). The gateway publishes
# 11.98 V (2995 × 4 mV), 20 mV (2000 × 10 µV), 10 A (10000 × 1 mA), 119.8 W (5990 × 20 mW).
# i2c-stub keeps each 16-bit register as one word, little-endian: the case swaps the bytes
# of the big-endian register values it sets and reads.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
address=0x40
# set_register REGISTER VALUE: the big-endian VALUE as the part's 16-bit register.
set_register() { i2cset -y "$bus" "$address" "$1" "$(printf '0x%04x' $(((($2 & 0xff) << 8) | (($2 >> 8) & 0xff))))" w; }
# register REGISTER: the part's 16-bit register, big-endian.
register() { local word; word=$(i2cget -y "$bus" "$address" "$1" w) || return 1; printf '0x%04x' $((((word & 0xff) << 8) | (word >> 8))); }
load_registers() {
  set_register 0x00 0x399F   # configuration at power-up
  set_register 0x05 0x0000   # calibration at power-up
  set_register 0x01 0x07D0   # shunt voltage
  set_register 0x02 0x5D98   # bus voltage (CNVR and OVF clear, as in the example)
  set_register 0x03 0x1766   # power
  set_register 0x04 0x2710   # current
}
require "the register image is loaded" load_registers
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-ina219 }
sensors:
  - id: rail
    driver: ina219
    i2c: { bus: $bus, address: $address }
    interval: 1s
    options: { shunt_ohms: 0.002, max_current: 32.768, bus_range: 16V }
YAML
prefix=sensorgate/hil-ina219
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
for channel in bus_voltage shunt_voltage current power; do
  check "$channel published twice" wait_count "$prefix/rail/$channel" "$messages" 2 10
done
near() { awk -v v="$1" -v want="$2" -v tol="$3" 'BEGIN { d = v - want; if (d < 0) d = -d; exit !(v != "" && d <= tol) }'; }
value() { field "$prefix/rail/$1" "$messages" .value | tail -n1; }
check "bus_voltage 11.98 V, got $(value bus_voltage)" near "$(value bus_voltage)" 11.98 0.0000005
check "shunt_voltage 20 mV, got $(value shunt_voltage)" near "$(value shunt_voltage)" 20 0.0000005
check "current 10 A, got $(value current)" near "$(value current)" 10 0.0000005
check "power 119.8 W, got $(value power)" near "$(value power)" 119.8 0.0000005
check "units V, mV, A, W" test "$(for c in bus_voltage shunt_voltage current power; do field "$prefix/rail/$c" "$messages" .unit | tail -n1; done | tr '\n' ' ')" = '"V" "mV" "A" "W" '
calibration=$(register 0x05)
check "the driver wrote calibration 0x5000 (section 8.5.1), got $calibration" test "$calibration" = 0x5000
configuration=$(register 0x00)
# BRNG 0 (16 V), PG 01 (80 mV holds 32.768 A × 2 mΩ = 65.5 mV), 12-bit ADCs, continuous.
check "the driver wrote configuration 0x099F, got $configuration" test "$configuration" = 0x099f
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
