#!/bin/bash
# The simulated chip is a real /dev/gpiochipN with the configured names, and pulls made
# through gpio-sim's sysfs attributes are what libgpiod's gpioget reads.
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"

echo "chip: $HIL_GPIOCHIP"
check "/dev/$HIL_GPIOCHIP is a character device" test -c "/dev/$HIL_GPIOCHIP"
check "gpiodetect lists it with its label and 32 lines" \
  grep -qE "^$HIL_GPIOCHIP \[$HIL_GPIO_LABEL\] \(32 lines\)" <(gpiodetect)
info=$(gpioinfo "$HIL_GPIOCHIP")
check "line 0 is named GPIO0" grep -qE '^[[:space:]]+line +0: +"GPIO0"' <<<"$info"
check "line 17 is named GPIO17" grep -qE '^[[:space:]]+line +17: +"GPIO17"' <<<"$info"
check "gpiofind GPIO27 finds line 27" test "$(gpiofind GPIO27)" = "$HIL_GPIOCHIP 27"

for line in 3 17; do
  pull "$line" up
  check "line $line pulled up reads 1" test "$(gpioget "$HIL_GPIOCHIP" "$line")" = 1
  pull "$line" down
  check "line $line pulled down reads 0" test "$(gpioget "$HIL_GPIOCHIP" "$line")" = 0
done
pull 5 up
check "active-low: line 5 pulled up reads 0 with -l" test "$(gpioget -l "$HIL_GPIOCHIP" 5)" = 0
finish
