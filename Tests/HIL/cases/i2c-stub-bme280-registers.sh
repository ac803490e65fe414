#!/bin/bash
# i2c-stub at 0x76 behaves like a register file: what an SMBus byte-data write puts in a
# register is what a byte-data read returns (the BME280's chip-id register 0xD0 here).
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"

bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
echo "i2c-stub bus: ${bus:-none}"
check "the stub adapter exists" test -n "$bus"
check "/dev/i2c-$bus exists" test -c "/dev/i2c-$bus"
check "i2cset writes 0x60 to 0x76 register 0xD0" i2cset -y "$bus" 0x76 0xd0 0x60 b
check "i2cget reads 0x60 back" test "$(i2cget -y "$bus" 0x76 0xd0 b)" = 0x60
check "i2cset writes 0x5a to 0x77 register 0xD0" i2cset -y "$bus" 0x77 0xd0 0x5a b
check "0x77 is a separate chip (reads 0x5a)" test "$(i2cget -y "$bus" 0x77 0xd0 b)" = 0x5a
check "0x76 still reads 0x60" test "$(i2cget -y "$bus" 0x76 0xd0 b)" = 0x60
check "nothing answers at 0x50" bash -c "! i2cget -y $bus 0x50 0x00 b 2>/dev/null"
finish
