# Sourced by the guest's runners (bash): setup_gpio_sim makes one gpio-sim chip with one
# bank of 32 lines named GPIO0..GPIO31, labelled sensorgate-hil, and writes HIL_GPIOCHIP,
# HIL_GPIO_LABEL and HIL_SIM_DIR to $state/env. Needs configfs at /sys/kernel/config and
# the caller's $state and log().
sim=/sys/kernel/config/gpio-sim/hil
setup_gpio_sim() {
  mkdir "$sim" "$sim/bank0" || return 1
  echo 32 >"$sim/bank0/num_lines" || return 1
  echo sensorgate-hil >"$sim/bank0/label" || return 1
  local n
  for n in $(seq 0 31); do
    mkdir "$sim/bank0/line$n" && echo "GPIO$n" >"$sim/bank0/line$n/name" || return 1
  done
  echo 1 >"$sim/live" || return 1
  local device chip
  device=$(cat "$sim/dev_name")
  chip=$(cat "$sim/bank0/chip_name")
  [[ -c /dev/$chip ]] || return 1
  {
    echo "HIL_GPIOCHIP=$chip"
    echo "HIL_GPIO_LABEL=sensorgate-hil"
    echo "HIL_SIM_DIR=/sys/devices/platform/$device/$chip"
  } >"$state/env"
  log "gpio-sim: /dev/$chip (label sensorgate-hil, 32 lines) at /sys/devices/platform/$device/$chip"
}
