#ifndef SENSORGATE_CSYSTEMD_SHIM_H
#define SENSORGATE_CSYSTEMD_SHIM_H
// libsystemd's service manager notification calls (sd_notify, sd_watchdog_enabled).
#include <systemd/sd-daemon.h>
#endif
