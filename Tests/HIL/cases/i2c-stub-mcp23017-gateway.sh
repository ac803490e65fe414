#!/bin/bash
# An MCP23017 expander's lines as gateway inputs and outputs, against the kernel's i2c-dev
# and i2c-stub at 0x20 (not the simulator): the setup's register writes (IOCON, IODIR,
# GPPU, OLAT) reach the stub, input levels set in its GPIO registers (0x12/0x13, the
# IOCON.BANK = 0 layout) are published, and output commands land in OLAT (0x14/0x15).
# i2c-stub has no INT output: the inputs are read by the polling fallback. A reload adds,
# removes and keeps lines: the part is set up again with the new directions and pull-ups,
# and the output kept keeps the level it drives.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
address=0x20
set_byte() { i2cset -y "$bus" "$address" "$1" "$(($2 & 0xff))" b; }
get_byte() { i2cget -y "$bus" "$address" "$1" b; }
# A register image outlives a case: every register read is set, the ones the gateway
# writes are cleared to something it must overwrite.
load_registers() {
  local register
  for register in 0x00 0x01 0x0C 0x0D 0x14 0x15; do set_byte "$register" 0x55; done
  set_byte 0x0A 0x00   # IOCON
  set_byte 0x12 0xFF   # GPIOA: all high (GPA3 released, pulled up)
  set_byte 0x13 0x00   # GPIOB: all low
}
require "the register image is loaded" load_registers
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-mcp23017 }
expanders:
  - id: ioexp
    driver: mcp23017
    i2c: { bus: $bus, address: $address }
    poll: 20ms
inputs:
  - id: button
    gpio: { expander: ioexp, line: GPA3, bias: pull-up, active_low: true }
    debounce: 10ms
  - id: limit
    gpio: { expander: ioexp, line: 9 }
    debounce: 0s
outputs:
  - id: valve
    gpio: { expander: ioexp, line: GPA0 }
  - id: relay
    gpio: { expander: ioexp, line: GPB7 }
    initial: on
YAML
prefix=sensorgate/hil-mcp23017
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
check "IOCON 0x44 (MIRROR, ODR; BANK 0)" test "$(get_byte 0x0A)" = 0x44
check "IODIRA 0xfe (GPA0 an output), IODIRB 0x7f (GPB7)" test "$(get_byte 0x00) $(get_byte 0x01)" = "0xfe 0x7f"
check "GPPUA 0x08 (GPA3's pull-up), GPPUB 0x00" test "$(get_byte 0x0C) $(get_byte 0x0D)" = "0x08 0x00"
check "OLATA 0x00, OLATB 0x80 (relay initial on)" test "$(get_byte 0x14) $(get_byte 0x15)" = "0x00 0x80"
check "GPINTEN 0 without an interrupt line" test "$(get_byte 0x04) $(get_byte 0x05)" = "0x00 0x00"
check "button starts released (GPA3 high, active low)" values_are "$prefix/button" "$messages" "false"
check "limit starts low" values_are "$prefix/limit" "$messages" "false"

set_byte 0x12 0xF7   # GPA3 pulled low: pressed
check "GPA3 low publishes button true (polled)" wait_for "$messages" "^$prefix/button \{\"value\":true" 5
set_byte 0x13 0x02   # GPB1 high
check "GPB1 high publishes limit true" wait_for "$messages" "^$prefix/limit \{\"value\":true" 5
check "button published false, then true" values_are "$prefix/button" "$messages" false true
check "limit published false, then true" values_are "$prefix/limit" "$messages" false true
ts=$(field "$prefix/button" "$messages" .ts | tail -n1)
check "the edge carries a UTC timestamp with microseconds ($ts)" \
  bash -c '[[ $1 =~ ^\"[0-9-]{10}T[0-9:]{8}\.[0-9]{6}Z\"$ ]]' _ "$ts"

check "relay off accepted" publish "$prefix/relay/set" off
check "relay publishes false" wait_for "$messages" "^$prefix/relay \{\"value\":false" 5
check "valve on accepted" publish "$prefix/valve/set" on
check "valve publishes true" wait_for "$messages" "^$prefix/valve \{\"value\":true" 5
sleep 0.2
check "OLATA 0x01 (valve on), OLATB 0x00 (relay off)" test "$(get_byte 0x14) $(get_byte 0x15)" = "0x01 0x00"

# The reload: button and valve kept, limit and relay removed, door (GPA5) and lamp (GPB0) added.
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-mcp23017 }
expanders:
  - id: ioexp
    driver: mcp23017
    i2c: { bus: $bus, address: $address }
    poll: 20ms
inputs:
  - id: button
    gpio: { expander: ioexp, line: GPA3, bias: pull-up, active_low: true }
    debounce: 10ms
  - id: door
    gpio: { expander: ioexp, line: GPA5, bias: pull-up }
    debounce: 0s
outputs:
  - id: valve
    gpio: { expander: ioexp, line: GPA0 }
  - id: lamp
    gpio: { expander: ioexp, line: GPB0 }
    initial: on
YAML
valve_before=$(message_count "$prefix/valve" "$messages")
check "SIGHUP" kill -HUP "$gateway_pid"
check "the reload applies the expander's lines" \
  wait_for "$gateway_log" "reloaded .*inputs: 1 added, 1 removed, 1 unchanged; outputs: 1 added, 1 removed, 1 unchanged" 10
check "door publishes its level (GPA5 high)" wait_for "$messages" "^$prefix/door \{\"value\":true" 5
check "lamp publishes its initial on" wait_for "$messages" "^$prefix/lamp \{\"value\":true" 5
sleep 0.3
check "IODIRA 0xfe (GPA0 still an output), IODIRB 0xfe (GPB0 an output, GPB7 an input again)" \
  test "$(get_byte 0x00) $(get_byte 0x01)" = "0xfe 0xfe"
check "GPPUA 0x28 (GPA3 and GPA5 pulled up)" test "$(get_byte 0x0C) $(get_byte 0x0D)" = "0x28 0x00"
# OLATB bit 7: the removed relay's safe value (its initial, on), written before it became an input.
check "OLATA 0x01 (the kept valve still on), OLATB 0x81 (lamp on)" test "$(get_byte 0x14) $(get_byte 0x15)" = "0x01 0x81"
check "valve not republished" test "$(message_count "$prefix/valve" "$messages")" = "$valve_before"
set_byte 0x12 0xD7   # GPA5 low as well
check "GPA5 low publishes door false" wait_for "$messages" "^$prefix/door \{\"value\":false" 5
check "the gateway stops with status 0" stop_gateway
check "at stop, the outputs' safe values (their initial): OLATA 0x00, OLATB 0x81" \
  test "$(get_byte 0x14) $(get_byte 0x15)" = "0x00 0x81"
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
