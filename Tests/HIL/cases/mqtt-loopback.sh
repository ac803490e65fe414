#!/bin/bash
# The guest's broker on its loopback: a message published is delivered to a subscriber,
# and a retained one to a subscriber that comes later.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"

messages="$HIL_TMP/messages"
check "subscribed to hil/loop/#" subscribe 'hil/loop/#' "$messages"
publish hil/loop/a "hello from the guest"
check "the subscriber got the message" wait_for "$messages" '^hil/loop/a hello from the guest$' 5
mosquitto_pub -h 127.0.0.1 -p 1883 -r -t hil/loop/retained -m kept
check "a retained message reaches a later subscriber" \
  test "$(mosquitto_sub -h 127.0.0.1 -p 1883 -t hil/loop/retained -C 1 -W 5)" = kept
finish
