#!/bin/bash
# The profile's bias reaches the kernel (gpio-sim shows the pull the request asked for) and
# active_low inverts the published value, both at start and on edges.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
prefix=sensorgate/hil-bias
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-bias }
inputs:
  - id: contact             # a contact to ground: pull-up, active low
    gpio: { chip: $HIL_GPIOCHIP, line: 8, bias: pull-up, active_low: true }
    debounce: 0s
  - id: sensor              # an active-high output pulled down
    gpio: { chip: $HIL_GPIOCHIP, line: 9, bias: pull-down }
    debounce: 0s
  - id: inverted            # pulled down and active low: reads true at rest
    gpio: { chip: $HIL_GPIOCHIP, line: 10, bias: pull-down, active_low: true }
    debounce: 0s
YAML
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
for id in contact sensor inverted; do wait_count "$prefix/$id" "$messages" 1 5; done
check "line 8 requested with pull-up: gpio-sim pulls it up" test "$(cat "$HIL_SIM_DIR/sim_gpio8/pull")" = pull-up
check "line 9 requested with pull-down: gpio-sim pulls it down" test "$(cat "$HIL_SIM_DIR/sim_gpio9/pull")" = pull-down
for n in 8 9 10; do echo "  line $n: $(tool_line_info $n)"; done
check "gpioinfo: line 8 is used, input, active-low, pull-up" has_words "$(tool_line_info 8)" used input active-low pull-up
check "gpioinfo: line 9 is used, input, active-high, pull-down" has_words "$(tool_line_info 9)" used input active-high pull-down
check "initial: contact open (line high, active low) is false" values_are "$prefix/contact" "$messages" false
check "initial: sensor (line low) is false" values_are "$prefix/sensor" "$messages" false
check "initial: inverted (line low, active low) is true" values_are "$prefix/inverted" "$messages" true
pull 8 down; pull 9 up; pull 10 up
for id in contact sensor inverted; do wait_count "$prefix/$id" "$messages" 2 5; done
check "contact closed (line pulled low) is true" values_are "$prefix/contact" "$messages" false true
check "sensor line high is true" values_are "$prefix/sensor" "$messages" false true
check "inverted line high is false" values_are "$prefix/inverted" "$messages" true false
check "the gateway stops with status 0" stop_gateway
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
