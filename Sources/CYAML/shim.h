#ifndef SENSORGATE_CYAML_SHIM_H
#define SENSORGATE_CYAML_SHIM_H
// libyaml 0.2 (YAML 1.1 parser), used through its event API.
#include <yaml.h>
#endif
