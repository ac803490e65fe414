#ifndef SENSORGATE_CMOSQUITTO_SHIM_H
#define SENSORGATE_CMOSQUITTO_SHIM_H
// libmosquitto 2.0 client library.
#include <mosquitto.h>
// MQTT 5 property identifiers (MQTT_PROP_*).
#include <mqtt_protocol.h>
#endif
