#!/bin/bash
# The declarative driver (`driver: registers`) against the kernel's i2c-dev and i2c-stub:
# at 0x48 an LM75 image, at 0x40 an INA219's bus voltage register, both described only
# in the profile. The gateway publishes the hand-computed values, and its init writes
# reach the stub's registers.
# i2c-stub keeps a 16-bit word per register, sent low byte first: a big-endian register
# holds its value byte-swapped (the driver's `readUInt16BE` swaps it back).
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
load_registers() {
  # LM75 temperature -25.5 °C: 9-bit two's complement 512 - 51 = 0x1CD, left-justified
  # (<< 7) 0xE680, swapped 0x80E6. Configuration 0x01 (shutdown) until the init writes 0x00.
  i2cset -y "$bus" 0x48 0x00 0x80E6 w &&
    i2cset -y "$bus" 0x48 0x01 0x01 b &&
    # INA219 bus voltage 12.000 V: 3000 steps of 4 mV = 0xBB8, << 3 = 0x5DC0, with CNVR
    # (bit 1) set 0x5DC2, swapped 0xC25D. Configuration 0x0000 until the init writes 0x399F.
    i2cset -y "$bus" 0x40 0x02 0xC25D w &&
    i2cset -y "$bus" 0x40 0x00 0x0000 w
}
require "the register images are loaded" load_registers
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-registers }
sensors:
  - id: board
    driver: registers
    i2c: { bus: $bus, address: 0x48 }
    interval: 1s
    options:
      init:
        - { register: 0x01, value: 0x00, width: 8 }
      channels:
        - { name: temperature, register: 0x00, width: 16, byte_order: big, signed: true, mask: 0xFF80, shift: 7,
            scale: 0.5, unit: "°C", range: [-55, 125] }
  - id: solar
    driver: registers
    i2c: { bus: $bus, address: 0x40 }
    interval: 1s
    options:
      init:
        - { register: 0x00, value: 0x399F, width: 16, byte_order: big }
      channels:
        - { name: bus_voltage, register: 0x02, width: 16, byte_order: big, mask: 0xFFF8, shift: 3, scale: 0.004,
            unit: V, decimals: 3, range: [0, 32.76] }
YAML
prefix=sensorgate/hil-registers
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
wait_count "$prefix/board/temperature" "$messages" 2 10
wait_count "$prefix/solar/bus_voltage" "$messages" 2 10
temperature=$(field "$prefix/board/temperature" "$messages" .value | tail -n1)
voltage=$(field "$prefix/solar/bus_voltage" "$messages" .value | tail -n1)
echo "  temperature $temperature, bus voltage $voltage"
check "temperature -25.5 °C (LM75 register 0xE680)" test "$temperature" = "-25.5"
check "bus voltage 12 V (INA219 register 0x5DC2)" awk -v v="$voltage" 'BEGIN { exit !(v != "" && v == 12) }'
check "units °C and V" test "$(field "$prefix/board/temperature" "$messages" .unit | tail -n1) $(field "$prefix/solar/bus_voltage" "$messages" .unit | tail -n1)" = '"°C" "V"'
check "the LM75 init write reached the stub (configuration 0x00)" test "$(i2cget -y "$bus" 0x48 0x01 b)" = "0x00"
check "the INA219 init write reached the stub (0x399F, swapped 0x9f39)" test "$(i2cget -y "$bus" 0x40 0x00 w)" = "0x9f39"
# A temperature outside the range is a failed reading: the channel stops publishing.
check "an implausible register (+127.5 °C, 0x7F80) is refused" i2cset -y "$bus" 0x48 0x00 0x807F w
sleep 2.5
before=$(message_count "$prefix/board/temperature" "$messages")
sleep 2.5
check "no temperature published while it is implausible" test "$(message_count "$prefix/board/temperature" "$messages")" = "$before"
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
