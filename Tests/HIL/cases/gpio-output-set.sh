#!/bin/bash
# Outputs: the initial level is on the line at start; every accepted command form over
# MQTT sets the line gpio-sim sees and is published on the output's state topic; a bad
# command is reported on <prefix>/error and leaves the line alone; a pulse returns.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
prefix=sensorgate/hil-out
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-out }
outputs:
  - id: relay
    gpio: { chip: $HIL_GPIOCHIP, line: 20 }
    initial: off
  - id: lamp                # active low: on drives the line low
    gpio: { chip: $HIL_GPIOCHIP, line: 21, active_low: true }
    initial: on
YAML
messages="$HIL_TMP/messages"
check "subscribed" subscribe "$prefix/#" "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" "^$prefix/status online$" 20
wait_count "$prefix/relay" "$messages" 1 5; wait_count "$prefix/lamp" "$messages" 1 5
check "relay starts off: line 20 low" test "$(sim_value 20)" = 0
check "lamp starts on (active low): line 21 low" test "$(sim_value 21)" = 0
check "initial states published" bash -c "[[ \$(grep -c '^$prefix/relay {' $messages) -ge 1 && \$(grep -c '^$prefix/lamp {' $messages) -ge 1 ]]"
for n in 20 21; do echo "  line $n: $(tool_line_info $n)"; done
check "gpioinfo: line 20 is a used output" has_words "$(tool_line_info 20)" used output
check "gpioinfo: line 21 is a used output, active-low" has_words "$(tool_line_info 21)" used output active-low

# send COMMAND EXPECTED_LINE_LEVEL EXPECTED_STATE: publishes on relay/set, waits for the state.
sent=1
send() {
  local command=$1 level=$2 state=$3
  publish "$prefix/relay/set" "$command"
  sent=$((sent + 1))
  wait_count "$prefix/relay" "$messages" "$sent" 5
  check "'$command': line 20 reads $level" test "$(sim_value 20)" = "$level"
  check "'$command': state $state published" test "$(field "$prefix/relay" "$messages" .value | tail -n1)" = "$state"
}
send on 1 true
send off 0 false
send toggle 1 true
send 0 0 false
send true 1 true
send false 0 false
send 1 1 true
send '{"value": false}' 0 false

publish "$prefix/relay/set" maybe
check "'maybe' is reported on $prefix/error" wait_for "$messages" "^$prefix/error " 5
sleep 0.3
check "'maybe' leaves line 20 low" test "$(sim_value 20)" = 0
check "'maybe' publishes no state" test "$(message_count "$prefix/relay" "$messages")" = "$sent"

publish "$prefix/lamp/set" off
check "lamp off (active low): line 21 high" bash -c "for i in \$(seq 1 50); do [[ \$(cat $HIL_SIM_DIR/sim_gpio21/value) == 1 ]] && exit 0; sleep 0.1; done; exit 1"

publish "$prefix/relay/set" '{"value": true, "pulse": "500ms"}'
check "a 500ms pulse raises line 20" bash -c "for i in \$(seq 1 40); do [[ \$(cat $HIL_SIM_DIR/sim_gpio20/value) == 1 ]] && exit 0; sleep 0.05; done; exit 1"
sleep 1.2
check "and lowers it again" test "$(sim_value 20)" = 0

publish "$prefix/relay/set" on
wait_for "$messages" "^$prefix/relay \{.*\"value\": ?true" 5
sleep 0.3
before=$(message_count "$prefix/relay" "$messages")
check "the gateway stops with status 0" stop_gateway
sleep 0.3
check "on shutdown the relay goes to its safe value (off) and says so" \
  test "$(field "$prefix/relay" "$messages" .value | tail -n1)" = false
check "a state was published at shutdown" test "$(message_count "$prefix/relay" "$messages")" -gt "$before"
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 30 "$messages"; }
finish
