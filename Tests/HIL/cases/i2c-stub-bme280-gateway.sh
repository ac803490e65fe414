#!/bin/bash
# The gateway's BME280 driver against the kernel's i2c-dev and i2c-stub (not the
# simulator): i2c-stub at 0x76 holds the register image of a BME280 loaded with the
# compensation example of Bosch's BMP280 datasheet (section 8.2: dig_T1 27504, dig_T2
# 26435, dig_T3 -1000, adc_T 519888 -> 25.08 °C; dig_P1...P9 36477, -10685, 3024, 2855,
# 140, -7, 15500, -14600, 6000, adc_P 415148 -> 100653.27 Pa), and the gateway publishes
# those values.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
address=0x76
set_byte() { i2cset -y "$bus" "$address" "$1" "$(($2 & 0xff))" b; }
set_word() { set_byte "$1" "$2"; set_byte $(($1 + 1)) $((($2 >> 8) & 0xff)); }   # little endian
load_registers() {
  set_byte 0xD0 0x60                         # id
  set_byte 0xF3 0x00                         # status: not measuring, NVM copied
  local calibration=(27504 26435 -1000 36477 -10685 3024 2855 140 -7 15500 -14600 6000)
  local i
  for i in "${!calibration[@]}"; do set_word $((0x88 + 2 * i)) "${calibration[$i]}"; done
  # Humidity calibration (dig_H1...H6) of a plausible part; only the range is checked.
  set_byte 0xA1 75
  set_word 0xE1 362; set_byte 0xE3 0
  set_byte 0xE4 19; set_byte 0xE5 0x23; set_byte 0xE6 3; set_byte 0xE7 30   # H4 = 307, H5 = 50
  # Data: press 415148, temp 519888 (20 bits, msb, lsb, xlsb), hum 0x6A00.
  local press=415148 temp=519888
  set_byte 0xF7 $((press >> 12)); set_byte 0xF8 $(((press >> 4) & 0xff)); set_byte 0xF9 $(((press & 0xf) << 4))
  set_byte 0xFA $((temp >> 12)); set_byte 0xFB $(((temp >> 4) & 0xff)); set_byte 0xFC $(((temp & 0xf) << 4))
  set_byte 0xFD 0x6A; set_byte 0xFE 0x00
}
require "the register image is loaded" load_registers
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-i2c }
sensors:
  - id: climate
    driver: bme280
    i2c: { bus: $bus, address: $address }
    interval: 1s
YAML
prefix=sensorgate/hil-i2c
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
for channel in temperature pressure humidity; do wait_count "$prefix/climate/$channel" "$messages" 2 10; done
temperature=$(field "$prefix/climate/temperature" "$messages" .value | tail -n1)
pressure=$(field "$prefix/climate/pressure" "$messages" .value | tail -n1)
humidity=$(field "$prefix/climate/humidity" "$messages" .value | tail -n1)
echo "  temperature $temperature, pressure $pressure, humidity $humidity"
near() { awk -v v="$1" -v want="$2" -v tol="$3" 'BEGIN { d = v - want; if (d < 0) d = -d; exit !(v != "" && d <= tol) }'; }
check "temperature 25.08 °C (datasheet example)" near "$temperature" 25.08 0.01
check "pressure 1006.53 hPa (datasheet example 100653.27 Pa)" near "$pressure" 1006.53 0.05
check "humidity within 0...100 %" awk -v h="$humidity" 'BEGIN { exit !(h != "" && h >= 0 && h <= 100) }'
check "units °C, hPa, %" test "$(field "$prefix/climate/temperature" "$messages" .unit | tail -n1) $(field "$prefix/climate/pressure" "$messages" .unit | tail -n1)" = '"°C" "hPa"'
check "the driver started a forced measurement (ctrl_meas mode bits 01 or 10)" \
  bash -c "(( ($(i2cget -y "$bus" "$address" 0xF4 b) & 3) == 1 || ($(i2cget -y "$bus" "$address" 0xF4 b) & 3) == 2 ))"
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
