/*
 * runstat: run a command and report what it cost, for the benchmark.
 *
 *   runstat RESULT_FILE COMMAND [ARG...]
 *
 * Runs COMMAND (stdin, stdout and stderr inherited), waits for it with
 * wait4 and writes one line to RESULT_FILE:
 *
 *   status=<exit status, 128+signal> wall_ns=<n> user_us=<n> sys_us=<n> maxrss_kib=<n>
 *
 * Why a program of its own: the kernel's peak RSS of a child starts from
 * the peak of the process it was forked from, so a child of the Python
 * harness would report at least the harness's own size. This wrapper is
 * a few hundred KiB, below anything it measures. Exit status: 0 when the
 * line was written, 1 otherwise (the command's own status is in the line).
 */
#define _GNU_SOURCE

#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t tv_us(struct timeval tv)
{
    return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

/* The command's exit status as a shell reports it. */
static int exit_code(int wstatus)
{
    if (WIFEXITED(wstatus))
        return WEXITSTATUS(wstatus);
    return WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus) : 255;
}

static int write_result(const char *path, int wstatus, int64_t wall_ns,
                        const struct rusage *ru)
{
    FILE *f = fopen(path, "w");

    if (!f)
        return 0;
    fprintf(f, "status=%d wall_ns=%lld user_us=%lld sys_us=%lld maxrss_kib=%ld\n",
            exit_code(wstatus), (long long)wall_ns,
            (long long)tv_us(ru->ru_utime), (long long)tv_us(ru->ru_stime),
            ru->ru_maxrss);
    return fclose(f) == 0;
}

int main(int argc, char **argv)
{
    struct rusage ru;
    int wstatus = 0;
    int64_t t0;
    pid_t pid;

    if (argc < 3) {
        fprintf(stderr, "usage: runstat RESULT_FILE COMMAND [ARG...]\n");
        return 1;
    }
    t0 = now_ns();
    pid = fork();
    if (pid < 0) {
        perror("runstat: fork");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror("runstat: exec");
        _exit(127);
    }
    if (wait4(pid, &wstatus, 0, &ru) != pid) {
        perror("runstat: wait4");
        return 1;
    }
    return write_result(argv[1], wstatus, now_ns() - t0, &ru) ? 0 : 1;
}
