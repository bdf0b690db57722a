/*
 * Transfers through signed URLs on the scripted port: the exact bytes of
 * PUT, GET and DELETE (the query as signed, only Host, Content-Length and
 * Range), checksums and progress, a download resumed after a cut, a
 * resumed answer from the wrong byte refused, storage errors with the
 * storage's own code, and nothing of the Rucio session sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "rucio/client.h"
#include "rucio/transfer.h"
#include "test/port_script.h"

#define CONNS 4

static const char put_url[] =
    "http://s3.test:9000/bucket/dir/file?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=KEY%2F20261202%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-SignedHeaders=host&X-Amz-Signature=abc+def";

static const char object[] = "0123456789abcdefghij";

typedef struct world {
    rucio_script_port sp;
    rucio_script_conn conns[CONNS];
    uint8_t sent[CONNS][4096];
    rucio_client_options opt;
    rucio_client client;
    char received[256];
    size_t received_len;
    uint64_t progress_done[64];
    uint64_t progress_total[64];
    size_t progress_calls;
} world;

static world W;

static int setup(void **state)
{
    (void)state;
    memset(&W, 0, sizeof W);
    rucio_client_options_default(&W.opt);
    W.opt.port = &W.sp.port;
    W.opt.no_config = 1;
    W.opt.rucio_host = "http://rucio.test";
    W.opt.auth_host = "http://rucio.test";
    W.opt.account = "root";
    W.opt.auth_type = "token";
    W.opt.token = "tok-SESSION";
    W.opt.timeout_ms = 5000;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rucio_client_free(&W.client);
    return 0;
}

/* Connection i answers with text, then ends (EOF) or hangs. */
static void script(size_t i, const char *text, size_t len, int hang)
{
    rucio_script_conn *c = &W.conns[i];

    c->server = (const uint8_t *)text;
    c->server_len = len;
    c->hang_at_end = hang;
    c->capture = W.sent[i];
    c->capture_cap = sizeof W.sent[i] - 1;
}

static void start(size_t nconns)
{
    rucio_script_port_init(&W.sp, W.conns, nconns);
    assert_int_equal(rucio_client_init(&W.client, &W.opt), RUCIO_OK);
}

static const char *sent(size_t i)
{
    return (const char *)W.sent[i];
}

/* ---- sources and sinks -------------------------------------------------------- */

typedef struct memory_source {
    const char *data;
    size_t len;
    size_t pos;
} memory_source;

static rucio_status memory_read(void *user, uint8_t *buf, size_t cap,
                                size_t *out_n)
{
    memory_source *m = user;
    size_t n = m->len - m->pos < cap ? m->len - m->pos : cap;

    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    *out_n = n;
    return RUCIO_OK;
}

static rucio_status collect(void *user, const uint8_t *data, size_t len)
{
    (void)user;
    assert_true(W.received_len + len <= sizeof W.received);
    memcpy(W.received + W.received_len, data, len);
    W.received_len += len;
    return RUCIO_OK;
}

static void record_progress(void *user, uint64_t done, uint64_t total)
{
    (void)user;
    assert_true(W.progress_calls < 64);
    if (W.progress_calls > 0)
        assert_true(done > W.progress_done[W.progress_calls - 1]);
    W.progress_done[W.progress_calls] = done;
    W.progress_total[W.progress_calls] = total;
    W.progress_calls++;
}

static rucio_transfer_options with_progress(void)
{
    rucio_transfer_options o;

    rucio_transfer_options_default(&o);
    o.progress = record_progress;
    return o;
}

static rucio_status get(const char *url, rucio_transfer_result *r)
{
    rucio_http_sink sink = {collect, NULL};
    rucio_transfer_options o = with_progress();

    return rucio_transfer_get(&W.client, url, &sink, &o, r);
}

/* ---- PUT ------------------------------------------------------------------------ */

static void test_put_sends_the_signed_request_and_nothing_else(void **state)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    memory_source m = {"hello world", 11, 0};
    rucio_http_source body = {memory_read, NULL, &m, 11};
    rucio_transfer_options o = with_progress();
    rucio_transfer_result r;

    (void)state;
    script(0, reply, sizeof reply - 1, 1);
    start(1);
    assert_int_equal(rucio_transfer_put(&W.client, put_url, &body, &o, &r),
                     RUCIO_OK);
    assert_string_equal(
        sent(0),
        "PUT /bucket/dir/file?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=KEY%2F20261202%2Fus-east-1%2Fs3%2Faws4_request"
        "&X-Amz-SignedHeaders=host&X-Amz-Signature=abc+def HTTP/1.1\r\n"
        "Host: s3.test:9000\r\n"
        "Content-Length: 11\r\n"
        "\r\n"
        "hello world");
    assert_string_equal(W.sp.last_host, "s3.test");
    assert_int_equal(r.http_status, 200);
    assert_int_equal(r.bytes, 11);
    assert_string_equal(r.adler32, "1a0b045d");
    assert_string_equal(r.md5, "5eb63bbbe01eeed093cb22bb8f5acdc3");
    assert_int_equal(W.progress_done[W.progress_calls - 1], 11);
    assert_int_equal(W.progress_total[W.progress_calls - 1], 11);
}

/* ---- GET ------------------------------------------------------------------------- */

static void test_get_streams_into_the_sink_with_checksums(void **state)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n"
                                "\r\n0123456789abcdefghij";
    rucio_transfer_result r;

    (void)state;
    script(0, reply, sizeof reply - 1, 1);
    start(1);
    W.conns[0].max_recv = 7; /* the body arrives in pieces */
    assert_int_equal(get("http://s3.test/b/k?sig=1", &r), RUCIO_OK);
    assert_int_equal(W.received_len, 20);
    assert_memory_equal(W.received, object, 20);
    assert_string_equal(sent(0), "GET /b/k?sig=1 HTTP/1.1\r\n"
                                 "Host: s3.test\r\n\r\n");
    assert_int_equal(r.bytes, 20);
    assert_int_equal(r.total, 20);
    assert_int_equal(r.resumed, 0);
    assert_string_equal(r.adler32, "35070605");
    assert_string_equal(r.md5, "644be06dfc54061fd1e67f5ebbabcd58");
    assert_true(W.progress_calls >= 3);
    assert_int_equal(W.progress_done[W.progress_calls - 1], 20);
    assert_int_equal(W.progress_total[W.progress_calls - 1], 20);
}

/* Cut after 8 body bytes: a Range request from byte 8 completes the
 * object, byte for byte. */
static void test_get_resumes_after_a_cut(void **state)
{
    static const char first[] = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n"
                                "\r\n01234567";
    static const char second[] = "HTTP/1.1 206 Partial Content\r\n"
                                 "Content-Range: bytes 8-19/20\r\n"
                                 "Content-Length: 12\r\n\r\n89abcdefghij";
    rucio_transfer_result r;

    (void)state;
    script(0, first, sizeof first - 1, 0);
    script(1, second, sizeof second - 1, 1);
    start(2);
    assert_int_equal(get("http://s3.test/b/k?sig=1", &r), RUCIO_OK);
    assert_int_equal(W.received_len, 20);
    assert_memory_equal(W.received, object, 20);
    assert_string_equal(sent(1), "GET /b/k?sig=1 HTTP/1.1\r\n"
                                 "Host: s3.test\r\n"
                                 "Range: bytes=8-\r\n\r\n");
    assert_int_equal(r.resumed, 1);
    assert_int_equal(r.bytes, 20);
    assert_string_equal(r.adler32, "35070605");
    assert_string_equal(r.md5, "644be06dfc54061fd1e67f5ebbabcd58");
}

/* A storage that answers the Range from another byte (or ignores it)
 * would make the sink receive a different object: refused before any of
 * its bytes reach the sink. */
static void test_resume_from_the_wrong_byte_refused(void **state)
{
    static const char first[] = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n"
                                "\r\n01234567";
    static const char whole[] = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n"
                                "\r\n0123456789abcdefghij";
    rucio_transfer_result r;

    (void)state;
    script(0, first, sizeof first - 1, 0);
    script(1, whole, sizeof whole - 1, 1);
    start(2);
    assert_int_equal(get("http://s3.test/b/k?sig=1", &r), RUCIO_E_BAD_ANSWER);
    assert_int_equal(W.received_len, 8);
    assert_memory_equal(W.received, object, 8);
}

/* Three cuts: the attempts end and the cut is reported. */
static void test_get_gives_up_after_three_cuts(void **state)
{
    static const char first[] = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n"
                                "\r\n0123";
    static const char more1[] = "HTTP/1.1 206 Partial Content\r\n"
                                "Content-Range: bytes 4-19/20\r\n"
                                "Content-Length: 16\r\n\r\n4567";
    static const char more2[] = "HTTP/1.1 206 Partial Content\r\n"
                                "Content-Range: bytes 8-19/20\r\n"
                                "Content-Length: 12\r\n\r\n89ab";
    rucio_transfer_result r;

    (void)state;
    script(0, first, sizeof first - 1, 0);
    script(1, more1, sizeof more1 - 1, 0);
    script(2, more2, sizeof more2 - 1, 0);
    start(3);
    assert_int_equal(get("http://s3.test/b/k?sig=1", &r), RUCIO_E_TRUNCATED);
    assert_int_equal(W.received_len, 12);
    assert_int_equal(r.resumed, 2);
    assert_string_equal(rucio_client_last_error(&W.client)->exception_class,
                        "ServerConnectionException");
    assert_non_null(
        strstr(rucio_client_last_error(&W.client)->message, "s3.test"));
}

/* A connection lost before the answer's head (over TLS the head shares
 * a record with the first body bytes) is tried again from byte 0; a
 * connection lost before any answer is not a different object. */
static void test_get_retried_after_a_cut_before_the_head(void **state)
{
    static const char cut[] = "HTTP/1.1 200 OK\r\nContent-Le";
    static const char whole[] = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n"
                                "\r\n0123456789abcdefghij";
    rucio_transfer_result r;

    (void)state;
    script(0, cut, sizeof cut - 1, 0);
    script(1, whole, sizeof whole - 1, 1);
    start(2);
    assert_int_equal(get("http://s3.test/b/k?sig=1", &r), RUCIO_OK);
    assert_int_equal(W.received_len, 20);
    assert_int_equal(r.resumed, 1);
    assert_string_equal(sent(1), "GET /b/k?sig=1 HTTP/1.1\r\n"
                                 "Host: s3.test\r\n\r\n");
}

/* An error answer cut short is no reason to ask again. */
static void test_get_not_retried_after_a_cut_error(void **state)
{
    static const char cut[] = "HTTP/1.1 403 Forbidden\r\nContent-Length: 90"
                              "\r\n\r\n<Error>";
    rucio_transfer_result r;

    (void)state;
    script(0, cut, sizeof cut - 1, 0);
    start(2);
    assert_int_not_equal(get("http://s3.test/b/k?sig=1", &r), RUCIO_OK);
    assert_int_equal(r.resumed, 0);
    assert_int_equal(W.sp.next_conn, 1);
}

/* ---- errors ------------------------------------------------------------------------ */

static void test_s3_error_carries_its_code_and_message(void **state)
{
    static const char reply[] =
        "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\n"
        "Content-Length: 189\r\n\r\n"
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>Signature"
        "DoesNotMatch</Code><Message>The request signature we calculated "
        "does not match the signature you provided.</Message></Error>    ";
    const rucio_error *e;
    rucio_transfer_result r;

    (void)state;
    script(0, reply, sizeof reply - 1, 1);
    start(1);
    assert_int_equal(get(put_url, &r), RUCIO_E_STORAGE);
    e = rucio_client_last_error(&W.client);
    assert_string_equal(e->exception_class, "SignatureDoesNotMatch");
    assert_string_equal(e->message,
                        "The request signature we calculated does not match "
                        "the signature you provided. (HTTP 403 from "
                        "s3.test:9000)");
    assert_int_equal(e->http_status, 403);
    assert_int_equal(e->code, 0);
    assert_int_equal(r.http_status, 403);
    assert_int_equal(W.received_len, 0);
}

static void test_swift_error_carries_its_first_line(void **state)
{
    static const char reply[] =
        "HTTP/1.1 401 Unauthorized\r\nContent-Length: 35\r\n\r\n"
        "401 Unauthorized: Temp URL invalid\n";
    const rucio_error *e;

    (void)state;
    script(0, reply, sizeof reply - 1, 1);
    start(1);
    assert_int_equal(rucio_transfer_delete(&W.client,
                                           "http://swift.test:8080/v1/AUTH_t/"
                                           "c/o?temp_url_sig=x&temp_url_"
                                           "expires=1",
                                           NULL),
                     RUCIO_E_STORAGE);
    e = rucio_client_last_error(&W.client);
    assert_string_equal(e->exception_class, "StorageError");
    assert_string_equal(e->message, "401 Unauthorized: Temp URL invalid "
                                    "(HTTP 401 from swift.test:8080)");
    assert_null(strstr(e->message, "temp_url"));
}

static void test_delete_and_no_session_header_sent(void **state)
{
    static const char reply[] = "HTTP/1.1 204 No Content\r\n\r\n";
    rucio_transfer_result r;

    (void)state;
    script(0, reply, sizeof reply - 1, 1);
    start(1);
    assert_int_equal(rucio_transfer_delete(&W.client, put_url, &r), RUCIO_OK);
    assert_int_equal(r.http_status, 204);
    assert_memory_equal(sent(0), "DELETE /bucket/dir/file?X-Amz-", 30);
    assert_null(strstr(sent(0), "X-Rucio"));
    assert_null(strstr(sent(0), "tok-SESSION"));
    assert_null(strstr(sent(0), "User-Agent"));
}

static void test_invalid_url_sends_nothing(void **state)
{
    rucio_transfer_result r;

    (void)state;
    start(1);
    assert_int_equal(get("s3.test/b/k", &r), RUCIO_E_BAD_URL);
    assert_int_equal(get(NULL, &r), RUCIO_E_BAD_URL);
    assert_int_equal(W.sp.next_conn, 0);
    assert_string_equal(rucio_client_last_error(&W.client)->exception_class,
                        "InputValidationError");
}

/* The storage closed the kept-alive connection while it was idle: the
 * next PUT goes out on a new one, its checksums counting the body once. */
static void test_put_after_the_storage_closed_an_idle_connection(void **state)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    memory_source m = {"hello world", 11, 0};
    rucio_http_source body = {memory_read, NULL, &m, 11};
    rucio_transfer_result r;

    (void)state;
    script(0, reply, sizeof reply - 1, 0); /* closes after its answer */
    script(1, reply, sizeof reply - 1, 1);
    start(2);
    assert_int_equal(rucio_transfer_put(&W.client, put_url, &body, NULL, &r),
                     RUCIO_OK);
    m.pos = 0;
    assert_int_equal(rucio_transfer_put(&W.client, put_url, &body, NULL, &r),
                     RUCIO_OK);
    assert_int_equal(W.sp.next_conn, 2);
    assert_int_equal(r.bytes, 11);
    assert_string_equal(r.adler32, "1a0b045d");
}

static int g_rewinds;

static rucio_status memory_rewind(void *user)
{
    memory_source *m = user;

    m->pos = 0;
    g_rewinds++;
    return RUCIO_OK;
}

/* On a kept-alive connection the storage drops the second PUT after
 * reading it all, before any answer: a source that rewinds is sent once
 * more on a new connection, and the checksums count the body once. */
static void test_put_resent_after_a_drop_before_the_answer(void **state)
{
    static const char reply[] = "HTTP/1.1 201 Created\r\nContent-Length: "
                                "0\r\n\r\n";
    static const size_t turns[2] = {sizeof reply - 1, 0};
    memory_source m = {"hello world", 11, 0};
    rucio_http_source body = {memory_read, memory_rewind, &m, 11};
    rucio_transfer_result r;

    (void)state;
    g_rewinds = 0;
    script(0, reply, sizeof reply - 1, 1);
    W.conns[0].turns = turns;
    W.conns[0].turn_count = 2;
    W.conns[0].faults[0] =
        (rucio_script_fault){RUCIO_FAULT_EOF, RUCIO_FAULT_RECV, sizeof reply - 1};
    W.conns[0].fault_count = 1;
    script(1, reply, sizeof reply - 1, 1);
    start(2);
    assert_int_equal(rucio_transfer_put(&W.client, put_url, &body, NULL, &r),
                     RUCIO_OK);
    m.pos = 0;
    assert_int_equal(rucio_transfer_put(&W.client, put_url, &body, NULL, &r),
                     RUCIO_OK);
    assert_int_equal(g_rewinds, 1);
    assert_int_equal(W.sp.next_conn, 2);
    assert_non_null(strstr(sent(1), "\r\n\r\nhello world"));
    assert_int_equal(r.http_status, 201);
    assert_int_equal(r.bytes, 11);
    assert_string_equal(r.adler32, "1a0b045d");
    assert_string_equal(r.md5, "5eb63bbbe01eeed093cb22bb8f5acdc3");
}

/* A Content-Range with an unknown size ("bytes 8-19/" then a star):
 * the size stays what the first answer said. */
static void test_resume_with_unknown_total(void **state)
{
    static const char first[] = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n"
                                "\r\n01234567";
    static const char second[] = "HTTP/1.1 206 Partial Content\r\n"
                                 "Content-Range: bytes 8-19/*\r\n"
                                 "Content-Length: 12\r\n\r\n89abcdefghij";
    rucio_transfer_result r;

    (void)state;
    script(0, first, sizeof first - 1, 0);
    script(1, second, sizeof second - 1, 1);
    start(2);
    assert_int_equal(get("http://s3.test/b/k?sig=1", &r), RUCIO_OK);
    assert_int_equal(r.total, 20);
    assert_int_equal(W.received_len, 20);
}

static rucio_status full_disk(void *user, const uint8_t *data, size_t len)
{
    (void)user;
    (void)data;
    (void)len;
    return RUCIO_E_FILE;
}

/* A sink that fails (a full disk) ends the download with its status: no
 * resumption, nothing more read. */
static void test_sink_failure_ends_the_download(void **state)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n"
                                "\r\n0123456789abcdefghij";
    rucio_http_sink sink = {full_disk, NULL};
    rucio_transfer_result r;

    (void)state;
    script(0, reply, sizeof reply - 1, 1);
    start(2);
    assert_int_equal(rucio_transfer_get(&W.client, put_url, &sink, NULL, &r),
                     RUCIO_E_FILE);
    assert_int_equal(r.bytes, 0);
    assert_int_equal(r.resumed, 0);
    assert_int_equal(W.sp.next_conn, 1);
}

/* Missing arguments are the caller's error, and nothing is sent. */
static void test_missing_body_or_sink_refused(void **state)
{
    rucio_http_source no_read = {NULL, NULL, NULL, 1};
    rucio_http_sink no_write = {NULL, NULL};

    (void)state;
    start(1);
    assert_int_equal(rucio_transfer_put(&W.client, put_url, NULL, NULL, NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_transfer_put(&W.client, put_url, &no_read, NULL,
                                        NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_transfer_get(&W.client, put_url, &no_write, NULL,
                                        NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_transfer_delete(NULL, put_url, NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(W.sp.next_conn, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_put_sends_the_signed_request_and_nothing_else),
        T(test_get_streams_into_the_sink_with_checksums),
        T(test_get_resumes_after_a_cut),
        T(test_resume_from_the_wrong_byte_refused),
        T(test_get_gives_up_after_three_cuts),
        T(test_get_retried_after_a_cut_before_the_head),
        T(test_get_not_retried_after_a_cut_error),
        T(test_s3_error_carries_its_code_and_message),
        T(test_swift_error_carries_its_first_line),
        T(test_delete_and_no_session_header_sent),
        T(test_invalid_url_sends_nothing),
        T(test_put_after_the_storage_closed_an_idle_connection),
        T(test_put_resent_after_a_drop_before_the_answer),
        T(test_resume_with_unknown_total),
        T(test_sink_failure_ends_the_download),
        T(test_missing_body_or_sink_refused),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
