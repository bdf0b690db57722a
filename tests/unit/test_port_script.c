/*
 * The scripted port itself: byte-exact fault placement in both directions,
 * chunking, the fake clocks, connect results, capture and environment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test/port_script.h"

#define GAP_MS 700u /* every call's deadline is now + GAP_MS */

static const uint8_t script_bytes[] = "0123456789abcdef";
#define SCRIPT_LEN (sizeof script_bytes - 1)

/* Offsets every fault is tried at: first byte, second, middle, last. */
static const uint64_t fault_offsets[] = {0, 1, 7, SCRIPT_LEN - 1};
#define OFFSET_COUNT (sizeof fault_offsets / sizeof fault_offsets[0])

typedef struct fixture {
    rucio_script_port sp;
    rucio_script_conn conn;
    uint8_t capture[64];
    uint8_t got[64];
    rucio_socket sock;
} fixture;

static void prepare(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->conn.server = script_bytes;
    f->conn.server_len = SCRIPT_LEN;
    f->conn.capture = f->capture;
    f->conn.capture_cap = sizeof f->capture;
}

static void open_conn(fixture *f)
{
    rucio_script_port_init(&f->sp, &f->conn, 1);
    assert_int_equal(f->sp.port.connect(f->sp.port.ctx, "h", 1, 0, &f->sock),
                     RUCIO_OK);
}

/* One call in dir from offset pos: recv into f->got + pos (room for more
 * than the script holds), send script_bytes from pos to its end. */
static rucio_io xfer(fixture *f, rucio_fault_dir dir, size_t pos, size_t *n)
{
    const rucio_port *p = &f->sp.port;
    uint64_t deadline = f->sp.now_ms + GAP_MS;

    if (dir == RUCIO_FAULT_RECV)
        return p->recv(p->ctx, f->sock, f->got + pos, sizeof f->got - pos,
                       deadline, n);
    return p->send(p->ctx, f->sock, script_bytes + pos, SCRIPT_LEN - pos,
                   deadline, n);
}

static void assert_xfer(fixture *f, rucio_fault_dir dir, size_t pos,
                        rucio_io want_io, size_t want_n)
{
    size_t n = 99;

    assert_int_equal(xfer(f, dir, pos, &n), want_io);
    assert_int_equal(n, want_n);
}

/* The fault must not have damaged the stream: all bytes, in order. */
static void assert_stream_complete(fixture *f, rucio_fault_dir dir)
{
    size_t n;

    if (dir == RUCIO_FAULT_RECV) {
        assert_memory_equal(f->got, script_bytes, SCRIPT_LEN);
        assert_int_equal(xfer(f, dir, SCRIPT_LEN, &n), RUCIO_IO_EOF);
    } else {
        assert_int_equal(f->conn.sent, SCRIPT_LEN);
        assert_memory_equal(f->capture, script_bytes, SCRIPT_LEN);
    }
}

/* Place one fault at offset, check that the bytes before it come in one
 * call cut exactly at it, and return with the stream standing there. */
static void start_at_fault(fixture *f, rucio_fault_kind kind,
                           rucio_fault_dir dir, uint64_t offset)
{
    prepare(f);
    rucio_script_add_fault(&f->conn, kind, dir, offset);
    open_conn(f);
    if (offset > 0)
        assert_xfer(f, dir, 0, RUCIO_IO_DATA, (size_t)offset);
}

static const rucio_fault_dir both_dirs[] = {RUCIO_FAULT_RECV, RUCIO_FAULT_SEND};

static void test_fault_short(void **state)
{
    size_t d, o;

    (void)state;
    for (d = 0; d < 2; d++) {
        for (o = 0; o < OFFSET_COUNT; o++) {
            fixture f;
            size_t at = (size_t)fault_offsets[o];

            start_at_fault(&f, RUCIO_FAULT_SHORT, both_dirs[d], at);
            assert_xfer(&f, both_dirs[d], at, RUCIO_IO_DATA, 1);
            if (at + 1 < SCRIPT_LEN) /* one-shot: the rest in one call */
                assert_xfer(&f, both_dirs[d], at + 1, RUCIO_IO_DATA,
                            SCRIPT_LEN - at - 1);
            assert_stream_complete(&f, both_dirs[d]);
        }
    }
}

/* AGAIN and EINTR: nothing moves, no time passes, then all goes on. */
static void check_retry_fault(rucio_fault_kind kind)
{
    size_t d, o;

    for (d = 0; d < 2; d++) {
        for (o = 0; o < OFFSET_COUNT; o++) {
            fixture f;
            size_t at = (size_t)fault_offsets[o];

            start_at_fault(&f, kind, both_dirs[d], at);
            assert_xfer(&f, both_dirs[d], at, RUCIO_IO_AGAIN, 0);
            assert_int_equal(f.sp.now_ms, 1000);
            assert_xfer(&f, both_dirs[d], at, RUCIO_IO_DATA, SCRIPT_LEN - at);
            assert_stream_complete(&f, both_dirs[d]);
        }
    }
}

static void test_fault_again(void **state)
{
    (void)state;
    check_retry_fault(RUCIO_FAULT_AGAIN);
}

static void test_fault_eintr(void **state)
{
    (void)state;
    check_retry_fault(RUCIO_FAULT_EINTR);
}

static void test_fault_timeout(void **state)
{
    size_t d, o;

    (void)state;
    for (d = 0; d < 2; d++) {
        for (o = 0; o < OFFSET_COUNT; o++) {
            fixture f;
            size_t at = (size_t)fault_offsets[o];

            start_at_fault(&f, RUCIO_FAULT_TIMEOUT, both_dirs[d], at);
            assert_xfer(&f, both_dirs[d], at, RUCIO_IO_TIMEOUT, 0);
            assert_int_equal(f.sp.now_ms, 1000 + GAP_MS);
            assert_xfer(&f, both_dirs[d], at, RUCIO_IO_DATA, SCRIPT_LEN - at);
            assert_int_equal(f.sp.now_ms, 1000 + GAP_MS);
            assert_stream_complete(&f, both_dirs[d]);
        }
    }
}

/* A reset fails this call, every later one, and the other direction. */
static void test_fault_reset(void **state)
{
    size_t d, o;

    (void)state;
    for (d = 0; d < 2; d++) {
        for (o = 0; o < OFFSET_COUNT; o++) {
            fixture f;
            size_t at = (size_t)fault_offsets[o];

            start_at_fault(&f, RUCIO_FAULT_RESET, both_dirs[d], at);
            assert_xfer(&f, both_dirs[d], at, RUCIO_IO_ERROR, 0);
            assert_xfer(&f, both_dirs[d], at, RUCIO_IO_ERROR, 0);
            assert_xfer(&f, both_dirs[1 - d], 0, RUCIO_IO_ERROR, 0);
            assert_int_equal(f.sp.now_ms, 1000);
        }
    }
}

/* Early end: EOF on receive, an error on send (the peer is gone); it
 * sticks, and only that direction is affected. */
static void test_fault_eof(void **state)
{
    size_t d, o;

    (void)state;
    for (d = 0; d < 2; d++) {
        for (o = 0; o < OFFSET_COUNT; o++) {
            fixture f;
            size_t at = (size_t)fault_offsets[o];
            rucio_io want = both_dirs[d] == RUCIO_FAULT_RECV ? RUCIO_IO_EOF
                                                             : RUCIO_IO_ERROR;

            start_at_fault(&f, RUCIO_FAULT_EOF, both_dirs[d], at);
            assert_xfer(&f, both_dirs[d], at, want, 0);
            assert_xfer(&f, both_dirs[d], at, want, 0);
            assert_xfer(&f, both_dirs[1 - d], 0, RUCIO_IO_DATA, SCRIPT_LEN);
        }
    }
}

/* A fault at the end of the server bytes replaces the orderly EOF. */
static void test_fault_at_script_end(void **state)
{
    fixture f;

    (void)state;
    start_at_fault(&f, RUCIO_FAULT_RESET, RUCIO_FAULT_RECV, SCRIPT_LEN);
    assert_xfer(&f, RUCIO_FAULT_RECV, SCRIPT_LEN, RUCIO_IO_ERROR, 0);

    start_at_fault(&f, RUCIO_FAULT_TIMEOUT, RUCIO_FAULT_RECV, SCRIPT_LEN);
    assert_xfer(&f, RUCIO_FAULT_RECV, SCRIPT_LEN, RUCIO_IO_TIMEOUT, 0);
    assert_int_equal(f.sp.now_ms, 1000 + GAP_MS);
    assert_xfer(&f, RUCIO_FAULT_RECV, SCRIPT_LEN, RUCIO_IO_EOF, 0);
}

/* Faults sharing an offset fire one per call, in the order added. */
static void test_faults_same_offset_in_order(void **state)
{
    fixture f;

    (void)state;
    prepare(&f);
    rucio_script_add_fault(&f.conn, RUCIO_FAULT_AGAIN, RUCIO_FAULT_RECV, 4);
    rucio_script_add_fault(&f.conn, RUCIO_FAULT_SHORT, RUCIO_FAULT_RECV, 4);
    rucio_script_add_fault(&f.conn, RUCIO_FAULT_SHORT, RUCIO_FAULT_RECV, 5);
    open_conn(&f);
    assert_xfer(&f, RUCIO_FAULT_RECV, 0, RUCIO_IO_DATA, 4);
    assert_xfer(&f, RUCIO_FAULT_RECV, 4, RUCIO_IO_AGAIN, 0);
    assert_xfer(&f, RUCIO_FAULT_RECV, 4, RUCIO_IO_DATA, 1);
    assert_xfer(&f, RUCIO_FAULT_RECV, 5, RUCIO_IO_DATA, 1);
    assert_xfer(&f, RUCIO_FAULT_RECV, 6, RUCIO_IO_DATA, SCRIPT_LEN - 6);
    assert_stream_complete(&f, RUCIO_FAULT_RECV);
}

static void test_max_recv_chunks(void **state)
{
    fixture f;
    size_t pos = 0, n, calls = 0;

    (void)state;
    prepare(&f);
    f.conn.max_recv = 5;
    open_conn(&f);
    while (pos < SCRIPT_LEN) {
        assert_int_equal(xfer(&f, RUCIO_FAULT_RECV, pos, &n), RUCIO_IO_DATA);
        assert_int_equal(n, SCRIPT_LEN - pos < 5 ? SCRIPT_LEN - pos : 5);
        pos += n;
        calls++;
    }
    assert_int_equal(calls, 4);
    assert_stream_complete(&f, RUCIO_FAULT_RECV);
    /* EOF sticks. */
    assert_xfer(&f, RUCIO_FAULT_RECV, SCRIPT_LEN, RUCIO_IO_EOF, 0);
}

static void test_hang_at_end_times_out_at_deadline(void **state)
{
    fixture f;
    size_t n;

    (void)state;
    prepare(&f);
    f.conn.hang_at_end = 1;
    open_conn(&f);
    assert_xfer(&f, RUCIO_FAULT_RECV, 0, RUCIO_IO_DATA, SCRIPT_LEN);
    assert_int_equal(f.sp.now_ms, 1000);
    assert_int_equal(f.sp.port.recv(f.sp.port.ctx, f.sock, f.got, 8, 4321, &n),
                     RUCIO_IO_TIMEOUT);
    assert_int_equal(f.sp.now_ms, 4321);
    /* A deadline already behind the clock does not turn it back. */
    assert_int_equal(f.sp.port.recv(f.sp.port.ctx, f.sock, f.got, 8, 10, &n),
                     RUCIO_IO_TIMEOUT);
    assert_int_equal(f.sp.now_ms, 4321);
}

static void test_init_defaults(void **state)
{
    fixture f;

    (void)state;
    prepare(&f);
    rucio_script_port_init(&f.sp, &f.conn, 1);
    assert_ptr_equal(f.sp.port.ctx, &f.sp);
    assert_int_equal(f.sp.port.now_ms(f.sp.port.ctx), 1000);
    assert_int_equal(f.sp.port.wall_seconds(f.sp.port.ctx), 1700000000);
    assert_null(f.sp.port.fs);
    assert_non_null(f.sp.port.env);
    assert_null(f.sp.port.env->get(f.sp.port.ctx, "HOME"));
    assert_int_equal(rucio_port_deadline(&f.sp.port, 250), 1250);
}

static void test_sleeps_recorded(void **state)
{
    fixture f;
    uint32_t i;

    (void)state;
    prepare(&f);
    rucio_script_port_init(&f.sp, &f.conn, 1);
    f.sp.port.sleep_ms(f.sp.port.ctx, 100);
    f.sp.port.sleep_ms(f.sp.port.ctx, 250);
    assert_int_equal(f.sp.sleep_count, 2);
    assert_int_equal(f.sp.sleeps[0], 100);
    assert_int_equal(f.sp.sleeps[1], 250);
    assert_int_equal(f.sp.now_ms, 1350);
    /* Past the array the clock still moves; the count stops. */
    for (i = 0; i < RUCIO_SCRIPT_MAX_SLEEPS; i++)
        f.sp.port.sleep_ms(f.sp.port.ctx, 1);
    assert_int_equal(f.sp.sleep_count, RUCIO_SCRIPT_MAX_SLEEPS);
    assert_int_equal(f.sp.sleeps[RUCIO_SCRIPT_MAX_SLEEPS - 1], 1);
    assert_int_equal(f.sp.now_ms, 1350 + RUCIO_SCRIPT_MAX_SLEEPS);
}

static void test_connect_results(void **state)
{
    rucio_script_conn conns[3];
    rucio_script_port sp;
    rucio_socket s = 42;
    const rucio_port *p = &sp.port;

    (void)state;
    memset(conns, 0, sizeof conns);
    conns[0].connect_result = RUCIO_E_DNS;
    conns[1].connect_result = RUCIO_E_TIMEOUT;
    conns[2].connect_result = RUCIO_OK;
    rucio_script_port_init(&sp, conns, 3);

    assert_int_equal(p->connect(p->ctx, "a.example", 80, 5000, &s),
                     RUCIO_E_DNS);
    assert_int_equal(s, RUCIO_SOCKET_INVALID);
    assert_int_equal(sp.next_conn, 1);
    assert_int_equal(sp.now_ms, 1000);

    /* A scripted connect timeout waits out the deadline. */
    assert_int_equal(p->connect(p->ctx, "b.example", 443, 5000, &s),
                     RUCIO_E_TIMEOUT);
    assert_int_equal(sp.now_ms, 5000);
    assert_false(conns[1].connected);

    assert_int_equal(p->connect(p->ctx, "::1", 8443, 9000, &s), RUCIO_OK);
    assert_int_equal(s, 2);
    assert_true(conns[2].connected);
    assert_string_equal(sp.last_host, "::1");
    assert_int_equal(sp.last_port, 8443);

    /* The script is used up. */
    assert_int_equal(p->connect(p->ctx, "c.example", 1, 9000, &s),
                     RUCIO_E_CONNECT);
    assert_string_equal(sp.last_host, "c.example");
    assert_int_equal(sp.next_conn, 3);

    p->close(p->ctx, 2);
    assert_true(conns[2].closed);
}

static void test_closed_or_unknown_socket_fails(void **state)
{
    fixture f;
    size_t n;
    const rucio_port *p;

    (void)state;
    prepare(&f);
    open_conn(&f);
    p = &f.sp.port;
    assert_int_equal(p->recv(p->ctx, 7, f.got, 4, 2000, &n), RUCIO_IO_ERROR);
    assert_int_equal(p->send(p->ctx, -1, f.got, 4, 2000, &n), RUCIO_IO_ERROR);
    p->close(p->ctx, f.sock);
    assert_int_equal(xfer(&f, RUCIO_FAULT_RECV, 0, &n), RUCIO_IO_ERROR);
    assert_int_equal(xfer(&f, RUCIO_FAULT_SEND, 0, &n), RUCIO_IO_ERROR);
    assert_int_equal(f.conn.server_pos, 0);
}

static void test_capture_truncated_but_counted(void **state)
{
    fixture f;
    size_t n;

    (void)state;
    prepare(&f);
    memset(f.capture, '#', sizeof f.capture);
    f.conn.capture_cap = 4;
    open_conn(&f);
    assert_int_equal(f.sp.port.send(f.sp.port.ctx, f.sock, script_bytes, 3,
                                    2000, &n), RUCIO_IO_DATA);
    assert_int_equal(n, 3);
    assert_int_equal(f.sp.port.send(f.sp.port.ctx, f.sock, script_bytes + 3,
                                    10, 2000, &n), RUCIO_IO_DATA);
    assert_int_equal(n, 10);
    assert_int_equal(f.conn.sent, 13);
    assert_memory_equal(f.capture, "0123", 4);
    assert_int_equal(f.capture[4], '#');

    /* No capture buffer at all: still counted. */
    prepare(&f);
    f.conn.capture = NULL;
    open_conn(&f);
    assert_xfer(&f, RUCIO_FAULT_SEND, 0, RUCIO_IO_DATA, SCRIPT_LEN);
    assert_int_equal(f.conn.sent, SCRIPT_LEN);
}

static void test_conn_reset_replays(void **state)
{
    fixture f;

    (void)state;
    prepare(&f);
    rucio_script_add_fault(&f.conn, RUCIO_FAULT_AGAIN, RUCIO_FAULT_RECV, 3);
    open_conn(&f);
    assert_xfer(&f, RUCIO_FAULT_RECV, 0, RUCIO_IO_DATA, 3);
    assert_xfer(&f, RUCIO_FAULT_RECV, 3, RUCIO_IO_AGAIN, 0);
    rucio_script_conn_reset(&f.conn);
    assert_int_equal(f.conn.fired, 0);
    assert_int_equal(f.conn.server_pos, 0);
    assert_false(f.conn.connected);
    f.sp.next_conn = 0;
    assert_int_equal(f.sp.port.connect(f.sp.port.ctx, "h", 1, 0, &f.sock),
                     RUCIO_OK);
    assert_xfer(&f, RUCIO_FAULT_RECV, 0, RUCIO_IO_DATA, 3);
    assert_xfer(&f, RUCIO_FAULT_RECV, 3, RUCIO_IO_AGAIN, 0);
}

static void test_env_lookup(void **state)
{
    static const char *const env[] = {"HOMER=simpson", "HOME=/home/h",
                                      "EMPTY=", "X509_USER_PROXY=/tmp/x=y",
                                      NULL};
    fixture f;
    const rucio_port_env *e;
    void *ctx;

    (void)state;
    prepare(&f);
    rucio_script_port_init(&f.sp, &f.conn, 1);
    f.sp.env = env;
    e = f.sp.port.env;
    ctx = f.sp.port.ctx;
    assert_string_equal(e->get(ctx, "HOME"), "/home/h");
    assert_string_equal(e->get(ctx, "HOMER"), "simpson");
    assert_string_equal(e->get(ctx, "EMPTY"), "");
    assert_string_equal(e->get(ctx, "X509_USER_PROXY"), "/tmp/x=y");
    assert_null(e->get(ctx, "HOM"));
    assert_null(e->get(ctx, "PATH"));
}

static void test_user_identity(void **state)
{
    fixture f;
    const rucio_port_env *e;
    void *ctx;
    char buf[16];

    (void)state;
    prepare(&f);
    rucio_script_port_init(&f.sp, &f.conn, 1);
    e = f.sp.port.env;
    ctx = f.sp.port.ctx;
    assert_int_equal(e->user_name(ctx, buf, sizeof buf), RUCIO_E_PORT);
    assert_int_equal(e->user_home(ctx, NULL, buf, sizeof buf), RUCIO_E_PORT);

    f.sp.uid = 1234;
    f.sp.user_name = "alice";
    f.sp.home = "/home/alice";
    assert_int_equal(e->effective_uid(ctx), 1234);
    assert_int_equal(e->user_name(ctx, buf, sizeof buf), RUCIO_OK);
    assert_string_equal(buf, "alice");
    assert_int_equal(e->user_name(ctx, buf, 5), RUCIO_E_NO_SPACE);
    assert_int_equal(e->user_home(ctx, NULL, buf, sizeof buf), RUCIO_OK);
    assert_string_equal(buf, "/home/alice");
    memset(buf, 0, sizeof buf);
    assert_int_equal(e->user_home(ctx, "alice", buf, sizeof buf), RUCIO_OK);
    assert_string_equal(buf, "/home/alice");
    assert_int_equal(e->user_home(ctx, "bob", buf, sizeof buf), RUCIO_E_PORT);
}

static void test_random_deterministic(void **state)
{
    fixture a, b;
    uint8_t x[32], y[32], z[32];

    (void)state;
    prepare(&a);
    prepare(&b);
    rucio_script_port_init(&a.sp, &a.conn, 1);
    rucio_script_port_init(&b.sp, &b.conn, 1);
    assert_int_equal(a.sp.port.random(a.sp.port.ctx, x, sizeof x), RUCIO_OK);
    assert_int_equal(a.sp.port.random(a.sp.port.ctx, y, sizeof y), RUCIO_OK);
    assert_int_equal(b.sp.port.random(b.sp.port.ctx, z, sizeof z), RUCIO_OK);
    assert_memory_equal(x, z, sizeof x);     /* same seed, same bytes */
    assert_memory_not_equal(x, y, sizeof x); /* the state moves on */

    b.sp.rng = 12345;
    assert_int_equal(b.sp.port.random(b.sp.port.ctx, z, sizeof z), RUCIO_OK);
    assert_memory_not_equal(x, z, sizeof x);
}

/* With turns, a reply is readable only after the client's next request;
 * until then recv waits into its deadline, and an empty last turn closes. */
static void test_turns_gate_replies(void **state)
{
    static fixture f;
    static const size_t turns[] = {4, 12, 0};
    const rucio_port *p;
    size_t n = 0;

    (void)state;
    prepare(&f);
    f.conn.turns = turns;
    f.conn.turn_count = 3;
    open_conn(&f);
    p = &f.sp.port;
    assert_int_equal(p->recv(p->ctx, f.sock, f.got, sizeof f.got,
                             f.sp.now_ms + GAP_MS, &n), RUCIO_IO_TIMEOUT);
    assert_int_equal(f.sp.now_ms, 1000 + GAP_MS);
    assert_int_equal(p->send(p->ctx, f.sock, script_bytes, 1, 0, &n),
                     RUCIO_IO_DATA);
    assert_int_equal(p->recv(p->ctx, f.sock, f.got, sizeof f.got, 0, &n),
                     RUCIO_IO_DATA);
    assert_int_equal(n, 4);
    assert_int_equal(p->recv(p->ctx, f.sock, f.got, sizeof f.got, 0, &n),
                     RUCIO_IO_TIMEOUT);
    assert_int_equal(p->send(p->ctx, f.sock, script_bytes, 2, 0, &n),
                     RUCIO_IO_DATA);
    assert_int_equal(p->recv(p->ctx, f.sock, f.got, sizeof f.got, 0, &n),
                     RUCIO_IO_DATA);
    assert_int_equal(n, 12);
    assert_memory_equal(f.got, script_bytes + 4, 12);
    assert_int_equal(p->send(p->ctx, f.sock, script_bytes, 1, 0, &n),
                     RUCIO_IO_DATA);
    assert_int_equal(p->recv(p->ctx, f.sock, f.got, sizeof f.got, 0, &n),
                     RUCIO_IO_EOF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fault_short),
        cmocka_unit_test(test_fault_again),
        cmocka_unit_test(test_fault_eintr),
        cmocka_unit_test(test_fault_timeout),
        cmocka_unit_test(test_fault_reset),
        cmocka_unit_test(test_fault_eof),
        cmocka_unit_test(test_fault_at_script_end),
        cmocka_unit_test(test_faults_same_offset_in_order),
        cmocka_unit_test(test_max_recv_chunks),
        cmocka_unit_test(test_hang_at_end_times_out_at_deadline),
        cmocka_unit_test(test_init_defaults),
        cmocka_unit_test(test_sleeps_recorded),
        cmocka_unit_test(test_connect_results),
        cmocka_unit_test(test_closed_or_unknown_socket_fails),
        cmocka_unit_test(test_capture_truncated_but_counted),
        cmocka_unit_test(test_conn_reset_replays),
        cmocka_unit_test(test_env_lookup),
        cmocka_unit_test(test_user_identity),
        cmocka_unit_test(test_random_deterministic),
        cmocka_unit_test(test_turns_gate_replies),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
