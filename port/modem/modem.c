/*
 * rucio-lite: the modem port (protocol in modem.h and docs/porting.md).
 *
 * One request, one reply: the device writes a control line (and for SEND
 * its payload), then reads exactly one reply line (and for DATA its
 * payload). When a reply does not come in time or does not parse, the
 * stream may be out of step; the port then marks itself unsynced and the
 * next request first sends HELLO and skips lines until the modem greets.
 */
#include "modem/modem.h"

#include <string.h>

/* ---- the board ------------------------------------------------------------ */

static uint64_t board_now(const rucio_modem *m)
{
    return m->board->now_ms(m->board->ctx);
}

static uint64_t add_ms(uint64_t t, uint64_t ms)
{
    return t > UINT64_MAX - ms ? UINT64_MAX : t + ms;
}

/* Milliseconds the modem may spend on a request that must end at
 * deadline_ms: 0 when the deadline has passed ("only what is there"). */
static uint64_t ms_left(const rucio_modem *m, uint64_t deadline_ms)
{
    uint64_t now = board_now(m);
    return deadline_ms > now ? deadline_ms - now : 0;
}

/* The modem applies the request's time limit itself; the device waits a
 * grace period longer for the reply before giving up on the modem. */
static uint64_t reply_deadline(const rucio_modem *m, uint64_t deadline_ms)
{
    uint64_t now = board_now(m);
    return add_ms(deadline_ms > now ? deadline_ms : now, RUCIO_MODEM_GRACE_MS);
}

static rucio_status write_all(rucio_modem *m, const uint8_t *buf, size_t len,
                              uint64_t deadline_ms)
{
    while (len > 0) {
        size_t n = m->board->uart_write(m->board->ctx, buf, len, deadline_ms);
        if (n == 0 || n > len)
            return RUCIO_E_PORT;
        buf += n;
        len -= n;
    }
    return RUCIO_OK;
}

static rucio_status read_exact(rucio_modem *m, uint8_t *buf, size_t len,
                               uint64_t deadline_ms)
{
    while (len > 0) {
        size_t n = m->board->uart_read(m->board->ctx, buf, len, deadline_ms);
        if (n == 0 || n > len)
            return RUCIO_E_PORT;
        buf += n;
        len -= n;
    }
    return RUCIO_OK;
}

/* One line into m->line, NUL-terminated, without "\r\n". A line longer
 * than the buffer is an error (the stream is then out of step). */
static rucio_status read_line(rucio_modem *m, uint64_t deadline_ms)
{
    size_t used = 0;

    for (;;) {
        uint8_t c;
        if (read_exact(m, &c, 1, deadline_ms) != RUCIO_OK)
            return RUCIO_E_PORT;
        if (c == '\n')
            break;
        if (used + 1 >= sizeof m->line)
            return RUCIO_E_PORT;
        m->line[used++] = (char)c;
    }
    if (used > 0 && m->line[used - 1] == '\r')
        used--;
    m->line[used] = '\0';
    return RUCIO_OK;
}

/* ---- building and parsing lines ------------------------------------------ */

/* Append s at *pos; returns 0 when it does not fit (line then unusable). */
static int put_str(char *line, size_t *pos, const char *s)
{
    size_t n = strlen(s);
    if (n >= RUCIO_MODEM_LINE_MAX - *pos)
        return 0;
    memcpy(line + *pos, s, n + 1);
    *pos += n;
    return 1;
}

static int put_u64(char *line, size_t *pos, uint64_t v)
{
    char digits[21];
    size_t i = sizeof digits - 1;

    digits[i] = '\0';
    do {
        digits[--i] = (char)('0' + (v % 10));
        v /= 10;
    } while (v > 0);
    return put_str(line, pos, digits + i);
}

/* Parse a decimal number at *p, advancing past it and one space. */
static int get_u64(const char **p, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;

    if (*s < '0' || *s > '9')
        return 0;
    while (*s >= '0' && *s <= '9') {
        unsigned d = (unsigned)(*s - '0');
        if (v > (UINT64_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
        s++;
    }
    if (*s == ' ')
        s++;
    *p = s;
    *out = v;
    return 1;
}

/* If line starts with word (followed by a space or its end), return what
 * comes after it; NULL otherwise. */
static const char *after_word(const char *line, const char *word)
{
    size_t n = strlen(word);
    if (strncmp(line, word, n) != 0)
        return NULL;
    if (line[n] == ' ')
        return line + n + 1;
    return line[n] == '\0' ? line + n : NULL;
}

/* An ERR reply to a well-formed request. ERR SYNTAX is never one (the
 * port sends nothing the modem cannot parse): it answers stray bytes, so
 * seeing it means the stream is out of step. */
static int is_error_reply(const char *line)
{
    const char *code = after_word(line, "ERR");
    return code != NULL && strcmp(code, "SYNTAX") != 0;
}

/* ---- requests ----------------------------------------------------------------- */

static rucio_status lost(rucio_modem *m)
{
    m->synced = 0;
    return RUCIO_E_PORT;
}

/* Send HELLO after a newline (which ends whatever half line the modem may
 * hold; empty lines get no reply) and skip lines until the greeting. */
static rucio_status resync(rucio_modem *m, uint64_t deadline_ms)
{
    static const char hello[] = "\nHELLO\n";

    if (write_all(m, (const uint8_t *)hello, sizeof hello - 1, deadline_ms) !=
        RUCIO_OK)
        return lost(m);
    while (read_line(m, deadline_ms) == RUCIO_OK) {
        if (strcmp(m->line, "OK HELLO rucio-modem/1") == 0) {
            m->synced = 1;
            return RUCIO_OK;
        }
    }
    return lost(m);
}

static rucio_status ensure_synced(rucio_modem *m)
{
    if (m->synced)
        return RUCIO_OK;
    return resync(m, add_ms(board_now(m), RUCIO_MODEM_GRACE_MS));
}

/* Write the request in m->line (plus "\n" and an optional payload), then
 * read the reply into m->line. */
static rucio_status exchange(rucio_modem *m, size_t pos, const uint8_t *payload,
                             size_t payload_len, uint64_t reply_by)
{
    if (!put_str(m->line, &pos, "\n"))
        return RUCIO_E_INVALID_ARG;
    if (write_all(m, (const uint8_t *)m->line, pos, reply_by) != RUCIO_OK ||
        write_all(m, payload, payload_len, reply_by) != RUCIO_OK ||
        read_line(m, reply_by) != RUCIO_OK)
        return lost(m);
    return RUCIO_OK;
}

/* "<verb> <id>" into m->line; returns the length. */
static size_t start_line(rucio_modem *m, const char *verb, unsigned id)
{
    size_t pos = 0;
    (void)put_str(m->line, &pos, verb);
    (void)put_str(m->line, &pos, " ");
    (void)put_u64(m->line, &pos, id);
    return pos;
}

static int link_open(const rucio_modem *m, rucio_socket sock)
{
    return sock >= 0 && sock < RUCIO_MODEM_LINKS &&
           (m->open_links & (1u << (unsigned)sock)) != 0;
}

/* ---- TIME ---------------------------------------------------------------------- */

static rucio_status take_time(rucio_modem *m, uint64_t deadline_ms)
{
    size_t pos = 0;
    const char *rest;
    uint64_t secs;

    (void)put_str(m->line, &pos, "TIME");
    if (exchange(m, pos, NULL, 0, deadline_ms) != RUCIO_OK)
        return RUCIO_E_PORT;
    rest = after_word(m->line, "OK TIME");
    if (rest == NULL || !get_u64(&rest, &secs) || *rest != '\0' ||
        secs > (uint64_t)INT64_MAX)
        return lost(m);
    m->wall_base = (int64_t)secs;
    m->wall_at_ms = board_now(m);
    return RUCIO_OK;
}

rucio_status rucio_modem_start(rucio_modem *m, const rucio_modem_board *board,
                               uint64_t deadline_ms)
{
    memset(m, 0, sizeof *m);
    m->board = board;
    if (resync(m, deadline_ms) != RUCIO_OK)
        return RUCIO_E_PORT;
    return take_time(m, deadline_ms);
}

int64_t rucio_modem_wall_seconds(const rucio_modem *m)
{
    uint64_t since = (board_now(m) - m->wall_at_ms) / 1000u;
    return m->wall_base + (int64_t)since;
}

/* ---- OPEN ------------------------------------------------------------------------ */

/* A host goes on the line as one word: no spaces or control bytes. */
static int host_is_word(const char *host)
{
    if (host[0] == '\0')
        return 0;
    for (; *host != '\0'; host++) {
        unsigned char c = (unsigned char)*host;
        if (c <= ' ' || c >= 0x7f)
            return 0;
    }
    return 1;
}

static int free_link(const rucio_modem *m)
{
    for (unsigned id = 0; id < RUCIO_MODEM_LINKS; id++)
        if ((m->open_links & (1u << id)) == 0)
            return (int)id;
    return -1;
}

static rucio_status open_error(const char *line)
{
    const char *code = after_word(line, "ERR");
    if (code != NULL && strcmp(code, "DNS") == 0)
        return RUCIO_E_DNS;
    if (code != NULL && strcmp(code, "TIMEOUT") == 0)
        return RUCIO_E_TIMEOUT;
    return RUCIO_E_CONNECT;
}

rucio_status rucio_modem_connect(rucio_modem *m, const char *host,
                                 uint16_t port, uint64_t deadline_ms,
                                 rucio_socket *out_sock)
{
    int id = free_link(m);
    size_t pos;

    if (!host_is_word(host))
        return RUCIO_E_DNS;
    if (id < 0)
        return RUCIO_E_CONNECT;
    if (ensure_synced(m) != RUCIO_OK)
        return RUCIO_E_PORT;
    pos = start_line(m, "OPEN", (unsigned)id);
    if (!put_str(m->line, &pos, " ") || !put_str(m->line, &pos, host) ||
        !put_str(m->line, &pos, " ") || !put_u64(m->line, &pos, port) ||
        !put_str(m->line, &pos, " ") ||
        !put_u64(m->line, &pos, ms_left(m, deadline_ms)))
        return RUCIO_E_DNS; /* a host name too long for the line */
    if (exchange(m, pos, NULL, 0, reply_deadline(m, deadline_ms)) != RUCIO_OK)
        return RUCIO_E_PORT;
    if (strcmp(m->line, "OK") != 0) {
        if (!is_error_reply(m->line))
            (void)lost(m);
        return open_error(m->line);
    }
    m->open_links |= 1u << (unsigned)id;
    *out_sock = (rucio_socket)id;
    return RUCIO_OK;
}

/* ---- SEND ------------------------------------------------------------------------- */

rucio_io rucio_modem_send(rucio_modem *m, rucio_socket sock,
                          const uint8_t *buf, size_t len, uint64_t deadline_ms,
                          size_t *out_n)
{
    size_t n = len < RUCIO_MODEM_CHUNK ? len : RUCIO_MODEM_CHUNK;
    size_t pos;
    const char *rest;
    uint64_t done;

    *out_n = 0;
    if (len == 0)
        return RUCIO_IO_DATA;
    if (!link_open(m, sock) || ensure_synced(m) != RUCIO_OK)
        return RUCIO_IO_ERROR;
    pos = start_line(m, "SEND", (unsigned)sock);
    (void)put_str(m->line, &pos, " ");
    (void)put_u64(m->line, &pos, n);
    if (exchange(m, pos, buf, n, reply_deadline(m, deadline_ms)) != RUCIO_OK)
        return RUCIO_IO_ERROR;
    if (strcmp(m->line, "ERR TIMEOUT") == 0)
        return RUCIO_IO_TIMEOUT;
    rest = after_word(m->line, "OK");
    if (rest == NULL || !get_u64(&rest, &done) || done != n) {
        if (!is_error_reply(m->line))
            (void)lost(m);
        return RUCIO_IO_ERROR;
    }
    *out_n = n;
    return RUCIO_IO_DATA;
}

/* ---- RECV ------------------------------------------------------------------------- */

static rucio_io recv_reply(rucio_modem *m, uint8_t *buf, size_t max,
                           uint64_t reply_by, size_t *out_n)
{
    const char *rest = after_word(m->line, "DATA");
    uint64_t n;

    if (strcmp(m->line, "TIMEOUT") == 0)
        return RUCIO_IO_TIMEOUT;
    if (strcmp(m->line, "EOF") == 0)
        return RUCIO_IO_EOF;
    if (rest == NULL) {
        if (!is_error_reply(m->line))
            (void)lost(m);
        return RUCIO_IO_ERROR;
    }
    if (!get_u64(&rest, &n) || *rest != '\0' || n == 0 || n > max) {
        (void)lost(m);
        return RUCIO_IO_ERROR;
    }
    if (read_exact(m, buf, (size_t)n, reply_by) != RUCIO_OK) {
        (void)lost(m);
        return RUCIO_IO_ERROR;
    }
    *out_n = (size_t)n;
    return RUCIO_IO_DATA;
}

rucio_io rucio_modem_recv(rucio_modem *m, rucio_socket sock, uint8_t *buf,
                          size_t len, uint64_t deadline_ms, size_t *out_n)
{
    size_t max = len < RUCIO_MODEM_CHUNK ? len : RUCIO_MODEM_CHUNK;
    uint64_t reply_by;
    size_t pos;

    *out_n = 0;
    if (len == 0)
        return RUCIO_IO_DATA;
    if (!link_open(m, sock) || ensure_synced(m) != RUCIO_OK)
        return RUCIO_IO_ERROR;
    pos = start_line(m, "RECV", (unsigned)sock);
    (void)put_str(m->line, &pos, " ");
    (void)put_u64(m->line, &pos, max);
    (void)put_str(m->line, &pos, " ");
    (void)put_u64(m->line, &pos, ms_left(m, deadline_ms));
    reply_by = reply_deadline(m, deadline_ms);
    if (exchange(m, pos, NULL, 0, reply_by) != RUCIO_OK)
        return RUCIO_IO_ERROR;
    return recv_reply(m, buf, max, reply_by, out_n);
}

/* ---- CLOSE ------------------------------------------------------------------------ */

void rucio_modem_close(rucio_modem *m, rucio_socket sock)
{
    size_t pos;

    if (!link_open(m, sock))
        return;
    m->open_links &= ~(1u << (unsigned)sock);
    if (ensure_synced(m) != RUCIO_OK)
        return;
    pos = start_line(m, "CLOSE", (unsigned)sock);
    (void)exchange(m, pos, NULL, 0, add_ms(board_now(m), RUCIO_MODEM_GRACE_MS));
}

/* ---- the rucio_port table ---------------------------------------------------------- */

static rucio_status port_connect(void *ctx, const char *host, uint16_t port,
                                 uint64_t deadline_ms, rucio_socket *out_sock)
{
    return rucio_modem_connect(ctx, host, port, deadline_ms, out_sock);
}

static rucio_io port_send(void *ctx, rucio_socket sock, const uint8_t *buf,
                          size_t len, uint64_t deadline_ms, size_t *out_n)
{
    return rucio_modem_send(ctx, sock, buf, len, deadline_ms, out_n);
}

static rucio_io port_recv(void *ctx, rucio_socket sock, uint8_t *buf,
                          size_t len, uint64_t deadline_ms, size_t *out_n)
{
    return rucio_modem_recv(ctx, sock, buf, len, deadline_ms, out_n);
}

static void port_close(void *ctx, rucio_socket sock)
{
    rucio_modem_close(ctx, sock);
}

static uint64_t port_now_ms(void *ctx)
{
    return board_now(ctx);
}

static int64_t port_wall_seconds(void *ctx)
{
    return rucio_modem_wall_seconds(ctx);
}

static void port_sleep_ms(void *ctx, uint32_t ms)
{
    const rucio_modem *m = ctx;
    m->board->sleep_ms(m->board->ctx, ms);
}

static rucio_status port_random(void *ctx, uint8_t *buf, size_t len)
{
    const rucio_modem *m = ctx;
    return m->board->random(m->board->ctx, buf, len);
}

void rucio_modem_port(rucio_port *port, rucio_modem *m)
{
    memset(port, 0, sizeof *port);
    port->ctx = m;
    port->connect = port_connect;
    port->send = port_send;
    port->recv = port_recv;
    port->close = port_close;
    port->now_ms = port_now_ms;
    port->wall_seconds = port_wall_seconds;
    port->sleep_ms = port_sleep_ms;
    port->random = port_random;
    port->fs = NULL;
    port->env = NULL;
}
