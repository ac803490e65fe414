#!/bin/bash
# A Raspberry Pi board preset against the kernel: a second gpio-sim chip carries the
# Pi 4's label (pinctrl-bcm2711) and no line names, so only the preset can resolve
# `line: pin11` (GPIO17) and `line: GPIO22`; the profile names no chip at all, so the
# chip is found by its label whatever gpiochipN the kernel gave it. `gpio monitor`
# resolves the same header name with --board, by the chip's label.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"

pi=/sys/kernel/config/gpio-sim/pi4
make_pi_chip() {
  mkdir "$pi" "$pi/bank0" && echo 58 >"$pi/bank0/num_lines" && echo pinctrl-bcm2711 >"$pi/bank0/label" \
    && echo 1 >"$pi/live"
}
require "a second gpio-sim chip labelled pinctrl-bcm2711" make_pi_chip
pi_chip=$(cat "$pi/bank0/chip_name")
pi_dir="/sys/devices/platform/$(cat "$pi/dev_name")/$pi_chip"
echo "  the Pi chip is /dev/$pi_chip (the harness's own chip is $HIL_GPIOCHIP)"
pi_pull() { echo "pull-$2" >"$pi_dir/sim_gpio$1/pull"; }
pi_value() { cat "$pi_dir/sim_gpio$1/value"; }

profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-board, board: raspberry-pi-4 }
inputs:
  - id: door
    gpio: { line: pin11 }
    debounce: 0s
outputs:
  - id: fan
    gpio: { line: GPIO22 }
YAML
messages="$HIL_TMP/messages"
check "subscribed" subscribe 'sensorgate/hil-board/#' "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" '^sensorgate/hil-board/status online$' 20
check "door (pin11) initial level false" wait_count sensorgate/hil-board/door "$messages" 1 5
pi_pull 17 up
check "a pull of GPIO17 on the Pi chip reaches sensorgate/hil-board/door" wait_count sensorgate/hil-board/door "$messages" 2 5
check "its value is true" values_are sensorgate/hil-board/door "$messages" false true
publish sensorgate/hil-board/fan/set on
check "fan (GPIO22) state published" wait_count sensorgate/hil-board/fan "$messages" 2 5
check "line 22 of the Pi chip is driven high" test "$(pi_value 22)" = 1
check "the harness's own chip line 22 is untouched" test "$(sim_value 22)" = 0
check "consumer sensorgate:door on line 17 of the Pi chip" \
  has_words "$(tool_line_info 17 "$pi_chip")" used consumer=sensorgate:door
check "the gateway stops with status 0" stop_gateway

# gpio monitor with the preset: header name, chip by label, two edges then exit 0.
monitor_out="$HIL_TMP/monitor.out"
"$HIL_BIN" gpio monitor pinctrl-bcm2711 pin11 --board raspberry-pi-4 --count 2 >"$monitor_out" 2>"$HIL_TMP/monitor.err" &
monitor_pid=$!
check "gpio monitor is watching" wait_for "$HIL_TMP/monitor.err" '^monitoring ' 10
pi_pull 17 down
sleep 0.1
pi_pull 17 up
wait_monitor() { local deadline=$((SECONDS + 10)); while kill -0 "$monitor_pid" 2>/dev/null; do ((SECONDS < deadline)) || return 1; sleep 0.05; done; }
check "gpio monitor exits by itself after --count 2" wait_monitor
wait "$monitor_pid"; monitor_status=$?
check "with status 0" test "$monitor_status" = 0
check "two edges printed: falling then rising on offset 17" \
  test "$(awk '{print $4, $6}' "$monitor_out" | tr '\n' ' ')" = "17 falling 17 rising "

echo 0 >"$pi/live"
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; cat "$HIL_TMP/monitor.err"; }
finish
