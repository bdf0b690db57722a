/*
 * Keep-alive connection over the scripted port: reuse, transparent
 * reconnection, timeouts, and a fault at every byte of a full exchange.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rucio/http.h"
#include "test/port_script.h"

#define TIMEOUT_MS 5000u

static const char ok_response[] =
    "HTTP/1.1 200 OK\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 21\r\n"
    "\r\n"
    "{\"version\":\"41.5.1\"}\n";

static const char chunked_response[] =
    "HTTP/1.1 200 OK\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n"
    "5\r\nhello\r\n"
    "1;ext=1\r\n \r\n"
    "5\r\nworld\r\n"
    "0\r\nX-Trailer: t\r\n\r\n";

static const char expected_get[] =
    "GET /ping?a=b HTTP/1.1\r\n"
    "Host: rucio.example.org\r\n"
    "Accept: */*\r\n"
    "\r\n";

typedef struct fixture {
    rucio_script_port sp;
    rucio_script_conn conns[4];
    size_t turns[4][2];
    char joined[4][1024];
    uint8_t capture[4][512];
    rucio_http_conn conn;
    rucio_http_response resp;
    char body[256];
    rucio_http_buffer buf;
    rucio_http_sink sink;
    rucio_url url;
    rucio_http_header headers[1];
    rucio_http_request req;
} fixture;

/* Connection i answers the first request with `first` and, if not NULL,
 * the second with `second`; hang: after that, silence instead of EOF. */
static void script_turns(fixture *f, size_t i, const char *first,
                         const char *second, int hang)
{
    rucio_script_conn *c = &f->conns[i];

    memset(c, 0, sizeof *c);
    strcpy(f->joined[i], first);
    if (second)
        strcat(f->joined[i], second);
    f->turns[i][0] = strlen(first);
    f->turns[i][1] = second ? strlen(second) : 0;
    c->server = (const uint8_t *)f->joined[i];
    c->server_len = strlen(f->joined[i]);
    c->turns = f->turns[i];
    c->turn_count = second ? 2 : 1;
    c->hang_at_end = hang;
    c->capture = f->capture[i];
    c->capture_cap = sizeof f->capture[i];
}

static void script(fixture *f, size_t i, const char *server, int hang)
{
    script_turns(f, i, server, NULL, hang);
}

static void setup_request(fixture *f, const char *url)
{
    assert_int_equal(rucio_url_parse(url, strlen(url), &f->url), RUCIO_OK);
    f->headers[0].name = "Accept";
    f->headers[0].value = "*/*";
    memset(&f->req, 0, sizeof f->req);
    f->req.method = "GET";
    f->req.url = &f->url;
    f->req.headers = f->headers;
    f->req.header_count = 1;
}

static void start(fixture *f, size_t nconns)
{
    rucio_script_port_init(&f->sp, f->conns, nconns);
    rucio_http_conn_init(&f->conn, &f->sp.port, NULL, TIMEOUT_MS, NULL);
    setup_request(f, "http://rucio.example.org/ping?a=b");
}

static rucio_status get(fixture *f)
{
    rucio_http_buffer_init(&f->buf, f->body, sizeof f->body);
    rucio_http_buffer_sink(&f->buf, &f->sink);
    return rucio_http_conn_exchange(&f->conn, &f->req, &f->resp, &f->sink);
}

static void assert_ok_response(const fixture *f)
{
    assert_int_equal(f->resp.status, 200);
    assert_string_equal(f->body, "{\"version\":\"41.5.1\"}\n");
    assert_string_equal(rucio_http_response_header(&f->resp, "content-type"),
                        "application/json");
}

static void test_get_sends_exact_bytes(void **state)
{
    static fixture f;

    (void)state;
    script(&f, 0, ok_response, 1);
    start(&f, 1);
    assert_int_equal(get(&f), RUCIO_OK);
    assert_ok_response(&f);
    assert_int_equal(f.conns[0].sent, strlen(expected_get));
    assert_memory_equal(f.capture[0], expected_get, strlen(expected_get));
    assert_string_equal(f.sp.last_host, "rucio.example.org");
    assert_int_equal(f.sp.last_port, 80);
    assert_true(f.conn.open);
    rucio_http_conn_free(&f.conn);
    assert_true(f.conns[0].closed);
}

static void test_keep_alive_reuses_connection(void **state)
{
    static fixture f;

    (void)state;
    script_turns(&f, 0, ok_response, ok_response, 1);
    start(&f, 1);
    assert_int_equal(get(&f), RUCIO_OK);
    assert_int_equal(get(&f), RUCIO_OK);
    assert_ok_response(&f);
    assert_int_equal(f.conn.connect_count, 1);
    assert_int_equal(f.conn.request_count, 2);
    assert_int_equal(f.conns[0].sent, 2 * strlen(expected_get));
    rucio_http_conn_free(&f.conn);
}

/* The server closed the idle connection: noticed before sending. */
static void test_server_closed_idle_connection(void **state)
{
    static fixture f;

    (void)state;
    script(&f, 0, ok_response, 0);
    script(&f, 1, ok_response, 1);
    start(&f, 2);
    assert_int_equal(get(&f), RUCIO_OK);
    assert_int_equal(get(&f), RUCIO_OK);
    assert_ok_response(&f);
    assert_int_equal(f.conn.connect_count, 2);
    assert_true(f.conns[0].closed);
    assert_int_equal(f.conns[0].sent, strlen(expected_get));
    rucio_http_conn_free(&f.conn);
}

/* The close races the request: the send dies, the request goes again. */
static void test_reset_on_reused_connection_resends(void **state)
{
    static fixture f;

    (void)state;
    script(&f, 0, ok_response, 1);
    rucio_script_add_fault(&f.conns[0], RUCIO_FAULT_RESET, RUCIO_FAULT_SEND,
                           strlen(expected_get));
    script(&f, 1, ok_response, 1);
    start(&f, 2);
    assert_int_equal(get(&f), RUCIO_OK);
    assert_int_equal(get(&f), RUCIO_OK);
    assert_ok_response(&f);
    assert_int_equal(f.conn.connect_count, 2);
    assert_memory_equal(f.capture[1], expected_get, strlen(expected_get));
    rucio_http_conn_free(&f.conn);
}

/* A POST is not resent: the server may have acted on it. */
static void test_post_not_resent(void **state)
{
    static fixture f;

    (void)state;
    /* The second turn is empty: the server closes instead of answering. */
    script_turns(&f, 0, ok_response, "", 0);
    script(&f, 1, ok_response, 1);
    start(&f, 2);
    assert_int_equal(get(&f), RUCIO_OK);
    f.req.method = "POST";
    assert_int_equal(get(&f), RUCIO_E_CLOSED);
    assert_int_equal(f.conn.connect_count, 1);
    assert_false(f.conn.open);
    assert_non_null(strstr(f.conn.error, "closed"));
    rucio_http_conn_free(&f.conn);
}

static void test_connection_close_header(void **state)
{
    static fixture f;
    static const char closing[] = "HTTP/1.1 204 No Content\r\n"
                                  "Connection: close\r\n\r\n";

    (void)state;
    script(&f, 0, closing, 1);
    script(&f, 1, ok_response, 1);
    start(&f, 2);
    assert_int_equal(get(&f), RUCIO_OK);
    assert_int_equal(f.resp.status, 204);
    assert_false(f.conn.open);
    assert_true(f.conns[0].closed);
    assert_int_equal(get(&f), RUCIO_OK);
    assert_int_equal(f.conn.connect_count, 2);
    rucio_http_conn_free(&f.conn);
}

static void test_other_host_reconnects(void **state)
{
    static fixture f;

    (void)state;
    script(&f, 0, ok_response, 1);
    script(&f, 1, ok_response, 1);
    start(&f, 2);
    assert_int_equal(get(&f), RUCIO_OK);
    setup_request(&f, "http://[::1]:8080/ping");
    assert_int_equal(get(&f), RUCIO_OK);
    assert_true(f.conns[0].closed);
    assert_string_equal(f.sp.last_host, "::1");
    assert_int_equal(f.sp.last_port, 8080);
    rucio_http_conn_free(&f.conn);
}

static void test_stalled_server_times_out(void **state)
{
    static fixture f;
    static const char partial[] = "HTTP/1.1 200 OK\r\nContent-Len";
    uint64_t before;

    (void)state;
    script(&f, 0, partial, 1);
    start(&f, 1);
    before = f.sp.now_ms;
    assert_int_equal(get(&f), RUCIO_E_TIMEOUT);
    assert_int_equal(f.sp.now_ms - before, TIMEOUT_MS);
    assert_false(f.conn.open);
    assert_true(f.conns[0].closed);
    assert_non_null(strstr(f.conn.error, "timed out"));
    rucio_http_conn_free(&f.conn);
}

static void test_connect_failure(void **state)
{
    static fixture f;

    (void)state;
    script(&f, 0, ok_response, 1);
    f.conns[0].connect_result = RUCIO_E_CONNECT;
    start(&f, 1);
    assert_int_equal(get(&f), RUCIO_E_CONNECT);
    assert_non_null(strstr(f.conn.error, "rucio.example.org:80"));
    rucio_http_conn_free(&f.conn);
}

static void test_bad_header_sends_nothing(void **state)
{
    static fixture f;

    (void)state;
    script(&f, 0, ok_response, 1);
    start(&f, 1);
    f.headers[0].value = "x\r\nX-Injected: 1";
    assert_int_equal(get(&f), RUCIO_E_BAD_HEADER);
    assert_int_equal(f.sp.next_conn, 0);
    rucio_http_conn_free(&f.conn);
}

static void test_body_too_large_closes(void **state)
{
    static fixture f;
    static char big[sizeof f.body + 128];
    static char response[sizeof big + 128];

    (void)state;
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    strcpy(response, "HTTP/1.1 200 OK\r\nContent-Length: ");
    sprintf(response + strlen(response), "%zu\r\n\r\n%s", strlen(big), big);
    script(&f, 0, response, 1);
    start(&f, 1);
    assert_int_equal(get(&f), RUCIO_E_BODY_TOO_LARGE);
    assert_false(f.conn.open);
    rucio_http_conn_free(&f.conn);
}

/* ---- request bodies ------------------------------------------------------ */

typedef struct mem_source {
    const char *data;
    size_t len;
    size_t pos;
    int rewinds;
} mem_source;

static rucio_status mem_read(void *user, uint8_t *buf, size_t cap,
                             size_t *out_n)
{
    mem_source *m = user;
    size_t n = m->len - m->pos < cap ? m->len - m->pos : cap;

    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    *out_n = n;
    return RUCIO_OK;
}

static rucio_status mem_rewind(void *user)
{
    mem_source *m = user;

    m->pos = 0;
    m->rewinds++;
    return RUCIO_OK;
}

static void test_put_body_and_resend_after_rewind(void **state)
{
    static fixture f;
    static const char put_head[] = "PUT /ping?a=b HTTP/1.1\r\n"
                                   "Host: rucio.example.org\r\n"
                                   "Accept: */*\r\n"
                                   "Content-Length: 11\r\n\r\n";
    mem_source m = {"hello world", 11, 0, 0};
    rucio_http_source src = {mem_read, mem_rewind, &m, 11};

    (void)state;
    script(&f, 0, ok_response, 1);
    rucio_script_add_fault(&f.conns[0], RUCIO_FAULT_RESET, RUCIO_FAULT_SEND,
                           strlen(expected_get) + 5);
    script(&f, 1, ok_response, 1);
    start(&f, 2);
    assert_int_equal(get(&f), RUCIO_OK);
    f.req.method = "PUT";
    f.req.body = &src;
    assert_int_equal(get(&f), RUCIO_OK);
    assert_int_equal(m.rewinds, 1);
    assert_int_equal(f.conns[1].sent, strlen(put_head) + 11);
    assert_memory_equal(f.capture[1], put_head, strlen(put_head));
    assert_memory_equal(f.capture[1] + strlen(put_head), "hello world", 11);
    rucio_http_conn_free(&f.conn);
}

static void test_short_body_source_is_an_error(void **state)
{
    static fixture f;
    mem_source m = {"abc", 3, 0, 0};
    rucio_http_source src = {mem_read, NULL, &m, 10};

    (void)state;
    script(&f, 0, ok_response, 1);
    start(&f, 1);
    f.req.method = "PUT";
    f.req.body = &src;
    assert_int_equal(get(&f), RUCIO_E_INVALID_ARG);
    assert_false(f.conn.open);
    rucio_http_conn_free(&f.conn);
}

/* A body read into the caller's buffer goes out in chunks of its size
 * (larger TLS records for a transfer), not of the TX buffer's. */
typedef struct chunk_source {
    mem_source mem;
    size_t largest_cap;
} chunk_source;

static rucio_status chunk_read(void *user, uint8_t *buf, size_t cap,
                               size_t *out_n)
{
    chunk_source *c = user;

    if (cap > c->largest_cap)
        c->largest_cap = cap;
    return mem_read(&c->mem, buf, cap, out_n);
}

static void test_body_through_the_callers_buffer(void **state)
{
    static fixture f;
    static char body[3 * RUCIO_HTTP_TX_BUF];
    static uint8_t chunk[2 * RUCIO_HTTP_TX_BUF + 1];
    chunk_source c = {{body, sizeof body, 0, 0}, 0};
    rucio_http_source src = {chunk_read, NULL, &c, sizeof body};

    (void)state;
    memset(body, 'x', sizeof body);
    script(&f, 0, ok_response, 1);
    start(&f, 1);
    f.req.method = "PUT";
    f.req.body = &src;
    f.req.body_buf = chunk;
    f.req.body_buf_len = sizeof chunk;
    assert_int_equal(get(&f), RUCIO_OK);
    assert_int_equal(c.largest_cap, sizeof chunk);
    assert_true(f.conns[0].sent > sizeof body); /* head and whole body */
    assert_int_equal(c.mem.pos, sizeof body);
    f.req.body_buf_len = 0; /* a buffer of no size is refused */
    assert_int_equal(rucio_http_request_check(&f.req), RUCIO_E_INVALID_ARG);
    rucio_http_conn_free(&f.conn);
}

/* ---- a fault at every byte ------------------------------------------------- */

static rucio_status expected_for(rucio_fault_kind kind, rucio_fault_dir dir,
                                 size_t off)
{
    switch (kind) {
    case RUCIO_FAULT_RESET:
        return RUCIO_E_IO;
    case RUCIO_FAULT_TIMEOUT:
        return RUCIO_E_TIMEOUT;
    case RUCIO_FAULT_EOF:
        if (dir == RUCIO_FAULT_SEND)
            return RUCIO_E_IO;
        return off == 0 ? RUCIO_E_CLOSED : RUCIO_E_TRUNCATED;
    default:
        return RUCIO_OK;
    }
}

static void run_fault(const char *response, const char *body,
                      rucio_fault_kind kind, rucio_fault_dir dir, size_t off)
{
    static fixture f;
    rucio_status want = expected_for(kind, dir, off);
    rucio_status st;

    script(&f, 0, response, 1);
    rucio_script_add_fault(&f.conns[0], kind, dir, off);
    start(&f, 1);
    st = get(&f);
    if (st != want)
        fail_msg("fault %d dir %d at %zu: got %s, want %s", (int)kind,
                 (int)dir, off, rucio_strerror(st), rucio_strerror(want));
    if (want == RUCIO_OK) {
        assert_int_equal(f.resp.status, 200);
        assert_string_equal(f.body, body);
        assert_true(f.conn.open);
    } else {
        assert_false(f.conn.open);
        assert_true(f.conns[0].closed);
        assert_true(f.conn.error[0] != '\0');
    }
    rucio_http_conn_free(&f.conn);
}

static void fault_everywhere(const char *response, const char *body)
{
    static const rucio_fault_kind kinds[] = {
        RUCIO_FAULT_SHORT, RUCIO_FAULT_AGAIN, RUCIO_FAULT_EINTR,
        RUCIO_FAULT_RESET, RUCIO_FAULT_EOF, RUCIO_FAULT_TIMEOUT};
    size_t k, off;

    for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        for (off = 0; off < strlen(response); off++)
            run_fault(response, body, kinds[k], RUCIO_FAULT_RECV, off);
        for (off = 0; off < strlen(expected_get); off++)
            run_fault(response, body, kinds[k], RUCIO_FAULT_SEND, off);
    }
}

static void test_fault_at_every_byte(void **state)
{
    (void)state;
    fault_everywhere(ok_response, "{\"version\":\"41.5.1\"}\n");
}

static void test_fault_at_every_byte_chunked(void **state)
{
    (void)state;
    fault_everywhere(chunked_response, "hello world");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_sends_exact_bytes),
        cmocka_unit_test(test_keep_alive_reuses_connection),
        cmocka_unit_test(test_server_closed_idle_connection),
        cmocka_unit_test(test_reset_on_reused_connection_resends),
        cmocka_unit_test(test_post_not_resent),
        cmocka_unit_test(test_connection_close_header),
        cmocka_unit_test(test_other_host_reconnects),
        cmocka_unit_test(test_stalled_server_times_out),
        cmocka_unit_test(test_connect_failure),
        cmocka_unit_test(test_bad_header_sends_nothing),
        cmocka_unit_test(test_body_too_large_closes),
        cmocka_unit_test(test_put_body_and_resend_after_rewind),
        cmocka_unit_test(test_short_body_source_is_an_error),
        cmocka_unit_test(test_body_through_the_callers_buffer),
        cmocka_unit_test(test_fault_at_every_byte),
        cmocka_unit_test(test_fault_at_every_byte_chunked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
