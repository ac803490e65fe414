#!/bin/bash
# The gateway built on the host runs in the guest: `run --simulate` on the demo profile
# publishes its availability and the door's state to the guest's broker, and says
# offline on SIGINT.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"

messages="$HIL_TMP/messages"
check "subscribed to sensorgate/demo/#" subscribe 'sensorgate/demo/#' "$messages"
start_gateway "$HIL_REPO/DeviceProfiles/examples/demo.yaml" --simulate
require "sensorgate/demo/status online" wait_for "$messages" '^sensorgate/demo/status online$' 20
check "a door state (true or false)" \
  wait_for "$messages" '^sensorgate/demo/door \{.*"value": ?(true|false)' 15
check "a climate temperature reading" wait_for "$messages" '^sensorgate/demo/climate/temperature \{' 10
check "the gateway stops with status 0 on SIGINT" stop_gateway
check "sensorgate/demo/status offline after the stop" wait_for "$messages" '^sensorgate/demo/status offline$' 5
[[ $failures -eq 0 ]] || { show_gateway_log; echo "--- messages"; tail -n 20 "$messages"; }
finish
