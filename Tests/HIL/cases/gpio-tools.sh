#!/bin/bash
# `sensorgate gpio list` shows the kernel's chips and lines (names, consumers, direction)
# and `sensorgate gpio monitor CHIP LINE` prints edges as gpio-sim makes them, and stops
# on SIGINT with status 0, releasing the line.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
[[ -x "$HIL_BIN" ]] || { echo "no gateway binary at $HIL_BIN"; exit 1; }
require "gpioset holds line 25 high" tool_hold 25 1
"$HIL_BIN" gpio list >"$HIL_TMP/list" 2>&1; status=$?
sed 's/^/  /' "$HIL_TMP/list" | grep -E "$HIL_GPIOCHIP|GPIO17|GPIO25| 25" | head -n 6
check "gpio list exits 0" test "$status" = 0
check "it lists $HIL_GPIOCHIP" grep -q "$HIL_GPIOCHIP" "$HIL_TMP/list"
check "with its label" grep -q "$HIL_GPIO_LABEL" "$HIL_TMP/list"
check "and the line names" grep -q GPIO17 "$HIL_TMP/list"
check "line 25 shows its consumer gpioset, as an output" grep -qE 'GPIO25.*gpioset.*output|GPIO25.*output.*gpioset' "$HIL_TMP/list"
tool_release

"$HIL_BIN" gpio monitor "$HIL_GPIOCHIP" 7 >"$HIL_TMP/monitor" 2>&1 &
monitor=$!
# Pull only once the line is requested (a cold start under TCG can take over a second).
check "gpio monitor is watching" wait_for "$HIL_TMP/monitor" '^monitoring ' 15
pull 7 up; sleep 0.2; pull 7 down; sleep 0.2; pull 7 up; sleep 0.5
kill -INT "$monitor" 2>/dev/null
deadline=$((SECONDS + 5))
while kill -0 "$monitor" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
if kill -0 "$monitor" 2>/dev/null; then monitor_status=timeout; kill -KILL "$monitor"; wait "$monitor" 2>/dev/null
else wait "$monitor"; monitor_status=$?; fi
sed 's/^/  /' "$HIL_TMP/monitor" | head -n 8
check "monitor prints rising edges" test "$(grep -ciE 'rising' "$HIL_TMP/monitor")" -ge 2
check "monitor prints a falling edge" test "$(grep -ciE 'falling' "$HIL_TMP/monitor")" -ge 1
check "SIGINT stops gpio monitor within 5 s with status 0 (got $monitor_status)" test "$monitor_status" = 0
check "and line 7 is released" has_words "$(tool_line_info 7)" unused
finish
