#!/bin/bash
# The gateway's LM75 driver against the kernel's i2c-dev and i2c-stub at 0x48. The
# temperature register is 16 bits, most significant byte first, read as a byte-swapped
# SMBus word (never an 8-bit read, which can hang a real LM75), and i2c-stub keeps a word
# little endian, so the image holds it byte-swapped. With the default 9-bit resolution
# (National LM75 section 1.12: D15...D7 a two's complement count of 0.5 °C, D6...D0
# undefined):
#   0x199F: 0x199F >> 7 = 0x033 = 51 half degrees = +25.5 °C (the undefined bits ignored)
#   0xE700: 0xE700 >> 7 = 0x1CE, two's complement -50 half degrees = -25.0 °C
# The driver writes the configuration's power-up value 0x00 (normal operation; the image
# starts in shutdown, D0 = 1) and reads it back.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
address=0x48
swapped() { printf '0x%04x' $(((($1 & 0xff) << 8) | (($1 >> 8) & 0xff))); }
set_register() { i2cset -y "$bus" "$address" "$1" "$(swapped "$2")" w; }   # a big-endian 16-bit register
load_registers() {
  i2cset -y "$bus" "$address" 0x01 0x01 b    # configuration: shutdown
  set_register 0x02 0x4B00                   # T_HYST 75 °C, T_OS 80 °C: the power-up values
  set_register 0x03 0x5000
  set_register 0x00 0x199F                   # temperature +25.5 °C
}
require "the register image is loaded" load_registers
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-lm75 }
sensors:
  - id: probe
    driver: lm75
    i2c: { bus: $bus, address: $address }
    interval: 500ms
YAML
prefix=sensorgate/hil-lm75
topic=$prefix/probe/temperature
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
check "two readings" wait_count "$topic" "$messages" 2 10
# all_equal LINES VALUE: there are lines and every one is VALUE.
all_equal() { [[ -n "$1" ]] && ! grep -vqxF -- "$2" <<<"$1" || { echo "  values: $(tr '\n' ' ' <<<"$1")"; return 1; }; }
check "register 0x199F reads +25.5 °C (D6...D0 ignored)" all_equal "$(field "$topic" "$messages" .value)" 25.5
check "unit °C" test "$(field "$topic" "$messages" .unit | tail -n1)" = '"°C"'
check "the configuration holds 0x00: normal operation, comparator mode, fault queue 1" \
  test "$(i2cget -y "$bus" "$address" 0x01 b)" = 0x00
check "the driver wrote nothing to T_HYST and T_OS" \
  test "$(i2cget -y "$bus" "$address" 0x02 w) $(i2cget -y "$bus" "$address" 0x03 w)" = "0x004b 0x0050"
set_register 0x00 0xE700
check "register 0xE700 reads -25.0 °C" wait_for "$messages" "^$topic \{\"value\":-25(\.0)?," 5
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
