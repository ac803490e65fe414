#!/bin/bash
# The simulated chip is a real /dev/gpiochipN with the configured names, and pulls made
# through gpio-sim's sysfs attributes are what libgpiod's gpioget reads (with either
# generation of libgpiod's tools).
# shellcheck source=_lib.sh
source "$(dirname "$0")/_lib.sh"

echo "chip: $HIL_GPIOCHIP"
check "/dev/$HIL_GPIOCHIP is a character device" test -c "/dev/$HIL_GPIOCHIP"
check "gpiodetect lists it with its label and 32 lines" \
  grep -qE "^$HIL_GPIOCHIP \[$HIL_GPIO_LABEL\] \(32 lines\)" <(gpiodetect)
echo "  line 0: $(tool_line_info 0)"
check "gpioinfo: line 0 is named GPIO0" has_words "$(tool_line_info 0)" name=GPIO0
check "gpioinfo: line 17 is named GPIO17" has_words "$(tool_line_info 17)" name=GPIO17
check "the line named GPIO27 is found at offset 27" test "$(tool_find GPIO27)" = "$HIL_GPIOCHIP 27"

for line in 3 17; do
  pull "$line" up
  check "line $line pulled up reads 1" test "$(tool_get "$line")" = 1
  pull "$line" down
  check "line $line pulled down reads 0" test "$(tool_get "$line")" = 0
done
pull 5 up
check "active-low: line 5 pulled up reads 0 with -l" test "$(tool_get 5 active-low)" = 0
finish
