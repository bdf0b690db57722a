/*
 * rucio-lite: POSIX port, clocks, sleep, random bytes, and the table that
 * ties the port together.
 */
#define _GNU_SOURCE

#include "posix_internal.h"
#include "rucio/port_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__) || defined(__FreeBSD__)
#include <sys/random.h>
#define HAVE_GETRANDOM 1
#endif

uint64_t rl_posix_now_ms(void *ctx)
{
    struct timespec ts;

    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int64_t posix_wall_seconds(void *ctx)
{
    struct timespec ts;

    (void)ctx;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

static void posix_sleep_ms(void *ctx, uint32_t ms)
{
    struct timespec left;

    (void)ctx;
    left.tv_sec = (time_t)(ms / 1000u);
    left.tv_nsec = (long)(ms % 1000u) * 1000000L;
    /* A signal ends nanosleep early; sleep on for what is left. */
    while (nanosleep(&left, &left) != 0 && errno == EINTR)
        ;
}

/* Read exactly len bytes from the kernel's random device. */
static rucio_status fill_from_urandom(uint8_t *buf, size_t len)
{
    rucio_status st = RUCIO_OK;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return RUCIO_E_PORT;
    while (len > 0) {
        ssize_t n = read(fd, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            st = RUCIO_E_PORT;
            break;
        }
        buf += n;
        len -= (size_t)n;
    }
    close(fd);
    return st;
}

#ifdef HAVE_GETRANDOM
/* 0 when filled, else the errno that stopped it (ENOSYS: old kernel). */
static int fill_from_getrandom(uint8_t *buf, size_t len)
{
    while (len > 0) {
        /* Flags 0: block until the pool is initialised, never after. */
        ssize_t n = getrandom(buf, len, 0);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno;
        /* Requests above 32 MiB, or interrupted large ones, come short. */
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}
#endif

rucio_status rl_posix_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
#ifdef HAVE_GETRANDOM
    {
        int err = fill_from_getrandom(buf, len);

        if (err != ENOSYS)
            return err == 0 ? RUCIO_OK : RUCIO_E_PORT;
    }
#endif
    return fill_from_urandom(buf, len);
}

void rucio_port_posix_init(rucio_port *port)
{
    port->ctx = NULL;
    port->connect = rl_posix_connect;
    port->send = rl_posix_send;
    port->recv = rl_posix_recv;
    port->close = rl_posix_close;
    port->now_ms = rl_posix_now_ms;
    port->wall_seconds = posix_wall_seconds;
    port->sleep_ms = posix_sleep_ms;
    port->random = rl_posix_random;
    port->fs = rucio_port_posix_fs();
    port->env = rucio_port_posix_env();
    port->connect_error = rl_posix_connect_error;
}
