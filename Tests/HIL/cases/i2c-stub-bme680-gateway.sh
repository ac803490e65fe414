#!/bin/bash
# The gateway's BME680 driver against the kernel's i2c-dev and i2c-stub (not the
# simulator): i2c-stub at 0x77 holds the register image of a BME680 with the calibration of
# the simulated part (par_t1...t3 25827, 26204, 3; par_p1...p10 35877, -10296, 88, 6716,
# -126, 30, 35, -1497, -2929, 30; par_h1...h7 765, 1020, 0, 45, 20, 120, -100; par_g1...g3
# -30, -12000, 18; res_heat_range 1, res_heat_val 40, range_switching_error 1) and the data
# temp_adc 500000, press_adc 350000, hum_adc 25000, gas_adc 640 at gas_range 7 (valid, heater
# stable). The expected values are computed by hand from the datasheet's integer formulas
# (the computation is written out in Tests/SensorDriversTests/BME680Tests.swift):
# 27.11 °C, 1033.39 hPa, 71.634 %RH, 57489 Ω. The heater set-point for the default 320 °C at
# 25 °C is res_heat_0 117 (0x75) and 150 ms encode as gas_wait_0 0x66 (38 × 4 ms). Then
# heat_stab_r is cleared: temperature goes on, gas resistance stops (the driver returns NaN).
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
address=0x77
set_byte() { i2cset -y "$bus" "$address" "$1" "$(($2 & 0xff))" b; }
set_word() { set_byte "$1" "$2"; set_byte $(($1 + 1)) $((($2 >> 8) & 0xff)); }   # little endian
get_byte() { i2cget -y "$bus" "$address" "$1" b; }
load_registers() {
  local register
  # Clear every register the case relies on first: the image outlives a case.
  for register in $(seq $((0x00)) $((0xFF))); do set_byte "$register" 0; done
  set_byte 0xD0 0x61                       # id
  set_byte 0xF0 0x00                       # variant_id: BME680
  # coeff1, 0x8A...0xA0
  set_word 0x8A 26204; set_byte 0x8C 3                      # par_t2, par_t3
  set_word 0x8E 35877; set_word 0x90 -10296; set_byte 0x92 88  # par_p1, p2, p3
  set_word 0x94 6716; set_word 0x96 -126                     # par_p4, p5
  set_byte 0x98 35; set_byte 0x99 30                         # par_p7, p6
  set_word 0x9C -1497; set_word 0x9E -2929; set_byte 0xA0 30 # par_p8, p9, p10
  # coeff2, 0xE1...0xEE: par_h2 1020 = 0x3FC and par_h1 765 = 0x2FD share 0xE2.
  set_byte 0xE1 0x3F; set_byte 0xE2 0xCD; set_byte 0xE3 0x2F
  set_byte 0xE4 0; set_byte 0xE5 45; set_byte 0xE6 20; set_byte 0xE7 120; set_byte 0xE8 -100  # par_h3...h7
  set_word 0xE9 25827                                        # par_t1
  set_word 0xEB -12000; set_byte 0xED -30; set_byte 0xEE 18  # par_g2, g1, g3
  # coeff3, 0x00...0x04
  set_byte 0x00 40                         # res_heat_val
  set_byte 0x02 0x10                       # res_heat_range 1 in bits 5:4
  set_byte 0x04 0x10                       # range_switching_error 1 in bits 7:4
  set_byte 0x1D 0x80                       # meas_status_0: new_data_0 (i2c-stub never clears it)
  # Data 0x1F...0x2B: press 350000, temp 500000 (msb, lsb, xlsb), hum 25000, gas_r 640 / range 7.
  set_byte 0x1F 0x55; set_byte 0x20 0x73; set_byte 0x21 0x00
  set_byte 0x22 0x7A; set_byte 0x23 0x12; set_byte 0x24 0x00
  set_byte 0x25 0x61; set_byte 0x26 0xA8
  set_byte 0x2A 0xA0; set_byte 0x2B 0x37   # gas_r<9:2>; gas_r<1:0> 00, gas_valid_r, heat_stab_r, range 7
}
require "the register image is loaded" load_registers
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-i2c }
sensors:
  - id: air
    driver: bme680
    i2c: { bus: $bus, address: $address }
    interval: 1s
YAML
prefix=sensorgate/hil-i2c
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
for channel in temperature pressure humidity gas_resistance; do wait_count "$prefix/air/$channel" "$messages" 2 10; done
last() { field "$prefix/air/$1" "$messages" "$2" | tail -n1; }
temperature=$(last temperature .value); pressure=$(last pressure .value)
humidity=$(last humidity .value); gas=$(last gas_resistance .value)
echo "  temperature $temperature, pressure $pressure, humidity $humidity, gas resistance $gas"
near() { awk -v v="$1" -v want="$2" -v tol="$3" 'BEGIN { d = v - want; if (d < 0) d = -d; exit !(v != "" && d <= tol) }'; }
check "temperature 27.11 °C (by hand from the datasheet's formula)" near "$temperature" 27.11 0.001
check "pressure 1033.39 hPa" near "$pressure" 1033.39 0.001
check "humidity 71.634 %" near "$humidity" 71.634 0.0001
check "gas resistance 57489 Ω" near "$gas" 57489 0.5
check "units °C, hPa, %, Ω" test "$(last temperature .unit) $(last pressure .unit) $(last humidity .unit) $(last gas_resistance .unit)" = '"°C" "hPa" "%" "Ω"'
check "the driver started a forced measurement (ctrl_meas 0x55: osrs_t x2, osrs_p x16, mode 01)" \
  test "$(get_byte 0x74)" = 0x55
check "ctrl_hum osrs_h x1" test "$(get_byte 0x72)" = 0x01
check "heater set-point 0: res_heat_0 0x75 (320 °C), gas_wait_0 0x66 (152 ms)" \
  test "$(get_byte 0x5A) $(get_byte 0x64)" = "0x75 0x66"
check "ctrl_gas_1 run_gas with nb_conv 0 (0x10)" test "$(get_byte 0x71)" = 0x10
# A heater that does not reach its target (heat_stab_r clear): the reading still publishes
# temperature, pressure and humidity, and no gas resistance (the driver's NaN).
set_byte 0x2B 0x27
gas_before=$(message_count "$prefix/air/gas_resistance" "$messages")
temperatures_before=$(message_count "$prefix/air/temperature" "$messages")
check "temperature keeps coming with the heater unstable" \
  wait_count "$prefix/air/temperature" "$messages" $((temperatures_before + 3)) 10
# One reading may have been under way when the register changed.
check "no gas resistance published while the heater is unstable" \
  test "$(message_count "$prefix/air/gas_resistance" "$messages")" -le $((gas_before + 1))
check "the sensor never went offline" test "$(count_matches "$messages" "^$prefix/air/status offline")" = 0
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
