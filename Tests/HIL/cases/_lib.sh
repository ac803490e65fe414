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

# --- libgpiod's command-line tools ------------------------------------------------------
# libgpiod 1.6 (API v1) and 2.x (API v2) tools differ in syntax and output; cases use these
# wrappers, which take the API from HIL_LIBGPIOD_API (set by the runner) or else from the
# tools' own version.
#   tool_get LINE [active-low]     prints the line's value, 0 or 1 (as active-low with the flag)
#   tool_hold LINE VALUE           gpioset in the background (pid in held_pid); returns once
#                                  the kernel shows the line as gpioset's output
#   tool_release                   stops that gpioset
#   tool_line_info LINE [CHIP]     gpioinfo's view of one line, normalised to words:
#                                  name=NAME|unnamed, used consumer=NAME|unused, input|output,
#                                  active-low|active-high, pull-up|pull-down|bias-disabled
#                                  (when the kernel knows the bias), debounce=PERIOD (v2 only)
#   tool_find NAME                 prints "CHIP OFFSET" of the line called NAME
tool_api() {
  if [[ -n "${HIL_LIBGPIOD_API:-}" ]]; then echo "$HIL_LIBGPIOD_API"; return; fi
  gpiodetect --version | sed -n '1s/.* v\([0-9]*\)\..*/\1/p'
}
tool_get() {
  local low=(); [[ "${2:-}" == active-low ]] && low=(-l)
  if [[ $(tool_api) == 1 ]]; then gpioget "${low[@]}" "$HIL_GPIOCHIP" "$1"
  else gpioget --numeric -c "$HIL_GPIOCHIP" "${low[@]}" "$1"; fi
}
tool_hold() {
  # v1 needs --mode=signal to keep the line; v2's gpioset holds it until killed.
  if [[ $(tool_api) == 1 ]]; then gpioset --mode=signal "$HIL_GPIOCHIP" "$1=$2" &
  else gpioset -c "$HIL_GPIOCHIP" "$1=$2" & fi
  held_pid=$!
  local deadline=$((SECONDS + 5))
  until has_words "$(tool_line_info "$1")" output consumer=gpioset; do
    ((SECONDS < deadline)) && kill -0 "$held_pid" 2>/dev/null || { echo "  gpioset does not hold line $1"; return 1; }
    sleep 0.05
  done
}
tool_release() { [[ -n "${held_pid:-}" ]] || return 0; kill "$held_pid" 2>/dev/null; wait "$held_pid" 2>/dev/null; held_pid=; }
tool_line_info() {
  local offset=$1 chip=${2:-$HIL_GPIOCHIP} raw
  if [[ $(tool_api) == 1 ]]; then
    raw=$(gpioinfo "$chip") || return 1
  else
    raw=$(gpioinfo --unquoted -c "$chip") || return 1
  fi
  grep -E "^[[:space:]]+line +$offset:" <<<"$raw" | awk -v api="$(tool_api)" '
    function add(word) { out = out (out == "" ? "" : " ") word }
    {
      sub(/^[[:space:]]*line +[0-9]+:[[:space:]]*/, "")
      if (api == 1) {
        # "GPIO8" "sensorgate:contact" input active-low [used pull-up]
        # (unnamed / unused / kernel are printed without quotes)
        n = split($0, field, /[[:space:]]+/)
        name = field[1]; gsub(/"/, "", name)
        add(name == "unnamed" ? "unnamed" : "name=" name)
        user = field[2]; gsub(/"/, "", user)
        if (user == "unused") add("unused"); else { add("used"); add("consumer=" user) }
        add(field[3]); add(field[4])
        for (i = 5; i <= n; i++) {
          flag = field[i]; gsub(/[][]/, "", flag)
          if (flag ~ /^(pull-up|pull-down|bias-disabled|open-drain|open-source)$/) add(flag)
        }
      } else {
        # GPIO8  input active-low bias=pull-up edges=both consumer=sensorgate:contact
        n = split($0, field, /[[:space:]]+/)
        add(field[1] == "unnamed" ? "unnamed" : "name=" field[1])
        used = ""; low = "active-high"; bias = ""; debounce = ""; direction = ""
        for (i = 2; i <= n; i++) {
          if (field[i] == "input" || field[i] == "output") direction = field[i]
          else if (field[i] == "active-low") low = "active-low"
          else if (field[i] ~ /^bias=/) { bias = substr(field[i], 6); if (bias == "disabled") bias = "bias-disabled" }
          else if (field[i] ~ /^debounce-period=/) debounce = "debounce=" substr(field[i], 17)
          else if (field[i] ~ /^consumer=/) used = field[i]
        }
        if (used == "") add("unused"); else { add("used"); add(used) }
        add(direction); add(low)
        if (bias != "") add(bias)
        if (debounce != "") add(debounce)
      }
      print out
    }'
}
tool_find() {
  if [[ $(tool_api) == 1 ]]; then gpiofind "$1"
  else gpioinfo --unquoted "$1" | awk 'NR == 1 { print $1, $2 }'; fi
}
# has_words TEXT WORD...: every WORD occurs in TEXT as a whole word.
has_words() {
  local text=$1 word; shift
  for word in "$@"; do grep -qw -- "$word" <<<"$text" || return 1; done
}

# profile FILE: writes a profile from stdin (heredocs use $HIL_GPIOCHIP for the chip).
profile() { cat >"$1"; }
