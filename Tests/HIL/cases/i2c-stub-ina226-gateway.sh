#!/bin/bash
# The gateway's INA226 driver against the kernel's i2c-dev and i2c-stub (not the
# simulator): i2c-stub at 0x41 holds the ids (0x5449 "TI", die 0x2260) and the data
# registers of the datasheet's "Configure/Measure/Calculate Example" (load 10 A, 2 mΩ
# shunt, V_CM 12 V: shunt 0x1F40, bus 0x2570, current 0x2710, power 0x12B8), and the
# profile's shunt_ohms 0.002 and max_current 32.768 (a current LSB of exactly 1 mA) make
# the driver write the example's calibration 0x0A00 = 0.00512 / (0.001 × 0.002). The
# gateway publishes 11.98 V (9584 × 1.25 mV), 20 mV (8000 × 2.5 µV), 10 A (10000 × 1 mA)
# and 119.8 W (4792 × 25 mW). i2c-stub keeps each 16-bit register as one word,
# little-endian: the case swaps the bytes of the big-endian register values it sets and reads.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
address=0x41
# set_register REGISTER VALUE: the big-endian VALUE as the part's 16-bit register.
set_register() { i2cset -y "$bus" "$address" "$1" "$(printf '0x%04x' $(((($2 & 0xff) << 8) | (($2 >> 8) & 0xff))))" w; }
# register REGISTER: the part's 16-bit register, big-endian.
register() { local word; word=$(i2cget -y "$bus" "$address" "$1" w) || return 1; printf '0x%04x' $((((word & 0xff) << 8) | (word >> 8))); }
load_registers() {
  set_register 0xFE 0x5449   # manufacturer id
  set_register 0xFF 0x2260   # die id
  set_register 0x00 0x4127   # configuration at power-up
  set_register 0x05 0x0000   # calibration at power-up
  set_register 0x06 0x0008   # mask/enable: CVRF set, OVF clear
  set_register 0x01 0x1F40   # shunt voltage
  set_register 0x02 0x2570   # bus voltage
  set_register 0x03 0x12B8   # power
  set_register 0x04 0x2710   # current
}
require "the register image is loaded" load_registers
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-ina226 }
sensors:
  - id: battery
    driver: ina226
    i2c: { bus: $bus, address: $address }
    interval: 1s
    options: { shunt_ohms: 0.002, max_current: 32.768, averaging: 4 }
YAML
prefix=sensorgate/hil-ina226
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
for channel in bus_voltage shunt_voltage current power; do
  check "$channel published twice" wait_count "$prefix/battery/$channel" "$messages" 2 10
done
near() { awk -v v="$1" -v want="$2" -v tol="$3" 'BEGIN { d = v - want; if (d < 0) d = -d; exit !(v != "" && d <= tol) }'; }
value() { field "$prefix/battery/$1" "$messages" .value | tail -n1; }
check "bus_voltage 11.98 V, got $(value bus_voltage)" near "$(value bus_voltage)" 11.98 0.0000005
check "shunt_voltage 20 mV, got $(value shunt_voltage)" near "$(value shunt_voltage)" 20 0.0000005
check "current 10 A, got $(value current)" near "$(value current)" 10 0.0000005
check "power 119.8 W, got $(value power)" near "$(value power)" 119.8 0.0000005
calibration=$(register 0x05)
check "the driver wrote calibration 0x0A00, got $calibration" test "$calibration" = 0x0a00
configuration=$(register 0x00)
# AVG 001 (4 averages), VBUSCT and VSHCT 100 (1.1 ms), continuous.
check "the driver wrote configuration 0x4327, got $configuration" test "$configuration" = 0x4327
check "the gateway stops with status 0" stop_gateway
# A part whose die id is another chip's is refused at setUp and never published.
set_register 0xFF 0x2270
messages2="$HIL_TMP/messages2"
check "subscribed again" subscribe "$prefix/#" "$messages2"
start_gateway "$HIL_TMP/profile.yaml"
check "status online" wait_for "$messages2" "^$prefix/status online$" 20
check "the sensor is reported offline" wait_for "$messages2" "^$prefix/battery/status offline$" 20
check "no current published from a part that is not an INA226" test "$(message_count "$prefix/battery/current" "$messages2")" = 0
check "the gateway log names the ids" grep -q "not an INA226" "$gateway_log"
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
