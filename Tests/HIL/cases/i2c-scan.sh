#!/bin/bash
# `sensorgate i2c list` and `sensorgate i2c scan` against the kernel's i2c-dev and i2c-stub:
# the adapter list reads as `i2cdetect -l`'s, the scan finds the same addresses as
# `i2cdetect -y`, and the chip id at 0xD0 tells a BMP280 (0x58) from a BME280 (0x60) at
# 0x76 without writing into the part.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
require "the gateway binary exists" test -x "$HIL_BIN"

# --- i2c list ------------------------------------------------------------------------------
"$HIL_BIN" i2c list >"$HIL_TMP/list" 2>&1
sed 's/^/  /' "$HIL_TMP/list"
stub_line=$(grep -P "^i2c-$bus\t" "$HIL_TMP/list")
check "i2c list shows i2c-$bus as the SMBus stub driver, type smbus" \
  grep -qP "^i2c-$bus\tsmbus +\tSMBus stub driver +\tSMBus adapter$" "$HIL_TMP/list"
check "that line is i2cdetect -l's" test "$stub_line" = "$(i2cdetect -l | grep -P "^i2c-$bus\t")"
check "i2c list --json names the stub" bash -c \
  "'$HIL_BIN' i2c list --json | jq -e '.[] | select(.bus == $bus and .name == \"SMBus stub driver\" and .type == \"smbus\")' >/dev/null"

# --- i2c scan: the same addresses as i2cdetect ------------------------------------------------
# The answering addresses of a grid as i2cdetect prints it (rows "00:" ... "70:").
grid_addresses() { awk '/^[0-7]0:/ { for (i = 2; i <= NF; i++) if ($i ~ /^[0-9a-f][0-9a-f]$/) print "0x" $i }'; }
set_byte() { i2cset -y "$bus" "$1" "$2" "$3" b; }
require "0x76 reads chip id 0x58 (a BMP280)" set_byte 0x76 0xD0 0x58
require "0x77 reads chip id 0x55 (no part of the catalog)" set_byte 0x77 0xD0 0x55
require "0x76 ctrl_meas is 0x27" set_byte 0x76 0xF4 0x27
# The MCP9808's manufacturer id 0x0054 is big endian: i2c-stub's word is little endian.
require "0x18 reads manufacturer id 0x0054 (an MCP9808)" i2cset -y "$bus" 0x18 0x06 0x5400 w

i2cdetect -y "$bus" >"$HIL_TMP/i2cdetect" 2>&1
"$HIL_BIN" i2c scan "$bus" >"$HIL_TMP/scan" 2>&1
scan_status=$?
sed 's/^/  /' "$HIL_TMP/scan"
check "i2c scan $bus exits 0" test "$scan_status" = 0
expected=$(grid_addresses <"$HIL_TMP/i2cdetect" | tr '\n' ' ')
echo "  i2cdetect: $expected"
check "i2cdetect finds the stub's addresses" test -n "$expected"
check "the scan's grid shows the same addresses as i2cdetect -y" \
  test "$(grid_addresses <"$HIL_TMP/scan" | tr '\n' ' ')" = "$expected"
check "one line per answering address, the same set" \
  test "$(grep -oE '^0x[0-9a-f]{2}:' "$HIL_TMP/scan" | tr -d ':' | tr '\n' ' ')" = "$expected"
check "0x76 is named BMP280 by its chip id, the BME280 ruled out" \
  grep -qE "^0x76: BMP280 \(chip id 0x58\), driver bmp280; (.*; )?not BME280 \(chip id 0x58, expected 0x60\)(;|$)" "$HIL_TMP/scan"
check "0x77 matches no driver of the catalog" grep -qE "^0x77: no driver in the catalog matches; not BME280 \(chip id 0x55" "$HIL_TMP/scan"
check "0x18 is named MCP9808 by its manufacturer id" grep -qE "^0x18: MCP9808 \(manufacturer id 0x0054\), driver mcp9808" "$HIL_TMP/scan"
check "the scan wrote nothing: 0x76 ctrl_meas still 0x27" test "$(i2cget -y "$bus" 0x76 0xF4 b)" = 0x27
check "the scan wrote nothing: 0x76 chip id still 0x58" test "$(i2cget -y "$bus" 0x76 0xD0 b)" = 0x58

# --- the other chip id, and the bus as an option ----------------------------------------------
require "0x76 reads chip id 0x60 (a BME280)" set_byte 0x76 0xD0 0x60
"$HIL_BIN" i2c scan --bus "$bus" >"$HIL_TMP/scan2" 2>&1
check "with chip id 0x60, --bus $bus names BME280 at 0x76" \
  grep -qE "^0x76: BME280 \(chip id 0x60\), driver bme280; (.*; )?not BMP280 \(chip id 0x60, expected 0x58/0x56/0x57\)(;|$)" "$HIL_TMP/scan2"
"$HIL_BIN" i2c scan "$bus" --bus $((bus + 1)) >"$HIL_TMP/usage" 2>&1
check "i2c scan $bus --bus $((bus + 1)) is a usage error (exit 2)" test $? = 2
finish
