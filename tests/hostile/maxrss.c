/*
 * maxrss REPORT COMMAND [ARG...]: run COMMAND, write its exit status and
 * peak resident set size to REPORT ("exit=N maxrss_kib=N" or "signal=N
 * maxrss_kib=N") and exit as it did (128 + signal if it was killed).
 *
 * Why a C program: Linux keeps a process's ru_maxrss across execve, so a
 * command started straight from the Python driver would report at least
 * the driver's own RSS (about 17 MB). Forked from this small program it
 * starts from a few hundred KiB.
 *
 * SIGTERM or SIGINT kills COMMAND (SIGKILL) and still reaps it, so that
 * the driver's hang guard never leaves an orphan behind.
 */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void request_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

/* Without SA_RESTART, so that a signal interrupts wait4. */
static void catch_stop_signals(void)
{
    struct sigaction sa;

    sa.sa_handler = request_stop;
    sa.sa_flags = 0;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
}

/* Wait for the child; kill it first once a stop was requested. */
static int reap(pid_t pid, int *status, struct rusage *ru)
{
    for (;;) {
        if (wait4(pid, status, 0, ru) == pid)
            return 0;
        if (errno != EINTR)
            return -1;
        if (stop_requested)
            kill(pid, SIGKILL);
    }
}

int main(int argc, char **argv)
{
    struct rusage ru;
    FILE *report;
    pid_t pid;
    int status;

    if (argc < 3) {
        fprintf(stderr, "usage: maxrss REPORT COMMAND [ARG...]\n");
        return 2;
    }
    catch_stop_signals();
    pid = fork();
    if (pid < 0) {
        perror("maxrss: fork");
        return 2;
    }
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        execvp(argv[2], argv + 2);
        perror("maxrss: exec");
        _exit(127);
    }
    if (stop_requested)
        kill(pid, SIGKILL);
    if (reap(pid, &status, &ru) != 0) {
        perror("maxrss: wait4");
        return 2;
    }
    report = fopen(argv[1], "w");
    if (!report) {
        perror("maxrss: report");
        return 2;
    }
    if (WIFSIGNALED(status))
        fprintf(report, "signal=%d maxrss_kib=%ld\n", WTERMSIG(status),
                ru.ru_maxrss);
    else
        fprintf(report, "exit=%d maxrss_kib=%ld\n", WEXITSTATUS(status),
                ru.ru_maxrss);
    fclose(report);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
