/*
 * rucio-lite: the scripted in-memory port (see port_script.h).
 *
 * Every call first looks for a live fault at the current offset of its
 * direction and fires it; otherwise it transfers as much as allowed, cut
 * short just before the next live fault so that fault fires on the next
 * call exactly at its byte. Sticky faults (RESET, EOF) stay live after
 * firing, and since they stop the offset from moving they fire on every
 * later call; a fired RESET also fails the other direction.
 */
#include "port_script.h"

#include <stdlib.h>
#include <string.h>

/* Seed used when the caller leaves sp->rng at 0 (xorshift's fixed point). */
#define RNG_DEFAULT_SEED 0x9e3779b9u

static int is_sticky(rucio_fault_kind kind)
{
    return kind == RUCIO_FAULT_RESET || kind == RUCIO_FAULT_EOF;
}

static int is_live(const rucio_script_conn *c, size_t i)
{
    return is_sticky(c->faults[i].kind) || !(c->fired & (1u << i));
}

static int was_reset(const rucio_script_conn *c)
{
    size_t i;

    for (i = 0; i < c->fault_count; i++)
        if (c->faults[i].kind == RUCIO_FAULT_RESET && (c->fired & (1u << i)))
            return 1;
    return 0;
}

/* Index of the first live fault of dir exactly at pos, or fault_count. */
static size_t fault_at(const rucio_script_conn *c, rucio_fault_dir dir,
                       uint64_t pos)
{
    size_t i;

    for (i = 0; i < c->fault_count; i++)
        if (c->faults[i].dir == dir && c->faults[i].offset == pos &&
            is_live(c, i))
            return i;
    return c->fault_count;
}

/* n, shortened so a transfer from pos stops just before the next live
 * fault of dir. */
static size_t cut_before_fault(const rucio_script_conn *c,
                               rucio_fault_dir dir, uint64_t pos, size_t n)
{
    size_t i;

    for (i = 0; i < c->fault_count; i++) {
        const rucio_script_fault *f = &c->faults[i];

        if (f->dir == dir && is_live(c, i) && f->offset > pos &&
            f->offset - pos < n)
            n = (size_t)(f->offset - pos);
    }
    return n;
}

/* The clock never goes back, even for a deadline already in the past. */
static void advance_to(rucio_script_port *sp, uint64_t deadline_ms)
{
    if (deadline_ms > sp->now_ms)
        sp->now_ms = deadline_ms;
}

static rucio_io fire_fault(rucio_script_port *sp, rucio_script_conn *c,
                           size_t i, uint64_t deadline_ms, size_t *n)
{
    const rucio_script_fault *f = &c->faults[i];

    c->fired |= 1u << i;
    switch (f->kind) {
    case RUCIO_FAULT_SHORT:
        if (*n > 1)
            *n = 1;
        return RUCIO_IO_DATA;
    case RUCIO_FAULT_AGAIN:
    case RUCIO_FAULT_EINTR:
        return RUCIO_IO_AGAIN;
    case RUCIO_FAULT_EOF:
        return f->dir == RUCIO_FAULT_RECV ? RUCIO_IO_EOF : RUCIO_IO_ERROR;
    case RUCIO_FAULT_TIMEOUT:
        advance_to(sp, deadline_ms);
        return RUCIO_IO_TIMEOUT;
    case RUCIO_FAULT_RESET:
    default:
        return RUCIO_IO_ERROR;
    }
}

/* Apply the faults of dir at pos to a transfer of *n bytes: a final
 * result, or RUCIO_IO_DATA with *n possibly reduced. */
static rucio_io apply_faults(rucio_script_port *sp, rucio_script_conn *c,
                             rucio_fault_dir dir, uint64_t pos,
                             uint64_t deadline_ms, size_t *n)
{
    size_t i;

    if (was_reset(c))
        return RUCIO_IO_ERROR;
    i = fault_at(c, dir, pos);
    if (i < c->fault_count)
        return fire_fault(sp, c, i, deadline_ms, n);
    *n = cut_before_fault(c, dir, pos, *n);
    return RUCIO_IO_DATA;
}

/* The open conversation behind sock, or NULL. */
static rucio_script_conn *conn_of(rucio_script_port *sp, rucio_socket sock)
{
    rucio_script_conn *c;

    if (sock < 0 || (size_t)sock >= sp->next_conn)
        return NULL;
    c = &sp->conns[sock];
    return (c->connected && !c->closed) ? c : NULL;
}

static rucio_status script_connect(void *ctx, const char *host, uint16_t port,
                                   uint64_t deadline_ms, rucio_socket *out_sock)
{
    rucio_script_port *sp = ctx;
    rucio_script_conn *c;
    size_t index;

    *out_sock = RUCIO_SOCKET_INVALID;
    strncpy(sp->last_host, host, sizeof sp->last_host - 1);
    sp->last_host[sizeof sp->last_host - 1] = '\0';
    sp->last_port = port;
    if (sp->next_conn >= sp->conn_count)
        return RUCIO_E_CONNECT;
    index = sp->next_conn++;
    c = &sp->conns[index];
    if (c->connect_result == RUCIO_E_TIMEOUT)
        advance_to(sp, deadline_ms); /* as a real connect waits it out */
    if (c->connect_result != RUCIO_OK)
        return c->connect_result;
    c->connected = 1;
    *out_sock = (rucio_socket)index;
    return RUCIO_OK;
}

/* A zero-length request transfers nothing and reports DATA, as on POSIX. */
static rucio_io script_send(void *ctx, rucio_socket sock, const uint8_t *buf,
                            size_t len, uint64_t deadline_ms, size_t *out_n)
{
    rucio_script_port *sp = ctx;
    rucio_script_conn *c = conn_of(sp, sock);
    size_t n = len;
    rucio_io io;

    *out_n = 0;
    if (!c)
        return RUCIO_IO_ERROR;
    io = apply_faults(sp, c, RUCIO_FAULT_SEND, c->sent, deadline_ms, &n);
    if (io != RUCIO_IO_DATA)
        return io;
    if (c->capture && c->sent < c->capture_cap) {
        size_t room = c->capture_cap - (size_t)c->sent;

        memcpy(c->capture + c->sent, buf, n < room ? n : room);
    }
    c->sent += n;
    *out_n = n;
    return RUCIO_IO_DATA;
}

static rucio_io end_of_script(rucio_script_port *sp,
                              const rucio_script_conn *c, uint64_t deadline_ms)
{
    if (!c->hang_at_end)
        return RUCIO_IO_EOF;
    advance_to(sp, deadline_ms);
    return RUCIO_IO_TIMEOUT;
}

/* Release the next reply once the last one was read and the client has
 * sent something since (its next request). */
static void release_turns(rucio_script_conn *c)
{
    if (!c->turns) {
        c->release_end = c->server_len;
        return;
    }
    if (c->turns_released < c->turn_count &&
        c->server_pos == c->release_end && c->sent > c->sent_at_release) {
        c->release_end += c->turns[c->turns_released++];
        c->sent_at_release = c->sent;
        /* Turns that do not add up to the script are a broken test. */
        if (c->release_end > c->server_len)
            abort();
    }
}

/* No reply is due yet: a real client would wait into its deadline. */
static int awaiting_request(const rucio_script_conn *c)
{
    return c->turns && c->server_pos == c->release_end &&
           c->turns_released < c->turn_count;
}

static rucio_io script_recv(void *ctx, rucio_socket sock, uint8_t *buf,
                            size_t len, uint64_t deadline_ms, size_t *out_n)
{
    rucio_script_port *sp = ctx;
    rucio_script_conn *c = conn_of(sp, sock);
    size_t n;
    rucio_io io;

    *out_n = 0;
    if (!c)
        return RUCIO_IO_ERROR;
    release_turns(c);
    if (awaiting_request(c) && !was_reset(c)) {
        advance_to(sp, deadline_ms);
        return RUCIO_IO_TIMEOUT;
    }
    n = c->release_end - c->server_pos;
    if (n > len)
        n = len;
    if (c->max_recv && n > c->max_recv)
        n = c->max_recv;
    io = apply_faults(sp, c, RUCIO_FAULT_RECV, c->server_pos, deadline_ms, &n);
    if (io != RUCIO_IO_DATA)
        return io;
    if (n == 0 && len > 0)
        return end_of_script(sp, c, deadline_ms);
    memcpy(buf, c->server + c->server_pos, n);
    c->server_pos += n;
    *out_n = n;
    return RUCIO_IO_DATA;
}

static void script_close(void *ctx, rucio_socket sock)
{
    rucio_script_conn *c = conn_of(ctx, sock);

    if (c)
        c->closed = 1;
}

static uint64_t script_now_ms(void *ctx)
{
    const rucio_script_port *sp = ctx;

    return sp->now_ms;
}

static int64_t script_wall_seconds(void *ctx)
{
    const rucio_script_port *sp = ctx;

    return sp->wall_seconds;
}

/* Sleeps beyond RUCIO_SCRIPT_MAX_SLEEPS still move the clock but are not
 * recorded, so sleep_count never exceeds the array. */
static void script_sleep_ms(void *ctx, uint32_t ms)
{
    rucio_script_port *sp = ctx;

    sp->now_ms += ms;
    if (sp->sleep_count < RUCIO_SCRIPT_MAX_SLEEPS)
        sp->sleeps[sp->sleep_count++] = ms;
}

/* xorshift32: reproducible bytes, not secure ones. */
static rucio_status script_random(void *ctx, uint8_t *buf, size_t len)
{
    rucio_script_port *sp = ctx;
    uint32_t x = sp->rng ? sp->rng : RNG_DEFAULT_SEED;
    size_t i;

    for (i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)(x >> 24);
    }
    sp->rng = x;
    return RUCIO_OK;
}

static const char *script_env_get(void *ctx, const char *name)
{
    const rucio_script_port *sp = ctx;
    size_t len = strlen(name);
    const char *const *e;

    for (e = sp->env; e && *e; e++)
        if (strncmp(*e, name, len) == 0 && (*e)[len] == '=')
            return *e + len + 1;
    return NULL;
}

static unsigned long script_effective_uid(void *ctx)
{
    const rucio_script_port *sp = ctx;

    return sp->uid;
}

static rucio_status copy_known(const char *s, char *buf, size_t cap)
{
    size_t len;

    if (!s)
        return RUCIO_E_PORT;
    len = strlen(s);
    if (len >= cap)
        return RUCIO_E_NO_SPACE;
    memcpy(buf, s, len + 1);
    return RUCIO_OK;
}

static rucio_status script_user_name(void *ctx, char *buf, size_t cap)
{
    const rucio_script_port *sp = ctx;

    return copy_known(sp->user_name, buf, cap);
}

/* The script knows one user: a name other than user_name is unknown. */
static rucio_status script_user_home(void *ctx, const char *name, char *buf,
                                     size_t cap)
{
    const rucio_script_port *sp = ctx;

    if (name && (!sp->user_name || strcmp(name, sp->user_name) != 0))
        return RUCIO_E_PORT;
    return copy_known(sp->home, buf, cap);
}

static const rucio_port_env script_env = {
    .get = script_env_get,
    .effective_uid = script_effective_uid,
    .user_name = script_user_name,
    .user_home = script_user_home,
};

void rucio_script_conn_reset(rucio_script_conn *c)
{
    c->server_pos = 0;
    c->sent = 0;
    c->fired = 0;
    c->turns_released = 0;
    c->release_end = 0;
    c->sent_at_release = 0;
    c->connected = 0;
    c->closed = 0;
}

void rucio_script_port_init(rucio_script_port *sp, rucio_script_conn *conns,
                            size_t count)
{
    size_t i;

    memset(sp, 0, sizeof *sp);
    sp->conns = conns;
    sp->conn_count = count;
    for (i = 0; i < count; i++)
        rucio_script_conn_reset(&conns[i]);
    sp->now_ms = 1000;
    sp->wall_seconds = 1700000000;
    sp->port.ctx = sp;
    sp->port.connect = script_connect;
    sp->port.send = script_send;
    sp->port.recv = script_recv;
    sp->port.close = script_close;
    sp->port.now_ms = script_now_ms;
    sp->port.wall_seconds = script_wall_seconds;
    sp->port.sleep_ms = script_sleep_ms;
    sp->port.random = script_random;
    sp->port.fs = NULL;
    sp->port.env = &script_env;
}

void rucio_script_add_fault(rucio_script_conn *c, rucio_fault_kind kind,
                            rucio_fault_dir dir, uint64_t offset)
{
    rucio_script_fault *f;

    /* A fault dropped silently would let a test pass for the wrong reason. */
    if (c->fault_count >= RUCIO_SCRIPT_MAX_FAULTS)
        abort();
    f = &c->faults[c->fault_count++];
    f->kind = kind;
    f->dir = dir;
    f->offset = offset;
}
