/*
 * rucio-lite: the modem port.
 *
 * For a device that reaches the network only through a serial byte stream
 * to a "modem": an AT-command cellular or Wi-Fi module, or (in the tests)
 * tests/firmware/relay.py on the host behind QEMU's UART. The device asks
 * the modem to open TCP connections, carries their bytes and closes them,
 * with the small line protocol below; the modem does the TCP/IP.
 *
 * The port needs from the board only a UART read/write pair with deadlines,
 * a millisecond clock, a sleep and a random source (rucio_modem_board); it
 * keeps no global state (everything is in the caller's rucio_modem) and
 * never allocates.
 *
 * The protocol, version 1 (docs/porting.md, "The modem port and the
 * firmware build"): the device sends one request, the modem sends exactly
 * one reply; control lines are ASCII ending in "\n" (a "\r" before it is
 * ignored), at most RUCIO_MODEM_LINE_MAX bytes; payloads follow their line
 * as exactly the announced number of raw bytes (length framing, no
 * escaping). Receiving is pulled by the device (RECV), never pushed, so the
 * stream never carries bytes nobody asked for.
 *
 *   HELLO                          -> OK HELLO rucio-modem/1
 *   TIME                           -> OK TIME <unix seconds>
 *   OPEN <id> <host> <port> <ms>   -> OK | ERR <code>
 *   SEND <id> <n>\n<n bytes>       -> OK <n> | ERR <code>
 *   RECV <id> <max> <ms>           -> DATA <n>\n<n bytes> | TIMEOUT | EOF
 *                                     | ERR <code>
 *   CLOSE <id>                     -> OK
 *   anything else                  -> ERR SYNTAX
 *
 * <id> is a link number 0..RUCIO_MODEM_LINKS-1 chosen by the device; <ms>
 * how long the modem may wait; 1 <= n, max <= RUCIO_MODEM_CHUNK. Error
 * codes: DNS (name not resolved), REFUSED (address not allowed), CONNECT
 * (connection failed), TIMEOUT, IO (connection broken), BADID, NOTOPEN,
 * SYNTAX.
 */
#ifndef RUCIO_PORT_MODEM_H
#define RUCIO_PORT_MODEM_H

#include <stddef.h>
#include <stdint.h>

#include "rucio/port.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RUCIO_MODEM_LINKS 4      /* connections open at once */
#define RUCIO_MODEM_CHUNK 1024   /* payload bytes per SEND or RECV */
#define RUCIO_MODEM_LINE_MAX 288 /* control line, "\n" included: a
                                  * 255-byte host name fits */
/* How long past a request's own time limit the device waits for the
 * modem's reply before it declares the link to the modem lost. */
#define RUCIO_MODEM_GRACE_MS 3000u

/* What the board provides. Every function gets ctx. */
typedef struct rucio_modem_board {
    void *ctx;
    /* Write up to len bytes to the UART before deadline_ms; return how
     * many were written (0: the deadline passed). */
    size_t (*uart_write)(void *ctx, const uint8_t *buf, size_t len,
                         uint64_t deadline_ms);
    /* Read up to len bytes from the UART, waiting until at least one has
     * arrived or deadline_ms has passed; return how many (0: timeout). */
    size_t (*uart_read)(void *ctx, uint8_t *buf, size_t len,
                        uint64_t deadline_ms);
    uint64_t (*now_ms)(void *ctx);           /* monotonic milliseconds */
    void (*sleep_ms)(void *ctx, uint32_t ms);
    rucio_status (*random)(void *ctx, uint8_t *buf, size_t len);
} rucio_modem_board;

/* The port's state: caller-owned, one per modem. */
typedef struct rucio_modem {
    const rucio_modem_board *board;
    int64_t wall_base;     /* the modem's Unix time at wall_at_ms */
    uint64_t wall_at_ms;   /* board clock when TIME was answered */
    unsigned open_links;   /* bit i: link i is open */
    int synced;            /* 0: the next request starts with HELLO */
    char line[RUCIO_MODEM_LINE_MAX];
} rucio_modem;

/* Greet the modem (HELLO) and take its clock (TIME). RUCIO_E_PORT when it
 * does not answer as a rucio-modem/1 before deadline_ms. */
rucio_status rucio_modem_start(rucio_modem *m, const rucio_modem_board *board,
                               uint64_t deadline_ms);

/* Fill a rucio_port over m: connect/send/recv/close through the modem,
 * wall_seconds from its TIME, now_ms/sleep_ms/random from the board, no
 * files, no environment. m must outlive the port. */
void rucio_modem_port(rucio_port *port, rucio_modem *m);

/* The same operations, for callers that use the modem directly. */
rucio_status rucio_modem_connect(rucio_modem *m, const char *host,
                                 uint16_t port, uint64_t deadline_ms,
                                 rucio_socket *out_sock);
rucio_io rucio_modem_send(rucio_modem *m, rucio_socket sock,
                          const uint8_t *buf, size_t len, uint64_t deadline_ms,
                          size_t *out_n);
rucio_io rucio_modem_recv(rucio_modem *m, rucio_socket sock, uint8_t *buf,
                          size_t len, uint64_t deadline_ms, size_t *out_n);
void rucio_modem_close(rucio_modem *m, rucio_socket sock);
int64_t rucio_modem_wall_seconds(const rucio_modem *m);

#ifdef __cplusplus
}
#endif

#endif /* RUCIO_PORT_MODEM_H */
