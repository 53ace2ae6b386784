/*
 * Prints the CLOCK_MONOTONIC time and then executes its arguments in the same process:
 *
 *     clock-exec PROGRAM [ARGUMENT...]
 *     BOOT-CLOCK start_ns=<nanoseconds>      (on standard error)
 *
 * The boot benchmark puts it in front of the init under test, so that the line marks the start
 * of the init's process image. The target init prints the same clock when it starts, and the
 * difference is the init's time from its exec to the exec of the target init. CLOCK_MONOTONIC is
 * one clock for the whole system (no time namespace is in use), so readings of two programs can
 * be subtracted.
 *
 * Build: gcc -static -O2 -o clock-exec clock-exec.c (src/bench/boot-benchmark does it).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    struct timespec now;
    if (argc < 2) {
        fprintf(stderr, "usage: clock-exec PROGRAM [ARGUMENT...]\n");
        return 2;
    }
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) {
        fprintf(stderr, "clock-exec: clock_gettime(CLOCK_MONOTONIC) failed: %s\n", strerror(errno));
        return 1;
    }
    /* One write(2), so that the line is not interleaved with the output of other processes. */
    char line[64];
    int length = snprintf(line, sizeof line, "BOOT-CLOCK start_ns=%lld\n",
                          (long long) now.tv_sec * 1000000000LL + now.tv_nsec);
    if (write(STDERR_FILENO, line, (size_t) length) < 0) {
        return 1;
    }
    execv(argv[1], argv + 1);
    fprintf(stderr, "clock-exec: cannot execute %s: %s\n", argv[1], strerror(errno));
    return 127;
}
