#ifndef SENSORGATE_CLINUX_H
#define SENSORGATE_CLINUX_H
// Linux interfaces that Glibc's Swift module does not export: epoll, eventfd, timerfd,
// adjtimex (the kernel's NTP state), and glibc's malloc_trim.
#include <malloc.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/timex.h>
// The read end of the pipe to which `sensorgate run`'s termination signals are
// written from the first instant of the process (-1 for other commands).
int sensorgate_signal_fd(void);
#endif
