#!/bin/bash
# A PCA9685's channels as gateway PWM outputs, against the kernel's i2c-dev and i2c-stub
# at 0x40 (not the simulator): PRE_SCALE holds round(25 MHz / (4096 x 1000 Hz)) - 1 = 5,
# MODE1 ends with RESTART | AI, and duty-cycle and pulse-width commands land in LEDn_ON/OFF
# (12-bit counts; bit 4 of ON_H full on, of OFF_H full off); a bad duty goes to <prefix>/error.
# A reload removes one output (its channel goes to its safe setting, its retained state is
# cleared), adds one (its channel to its initial) and leaves the third's channel untouched.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
address=0x40
set_byte() { i2cset -y "$bus" "$address" "$1" "$(($2 & 0xff))" b; }
get_byte() { i2cget -y "$bus" "$address" "$1" b; }
# led CHANNEL: its LEDn_ON_L ON_H OFF_L OFF_H, as "0x.. 0x.. 0x.. 0x..".
led() { local base=$((0x06 + 4 * $1)) i out=(); for i in 0 1 2 3; do out+=("$(get_byte $((base + i)))"); done; echo "${out[*]}"; }
# The power-on image of the registers the gateway writes, so each write is seen.
load_registers() {
  set_byte 0x00 0x11; set_byte 0x01 0x04; set_byte 0xFE 0x1E
  local register
  for register in $(seq $((0x06)) $((0x11))); do set_byte "$register" 0x55; done
}
require "the register image is loaded" load_registers
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-pca9685 }
expanders:
  - id: pwm
    driver: pca9685
    i2c: { bus: $bus, address: $address }
    frequency: 1000
outputs:
  - id: dimmer
    pwm: { expander: pwm, channel: 0 }
  - id: pump
    pwm: { expander: pwm, channel: LED1 }
    initial: 100
    safe: 0
YAML
prefix=sensorgate/hil-pca9685
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
check "PRE_SCALE 0x05 (1000 Hz)" test "$(get_byte 0xFE)" = 0x05
check "MODE1 0xa0 (RESTART, AI; awake), MODE2 0x04 (totem pole)" test "$(get_byte 0x00) $(get_byte 0x01)" = "0xa0 0x04"
check "LED0 full off (initial 0 %)" test "$(led 0)" = "0x00 0x00 0x00 0x10"
check "LED1 full on (initial 100)" test "$(led 1)" = "0x00 0x10 0x00 0x00"
check "dimmer and pump publish 0 and 100 %" \
  test "$(field "$prefix/dimmer" "$messages" .value) $(field "$prefix/pump" "$messages" .value)" = "0 100"

check "dimmer 25% accepted" publish "$prefix/dimmer/set" "25%"
check "dimmer publishes 25" wait_for "$messages" "^$prefix/dimmer \{\"value\":25,\"unit\":\"%\"" 5
sleep 0.2
check "LED0 on at 0, off at 1024 (0x400)" test "$(led 0)" = "0x00 0x00 0x00 0x04"
# 500 us of a 983.04 us period (25 MHz / (4096 x 6) = 1017.25 Hz): round(2083.3) = 2083 = 0x823.
check "pump pulse 500us accepted" publish "$prefix/pump/set" '{"pulse": "500us"}'
check "pump publishes its duty cycle" wait_for "$messages" "^$prefix/pump \{\"value\":50.863," 5
sleep 0.2
check "LED1 on at 0, off at 2083 (0x823)" test "$(led 1)" = "0x00 0x00 0x23 0x08"
check "a bad duty is published" publish "$prefix/dimmer/set" 150
check "it is refused on <prefix>/error" wait_for "$messages" "^$prefix/error .*a duty cycle is 0 to 100 %, got 150" 5
check "LED0 is unchanged" test "$(led 0)" = "0x00 0x00 0x00 0x04"

check "LED2 untouched before the reload" test "$(led 2)" = "0x55 0x55 0x55 0x55"
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-pca9685 }
expanders:
  - id: pwm
    driver: pca9685
    i2c: { bus: $bus, address: $address }
    frequency: 1000
outputs:
  - id: dimmer
    pwm: { expander: pwm, channel: 0 }
  - id: fan
    pwm: { expander: pwm, channel: 2 }
    initial: 50
YAML
before=$(message_count "$prefix/dimmer" "$messages")
check "SIGHUP" kill -HUP "$gateway_pid"
check "the reload applies the PWM outputs" \
  wait_for "$gateway_log" "reloaded .*PWM outputs: 1 added, 1 removed, 1 unchanged" 10
check "fan publishes its initial 50 %" wait_for "$messages" "^$prefix/fan \{\"value\":50,\"unit\":\"%\"" 5
# mosquitto_sub -v shows an empty payload as (null).
check "pump's retained state is cleared" wait_for "$messages" "^$prefix/pump( \(null\))?$" 5
sleep 0.2
check "LED2 (fan) on at 0, off at 2048 (0x800)" test "$(led 2)" = "0x00 0x00 0x00 0x08"
check "LED1 (pump, removed) at its safe 0 %: full off" test "$(led 1)" = "0x00 0x00 0x00 0x10"
check "LED0 (dimmer, unchanged) still at 25 %" test "$(led 0)" = "0x00 0x00 0x00 0x04"
check "dimmer not republished" test "$(message_count "$prefix/dimmer" "$messages")" = "$before"
check "the gateway stops with status 0" stop_gateway
check "at stop, each goes to its safe setting, its initial: the fan 50 %, the dimmer full off" \
  test "$(led 2) / $(led 0)" = "0x00 0x00 0x00 0x08 / 0x00 0x00 0x00 0x10"
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
