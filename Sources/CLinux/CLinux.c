// SwiftPM needs one C source file in a C target; this one also catches `sensorgate
// run`'s termination signals from the first instant of the process.
#define _GNU_SOURCE  // pipe2
#include "CLinux.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

// Why in C, in a constructor: Swift's async main hands the main thread to libdispatch,
// which parks it in sigsuspend with an empty mask, so blocking signals from Swift cannot
// keep a default action from killing the process; and Swift code runs only after the
// runtime has started. A constructor runs before main, and a handler (unlike a mask)
// holds whichever thread the kernel picks. The handler only writes the signal number
// to a pipe (async-signal-safe); the gateway reads it and stops gracefully.
static int signal_pipe[2] = {-1, -1};

static void sensorgate_on_signal(int number) {
    int saved = errno;
    unsigned char byte = (unsigned char)number;
    // A full pipe (over 64 KB of unread signals) drops the byte: one is enough to stop.
    (void)!write(signal_pipe[1], &byte, 1);
    errno = saved;
}

__attribute__((constructor))
static void sensorgate_catch_run_signals(int argc, char **argv, char **envp) {
    (void)envp;
    if (argc < 2 || strcmp(argv[1], "run") != 0) return;
    if (pipe2(signal_pipe, O_CLOEXEC) != 0) return;
    fcntl(signal_pipe[1], F_SETFL, O_NONBLOCK);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = sensorgate_on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    const int numbers[] = {SIGTERM, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2, SIGHUP};
    for (unsigned i = 0; i < sizeof numbers / sizeof numbers[0]; i++) sigaction(numbers[i], &action, NULL);
}

int sensorgate_signal_fd(void) { return signal_pipe[0]; }
