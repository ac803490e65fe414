#!/bin/bash
# `sensorgate doctor` on the kernel's real interfaces: a gpio-sim chip and the i2c-stub
# bus. A line held by another program (gpioset) is a failure naming that consumer; freed,
# every check passes; a user without the gpio and i2c groups is told which group to join.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"
bus=""
for adapter in /sys/bus/i2c/devices/i2c-*; do
  [[ "$(cat "$adapter/name")" == "SMBus stub driver" ]] && bus=${adapter##*/i2c-}
done
require "the i2c-stub adapter exists" test -n "$bus"
profile "$HIL_TMP/profile.yaml" <<YAML
gateway: { id: hil-doctor }
inputs:
  - id: door
    gpio: { chip: $HIL_GPIOCHIP, line: 5 }
outputs:
  - id: fan
    gpio: { chip: $HIL_GPIOCHIP, line: GPIO6 }
sensors:
  - id: probe
    driver: lm75
    i2c: { bus: $bus, address: 0x48 }
YAML
doctor() { "$HIL_BIN" doctor --profile "$HIL_TMP/profile.yaml" --broker "$HIL_BROKER" --state-dir "$HIL_TMP/state" "$@"; }

require "gpioset holds line 5" tool_hold 5 1
doctor >"$HIL_TMP/held" 2>&1; held_status=$?
tool_release
sed 's/^/  /' "$HIL_TMP/held"
check "a held line fails the doctor (exit 1, got $held_status)" test "$held_status" = 1
check "the line's check names its consumer" grep -qE "^FAIL $HIL_GPIOCHIP line 5 \(GPIO5\): input 'door': held by gpioset" "$HIL_TMP/held"

doctor >"$HIL_TMP/free" 2>&1; free_status=$?
sed 's/^/  /' "$HIL_TMP/free"
check "everything free: exit 0 (got $free_status)" test "$free_status" = 0
check "the chip opened" grep -qE "^ok   $HIL_GPIOCHIP: $HIL_GPIO_LABEL, 32 lines" "$HIL_TMP/free"
check "line 5 free" grep -qE "^ok   $HIL_GPIOCHIP line 5 \(GPIO5\): input 'door': free" "$HIL_TMP/free"
check "GPIO6 found by its name, free" grep -qE "^ok   $HIL_GPIOCHIP line 6 \(GPIO6\): output 'fan': free" "$HIL_TMP/free"
check "the I2C bus opens" grep -qE "^ok   i2c-$bus: /dev/i2c-$bus readable and writable" "$HIL_TMP/free"
check "the broker answers" grep -qE "^ok   broker mqtt://127.0.0.1:1883: connected in " "$HIL_TMP/free"
check "the state directory is writable" grep -q "^ok   state directory: " "$HIL_TMP/free"
check "the clock is checked" grep -qE "^(ok  |warn) clock: " "$HIL_TMP/free"

# As a user in neither group (the devices are root's, mode 0600 or 0660 root:root here).
chmod 0600 "/dev/$HIL_GPIOCHIP" "/dev/i2c-$bus"
mkdir -p "$HIL_TMP/nobody" && chown nobody "$HIL_TMP/nobody" && chmod 0755 "$HIL_TMP"
setpriv --reuid=nobody --regid=nogroup --clear-groups "$HIL_BIN" doctor --profile "$HIL_TMP/profile.yaml" \
  --broker "$HIL_BROKER" --state-dir "$HIL_TMP/nobody" >"$HIL_TMP/nobody.out" 2>&1; nobody_status=$?
chmod 0660 "/dev/$HIL_GPIOCHIP" "/dev/i2c-$bus"
sed 's/^/  /' "$HIL_TMP/nobody.out"
check "without the groups: exit 1 (got $nobody_status)" test "$nobody_status" = 1
check "the chip's failure says which group" grep -qE "^FAIL $HIL_GPIOCHIP: .*ermission denied.*adduser \\\$USER gpio" "$HIL_TMP/nobody.out"
check "the bus's failure says which group" grep -qE "^FAIL i2c-$bus: /dev/i2c-$bus: Permission denied.*adduser \\\$USER i2c" "$HIL_TMP/nobody.out"
finish
