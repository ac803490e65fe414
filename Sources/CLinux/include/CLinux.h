#ifndef SENSORGATE_CLINUX_H
#define SENSORGATE_CLINUX_H
// Linux interfaces that Glibc's Swift module does not export: epoll, eventfd, timerfd.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#endif
