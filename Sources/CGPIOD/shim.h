#ifndef SENSORGATE_CGPIOD_SHIM_H
#define SENSORGATE_CGPIOD_SHIM_H
// libgpiod 1.6 (API v1). A libgpiod 2 backend gets its own module beside this one.
#include <gpiod.h>
#endif
