#!/bin/bash
# The gateway's TMP102 driver against the kernel's i2c-dev and i2c-stub: one part at 0x49
# (ADD0 to V+; by ADD0 the TMP102 answers at 0x48...0x4B) in normal mode and
# one at 0x48 (ADD0 to GND) in extended mode. Registers are 16 bits, most significant
# byte first, read and written as byte-swapped SMBus words; i2c-stub keeps a word little
# endian, so the image holds each value byte-swapped. Temperature (tables 5 and 6; bit D0
# says the format):
#   0x1910, D0 = 0, normal 12 bits: 0x191 = 401 x 0.0625 = +25.0625 °C
#   0xFFC0, D0 = 0: 0xFFC, two's complement -4 x 0.0625 = -0.25 °C
#   0x4B01, D0 = 1, extended 13 bits: 0x0960 = 2400 x 0.0625 = +150.0 °C
# The driver writes the configuration's power-up value (table 7): 0x60A0 (byte 1 0110 0000:
# resolution bits 11, continuous conversion; byte 2 1010 0000: 4 Hz, normal mode), and
# 0x60B0 with the extended-mode bit EM in extended mode.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
swapped() { printf '0x%04x' $(((($1 & 0xff) << 8) | (($1 >> 8) & 0xff))); }
set_register() { i2cset -y "$bus" "$1" "$2" "$(swapped "$3")" w; }   # ADDRESS REGISTER VALUE, big endian
register() { swapped "$(i2cget -y "$bus" "$1" "$2" w)"; }            # ADDRESS REGISTER: the part's view
load_registers() {
  local address
  for address in 0x48 0x49; do set_register $address 0x01 0x0000; done   # not what the driver writes
  set_register 0x49 0x00 0x1910
  set_register 0x48 0x00 0x4B01
}
require "the register image is loaded" load_registers
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-tmp102 }
sensors:
  - id: normal
    driver: tmp102
    i2c: { bus: $bus, address: 0x49 }
    interval: 500ms
  - id: extended
    driver: tmp102
    i2c: { bus: $bus, address: 0x48 }
    interval: 500ms
    options: { mode: extended }
YAML
prefix=sensorgate/hil-tmp102
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
both_read() { wait_count "$prefix/normal/temperature" "$messages" 2 10 && wait_count "$prefix/extended/temperature" "$messages" 2 10; }
check "two readings of each" both_read
# all_equal LINES VALUE: there are lines and every one is VALUE.
all_equal() { [[ -n "$1" ]] && ! grep -vqxF -- "$2" <<<"$1" || { echo "  values: $(tr '\n' ' ' <<<"$1")"; return 1; }; }
check "0x49: register 0x1910 reads +25.0625 °C (normal format)" all_equal "$(field "$prefix/normal/temperature" "$messages" .value)" 25.0625
check "0x48: register 0x4B01 reads +150 °C (extended format)" all_equal "$(field "$prefix/extended/temperature" "$messages" .value)" 150
check "0x49: configuration 0x60A0 (normal mode, 4 Hz, continuous)" test "$(register 0x49 0x01)" = 0x60a0
check "0x48: configuration 0x60B0 (EM set)" test "$(register 0x48 0x01)" = 0x60b0
set_register 0x49 0x00 0xFFC0
check "0x49: register 0xFFC0 reads -0.25 °C" wait_for "$messages" "^$prefix/normal/temperature \{\"value\":-0\.25," 5
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
