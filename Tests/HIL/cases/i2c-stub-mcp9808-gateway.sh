#!/bin/bash
# The gateway's MCP9808 driver against the kernel's i2c-dev and i2c-stub at 0x18. The
# part's registers are 16 bits, most significant byte first (DS25095A section 4.0); the
# driver reads and writes them as byte-swapped SMBus words, and i2c-stub keeps a word
# little endian, so the image holds each value byte-swapped: manufacturer id 0x0054 as
# word 0x5400, device id/revision 0x0400 as 0x0004. T_A (section 5.1.3, equation 5-1):
#   0x41A8: flag T_A > T_UPPER (bit 14) set and masked off; 0x01A8 = 424 sixteenths = +26.5 °C
#   0x1F80: sign bit 12 set; 256 - (0x0F * 16 + 0x80 / 16) = 8, so -8.0 °C
# The driver writes CONFIG's power-up value 0x0000 (continuous conversion: the image
# starts in shutdown, 0x0100) and the resolution register's 0b11 (0.0625 °C).
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
address=0x18
swapped() { printf '0x%04x' $(((($1 & 0xff) << 8) | (($1 >> 8) & 0xff))); }
set_register() { i2cset -y "$bus" "$address" "$1" "$(swapped "$2")" w; }   # a big-endian 16-bit register
get_word() { i2cget -y "$bus" "$address" "$1" w; }
load_registers() {
  set_register 0x06 0x0054                   # manufacturer id
  set_register 0x07 0x0400                   # device id 0x04, revision 0x00
  set_register 0x01 0x0100                   # CONFIG: shutdown (SHDN, bit 8), as a part left so
  i2cset -y "$bus" "$address" 0x08 0x00 b    # resolution 0.5 °C
  set_register 0x05 0x41A8                   # T_A +26.5 °C with the T_UPPER flag
}
require "the register image is loaded" load_registers
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-mcp9808 }
sensors:
  - id: probe
    driver: mcp9808
    i2c: { bus: $bus, address: $address }
    interval: 500ms
YAML
prefix=sensorgate/hil-mcp9808
topic=$prefix/probe/temperature
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
check "two readings" wait_count "$topic" "$messages" 2 10
# all_equal LINES VALUE: there are lines and every one is VALUE.
all_equal() { [[ -n "$1" ]] && ! grep -vqxF -- "$2" <<<"$1" || { echo "  values: $(tr '\n' ' ' <<<"$1")"; return 1; }; }
check "T_A 0x41A8 reads +26.5 °C (alert flag masked off)" all_equal "$(field "$topic" "$messages" .value)" 26.5
check "unit °C" test "$(field "$topic" "$messages" .unit | tail -n1)" = '"°C"'
check "CONFIG holds the power-up value 0x0000: converting, not shut down" test "$(get_word 0x01)" = 0x0000
check "the resolution register holds 0b11 (0.0625 °C)" test "$(i2cget -y "$bus" "$address" 0x08 b)" = 0x03
check "the ids are untouched" test "$(get_word 0x06) $(get_word 0x07)" = "0x5400 0x0004"
set_register 0x05 0x1F80
check "T_A 0x1F80 reads -8.0 °C" wait_for "$messages" "^$topic \{\"value\":-8(\.0)?," 5
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
