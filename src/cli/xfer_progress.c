/*
 * rucio-lite command-line tool: the progress bar of put, get, upload and
 * download (xfer.h).
 *
 * One line on stderr, redrawn in place:
 *     12.5 MiB / 100.0 MiB  12%  8.3 MiB/s  ETA 0:10
 * only when stderr is a terminal (a log file or a pipe gets no carriage
 * returns) and the run is not quiet (-q). It appears once a transfer has
 * run for REDRAW_NS, so quick transfers print nothing, and is redrawn at
 * most every REDRAW_NS: the callback comes for every few kilobytes, and a
 * terminal redrawn thousands of times a second slows the transfer down.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "xfer.h"

#define REDRAW_NS 200000000ull /* 5 redraws a second at most */
#define NS_PER_S 1000000000ull

/* -q (or -v, whose log lines would break the bar's line), set once by
 * main before any command: the CLI's other run-wide switch besides
 * report.c's. */
static int progress_quiet;

void cli_progress_quiet(int quiet)
{
    progress_quiet = quiet;
}

/* A monotonic clock: the wall clock may jump (NTP) during a transfer. */
static uint64_t now_ns(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

void xfer_progress_init(xfer_progress *p)
{
    memset(p, 0, sizeof *p);
    p->enabled = !progress_quiet && isatty(STDERR_FILENO);
    p->start_ns = now_ns();
}

void xfer_progress_options(xfer_progress *p, rucio_transfer_options *opt)
{
    rucio_transfer_options_default(opt);
    xfer_progress_init(p);
    opt->progress = xfer_progress_update;
    opt->progress_user = p;
}

/* "512 B", "12.5 KiB", ... "3.2 TiB": binary units, as du -h and rucio
 * show them. */
static void format_bytes(char *out, size_t cap, double bytes)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    size_t i = 0;

    if (bytes < 1024.0) {
        (void)snprintf(out, cap, "%.0f B", bytes);
        return;
    }
    bytes /= 1024.0;
    while (bytes >= 1024.0 && i + 1 < sizeof units / sizeof units[0]) {
        bytes /= 1024.0;
        i++;
    }
    (void)snprintf(out, cap, "%.1f %s", bytes, units[i]);
}

/* "  ETA 1:05" or "  ETA 2:01:05", or nothing when it cannot be told. */
static void format_eta(char *out, size_t cap, const xfer_progress *p,
                       double rate)
{
    uint64_t s;

    out[0] = '\0';
    if (!p->total || p->done >= p->total || rate <= 0.0)
        return;
    s = (uint64_t)((double)(p->total - p->done) / rate + 0.5);
    if (s >= 3600)
        (void)snprintf(out, cap, "  ETA %llu:%02u:%02u",
                       (unsigned long long)(s / 3600),
                       (unsigned)(s / 60 % 60), (unsigned)(s % 60));
    else
        (void)snprintf(out, cap, "  ETA %u:%02u", (unsigned)(s / 60),
                       (unsigned)(s % 60));
}

/* Done, of total and the percentage when the total is known. */
static void format_amount(char *out, size_t cap, const xfer_progress *p)
{
    char done[16], total[16];

    format_bytes(done, sizeof done, (double)p->done);
    if (!p->total) {
        (void)snprintf(out, cap, "%s", done);
        return;
    }
    format_bytes(total, sizeof total, (double)p->total);
    (void)snprintf(out, cap, "%s / %s  %3u%%", done, total,
                   p->done >= p->total
                       ? 100u
                       : (unsigned)((double)p->done * 100.0 /
                                    (double)p->total));
}

/* The whole line, over the last one ("\r", then ESC [K clears what a
 * longer last line left). */
static void draw(xfer_progress *p, uint64_t now)
{
    double seconds = (double)(now - p->start_ns) / (double)NS_PER_S;
    double rate = seconds > 0.0 ? (double)p->done / seconds : 0.0;
    char amount[48], speed[16], eta[32];

    format_amount(amount, sizeof amount, p);
    format_bytes(speed, sizeof speed, rate);
    format_eta(eta, sizeof eta, p, rate);
    fprintf(stderr, "\r%s  %s/s%s\033[K", amount, speed, eta);
    (void)fflush(stderr);
    p->drawn = 1;
    p->last_ns = now;
}

void xfer_progress_update(void *user, uint64_t done, uint64_t total)
{
    xfer_progress *p = user;
    uint64_t now;

    p->done = done;
    p->total = total;
    if (!p->enabled)
        return;
    now = now_ns();
    if (now - (p->drawn ? p->last_ns : p->start_ns) < REDRAW_NS)
        return;
    draw(p, now);
}

void xfer_progress_finish(xfer_progress *p)
{
    if (!p->drawn)
        return;
    draw(p, now_ns());
    fputc('\n', stderr);
    p->drawn = 0;
}
