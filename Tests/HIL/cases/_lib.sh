# Sourced by every case (bash). Cases run inside the guest, chrooted into the host's root:
# $HIL_STATE/env names the gpio-sim chip, the broker and the gateway binary.
#   check "what is checked" COMMAND...   runs COMMAND; prints "ok: ..." or "FAILED: ..."
#   finish                               exits 0 when every check passed, else 1
set -u
# shellcheck disable=SC1091
source "$HIL_STATE/env"
HIL_TMP=$(mktemp -d "/tmp/$HIL_CASE.XXXXXX")
failures=0

check() {
  local what=$1; shift
  if "$@"; then echo "ok: $what"; return 0; fi
  echo "FAILED: $what"
  failures=$((failures + 1))
  return 1
}

# require "what" COMMAND...: like check, but a failure ends the case at once (with the
# gateway's log): for steps everything after depends on, such as the gateway coming up.
require() {
  check "$@" && return 0
  show_gateway_log 40 2>/dev/null
  echo "(stopping here: everything after depends on this)"
  exit 1
}

finish() {
  if ((failures > 0)); then echo "$failures check(s) failed"; exit 1; fi
  exit 0
}

# --- gpio-sim ------------------------------------------------------------------------------
# pull LINE up|down: what the outside world drives onto an input line.
pull() { echo "pull-$2" >"$HIL_SIM_DIR/sim_gpio$1/pull"; }
# sim_value LINE: the line's level as the chip sees it (for outputs: what the driver set).
sim_value() { cat "$HIL_SIM_DIR/sim_gpio$1/value"; }

# --- waiting -------------------------------------------------------------------------------
# gateway_died: true when a gateway was started, not stopped, and is gone (waits give up).
gateway_died() { [[ -n "${gateway_pid:-}" && "${gateway_stopping:-0}" == 0 ]] && ! kill -0 "$gateway_pid" 2>/dev/null; }
# wait_for FILE ERE [SECONDS]: until a line of FILE matches ERE (default 10 s).
wait_for() {
  local file=$1 pattern=$2 deadline=$((SECONDS + ${3:-10}))
  until grep -qE -- "$pattern" "$file" 2>/dev/null; do
    ((SECONDS < deadline)) || return 1
    gateway_died && { echo "  (the gateway has exited)"; return 1; }
    sleep 0.05
  done
}
# count_matches FILE ERE
count_matches() { grep -cE -- "$2" "$1" 2>/dev/null || true; }

# --- MQTT ----------------------------------------------------------------------------------
# subscribe FILTER FILE: mosquitto_sub -v into FILE in the background; returns once the
# subscription is live (proved by a message on a private topic coming back).
subscribe() {
  local filter=$1 file=$2 marker="hil/sync/$$/$RANDOM"
  mosquitto_sub -h 127.0.0.1 -p 1883 -v -t "$filter" -t "$marker" >"$file" 2>&1 &
  local _
  for _ in $(seq 1 100); do
    mosquitto_pub -h 127.0.0.1 -p 1883 -t "$marker" -m sync 2>/dev/null
    grep -q "^$marker " "$file" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "subscribe: no subscription to $filter after 5 s"
  return 1
}
publish() { mosquitto_pub -h 127.0.0.1 -p 1883 -q 1 -t "$1" -m "$2"; }

# --- the gateway ---------------------------------------------------------------------------
# start_gateway PROFILE [ARGS...]: runs `sensorgate run` against the guest's broker, logging
# to $HIL_LOGS-gateway.log; sets gateway_pid.
gateway_log="$HIL_LOGS-gateway.log"
start_gateway() {
  local profile=$1; shift
  if [[ ! -x "$HIL_BIN" ]]; then echo "no gateway binary at $HIL_BIN"; return 1; fi
  "$HIL_BIN" run --profile "$profile" --broker "$HIL_BROKER" --state-dir "$HIL_TMP/state" "$@" \
    >"$gateway_log" 2>&1 &
  gateway_pid=$!
  gateway_stopping=0
}
# stop_gateway: SIGINT, then waits (up to 10 s); returns the gateway's exit status.
stop_gateway() {
  [[ -n "${gateway_pid:-}" ]] || return 1
  gateway_stopping=1
  kill -INT "$gateway_pid" 2>/dev/null
  local deadline=$((SECONDS + 10))
  while kill -0 "$gateway_pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.05; done
  if kill -0 "$gateway_pid" 2>/dev/null; then
    echo "the gateway did not stop within 10 s of SIGINT"; kill -KILL "$gateway_pid"; wait "$gateway_pid"; return 1
  fi
  wait "$gateway_pid"
}
gateway_alive() { kill -0 "${gateway_pid:-0}" 2>/dev/null; }
# show_gateway_log: the gateway's stderr, for the case log.
show_gateway_log() { echo "--- gateway log"; sed 's/^/  /' "$gateway_log" 2>/dev/null | tail -n "${1:-40}"; }

# --- payloads ------------------------------------------------------------------------------
# payloads TOPIC FILE: the payloads of the messages on exactly TOPIC, one a line, in order.
payloads() { awk -v topic="$1" 'index($0, topic " ") == 1 { print substr($0, length(topic) + 2) }' "$2"; }
# field TOPIC FILE FIELD: one JSON field of each message on TOPIC (jq -c syntax: .value).
field() { payloads "$1" "$2" | jq -c "$3" 2>/dev/null; }
# message_count TOPIC FILE
message_count() { payloads "$1" "$2" | wc -l; }
# wait_count TOPIC FILE N [SECONDS]: until at least N messages arrived on TOPIC.
wait_count() {
  local deadline=$((SECONDS + ${4:-10}))
  until (($(message_count "$1" "$2") >= $3)); do
    ((SECONDS < deadline)) || return 1
    gateway_died && { echo "  (the gateway has exited)"; return 1; }
    sleep 0.05
  done
}
# values_are TOPIC FILE V1 V2...: the messages' values, in order, are exactly these.
values_are() {
  local topic=$1 file=$2; shift 2
  local got; got=$(field "$topic" "$file" .value | tr '\n' ' ')
  [[ "$got" == "$* " ]] || { echo "  values on $topic: $got(expected: $*)"; return 1; }
}
# strictly_increasing: reads numbers or ISO-8601 UTC strings of one format, one a line.
strictly_increasing() { awk 'NR > 1 && !($0 > previous) { bad = 1 } { previous = $0 } END { exit bad }'; }
# utc_seconds: jq filter turning "2026-11-27T03:00:00.123456Z" into seconds since 1970.
export utc_seconds='(sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601) + (capture("(?<f>\\.[0-9]+)Z$").f | tonumber)'
# (times: bash's $EPOCHREALTIME, read without a fork, so it brackets a pull tightly)

# line_info LINE: gpioinfo's line for LINE of the simulated chip.
line_info() { gpioinfo "$HIL_GPIOCHIP" | grep -E "^[[:space:]]+line +$1:"; }
# has_words TEXT WORD...: every WORD occurs in TEXT as a whole word.
has_words() {
  local text=$1 word; shift
  for word in "$@"; do grep -qw -- "$word" <<<"$text" || return 1; done
}

# profile FILE: writes a profile from stdin (heredocs use $HIL_GPIOCHIP for the chip).
profile() { cat >"$1"; }
