#ifndef SENSORGATE_CSQLITE_SHIM_H
#define SENSORGATE_CSQLITE_SHIM_H
// SQLite 3 (the outbox's storage, in WAL mode).
#include <sqlite3.h>
#endif
