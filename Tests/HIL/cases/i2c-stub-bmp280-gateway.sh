#!/bin/bash
# The gateway's BMP280 driver against the kernel's i2c-dev and i2c-stub: i2c-stub at 0x76
# holds the register image of a BMP280 (chip id 0x58) loaded with the compensation
# example of Bosch's BMP280 datasheet (its worked example: dig_T1 27504, dig_T2 26435, dig_T3
# -1000, adc_T 519888 -> 25.08 °C; dig_P1...P9 36477, -10685, 3024, 2855, 140, -7, 15500,
# -14600, 6000, adc_P 415148 -> 100653.27 Pa); the gateway publishes those values, and
# the stub holds what the driver writes: the soft-reset word 0xB6 in `reset` (0xE0),
# `config` (0xF5) 0x00 (standby 0.5 ms, filter off) and `ctrl_meas` (0xF4) 0x25 (osrs_t
# x1, osrs_p x1, forced mode) after a measurement.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
address=0x76
set_byte() { i2cset -y "$bus" "$address" "$1" "$(($2 & 0xff))" b; }
get_byte() { i2cget -y "$bus" "$address" "$1" b; }
set_word() { set_byte "$1" "$2"; set_byte $(($1 + 1)) $((($2 >> 8) & 0xff)); }   # little endian
load_registers() {
  set_byte 0xD0 0x58                         # id: a BMP280
  set_byte 0xF3 0x00                         # status: not measuring, NVM copied
  # What the driver must write, set to something else first (the image outlives a case).
  set_byte 0xE0 0x00; set_byte 0xF4 0xFF; set_byte 0xF5 0xFF
  local calibration=(27504 26435 -1000 36477 -10685 3024 2855 140 -7 15500 -14600 6000)
  local i
  for i in "${!calibration[@]}"; do set_word $((0x88 + 2 * i)) "${calibration[$i]}"; done
  # Data: press 415148, temp 519888 (20 bits: msb, lsb, xlsb bits 7...4).
  local press=415148 temp=519888
  set_byte 0xF7 $((press >> 12)); set_byte 0xF8 $(((press >> 4) & 0xff)); set_byte 0xF9 $(((press & 0xf) << 4))
  set_byte 0xFA $((temp >> 12)); set_byte 0xFB $(((temp >> 4) & 0xff)); set_byte 0xFC $(((temp & 0xf) << 4))
}
require "the register image is loaded" load_registers
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-bmp280 }
sensors:
  - id: barometer
    driver: bmp280
    i2c: { bus: $bus, address: $address }
    interval: 1s
YAML
prefix=sensorgate/hil-bmp280
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
for channel in temperature pressure; do check "two $channel readings" wait_count "$prefix/barometer/$channel" "$messages" 2 10; done
temperature=$(field "$prefix/barometer/temperature" "$messages" .value | tail -n1)
pressure=$(field "$prefix/barometer/pressure" "$messages" .value | tail -n1)
echo "  temperature $temperature, pressure $pressure"
near() { awk -v v="$1" -v want="$2" -v tol="$3" 'BEGIN { d = v - want; if (d < 0) d = -d; exit !(v != "" && d <= tol) }'; }
# The integer formulas: T = 2508 / 100 °C; p = 25767236 / 256 Pa = 100653.27 Pa = 1006.53 hPa.
check "temperature 25.08 °C (datasheet example)" near "$temperature" 25.08 0.005
check "pressure 1006.53 hPa (datasheet example 100653.27 Pa)" near "$pressure" 1006.53 0.005
check "units °C, hPa" test "$(field "$prefix/barometer/temperature" "$messages" .unit | tail -n1) $(field "$prefix/barometer/pressure" "$messages" .unit | tail -n1)" = '"°C" "hPa"'
check "no humidity channel (a BMP280 has none)" test "$(message_count "$prefix/barometer/humidity" "$messages")" -eq 0
check "the driver soft-reset the part (0xB6 in reset, 0xE0)" test "$(get_byte 0xE0)" = 0xb6
check "config (0xF5) is 0x00: standby 0.5 ms, filter off" test "$(get_byte 0xF5)" = 0x00
check "ctrl_meas (0xF4) is 0x25: osrs_t x1, osrs_p x1, forced mode" test "$(get_byte 0xF4)" = 0x25
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
