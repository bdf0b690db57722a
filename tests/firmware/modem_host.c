/*
 * Host test of the modem port against tests/firmware/relay.py.
 *
 *   modem_host <relay-port>
 *
 * The "UART" is a TCP connection to the relay (what QEMU's -serial tcp:
 * gives the firmware). The port is driven through its rucio_port table,
 * against a listening socket of this program that the relay connects to
 * (on 127.0.0.1, the only address it accepts). Prints PASS/FAIL lines.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "modem/modem.h"

static int passed, failed;

static void check(int ok, const char *name, const char *why)
{
    if (ok) {
        printf("PASS %s\n", name);
        passed++;
    } else {
        printf("FAIL %s: %s\n", name, why);
        failed++;
    }
}

/* ---- the board: a TCP socket as UART --------------------------------------- */

static uint64_t host_now(void *ctx)
{
    struct timespec ts;
    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int wait_fd(int fd, short events, uint64_t deadline_ms)
{
    uint64_t now = host_now(NULL);
    int ms = deadline_ms > now ? (int)(deadline_ms - now > 60000 ? 60000 : deadline_ms - now) : 0;
    struct pollfd p = {.fd = fd, .events = events, .revents = 0};
    return poll(&p, 1, ms) > 0;
}

static size_t uart_write(void *ctx, const uint8_t *buf, size_t len,
                         uint64_t deadline_ms)
{
    int fd = *(int *)ctx;
    ssize_t n;
    if (!wait_fd(fd, POLLOUT, deadline_ms))
        return 0;
    n = send(fd, buf, len, MSG_NOSIGNAL);
    return n > 0 ? (size_t)n : 0;
}

static size_t uart_read(void *ctx, uint8_t *buf, size_t len,
                        uint64_t deadline_ms)
{
    int fd = *(int *)ctx;
    ssize_t n;
    if (!wait_fd(fd, POLLIN, deadline_ms))
        return 0;
    n = recv(fd, buf, len, 0);
    return n > 0 ? (size_t)n : 0;
}

static void host_sleep(void *ctx, uint32_t ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    (void)ctx;
    nanosleep(&ts, NULL);
}

static rucio_status host_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)rand(); /* not used by these tests */
    return RUCIO_OK;
}

/* ---- sockets ------------------------------------------------------------------ */

static int tcp_connect(uint16_t port)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("connect to relay");
        exit(2);
    }
    return fd;
}

static int tcp_listen(uint16_t *port)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(fd, 8) != 0 || getsockname(fd, (struct sockaddr *)&a, &alen) != 0) {
        perror("listen");
        exit(2);
    }
    *port = ntohs(a.sin_port);
    return fd;
}

/* A port on 127.0.0.1 where nothing listens (bound, then closed). */
static uint16_t dead_port(void)
{
    uint16_t port;
    close(tcp_listen(&port));
    return port;
}

/* ---- the checks --------------------------------------------------------------- */

static void fill_pattern(uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(i * 7 + 3); /* every byte value, "\n" included */
}

/* Send all of buf through the port. */
static int port_send_all(const rucio_port *p, rucio_socket s, const uint8_t *buf,
                         size_t len)
{
    while (len > 0) {
        size_t n = 0;
        if (p->send(p->ctx, s, buf, len, host_now(NULL) + 5000, &n) != RUCIO_IO_DATA)
            return 0;
        buf += n;
        len -= n;
    }
    return 1;
}

/* Receive exactly len bytes through the port. */
static int port_recv_all(const rucio_port *p, rucio_socket s, uint8_t *buf,
                         size_t len)
{
    while (len > 0) {
        size_t n = 0;
        if (p->recv(p->ctx, s, buf, len, host_now(NULL) + 5000, &n) != RUCIO_IO_DATA)
            return 0;
        buf += n;
        len -= n;
    }
    return 1;
}

static int fd_read_all(int fd, uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = recv(fd, buf, len, 0);
        if (n <= 0)
            return 0;
        buf += n;
        len -= (size_t)n;
    }
    return 1;
}

static void check_transfer(const rucio_port *p, int lfd, uint16_t lport)
{
    static uint8_t out[5000], back[5000];
    rucio_socket s = RUCIO_SOCKET_INVALID;
    size_t n = 9;
    int peer;
    rucio_status st = p->connect(p->ctx, "localhost", lport, host_now(NULL) + 5000, &s);

    check(st == RUCIO_OK, "open_localhost", rucio_strerror(st));
    if (st != RUCIO_OK)
        return;
    peer = accept(lfd, NULL, NULL);
    fill_pattern(out, sizeof out);
    check(port_send_all(p, s, out, sizeof out) && fd_read_all(peer, back, sizeof back) &&
              memcmp(out, back, sizeof out) == 0,
          "send_5000_bytes_in_chunks", "bytes differ or send failed");
    memset(back, 0, sizeof back);
    check(send(peer, out, sizeof out, 0) == (ssize_t)sizeof out &&
              port_recv_all(p, s, back, sizeof back) && memcmp(out, back, sizeof out) == 0,
          "recv_5000_bytes_in_chunks", "bytes differ or recv failed");
    check(p->recv(p->ctx, s, back, sizeof back, host_now(NULL) + 300, &n) == RUCIO_IO_TIMEOUT &&
              n == 0,
          "recv_timeout", "no TIMEOUT after 300 ms without data");
    check(p->recv(p->ctx, s, back, sizeof back, 0, &n) == RUCIO_IO_TIMEOUT,
          "recv_past_deadline_polls", "deadline 0 did not answer TIMEOUT");
    close(peer);
    check(p->recv(p->ctx, s, back, sizeof back, host_now(NULL) + 5000, &n) == RUCIO_IO_EOF,
          "recv_eof", "peer close not seen as EOF");
    p->close(p->ctx, s);
}

static void check_refusals(const rucio_port *p)
{
    rucio_socket s;
    rucio_status st;

    st = p->connect(p->ctx, "10.1.2.3", 443, host_now(NULL) + 5000, &s);
    check(st == RUCIO_E_CONNECT, "refuses_other_address", rucio_strerror(st));
    st = p->connect(p->ctx, "example.org", 443, host_now(NULL) + 5000, &s);
    check(st == RUCIO_E_DNS, "refuses_other_name", rucio_strerror(st));
    st = p->connect(p->ctx, "bad host", 443, host_now(NULL) + 5000, &s);
    check(st == RUCIO_E_DNS, "refuses_host_with_space", rucio_strerror(st));
    st = p->connect(p->ctx, "127.0.0.1", dead_port(), host_now(NULL) + 5000, &s);
    check(st == RUCIO_E_CONNECT, "connect_refused", rucio_strerror(st));
}

static void check_link_limit(const rucio_port *p, int lfd, uint16_t lport)
{
    rucio_socket s[RUCIO_MODEM_LINKS + 1];
    int opened = 0;
    rucio_status st = RUCIO_OK;

    for (int i = 0; i < RUCIO_MODEM_LINKS; i++)
        if (p->connect(p->ctx, "127.0.0.1", lport, host_now(NULL) + 5000, &s[i]) == RUCIO_OK) {
            close(accept(lfd, NULL, NULL)); /* keep the backlog empty */
            opened++;
        }
    st = p->connect(p->ctx, "127.0.0.1", lport, host_now(NULL) + 5000, &s[RUCIO_MODEM_LINKS]);
    check(opened == RUCIO_MODEM_LINKS && st == RUCIO_E_CONNECT, "link_limit",
          "not exactly RUCIO_MODEM_LINKS links");
    for (int i = 0; i < opened; i++)
        p->close(p->ctx, s[i]);
}

/* Stray bytes put the stream out of step; the port must notice and greet
 * the modem again before the next request. */
static void check_resync(const rucio_port *p, int uart)
{
    uint16_t lport;
    int lfd = tcp_listen(&lport); /* the failed step may leave a connection */
    static const char junk[] = "GARBAGE\nDATA 5\n";
    uint8_t b[4];
    size_t n;
    rucio_socket s;
    int peer;
    rucio_status st;

    if (send(uart, junk, sizeof junk - 1, 0) < 0)
        return;
    st = p->connect(p->ctx, "127.0.0.1", lport, host_now(NULL) + 5000, &s);
    /* This connect read the reply to the junk: it fails, but the next
     * one resynchronises. */
    if (st == RUCIO_OK)
        p->close(p->ctx, s);
    st = p->connect(p->ctx, "127.0.0.1", lport, host_now(NULL) + 5000, &s);
    check(st == RUCIO_OK, "resync_after_stray_bytes", rucio_strerror(st));
    if (st != RUCIO_OK) {
        close(lfd);
        return;
    }
    close(accept(lfd, NULL, NULL)); /* opened by the connect that failed */
    peer = accept(lfd, NULL, NULL);
    check(send(peer, "ping", 4, 0) == 4 && port_recv_all(p, s, b, 4) && memcmp(b, "ping", 4) == 0 &&
              p->recv(p->ctx, s, b, 4, host_now(NULL) + 100, &n) == RUCIO_IO_TIMEOUT,
          "in_step_after_resync", "data after resync wrong");
    close(peer);
    close(lfd);
    p->close(p->ctx, s);
}

int main(int argc, char **argv)
{
    int uart, lfd;
    uint16_t lport;
    rucio_modem modem;
    rucio_port port;
    rucio_modem_board board = {NULL, uart_write, uart_read, host_now, host_sleep, host_random};
    rucio_status st;
    int64_t skew;

    if (argc != 2) {
        fprintf(stderr, "usage: modem_host <relay-port>\n");
        return 2;
    }
    uart = tcp_connect((uint16_t)atoi(argv[1]));
    board.ctx = &uart;
    lfd = tcp_listen(&lport);

    st = rucio_modem_start(&modem, &board, host_now(NULL) + 5000);
    check(st == RUCIO_OK, "hello_and_time", rucio_strerror(st));
    if (st != RUCIO_OK)
        return 1;
    rucio_modem_port(&port, &modem);
    skew = port.wall_seconds(port.ctx) - (int64_t)time(NULL);
    check(skew >= -2 && skew <= 2, "wall_clock_from_modem", "more than 2 s off");
    check(port.fs == NULL && port.env == NULL, "no_files_no_env", "fs or env set");

    check_transfer(&port, lfd, lport);
    check_refusals(&port);
    check_link_limit(&port, lfd, lport);
    check_resync(&port, uart);

    printf("modem-host: %d passed, %d failed\n", passed, failed);
    close(uart);
    close(lfd);
    return failed ? 1 : 0;
}
