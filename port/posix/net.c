/*
 * rucio-lite: POSIX port, network part.
 *
 * Sockets are non-blocking from creation to close; every wait is a poll()
 * bounded by the caller's absolute deadline on the monotonic clock, and an
 * interrupted poll() is simply resumed with the time that is left, so
 * signals neither cut a wait short nor stretch it. No call can raise
 * SIGPIPE: the application keeps its own disposition for it.
 *
 * A failed connect leaves the cause in errno (the thread's own, kept by
 * libc: the port stays stateless) for rl_posix_connect_error, which
 * turns it into "connection refused", "timed out" and the like.
 */
#define _GNU_SOURCE

#include "posix_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Linux and the modern BSDs suppress SIGPIPE per call; where that flag is
 * missing (macOS) the SO_NOSIGPIPE socket option does it instead. */
#ifdef MSG_NOSIGNAL
#define SEND_FLAGS MSG_NOSIGNAL
#else
#define SEND_FLAGS 0
#endif

typedef enum wait_result { WAIT_READY, WAIT_TIMEOUT, WAIT_ERROR } wait_result;

/* Milliseconds left before deadline_ms, as a poll() timeout. */
static int poll_timeout(uint64_t deadline_ms)
{
    uint64_t now = rl_posix_now_ms(NULL);

    if (now >= deadline_ms)
        return 0;
    if (deadline_ms - now > (uint64_t)INT_MAX)
        return INT_MAX;
    return (int)(deadline_ms - now);
}

/* Wait until fd reports events (or an error or hang-up, which the next
 * socket call will turn into its errno) or the deadline passes. */
static wait_result wait_fd(int fd, short events, uint64_t deadline_ms)
{
    struct pollfd p;

    p.fd = fd;
    p.events = events;
    for (;;) {
        int timeout = poll_timeout(deadline_ms);
        int n;

        /* The socket call just said "not now": with no time left a
         * poll could only say the same (the HTTP layer's idle check on
         * every kept-alive request asks with deadline 0). */
        if (timeout == 0)
            return WAIT_TIMEOUT;
        p.revents = 0;
        n = poll(&p, 1, timeout);
        if (n > 0)
            return WAIT_READY;
        /* EINTR, or a poll that woke before our rounded-down clock reached
         * the deadline: go round with the time that is really left (none
         * left: the check above ends it). */
        if (n < 0 && errno != EINTR)
            return WAIT_ERROR;
    }
}

static int set_flag(int fd, int level, int option)
{
    int one = 1;

    return setsockopt(fd, level, option, &one, sizeof one);
}

#if !defined(SOCK_CLOEXEC) || !defined(SOCK_NONBLOCK)
static int set_cloexec_nonblock(int fd)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
        return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}
#endif

/* A non-blocking, close-on-exec stream socket for ai, or -1. */
static int open_socket(const struct addrinfo *ai)
{
    int fd;

#if defined(SOCK_CLOEXEC) && defined(SOCK_NONBLOCK)
    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                ai->ai_protocol);
#else
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd >= 0 && set_cloexec_nonblock(fd) != 0) {
        close(fd);
        fd = -1;
    }
#endif
    return fd;
}

static int set_socket_options(int fd)
{
    /* A TLS handshake is a series of small writes, each waiting for the
     * peer's answer. With Nagle's algorithm the second small write waits
     * for the ACK of the first, which the peer delays (~40 ms on Linux
     * loopback): every handshake and small request would stall. */
    if (set_flag(fd, IPPROTO_TCP, TCP_NODELAY) != 0)
        return -1;
#ifdef SO_NOSIGPIPE
    if (set_flag(fd, SOL_SOCKET, SO_NOSIGPIPE) != 0)
        return -1;
#endif
    return 0;
}

/* Wait for a connect in progress and read its outcome. */
static rucio_status finish_connect(int fd, uint64_t deadline_ms)
{
    int err = 0;
    socklen_t len = sizeof err;
    wait_result w = wait_fd(fd, POLLOUT, deadline_ms);

    if (w == WAIT_TIMEOUT) {
        errno = ETIMEDOUT;
        return RUCIO_E_TIMEOUT;
    }
    if (w == WAIT_ERROR || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
        return RUCIO_E_CONNECT;
    if (err == 0)
        return RUCIO_OK;
    errno = err; /* the connect's own failure, e.g. ECONNREFUSED */
    return err == ETIMEDOUT ? RUCIO_E_TIMEOUT : RUCIO_E_CONNECT;
}

/* close() without touching errno: it holds the cause of a failure. */
static void close_keeping_errno(int fd)
{
    int saved = errno;

    close(fd);
    errno = saved;
}

/* Connect to one address; on success *out_fd is the connected socket. */
static rucio_status connect_address(const struct addrinfo *ai,
                                    uint64_t deadline_ms, int *out_fd)
{
    rucio_status st = RUCIO_E_CONNECT;
    int fd = open_socket(ai);

    if (fd < 0)
        return RUCIO_E_CONNECT;
    if (set_socket_options(fd) == 0) {
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
            st = RUCIO_OK;
        /* An interrupted non-blocking connect carries on in the
         * background, exactly like one in progress. */
        else if (errno == EINPROGRESS || errno == EINTR)
            st = finish_connect(fd, deadline_ms);
        else if (errno == ETIMEDOUT)
            st = RUCIO_E_TIMEOUT;
    }
    if (st != RUCIO_OK) {
        close_keeping_errno(fd);
        return st;
    }
    *out_fd = fd;
    return RUCIO_OK;
}

/* getaddrinfo's failures as errno values, so that one channel carries
 * every cause: EAGAIN for a resolver that did not answer, EIO for one
 * that failed, ENOENT for a name without an address (never a connect
 * errno, so the meanings cannot mix). */
static int resolver_errno(int gai)
{
    switch (gai) {
    case EAI_AGAIN:
        return EAGAIN;
    case EAI_FAIL:
        return EIO;
    case EAI_MEMORY:
        return ENOMEM;
    case EAI_SYSTEM:
        return errno;
    default: /* EAI_NONAME, EAI_NODATA, EAI_ADDRFAMILY, ... */
        return ENOENT;
    }
}

static const char *resolver_reason(int err)
{
    switch (err) {
    case EAGAIN:
        return "name not resolved (temporary failure in name resolution: "
               "no answer from the DNS server)";
    case EIO:
        return "name not resolved (the DNS server failed)";
    case ENOMEM:
        return "name not resolved (out of memory)";
    default:
        return "name not resolved";
    }
}

static const char *connect_reason(int err)
{
    switch (err) {
    case ECONNREFUSED:
        return "connection refused";
    case ENETUNREACH:
        return "network unreachable";
    case EHOSTUNREACH:
        return "host unreachable";
    case ETIMEDOUT:
        return "timed out";
    case ECONNRESET:
        return "connection reset";
    case EACCES:
    case EPERM:
        return "connection not permitted (a firewall rule?)";
    case EADDRNOTAVAIL:
        return "no local address available";
    case EAFNOSUPPORT:
        return "address family not supported";
    case EMFILE:
    case ENFILE:
        return "too many open files";
    default:
        return "connection failed";
    }
}

/* The cause of the connect that has just failed with st, from errno. */
const char *rl_posix_connect_error(void *ctx, rucio_status st)
{
    (void)ctx;
    if (st == RUCIO_E_DNS)
        return resolver_reason(errno);
    if (st == RUCIO_E_TIMEOUT)
        return "timed out";
    return connect_reason(errno);
}

/* Resolution is not bounded by the deadline: getaddrinfo() has no timeout
 * and waits as long as the resolver configuration says. */
rucio_status rl_posix_connect(void *ctx, const char *host, uint16_t port,
                              uint64_t deadline_ms, rucio_socket *out_sock)
{
    struct addrinfo hints, *list = NULL;
    const struct addrinfo *ai;
    rucio_status st = RUCIO_E_CONNECT;
    char service[8];
    int fd = -1, gai, saved;

    (void)ctx;
    *out_sock = RUCIO_SOCKET_INVALID;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    (void)snprintf(service, sizeof service, "%u", (unsigned)port);
    gai = getaddrinfo(host, service, &hints, &list);
    if (gai != 0) {
        errno = resolver_errno(gai);
        return RUCIO_E_DNS;
    }
    /* Each address in turn (IPv6 first when the resolver prefers it);
     * only a passed deadline ends the search early. */
    for (ai = list; ai; ai = ai->ai_next) {
        st = connect_address(ai, deadline_ms, &fd);
        if (st == RUCIO_OK || st == RUCIO_E_TIMEOUT)
            break;
    }
    saved = errno;
    freeaddrinfo(list);
    errno = saved;
    if (st == RUCIO_OK)
        *out_sock = (rucio_socket)fd;
    return st;
}

/* Outcome of a send or recv that returned -1: retry (AGAIN, used only
 * inside this file), or a final TIMEOUT or ERROR. */
static rucio_io after_failure(int fd, short events, uint64_t deadline_ms)
{
    if (errno == EINTR)
        return RUCIO_IO_AGAIN;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
        return RUCIO_IO_ERROR;
    switch (wait_fd(fd, events, deadline_ms)) {
    case WAIT_READY:
        return RUCIO_IO_AGAIN;
    case WAIT_TIMEOUT:
        return RUCIO_IO_TIMEOUT;
    default:
        return RUCIO_IO_ERROR;
    }
}

/* A zero-length request transfers nothing and reports DATA with
 * *out_n == 0 (recv() would otherwise look like end of stream). */
rucio_io rl_posix_send(void *ctx, rucio_socket sock, const uint8_t *buf,
                       size_t len, uint64_t deadline_ms, size_t *out_n)
{
    int fd = (int)sock;
    rucio_io io;

    (void)ctx;
    *out_n = 0;
    do {
        ssize_t n = send(fd, buf, len, SEND_FLAGS);

        if (n >= 0) {
            *out_n = (size_t)n;
            return RUCIO_IO_DATA;
        }
        io = after_failure(fd, POLLOUT, deadline_ms);
    } while (io == RUCIO_IO_AGAIN);
    return io;
}

rucio_io rl_posix_recv(void *ctx, rucio_socket sock, uint8_t *buf,
                       size_t len, uint64_t deadline_ms, size_t *out_n)
{
    int fd = (int)sock;
    rucio_io io;

    (void)ctx;
    *out_n = 0;
    do {
        ssize_t n = recv(fd, buf, len, 0);

        if (n > 0) {
            *out_n = (size_t)n;
            return RUCIO_IO_DATA;
        }
        if (n == 0)
            return len == 0 ? RUCIO_IO_DATA : RUCIO_IO_EOF;
        io = after_failure(fd, POLLIN, deadline_ms);
    } while (io == RUCIO_IO_AGAIN);
    return io;
}

void rl_posix_close(void *ctx, rucio_socket sock)
{
    (void)ctx;
    /* Not retried on EINTR: the descriptor is released either way on
     * Linux, and a retry could close one another thread just opened. */
    close((int)sock);
}
