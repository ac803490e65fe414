#!/bin/bash
# A toggle storm does not crash the gateway and the final state is right: first a storm as
# fast as the shell can pull, then one while the gateway is stopped (SIGSTOP), so the
# kernel's event queue overflows; the state published after the storm must be the line's.
# Under the v1 uAPI the kernel's 16-event queue keeps the *oldest* events, which disagree
# with the line, and the gateway can only say edges were possibly lost. Under v2 the
# gateway asks for a 256-event buffer, the kernel keeps the *newest* events and numbers
# every edge, so the gateway reports exactly how many it dropped: the edges made while it
# was stopped minus the 256 it kept.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
line=16
topic=sensorgate/hil-storm/storm
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-storm }
mqtt: { qos: 0, max_buffered: 100000 }
inputs:
  - id: storm
    gpio: { chip: $HIL_GPIOCHIP, line: $line }
    debounce: 0s
YAML
messages="$HIL_TMP/messages"
check "subscribed" subscribe 'sensorgate/hil-storm/#' "$messages"
start_gateway "$HIL_TMP/profile.yaml"
require "status online" wait_for "$messages" '^sensorgate/hil-storm/status online$' 20
wait_count "$topic" "$messages" 1 5
# storm N: N pulls alternating up, down, ... (so odd N ends up, from low)
storm() {
  local i start=$EPOCHREALTIME
  for ((i = 0; i < $1; i++)); do
    if ((i % 2 == 0)); then pull "$line" up; else pull "$line" down; fi
  done
  awk -v n="$1" -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "  %d toggles in %.2f s\n", n, b - a }'
}
last_value() { field "$topic" "$messages" .value | tail -n1; }
settled() {  # settled VALUE: the last published value is VALUE and stays so for 1 s
  local deadline=$((SECONDS + 10))
  until [[ "$(last_value)" == "$1" ]]; do ((SECONDS < deadline)) || return 1; sleep 0.1; done
  sleep 1; [[ "$(last_value)" == "$1" ]]
}

storm 2001
check "the gateway survives a 2001-toggle storm" gateway_alive
check "the final state (high: true) is published and stays" settled true
echo "  messages so far: $(message_count "$topic" "$messages")"

# Every edge so far has been read (settled waited for a quiet second), so what the kernel
# holds after the stop is only what the burst below makes.
stopped_edges=401
kernel_buffer=256        # LibgpiodV2LineRequest.kernelEventBufferSize
log_lines_before=$(wc -l <"$gateway_log")
kill -STOP "$gateway_pid"
# from high: down, up, ... 401 pulls end low
for ((i = 0; i < stopped_edges; i++)); do
  if ((i % 2 == 0)); then pull "$line" down; else pull "$line" up; fi
done
kill -CONT "$gateway_pid"
check "the gateway survives an overflowing burst while stopped" gateway_alive
check "after the overflow the published state is the line's (low: false)" settled false
# new_log: what the gateway logged since the stop
new_log() { tail -n +$((log_lines_before + 1)) "$gateway_log"; }
if [[ $HIL_LIBGPIOD_API == 2 ]]; then
  dropped_re="input 'storm': the kernel dropped ([0-9]+) edge events \(([0-9]+) in all, from the line's sequence numbers\); re-reading the line"
  # the N of every such line since the stop, summed (one line is expected)
  dropped=$(new_log | sed -nE "s/.*$dropped_re.*/\1/p" | awk '{ s += $1; n++ } END { if (n) print s }')
  echo "  dropped edges logged after the stop: ${dropped:-none}"
  check "v2: the gateway logs exactly $stopped_edges - $kernel_buffer = $((stopped_edges - kernel_buffer)) dropped edges" \
    test "${dropped:-none}" = $((stopped_edges - kernel_buffer))
else
  # v1 cannot count what the kernel dropped; the gateway only says that it may have.
  check "v1: the gateway logs that edges were possibly lost" \
    grep -qE "input 'storm': the kernel event queue was full, edges were .*possibly lost" <(new_log)
fi
check "seq strictly increasing" strictly_increasing < <(field "$topic" "$messages" .seq)
check "ts never decreases" awk 'NR > 1 && $0 < previous { bad = 1 } { previous = $0 } END { exit bad }' < <(field "$topic" "$messages" .ts)
check "the gateway stops with status 0" stop_gateway
grep -iE 'overflow|dropped|lost' "$gateway_log" | head -n 3 | sed 's/^/  gateway: /'
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 10 "$messages"; }
finish
