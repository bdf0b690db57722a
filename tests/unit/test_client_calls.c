/*
 * The Rucio calls (ping, userpass authentication, whoami, get_signed_url)
 * on the scripted port, answered with responses captured from the real
 * Rucio 41.5.1 server (tests/unit/fixtures/rucio/<name>.http): the exact
 * bytes sent, the request loop (back-off, Retry-After, connection retries,
 * re-authentication), token renewal and cache, argument checks that send
 * nothing, the wrong-password error and secrets kept out of logs and
 * error text.
 */
#define _GNU_SOURCE

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <sys/stat.h>
#include <time.h>

#include "helpers/rucio_testlib.h"
#include "rucio/client.h"
#include "rucio/port_posix.h"
#include "test/port_script.h"

#define CONNS 6
#define TURNS 6
#define TIMEOUT_MS 5000u

/* What the server of one connection says, reply by reply, and what the
 * client sent it. */
typedef struct conv {
    char server[32768];
    size_t len;
    size_t turns[TURNS];
    size_t turn_count;
    uint8_t sent[16384];
} conv;

typedef struct world {
    rucio_script_port sp;
    rucio_script_conn conns[CONNS];
    conv convs[CONNS];
    const char *env[8];
    rucio_client_options opt;
    rucio_client client;
    rt_log log;
    char tmp[256];
} world;

static world W;

/* A 503 as the real front end frames a Werkzeug error page. */
static const char reply_503[] =
    "HTTP/1.1 503 SERVICE UNAVAILABLE\r\n"
    "Server: Werkzeug/3.1.9 Python/3.11.2\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Length: 20\r\n"
    "\r\n"
    "Service Unavailable\n";

static const char reply_503_retry_after[] =
    "HTTP/1.1 503 SERVICE UNAVAILABLE\r\n"
    "Server: Werkzeug/3.1.9 Python/3.11.2\r\n"
    "Retry-After: 3\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "Content-Length: 20\r\n"
    "\r\n"
    "Service Unavailable\n";

/* The common headers in the order the real Python client (rucio 41.5.1,
 * PingClient against a raw socket) sends them, without its
 * Accept-Encoding: rucio-lite does not decompress. */
#define COMMON_HEADERS(token, account_line)                                   \
    "User-Agent: rucio-lite/0.1.0\r\n"                                        \
    "Accept: */*\r\n"                                                         \
    "Connection: Keep-Alive\r\n"                                              \
    "X-Rucio-Auth-Token: " token "\r\n"                                       \
    "X-Rucio-VO: def\r\n"                                                     \
    "X-Rucio-Script: rucio-lite\r\n" account_line

#define SIGNURL_QUERY                                                         \
    "lifetime=3600&rse=GCS-SITE&svc=gcs&op=read&url="                         \
    "https%3A%2F%2Fstorage.googleapis.com%2Fbucket%2Fdir%2Ffile"

static const char gcs_url[] = "https://storage.googleapis.com/bucket/dir/file";

/* ---- scripting ---------------------------------------------------------- */

static void add_text(size_t conn, const char *text, size_t len)
{
    conv *cv = &W.convs[conn];

    assert_true(cv->len + len < sizeof cv->server);
    assert_true(cv->turn_count < TURNS);
    memcpy(cv->server + cv->len, text, len);
    cv->len += len;
    cv->turns[cv->turn_count++] = len;
}

/* Append a captured response as the next reply of connection conn. */
static void add_fixture(size_t conn, const char *name)
{
    static char buf[16384];
    size_t len = rt_fixture(name, buf, sizeof buf);

    add_text(conn, buf, len);
}

/* The header value of a fixture (e.g. the token it carries). */
static void fixture_header(const char *name, const char *header, char *out,
                           size_t cap)
{
    static char buf[16384];

    rt_fixture(name, buf, sizeof buf);
    assert_true(rt_header_value(buf, header, out, cap));
}

static size_t fixture_body(const char *name, char *out, size_t cap)
{
    static char buf[16384];
    const char *body;

    rt_fixture(name, buf, sizeof buf);
    body = strstr(buf, "\r\n\r\n");
    assert_non_null(body);
    body += 4;
    assert_true(strlen(body) < cap);
    strcpy(out, body);
    return strlen(body);
}

static void setup_options(void)
{
    rucio_client_options *o = &W.opt;

    rucio_client_options_default(o);
    o->port = &W.sp.port;
    o->no_config = 1;
    o->rucio_host = "http://rucio.test";
    o->auth_host = "http://auth.test";
    o->account = "root";
    o->auth_type = "userpass";
    o->username = "ddmlab";
    o->password = "secret";
    o->timeout_ms = TIMEOUT_MS;
    o->logger.fn = rt_log_capture;
    o->logger.user = &W.log;
    o->logger.max_level = RUCIO_LOG_DEBUG;
}

static int setup(void **state)
{
    (void)state;
    memset(&W, 0, sizeof W);
    setup_options();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rucio_client_free(&W.client);
    if (W.tmp[0])
        rt_remove_tree(W.tmp);
    return 0;
}

/* Wire the conversations to the scripted port; every connection stays
 * open after its last reply, as a kept-alive server connection does. */
static void start_port(size_t nconns)
{
    size_t i;

    for (i = 0; i < nconns; i++) {
        rucio_script_conn *c = &W.conns[i];

        memset(c, 0, sizeof *c);
        c->server = (const uint8_t *)W.convs[i].server;
        c->server_len = W.convs[i].len;
        c->turns = W.convs[i].turns;
        c->turn_count = W.convs[i].turn_count;
        c->hang_at_end = 1;
        c->capture = W.convs[i].sent;
        c->capture_cap = sizeof W.convs[i].sent - 1;
    }
    rucio_script_port_init(&W.sp, W.conns, nconns);
    W.sp.env = W.env;
}

static void start(size_t nconns)
{
    start_port(nconns);
    assert_int_equal(rucio_client_init(&W.client, &W.opt), RUCIO_OK);
}

static const char *sent(size_t conn)
{
    return (const char *)W.convs[conn].sent;
}

/* Number of requests in what the client sent on conn. */
static size_t request_count(size_t conn)
{
    const char *p = sent(conn);
    size_t n = 0;

    while ((p = strstr(p, " HTTP/1.1\r\n")) != NULL) {
        n++;
        p++;
    }
    return n;
}

/* Request number k (0-based) sent on conn, copied into out. */
static const char *request_at(size_t conn, size_t k, char *out, size_t cap)
{
    const char *p = sent(conn);
    const char *end;

    while (k-- > 0) {
        p = strstr(p, "\r\n\r\n");
        assert_non_null(p);
        p += 4;
    }
    end = strstr(p, "\r\n\r\n");
    assert_non_null(end);
    assert_true((size_t)(end + 4 - p) < cap);
    memcpy(out, p, (size_t)(end + 4 - p));
    out[end + 4 - p] = '\0';
    return out;
}

/* A back-off pause: the wait the server asked for plus full jitter. */
static void assert_pause(size_t k, uint32_t least, uint32_t jitter)
{
    assert_true(W.sp.sleep_count > k);
    if (W.sp.sleeps[k] < least || W.sp.sleeps[k] > least + jitter)
        print_error("pause %zu: %u ms, want %u..%u\n", k,
                    (unsigned)W.sp.sleeps[k], (unsigned)least,
                    (unsigned)(least + jitter));
    assert_in_range(W.sp.sleeps[k], least, least + jitter);
}

static int64_t fixture_expiry(const char *name)
{
    char value[64];
    struct tm tm;
    char *end;

    fixture_header(name, "X-Rucio-Auth-Token-Expires", value, sizeof value);
    memset(&tm, 0, sizeof tm);
    end = strptime(value, "%a, %d %b %Y %H:%M:%S UTC", &tm);
    assert_non_null(end);
    assert_int_equal(*end, '\0');
    return (int64_t)timegm(&tm);
}

/* ---- ping ------------------------------------------------------------------ */

static void test_ping_sends_exact_request_without_auth(void **state)
{
    char version[32];

    (void)state;
    add_fixture(0, "ping_200.http");
    start(1);
    assert_int_equal(rucio_ping(&W.client, version, sizeof version), RUCIO_OK);
    assert_string_equal(version, "41.5.1");
    assert_string_equal(sent(0), "GET /ping HTTP/1.1\r\n"
                                 "Host: rucio.test\r\n" COMMON_HEADERS(
                                     "", "X-Rucio-Account: root\r\n") "\r\n");
    assert_int_equal(W.sp.next_conn, 1);
    assert_int_equal(W.client._internal.auth_requests, 0);
    assert_int_equal(rucio_client_last_error(&W.client)->status, RUCIO_OK);
}

/* ---- userpass -------------------------------------------------------------- */

static void test_userpass_headers_exact_and_token_kept(void **state)
{
    char token[256];

    (void)state;
    add_fixture(0, "userpass_200.http");
    start(1);
    assert_int_equal(rucio_authenticate(&W.client), RUCIO_OK);
    assert_string_equal(sent(0),
                        "GET /auth/userpass HTTP/1.1\r\n"
                        "Host: auth.test\r\n" COMMON_HEADERS(
                            "", "X-Rucio-Account: root\r\n")
                        "X-Rucio-Username: ddmlab\r\n"
                        "X-Rucio-Password: secret\r\n"
                        "\r\n");
    assert_string_equal(W.sp.last_host, "auth.test");
    fixture_header("userpass_200.http", "X-Rucio-Auth-Token", token,
                   sizeof token);
    assert_string_equal(W.client._internal.token, token);
    assert_int_equal(rucio_client_token_expires(&W.client),
                     fixture_expiry("userpass_200.http"));
    assert_string_equal(rucio_client_account(&W.client), "root");
    assert_int_equal(W.client._internal.auth_requests, 1);
    /* the auth connection is not kept */
    assert_true(W.conns[0].closed);
}

/* Without an account the header is left out and the server's 206 (an
 * identity of several accounts) is the Python client's generic error. */
static void test_userpass_206_several_accounts(void **state)
{
    const rucio_error *e;

    (void)state;
    W.opt.account = NULL;
    W.opt.username = "multi";
    W.opt.password = "multipw";
    add_fixture(0, "userpass_206_multiple_accounts.http");
    start(1);
    assert_int_equal(rucio_authenticate(&W.client), RUCIO_E_SERVER);
    e = rucio_client_last_error(&W.client);
    assert_string_equal(e->exception_class, "RucioException");
    assert_string_equal(e->message,
                        "no error information passed (http status code: 206)");
    assert_int_equal(e->http_status, 206);
    assert_null(strstr(sent(0), "X-Rucio-Account"));
    assert_string_equal(W.client._internal.token, "");
}

static void test_wrong_password_is_cannot_authenticate(void **state)
{
    const rucio_error *e;
    char out[1024];

    (void)state;
    W.opt.password = "wrong";
    add_fixture(0, "userpass_401_wrong_password.http");
    start(1);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, RUCIO_SIGNED_URL_LIFETIME,
                                          out, sizeof out),
                     RUCIO_E_AUTH);
    e = rucio_client_last_error(&W.client);
    assert_int_equal(e->status, RUCIO_E_AUTH);
    assert_string_equal(e->exception_class, "CannotAuthenticate");
    /* The class once, not again at the head of the message. */
    assert_string_equal(e->message, "Cannot authenticate to account root "
                                    "with given credentials");
    assert_int_equal(e->code, 4);
    assert_int_equal(e->http_status, 401);
    /* nothing went to the rucio host */
    assert_int_equal(W.sp.next_conn, 1);
    assert_string_equal(W.client._internal.token, "");
    assert_string_equal(out, "");
}

/* ---- whoami ---------------------------------------------------------------- */

static void test_whoami_follows_303_on_the_same_connection(void **state)
{
    rucio_account_info info;
    char token[256], first[2048], second[2048];
    char expected[2048];

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "whoami_303.http");
    add_fixture(1, "account_root_200.http");
    start(2);
    assert_int_equal(rucio_whoami(&W.client, &info), RUCIO_OK);
    assert_string_equal(info.account, "root");
    assert_string_equal(info.account_type, "SERVICE");
    assert_string_equal(info.status, "ACTIVE");
    assert_string_equal(info.email, "");
    assert_string_equal(info.suspended_at, "");
    assert_string_equal(info.deleted_at, "");
    assert_int_equal(strlen(info.created_at), 19);
    assert_int_equal(info.created_at[10], 'T');
    assert_int_equal(W.sp.next_conn, 2);
    assert_int_equal(request_count(1), 2);
    assert_false(W.conns[1].closed);

    fixture_header("userpass_200.http", "X-Rucio-Auth-Token", token,
                   sizeof token);
    snprintf(expected, sizeof expected,
             "GET /accounts/whoami HTTP/1.1\r\nHost: rucio.test\r\n"
             "User-Agent: rucio-lite/0.1.0\r\nAccept: */*\r\n"
             "Connection: Keep-Alive\r\nX-Rucio-Auth-Token: %s\r\n"
             "X-Rucio-VO: def\r\nX-Rucio-Script: rucio-lite\r\n"
             "X-Rucio-Account: root\r\n\r\n",
             token);
    assert_string_equal(request_at(1, 0, first, sizeof first), expected);
    request_at(1, 1, second, sizeof second);
    assert_memory_equal(second, "GET /accounts/root HTTP/1.1\r\n", 29);
    /* the same headers after the request line */
    assert_string_equal(strstr(second, "\r\n"), strstr(first, "\r\n"));
}

/* ---- get_signed_url -------------------------------------------------------- */

static void test_signurl_query_exact_and_url_returned(void **state)
{
    char out[2048], body[2048], request[2048];

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "signurl_200_gcs.http");
    start(2);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, RUCIO_SIGNED_URL_LIFETIME,
                                          out, sizeof out),
                     RUCIO_OK);
    fixture_body("signurl_200_gcs.http", body, sizeof body);
    assert_string_equal(out, body);
    request_at(1, 0, request, sizeof request);
    assert_memory_equal(request,
                        "GET /credentials/signurl?" SIGNURL_QUERY
                        " HTTP/1.1\r\nHost: rucio.test\r\n",
                        strlen("GET /credentials/signurl?" SIGNURL_QUERY
                               " HTTP/1.1\r\nHost: rucio.test\r\n"));
    assert_string_equal(W.sp.last_host, "rucio.test");
}

/* The expected query is what Python's build_url (urlencode, quote_plus)
 * gives for the same arguments, run with rucio 41.5.1 (the example of
 * the protocol notes 2.1, plus a non-ASCII character). */
static void test_signurl_query_encoding_matches_python(void **state)
{
    char out[2048], request[2048];
    static const char expected[] =
        "GET /credentials/signurl?lifetime=60&rse=MY+SITE%2F1&svc=s3&op=delete"
        "&url=https%3A%2F%2Fs3.example.org%2Fbuck+et%2Fkey~_.-%21%2A%27%28%29"
        "%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D%25%C3%A9 HTTP/1.1\r\n";

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "signurl_200_gcs.http");
    start(2);
    assert_int_equal(rucio_get_signed_url(
                         &W.client, "MY SITE/1", "s3", "delete",
                         "https://s3.example.org/buck et/key~_.-!*'();:@&=+$,/"
                         "?#[]%\xc3\xa9",
                         60, out, sizeof out),
                     RUCIO_OK);
    request_at(1, 0, request, sizeof request);
    assert_memory_equal(request, expected, strlen(expected));
}

static void test_signurl_server_errors(void **state)
{
    const rucio_error *e;
    char out[1024];

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "signurl_500_rse_not_found.http");
    add_fixture(1, "signurl_500_access_denied.http");
    start(2);
    assert_int_equal(rucio_get_signed_url(&W.client, "NO-SUCH-RSE", "gcs",
                                          "read", gcs_url, 3600, out,
                                          sizeof out),
                     RUCIO_E_SERVER);
    e = rucio_client_last_error(&W.client);
    assert_string_equal(e->exception_class, "RSENotFound");
    assert_string_equal(e->message,
                        "RSE 'NO-SUCH-RSE' cannot be found in vo 'def'");
    assert_int_equal(e->code, 52);
    assert_int_equal(e->http_status, 500);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_E_SERVER);
    assert_string_equal(e->exception_class, "AccessDenied");
    assert_int_equal(e->code, 2);
    assert_non_null(strstr(e->message, "lifetime=3600. "));
    /* 500s are not retried: one request each, one login */
    assert_int_equal(request_count(1), 2);
    assert_int_equal(W.client._internal.auth_requests, 1);
    assert_int_equal(W.sp.sleep_count, 0);
}

/* A call that succeeds after a failure reports no error. */
static void test_success_clears_previous_error(void **state)
{
    char out[2048];

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "signurl_500_rse_not_found.http");
    add_fixture(1, "signurl_200_gcs.http");
    start(2);
    assert_int_equal(rucio_get_signed_url(&W.client, "NO-SUCH-RSE", "gcs",
                                          "read", gcs_url, 3600, out,
                                          sizeof out),
                     RUCIO_E_SERVER);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    assert_int_equal(rucio_client_last_error(&W.client)->status, RUCIO_OK);
    assert_string_equal(rucio_client_last_error(&W.client)->exception_class,
                        "");
}

static void test_signurl_output_too_small(void **state)
{
    char out[64];

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "signurl_200_gcs.http");
    start(2);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_E_NO_SPACE);
}

/* ---- arguments checked before anything is sent ---------------------------- */

static void expect_refused(const char *rse, const char *service,
                           const char *operation, const char *url,
                           int64_t lifetime)
{
    char out[256] = "untouched";
    const rucio_error *e;

    add_fixture(0, "userpass_200.http");
    start(1);
    assert_int_equal(rucio_get_signed_url(&W.client, rse, service, operation,
                                          url, lifetime, out, sizeof out),
                     RUCIO_E_INVALID_ARG);
    e = rucio_client_last_error(&W.client);
    assert_int_equal(e->status, RUCIO_E_INVALID_ARG);
    assert_string_equal(e->exception_class, "InputValidationError");
    assert_int_equal(e->code, 26);
    assert_int_equal(W.sp.next_conn, 0);
    assert_int_equal(W.conns[0].sent, 0);
    assert_string_equal(out, "");
}

static void test_refuses_bad_service(void **state)
{
    (void)state;
    expect_refused("GCS-SITE", "ftp", "read", gcs_url, 3600);
    assert_non_null(strstr(W.client._internal.error.message, "ftp"));
}

static void test_refuses_empty_service(void **state)
{
    (void)state;
    expect_refused("GCS-SITE", "", "read", gcs_url, 3600);
}

static void test_refuses_bad_operation(void **state)
{
    (void)state;
    expect_refused("GCS-SITE", "gcs", "list", gcs_url, 3600);
    assert_non_null(strstr(W.client._internal.error.message, "list"));
}

static void test_refuses_empty_rse(void **state)
{
    (void)state;
    expect_refused("", "gcs", "read", gcs_url, 3600);
}

static void test_refuses_null_rse(void **state)
{
    (void)state;
    expect_refused(NULL, "gcs", "read", gcs_url, 3600);
}

static void test_refuses_empty_url(void **state)
{
    (void)state;
    expect_refused("GCS-SITE", "gcs", "read", "", 3600);
}

static void test_refuses_relative_url(void **state)
{
    (void)state;
    expect_refused("GCS-SITE", "gcs", "read", "bucket/dir/file", 3600);
}

static void test_refuses_other_scheme(void **state)
{
    (void)state;
    expect_refused("GCS-SITE", "gcs", "read", "ftp://storage.test/f", 3600);
}

static void test_refuses_url_without_host(void **state)
{
    (void)state;
    expect_refused("GCS-SITE", "gcs", "read", "https:///bucket/f", 3600);
}

static void test_refuses_control_character_in_url(void **state)
{
    (void)state;
    expect_refused("GCS-SITE", "gcs", "read",
                   "https://storage.test/f\r\nX-Injected: 1", 3600);
}

static void test_refuses_zero_lifetime(void **state)
{
    (void)state;
    expect_refused("GCS-SITE", "gcs", "read", gcs_url, 0);
}

static void test_refuses_negative_lifetime(void **state)
{
    (void)state;
    expect_refused("GCS-SITE", "gcs", "read", gcs_url, -1);
}

/* ---- the request loop ------------------------------------------------------ */

static void test_503_503_200_backs_off_with_full_jitter(void **state)
{
    char out[2048];

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_text(1, reply_503, strlen(reply_503));
    add_text(1, reply_503, strlen(reply_503));
    add_fixture(1, "signurl_200_gcs.http");
    start(2);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    assert_int_equal(W.sp.sleep_count, 2);
    assert_pause(0, 0, 250);
    assert_pause(1, 0, 500);
    assert_int_equal(request_count(1), 3);
    assert_int_equal(W.sp.next_conn, 2);
}

static void test_three_503_returns_the_503_after_two_sleeps(void **state)
{
    const rucio_error *e;
    char out[2048];

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_text(1, reply_503, strlen(reply_503));
    add_text(1, reply_503, strlen(reply_503));
    add_text(1, reply_503, strlen(reply_503));
    start(2);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_E_SERVER);
    e = rucio_client_last_error(&W.client);
    assert_int_equal(e->http_status, 503);
    assert_string_equal(e->exception_class, "RucioException");
    assert_string_equal(e->message,
                        "no error information passed (http status code: 503)");
    assert_int_equal(W.sp.sleep_count, 2);
    assert_pause(0, 0, 250);
    assert_pause(1, 0, 500);
    assert_int_equal(request_count(1), 3);
}

static void test_retry_after_seconds(void **state)
{
    char out[2048];

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_text(1, reply_503_retry_after, strlen(reply_503_retry_after));
    add_fixture(1, "signurl_200_gcs.http");
    start(2);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    assert_int_equal(W.sp.sleep_count, 1);
    assert_pause(0, 3000, 250);
}

/* A reset before any response byte: a new connection after a jittered
 * pause (the Python client retries at once; a fleet must not). */
static void test_reset_before_response_retried_after_a_pause(void **state)
{
    char out[2048];
    uint64_t before;

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "signurl_200_gcs.http");
    add_fixture(2, "signurl_200_gcs.http");
    start(3);
    rucio_script_add_fault(&W.conns[1], RUCIO_FAULT_RESET, RUCIO_FAULT_RECV, 0);
    assert_int_equal(rucio_authenticate(&W.client), RUCIO_OK);
    before = W.sp.now_ms;
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    assert_int_equal(W.sp.sleep_count, 1);
    assert_pause(0, 0, 250);
    assert_int_equal(W.sp.now_ms, before + W.sp.sleeps[0]);
    assert_int_equal(W.sp.next_conn, 3);
    assert_int_equal(request_count(1), 1);
    assert_int_equal(request_count(2), 1);
}

static void test_refused_connection_retried_after_a_pause(void **state)
{
    char out[2048];

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(2, "signurl_200_gcs.http");
    start(3);
    W.conns[1].connect_result = RUCIO_E_CONNECT;
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    assert_int_equal(W.sp.sleep_count, 1);
    assert_pause(0, 0, 250);
    assert_int_equal(W.sp.next_conn, 3);
}

/* Three connection failures: ServerConnectionException after two
 * jittered pauses. */
static void test_connection_failures_exhaust_attempts(void **state)
{
    const rucio_error *e;
    char version[32];

    (void)state;
    start(3);
    W.conns[0].connect_result = RUCIO_E_CONNECT;
    W.conns[1].connect_result = RUCIO_E_CONNECT;
    W.conns[2].connect_result = RUCIO_E_CONNECT;
    assert_int_equal(rucio_ping(&W.client, version, sizeof version),
                     RUCIO_E_CONNECT);
    e = rucio_client_last_error(&W.client);
    assert_string_equal(e->exception_class, "ServerConnectionException");
    assert_int_equal(e->code, 78);
    assert_int_equal(e->http_status, 0);
    assert_non_null(strstr(e->message, "rucio.test"));
    assert_int_equal(W.sp.next_conn, 3);
    assert_int_equal(W.sp.sleep_count, 2);
    assert_pause(0, 0, 250);
    assert_pause(1, 0, 500);
}

/* 502 and 504 are retried like 503. */
static void test_502_and_504_retried(void **state)
{
    static const char reply_502[] = "HTTP/1.1 502 Bad Gateway\r\n"
                                    "Content-Length: 0\r\n\r\n";
    static const char reply_504[] = "HTTP/1.1 504 Gateway Timeout\r\n"
                                    "Content-Length: 0\r\n\r\n";
    char version[32];

    (void)state;
    add_text(0, reply_502, strlen(reply_502));
    add_text(0, reply_504, strlen(reply_504));
    add_fixture(0, "ping_200.http");
    start(1);
    assert_int_equal(rucio_ping(&W.client, version, sizeof version), RUCIO_OK);
    assert_string_equal(version, "41.5.1");
    assert_int_equal(W.sp.sleep_count, 2);
    assert_pause(0, 0, 250);
    assert_pause(1, 0, 500);
}

/* Authentication requests go through the same loop: 503 backs off. */
static void test_auth_request_backs_off_too(void **state)
{
    (void)state;
    add_text(0, reply_503, strlen(reply_503));
    add_fixture(0, "userpass_200.http");
    start(1);
    assert_int_equal(rucio_authenticate(&W.client), RUCIO_OK);
    assert_int_equal(W.sp.sleep_count, 1);
    assert_pause(0, 0, 250);
    assert_int_equal(request_count(0), 2);
}

/* Retry-After as an HTTP-date, relative to the fake wall clock. */
static void test_retry_after_http_date(void **state)
{
    static const char reply[] = "HTTP/1.1 503 SERVICE UNAVAILABLE\r\n"
                                "Retry-After: Tue, 14 Nov 2023 22:13:24 GMT\r\n"
                                "Content-Length: 0\r\n\r\n";
    char version[32];

    (void)state;
    add_text(0, reply, strlen(reply));
    add_fixture(0, "ping_200.http");
    start(1);
    W.sp.wall_seconds = 1700000000; /* Tue, 14 Nov 2023 22:13:20 GMT */
    assert_int_equal(rucio_ping(&W.client, version, sizeof version), RUCIO_OK);
    assert_int_equal(W.sp.sleep_count, 1);
    assert_pause(0, 4000, 250);
}

/* A server cannot park the client longer than its timeout, nor than a
 * minute (request.c, RUCIO_RETRY_AFTER_MAX_MS). */
static void test_retry_after_bounded_by_timeout(void **state)
{
    static const char reply[] = "HTTP/1.1 503 SERVICE UNAVAILABLE\r\n"
                                "Retry-After: 86400\r\n"
                                "Content-Length: 0\r\n\r\n";
    char version[32];
    uint32_t expected = TIMEOUT_MS < 60000u ? TIMEOUT_MS : 60000u;

    (void)state;
    W.opt.call_timeout_ms = 4 * TIMEOUT_MS; /* room for the wait */
    add_text(0, reply, strlen(reply));
    add_fixture(0, "ping_200.http");
    start(1);
    assert_int_equal(rucio_ping(&W.client, version, sizeof version), RUCIO_OK);
    assert_int_equal(W.sp.sleep_count, 1);
    assert_int_equal(W.sp.sleeps[0], expected);
}

/* With the default timeout of 600 s, a minute is the most a server's
 * Retry-After can make the client wait. */
static void test_retry_after_bounded_by_a_minute(void **state)
{
    static const char reply[] = "HTTP/1.1 503 SERVICE UNAVAILABLE\r\n"
                                "Retry-After: 86400\r\n"
                                "Content-Length: 0\r\n\r\n";
    char version[32];

    (void)state;
    W.opt.timeout_ms = 0;
    add_text(0, reply, strlen(reply));
    add_fixture(0, "ping_200.http");
    start(1);
    assert_int_equal(rucio_ping(&W.client, version, sizeof version), RUCIO_OK);
    assert_int_equal(W.sp.sleep_count, 1);
    assert_int_equal(W.sp.sleeps[0], 60000);
}

/* A server that accepts the request and then says nothing: the timeout
 * ends the call, it is not repeated (request.c: it would only repeat). */
static void test_read_timeout_not_retried(void **state)
{
    char version[32];

    (void)state;
    start(2);
    assert_int_equal(rucio_ping(&W.client, version, sizeof version),
                     RUCIO_E_TIMEOUT);
    assert_string_equal(rucio_client_last_error(&W.client)->exception_class,
                        "ServerConnectionException");
    assert_int_equal(W.sp.next_conn, 1);
}

/* ---- 401 and re-authentication ------------------------------------------- */

static void test_401_reauthenticates_once_then_succeeds(void **state)
{
    rucio_account_info info;
    char first_token[256], second_token[256], request[2048];
    char line[300];

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "whoami_401_bogus_token.http");
    add_fixture(1, "whoami_303.http");
    add_fixture(1, "account_root_200.http");
    add_fixture(2, "userpass_200_renewed.http");
    start(3);
    assert_int_equal(rucio_whoami(&W.client, &info), RUCIO_OK);
    assert_string_equal(info.account, "root");
    assert_int_equal(W.client._internal.auth_requests, 2);
    assert_int_equal(W.sp.next_conn, 3);
    assert_int_equal(request_count(1), 3);
    assert_memory_equal(sent(2), "GET /auth/userpass ", 19);

    fixture_header("userpass_200.http", "X-Rucio-Auth-Token", first_token,
                   sizeof first_token);
    fixture_header("userpass_200_renewed.http", "X-Rucio-Auth-Token",
                   second_token, sizeof second_token);
    assert_string_not_equal(first_token, second_token);
    snprintf(line, sizeof line, "X-Rucio-Auth-Token: %s\r\n", first_token);
    assert_non_null(strstr(request_at(1, 0, request, sizeof request), line));
    snprintf(line, sizeof line, "X-Rucio-Auth-Token: %s\r\n", second_token);
    assert_non_null(strstr(request_at(1, 1, request, sizeof request), line));
    assert_non_null(strstr(request_at(1, 2, request, sizeof request), line));
    assert_string_equal(W.client._internal.token, second_token);
    assert_int_equal(W.sp.sleep_count, 0);
}

static void test_second_401_is_final(void **state)
{
    rucio_account_info info;
    const rucio_error *e;

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "whoami_401_bogus_token.http");
    add_fixture(1, "whoami_401_bogus_token.http");
    add_fixture(2, "userpass_200_renewed.http");
    start(4);
    assert_int_equal(rucio_whoami(&W.client, &info), RUCIO_E_AUTH);
    e = rucio_client_last_error(&W.client);
    assert_string_equal(e->exception_class, "CannotAuthenticate");
    assert_string_equal(e->message, "Cannot authenticate with given credentials");
    assert_int_equal(e->http_status, 401);
    assert_int_equal(e->code, 4);
    assert_int_equal(W.client._internal.auth_requests, 2);
    assert_int_equal(W.sp.next_conn, 3);
    assert_int_equal(request_count(1), 2);
    assert_string_equal(info.account, "");
}

/* The server's 400 for an empty token is not a 401: no new login. */
static void test_400_token_must_be_set_is_not_reauthenticated(void **state)
{
    rucio_account_info info;
    const rucio_error *e;

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "whoami_400_empty_token.http");
    start(2);
    assert_int_equal(rucio_whoami(&W.client, &info), RUCIO_E_SERVER);
    e = rucio_client_last_error(&W.client);
    assert_string_equal(e->exception_class, "ValueError");
    assert_string_equal(e->message, "Token must be set.");
    assert_int_equal(e->code, 1);
    assert_int_equal(e->http_status, 400);
    assert_int_equal(W.client._internal.auth_requests, 1);
    assert_int_equal(request_count(1), 1);
}

/* Ping does not log in, so a 401 there is final too. */
static void test_401_on_anonymous_call_is_final(void **state)
{
    char version[32];

    (void)state;
    add_fixture(0, "whoami_401_bogus_token.http");
    start(2);
    assert_int_equal(rucio_ping(&W.client, version, sizeof version),
                     RUCIO_E_AUTH);
    assert_int_equal(W.sp.next_conn, 1);
    assert_int_equal(W.client._internal.auth_requests, 0);
}

/* The signurl query survives the re-authentication in between. */
static void test_401_on_signurl_resends_same_query(void **state)
{
    char out[2048], first[2048], second[2048];

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "whoami_401_bogus_token.http");
    add_fixture(1, "signurl_200_gcs.http");
    add_fixture(2, "userpass_200_renewed.http");
    start(3);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    request_at(1, 0, first, sizeof first);
    request_at(1, 1, second, sizeof second);
    assert_memory_equal(first, "GET /credentials/signurl?" SIGNURL_QUERY " ",
                        strlen("GET /credentials/signurl?" SIGNURL_QUERY " "));
    assert_memory_equal(second, first, strcspn(first, "\r\n"));
}

static void test_token_missing_from_200(void **state)
{
    static const char reply[] = "HTTP/1.1 200 OK\r\n"
                                "Content-Type: application/octet-stream\r\n"
                                "Content-Length: 0\r\n\r\n";

    (void)state;
    add_text(0, reply, strlen(reply));
    start(1);
    assert_int_equal(rucio_authenticate(&W.client), RUCIO_E_AUTH);
    assert_string_equal(rucio_client_last_error(&W.client)->exception_class,
                        "CannotAuthenticate");
    assert_string_equal(W.client._internal.token, "");
}

/* ---- token expiry ---------------------------------------------------------- */

static void test_token_renewed_within_60_s_of_expiry(void **state)
{
    char out[2048];
    int64_t expires = fixture_expiry("userpass_200.http");

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "signurl_200_gcs.http");
    add_fixture(1, "signurl_200_gcs.http");
    add_fixture(2, "userpass_200_renewed.http");
    start(3);
    assert_int_equal(rucio_authenticate(&W.client), RUCIO_OK);
    assert_int_equal(W.client._internal.token_expires, expires);

    W.sp.wall_seconds = expires - 61;
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    assert_int_equal(W.client._internal.auth_requests, 1);
    assert_int_equal(W.sp.next_conn, 2);

    W.sp.wall_seconds = expires - 60;
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    assert_int_equal(W.client._internal.auth_requests, 2);
    assert_int_equal(W.sp.next_conn, 3);
    assert_memory_equal(sent(2), "GET /auth/userpass ", 19);
    assert_int_equal(W.client._internal.token_expires,
                     fixture_expiry("userpass_200_renewed.http"));
    assert_int_equal(request_count(1), 2);
}

/* ---- token cache -------------------------------------------------------- */

/* A token cache in a fresh temporary directory, for user "tester":
 * TMPDIR and LOGNAME point there and <tmp>/tester/.rucio_tester exists.
 * Returns the cache file of account root. */
static const char *use_token_cache(void)
{
    static char tmpdir_var[600];
    static char file[700];
    char dir[600];

    rt_temp_dir(W.tmp, sizeof W.tmp);
    snprintf(tmpdir_var, sizeof tmpdir_var, "TMPDIR=%s", W.tmp);
    W.env[0] = tmpdir_var;
    W.env[1] = "LOGNAME=tester";
    snprintf(dir, sizeof dir, "%s/tester", W.tmp);
    mkdir(dir, 0700);
    snprintf(dir, sizeof dir, "%s/tester/.rucio_tester", W.tmp);
    mkdir(dir, 0700);
    snprintf(file, sizeof file, "%s/auth_token_for_account_root", dir);
    return file;
}

/* A whole (small) file as text. */
static void read_text(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n;

    assert_non_null(f);
    n = fread(out, 1, cap - 1, f);
    fclose(f);
    out[n] = '\0';
}

static void test_second_client_uses_cached_token(void **state)
{
    static rucio_client second;
    char out[2048], token[256], line[300];
    char file_text[512];
    const char *cache = use_token_cache();

    (void)state;
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "signurl_200_gcs.http");
    start_port(2);
    W.sp.port.fs = rucio_port_posix_fs();
    assert_int_equal(rucio_client_init(&W.client, &W.opt), RUCIO_OK);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    rucio_client_free(&W.client);

    fixture_header("userpass_200.http", "X-Rucio-Auth-Token", token,
                   sizeof token);
    read_text(cache, file_text, sizeof file_text);
    assert_string_equal(file_text, token);

    /* a new client, a new port: one connection, to the rucio host only */
    memset(W.convs, 0, sizeof W.convs);
    add_fixture(0, "signurl_200_gcs.http");
    start_port(1);
    W.sp.port.fs = rucio_port_posix_fs();
    assert_int_equal(rucio_client_init(&second, &W.opt), RUCIO_OK);
    assert_int_equal(rucio_get_signed_url(&second, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    assert_int_equal(W.sp.next_conn, 1);
    assert_int_equal(second._internal.auth_requests, 0);
    assert_null(strstr(sent(0), "/auth/"));
    assert_memory_equal(sent(0), "GET /credentials/signurl?", 25);
    snprintf(line, sizeof line, "\r\nX-Rucio-Auth-Token: %s\r\n", token);
    assert_non_null(strstr(sent(0), line));
    assert_int_equal(rucio_client_token_expires(&second), 0);
    rucio_client_free(&second);
}

/* A cached token the server refuses is replaced, in memory and on disk. */
static void test_refused_cached_token_replaced(void **state)
{
    char out[2048], token[256], line[300];
    const char *cache = use_token_cache();

    (void)state;
    rt_write_file(cache, "root-ddmlab-unknown-stale\n", 0600);

    add_fixture(0, "whoami_401_bogus_token.http");
    add_fixture(0, "signurl_200_gcs.http");
    add_fixture(1, "userpass_200.http");
    start_port(2);
    W.sp.port.fs = rucio_port_posix_fs();
    assert_int_equal(rucio_client_init(&W.client, &W.opt), RUCIO_OK);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    assert_non_null(strstr(sent(0), "X-Rucio-Auth-Token: "
                                    "root-ddmlab-unknown-stale\r\n"));
    assert_int_equal(W.client._internal.auth_requests, 1);
    fixture_header("userpass_200.http", "X-Rucio-Auth-Token", token,
                   sizeof token);
    snprintf(line, sizeof line, "X-Rucio-Auth-Token: %s\r\n", token);
    assert_non_null(strstr(request_at(0, 1, out, sizeof out), line));
    read_text(cache, line, sizeof line);
    assert_string_equal(line, token);
}

/* An empty cache file holds no token: log in (Python would send "" and
 * get the server's 400 "Token must be set."). */
static void test_empty_cache_file_means_login(void **state)
{
    char out[2048];

    (void)state;
    rt_write_file(use_token_cache(), "", 0600);

    add_fixture(0, "userpass_200.http");
    add_fixture(1, "signurl_200_gcs.http");
    start_port(2);
    W.sp.port.fs = rucio_port_posix_fs();
    assert_int_equal(rucio_client_init(&W.client, &W.opt), RUCIO_OK);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    assert_int_equal(W.client._internal.auth_requests, 1);
    assert_memory_equal(sent(0), "GET /auth/userpass ", 19);
}

/* ---- secrets ------------------------------------------------------------------ */

static void assert_no_secret(const char *password, const char *token)
{
    size_t i;

    assert_null(strstr(W.client._internal.error.message, password));
    assert_null(strstr(W.client._internal.error.message, token));
    for (i = 0; i < W.log.count; i++) {
        if (strstr(W.log.lines[i], password) || strstr(W.log.lines[i], token))
            fail_msg("secret in log line: %s", W.log.lines[i]);
    }
}

static void test_secrets_never_in_logs_or_errors(void **state)
{
    static const char password[] = "Pw-7d1f0c9e";
    char token[256], out[2048];

    (void)state;
    W.opt.password = password;
    fixture_header("userpass_200.http", "X-Rucio-Auth-Token", token,
                   sizeof token);
    /* the refused login leaves the auth connection open for the next */
    add_fixture(0, "userpass_401_wrong_password.http");
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "signurl_500_rse_not_found.http");
    add_fixture(1, "whoami_401_bogus_token.http");
    add_fixture(2, "userpass_401_wrong_password.http");
    start(3);

    assert_int_equal(rucio_authenticate(&W.client), RUCIO_E_AUTH);
    assert_no_secret(password, token);
    assert_int_equal(rucio_authenticate(&W.client), RUCIO_OK);
    assert_string_equal(W.client._internal.token, token);
    assert_no_secret(password, token);
    assert_int_equal(rucio_get_signed_url(&W.client, "NO-SUCH-RSE", "gcs",
                                          "read", gcs_url, 3600, out,
                                          sizeof out),
                     RUCIO_E_SERVER);
    assert_no_secret(password, token);
    /* 401, then a refused re-authentication */
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_E_AUTH);
    assert_no_secret(password, token);
    /* the logger was really in use, down to DEBUG */
    assert_true(W.log.count >= 4);
    assert_true(rt_log_contains(&W.log, "authenticated as root"));
    /* while the password did go to the auth host */
    assert_non_null(strstr(sent(0), password));
    assert_int_equal(W.sp.next_conn, 3);
}

/* Nothing of the token or the password stays anywhere in the client after
 * rucio_client_free: not in the settings, not in the connection buffers
 * that carried them, not in the last response's headers. */
static int holds(const void *mem, size_t len, const char *secret)
{
    return memmem(mem, len, secret, strlen(secret)) != NULL;
}

static void test_free_wipes_token_and_password(void **state)
{
    static const char password[] = "Pw-5e5a1c4b";
    char token[256], out[2048];

    (void)state;
    W.opt.password = password;
    fixture_header("userpass_200.http", "X-Rucio-Auth-Token", token,
                   sizeof token);
    add_fixture(0, "userpass_200.http");
    add_fixture(1, "signurl_200_gcs.http");
    start(2);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    assert_true(holds(&W.client, sizeof W.client, token));
    assert_true(holds(&W.client, sizeof W.client, password));
    rucio_client_free(&W.client);
    assert_false(holds(&W.client, sizeof W.client, token));
    assert_false(holds(&W.client, sizeof W.client, password));
}

/* An ssh key file too large for the buffer: refused, and what was read
 * of it does not stay in the client. */
static void test_ssh_key_read_failure_leaves_no_key_text(void **state)
{
    static char key[RUCIO_BODY_MAX + 2048];
    static const char challenge[] =
        "HTTP/1.1 200 OK\r\n"
        "X-Rucio-SSH-Challenge-Token: challenge-42-root-1700000010\r\n"
        "Content-Length: 0\r\n\r\n";
    char path[600];

    (void)state;
    rt_temp_dir(W.tmp, sizeof W.tmp);
    snprintf(path, sizeof path, "%s/ssh_key", W.tmp);
    memset(key, 'K', sizeof key - 1);
    memcpy(key, "-----BEGIN RSA PRIVATE KEY-----\n", 32);
    rt_write_file(path, key, 0600);
    W.opt.auth_type = "ssh";
    W.opt.ssh_private_key = path;
    add_text(0, challenge, strlen(challenge));
    start_port(1);
    W.sp.port.fs = rucio_port_posix_fs();
    assert_int_equal(rucio_client_init(&W.client, &W.opt), RUCIO_OK);
    assert_int_equal(rucio_authenticate(&W.client), RUCIO_E_AUTH);
    assert_string_equal(rucio_client_last_error(&W.client)->exception_class,
                        "CannotAuthenticate");
    assert_memory_equal(sent(0), "GET /auth/ssh_challenge_token ", 30);
    assert_false(holds(&W.client, sizeof W.client, "BEGIN RSA PRIVATE KEY"));
    assert_false(holds(&W.client, sizeof W.client, "KKKKKKKKKKKKKKKK"));
}


/* ---- hostile answers (issue 8) -------------------------------------------- */

static void use_given_token(void)
{
    W.opt.auth_type = "token";
    W.opt.token = "tok-SECRET-1";
}

static rucio_status whoami_status(void)
{
    rucio_account_info info;

    return rucio_whoami(&W.client, &info);
}

static const char *last_message(void)
{
    return rucio_client_last_error(&W.client)->message;
}

static void add_str(size_t conn, const char *text)
{
    add_text(conn, text, strlen(text));
}

/* With the auth host equal to the Rucio host, the login and the call
 * share one kept-alive connection. */
static void test_same_host_authenticates_on_the_api_connection(void **state)
{
    char out[2048];

    (void)state;
    W.opt.auth_host = "http://rucio.test";
    add_fixture(0, "userpass_200.http");
    add_fixture(0, "signurl_200_gcs.http");
    start(2);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_OK);
    assert_int_equal(W.sp.next_conn, 1);
    assert_int_equal(request_count(0), 2);
    assert_memory_equal(sent(0), "GET /auth/userpass HTTP/1.1\r\n", 29);
    assert_false(W.conns[0].closed);
}

/* The token never travels to another origin; the message names the
 * target's host but not its path or query. */
static void test_redirect_to_other_host_refused(void **state)
{
    (void)state;
    use_given_token();
    add_str(0, "HTTP/1.1 302 Found\r\n"
               "Location: http://evil.test/steal?sig=QUERYSECRET\r\n"
               "Content-Length: 0\r\n\r\n");
    start(2);
    assert_int_equal(whoami_status(), RUCIO_E_REDIRECT);
    assert_string_equal(rucio_client_last_error(&W.client)->exception_class,
                        "RucioException");
    assert_non_null(strstr(last_message(), "evil.test"));
    assert_null(strstr(last_message(), "steal"));
    assert_null(strstr(last_message(), "QUERYSECRET"));
    assert_int_equal(W.sp.next_conn, 1);
    assert_int_equal(request_count(0), 1);
}

static void test_redirect_to_other_port_or_scheme_refused(void **state)
{
    (void)state;
    use_given_token();
    add_str(0, "HTTP/1.1 307 Temporary Redirect\r\n"
               "Location: http://rucio.test:8080/accounts/root\r\n"
               "Content-Length: 0\r\n\r\n");
    add_str(0, "HTTP/1.1 307 Temporary Redirect\r\n"
               "Location: https://rucio.test/accounts/root\r\n"
               "Content-Length: 0\r\n\r\n");
    start(2);
    assert_int_equal(whoami_status(), RUCIO_E_REDIRECT);
    assert_non_null(strstr(last_message(), "http://rucio.test:8080"));
    assert_int_equal(whoami_status(), RUCIO_E_REDIRECT);
    assert_non_null(strstr(last_message(), "https://rucio.test:443"));
    assert_int_equal(W.sp.next_conn, 1);
    assert_int_equal(request_count(0), 2);
}

/* The scheme in any case, and a network-path reference ("//host/...",
 * RFC 3986 4.2), name another server too. */
static void test_redirect_in_other_spellings_refused(void **state)
{
    (void)state;
    use_given_token();
    add_str(0, "HTTP/1.1 302 Found\r\n"
               "Location: HTTP://evil.test/x\r\n"
               "Content-Length: 0\r\n\r\n");
    add_str(0, "HTTP/1.1 302 Found\r\n"
               "Location: //evil.test:81/x\r\n"
               "Content-Length: 0\r\n\r\n");
    start(2);
    assert_int_equal(whoami_status(), RUCIO_E_REDIRECT);
    assert_non_null(strstr(last_message(), "http://evil.test:80"));
    assert_int_equal(whoami_status(), RUCIO_E_REDIRECT);
    assert_non_null(strstr(last_message(), "http://evil.test:81"));
    assert_int_equal(W.sp.next_conn, 1);
    assert_int_equal(request_count(0), 2);
}

/* Same scheme, host (in any case) and port: followed. */
static void test_same_origin_absolute_redirect_followed(void **state)
{
    rucio_account_info info;

    (void)state;
    use_given_token();
    add_str(0, "HTTP/1.1 303 See Other\r\n"
               "Location: http://RUCIO.test/accounts/root\r\n"
               "Content-Length: 0\r\n\r\n");
    add_fixture(0, "account_root_200.http");
    start(1);
    assert_int_equal(rucio_whoami(&W.client, &info), RUCIO_OK);
    assert_string_equal(info.account, "root");
    assert_int_equal(request_count(0), 2);
}

/* The password went to the auth host, which asked for it; it is not
 * sent again, not even to the same host. */
static void test_redirect_of_auth_request_refused(void **state)
{
    (void)state;
    add_str(0, "HTTP/1.1 303 See Other\r\n"
               "Location: /auth/userpass\r\n"
               "Content-Length: 0\r\n\r\n");
    start(1);
    assert_int_equal(rucio_authenticate(&W.client), RUCIO_E_REDIRECT);
    assert_non_null(strstr(last_message(), "authentication request"));
    assert_int_equal(request_count(0), 1);
}

static void test_redirect_loop_ends(void **state)
{
    size_t i;

    (void)state;
    use_given_token();
    for (i = 0; i < TURNS; i++)
        add_str(0, "HTTP/1.1 303 See Other\r\n"
                   "Location: /accounts/whoami\r\n"
                   "Content-Length: 0\r\n\r\n");
    start(1);
    assert_int_equal(whoami_status(), RUCIO_E_REDIRECT);
    assert_non_null(strstr(last_message(), "too many redirects"));
    assert_int_equal(request_count(0), 6);
}

static void add_interim_then_ping(size_t count)
{
    static char text[4096];
    static char ping[2048];
    size_t i, n = 0;

    rt_fixture("ping_200.http", ping, sizeof ping);
    for (i = 0; i < count; i++)
        n += (size_t)snprintf(text + n, sizeof text - n,
                              "HTTP/1.1 100 Continue\r\n\r\n");
    n += (size_t)snprintf(text + n, sizeof text - n, "%s", ping);
    add_text(0, text, n);
}

static void test_interim_responses_capped(void **state)
{
    char version[32];

    (void)state;
    add_interim_then_ping(RUCIO_HTTP_MAX_INTERIM + 1);
    start(2);
    assert_int_equal(rucio_ping(&W.client, version, sizeof version),
                     RUCIO_E_PROTOCOL);
    assert_string_equal(rucio_client_last_error(&W.client)->exception_class,
                        "RucioException");
    assert_non_null(strstr(last_message(), "malformed HTTP response"));
    assert_null(strstr(last_message(), "connect"));
    assert_int_equal(W.sp.next_conn, 1); /* not retried */
}

static void test_interim_responses_up_to_the_cap_accepted(void **state)
{
    char version[32];

    (void)state;
    add_interim_then_ping(RUCIO_HTTP_MAX_INTERIM);
    start(1);
    assert_int_equal(rucio_ping(&W.client, version, sizeof version), RUCIO_OK);
    assert_string_equal(version, "41.5.1");
}

/* A huge error body: its start makes the message, the rest is never
 * read (no wait for it), and the request is not sent again. */
static void test_oversized_error_body_not_read_to_the_end(void **state)
{
    static char text[32000];
    const char head[] = "HTTP/1.1 500 INTERNAL SERVER ERROR\r\n"
                        "Content-Length: 100000000\r\n\r\n";
    char version[32];
    uint64_t before;

    (void)state;
    memcpy(text, head, sizeof head - 1);
    memset(text + sizeof head - 1, 'x', sizeof text - sizeof head + 1);
    add_text(0, text, sizeof text);
    start(2);
    before = W.sp.now_ms;
    assert_int_equal(rucio_ping(&W.client, version, sizeof version),
                     RUCIO_E_SERVER);
    assert_int_equal(rucio_client_last_error(&W.client)->http_status, 500);
    assert_int_equal(W.sp.now_ms, before);
    assert_true(W.conns[0].server_pos <
                sizeof head + RUCIO_BODY_MAX + RUCIO_HTTP_RX_BUF);
    assert_true(W.conns[0].closed);
    assert_int_equal(W.sp.next_conn, 1);
}

/* The server answered and then the connection broke: the request may
 * have been acted on, so it is not sent again. */
static void test_response_cut_after_its_head_not_retried(void **state)
{
    char version[32];

    (void)state;
    add_str(0, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"ver");
    start(2);
    W.conns[0].hang_at_end = 0;
    assert_int_equal(rucio_ping(&W.client, version, sizeof version),
                     RUCIO_E_TRUNCATED);
    assert_string_equal(rucio_client_last_error(&W.client)->exception_class,
                        "ServerConnectionException");
    assert_int_equal(W.sp.next_conn, 1);
    assert_int_equal(W.sp.sleep_count, 0);
}

/* A control character in a header value is the caller's input error,
 * named by header, and nothing is sent. */
static void test_control_character_in_account_refused_before_sending(
    void **state)
{
    static const char *const accounts[] = {"root\r\nX-Evil: 1", "root\x1b[2J",
                                           "ro\x7fot"};
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        teardown(NULL);
        setup(NULL);
        use_given_token();
        W.opt.account = accounts[i];
        start(1);
        assert_int_equal(whoami_status(), RUCIO_E_BAD_HEADER);
        assert_string_equal(
            rucio_client_last_error(&W.client)->exception_class,
            "InputValidationError");
        assert_non_null(strstr(last_message(), "X-Rucio-Account"));
        assert_null(strstr(last_message(), "root"));
        assert_int_equal(W.sp.next_conn, 0);
    }
}

static void expect_bad_signed_url(const char *body, size_t len)
{
    char reply[1024], out[1024];
    int n = snprintf(reply, sizeof reply,
                     "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", len);

    assert_true(n > 0 && (size_t)n + len < sizeof reply);
    memcpy(reply + n, body, len);
    teardown(NULL);
    setup(NULL);
    use_given_token();
    add_text(0, reply, (size_t)n + len);
    start(1);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          gcs_url, 3600, out, sizeof out),
                     RUCIO_E_BAD_ANSWER);
    assert_string_equal(out, "");
    assert_string_equal(rucio_client_last_error(&W.client)->exception_class,
                        "RucioException");
    assert_null(strstr(last_message(), "s.test"));
}

static void test_signed_url_that_is_not_one_url_refused(void **state)
{
    (void)state;
    expect_bad_signed_url("https://s.test/a\x1b[2Jb", 21);
    expect_bad_signed_url("https://s.test/a\0junk", 21);
    expect_bad_signed_url("https://s.test/a\r\nb", 19);
    expect_bad_signed_url("https://s.test/a b", 18);
    expect_bad_signed_url("javascript:alert(1)", 19);
}

/* A Retry-After that reaches past the call's deadline: no pointless
 * sleep, the 503 is the answer at once. */
static void test_retry_after_past_the_deadline_not_waited_for(void **state)
{
    char version[32];

    (void)state;
    W.opt.call_timeout_ms = 2000;
    add_text(0, reply_503_retry_after, strlen(reply_503_retry_after));
    start(1);
    assert_int_equal(rucio_ping(&W.client, version, sizeof version),
                     RUCIO_E_SERVER);
    assert_int_equal(rucio_client_last_error(&W.client)->http_status, 503);
    assert_int_equal(W.sp.sleep_count, 0);
    assert_int_equal(request_count(0), 1);
}

/* The call's deadline cuts the idle timeout short. */
static void test_call_deadline_bounds_a_silent_server(void **state)
{
    char version[32];
    uint64_t before;

    (void)state;
    W.opt.call_timeout_ms = 1200;
    start(1);
    before = W.sp.now_ms;
    assert_int_equal(rucio_ping(&W.client, version, sizeof version),
                     RUCIO_E_TIMEOUT);
    assert_int_equal(W.sp.now_ms - before, 1200);
    assert_non_null(strstr(last_message(), "time limit"));
    assert_string_equal(rucio_client_last_error(&W.client)->exception_class,
                        "ServerConnectionException");
}

/* Each call gets a deadline of its own. */
static void test_call_deadline_starts_again_with_each_call(void **state)
{
    char version[32];

    (void)state;
    W.opt.call_timeout_ms = 1200;
    add_fixture(0, "ping_200.http");
    add_fixture(0, "ping_200.http");
    start(1);
    assert_int_equal(rucio_ping(&W.client, version, sizeof version), RUCIO_OK);
    W.sp.now_ms += 5000;
    assert_int_equal(rucio_ping(&W.client, version, sizeof version), RUCIO_OK);
}

/* A caller built with other sizes or switches than the library is
 * refused before its memory is touched. */
static void test_build_mismatch_refused_untouched(void **state)
{
    static unsigned char memory[sizeof(rucio_client) + 64];
    rucio_client *c = (rucio_client *)(void *)memory;

    (void)state;
    start_port(0);
    memset(memory, 0xa5, sizeof memory);
    assert_int_equal(rucio_client_init_checked(c, &W.opt,
                                               sizeof(rucio_client) - 8,
                                               sizeof(rucio_client_options),
                                               RUCIO_BUILD_SIGNATURE),
                     RUCIO_E_BUILD_MISMATCH);
    assert_int_equal(rucio_client_init_checked(c, &W.opt,
                                               sizeof(rucio_client),
                                               sizeof(rucio_client_options),
                                               RUCIO_BUILD_SIGNATURE ^ 1u),
                     RUCIO_E_BUILD_MISMATCH);
    for (size_t i = 0; i < sizeof memory; i++)
        assert_int_equal(memory[i], 0xa5);
    assert_non_null(strstr(rucio_strerror(RUCIO_E_BUILD_MISMATCH),
                           "configuration"));
    /* the same call with the library's own view works */
    assert_int_equal(rucio_client_init(c, &W.opt), RUCIO_OK);
    rucio_client_free(c);
}

/* Full jitter: with another random stream the pauses differ. */
static void test_backoff_pauses_differ_between_nodes(void **state)
{
    uint32_t first[2];
    char version[32];
    int round;

    (void)state;
    for (round = 0; round < 2; round++) {
        teardown(NULL);
        setup(NULL);
        add_text(0, reply_503, strlen(reply_503));
        add_text(0, reply_503, strlen(reply_503));
        add_fixture(0, "ping_200.http");
        start(1);
        W.sp.rng = round ? 0x12345678u : 0x9abcdef1u;
        assert_int_equal(rucio_ping(&W.client, version, sizeof version),
                         RUCIO_OK);
        assert_pause(0, 0, 250);
        assert_pause(1, 0, 500);
        if (round == 0)
            memcpy(first, W.sp.sleeps, sizeof first);
    }
    assert_true(first[0] != W.sp.sleeps[0] || first[1] != W.sp.sleeps[1]);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_ping_sends_exact_request_without_auth),
        T(test_userpass_headers_exact_and_token_kept),
        T(test_userpass_206_several_accounts),
        T(test_wrong_password_is_cannot_authenticate),
        T(test_whoami_follows_303_on_the_same_connection),
        T(test_signurl_query_exact_and_url_returned),
        T(test_signurl_query_encoding_matches_python),
        T(test_signurl_server_errors),
        T(test_success_clears_previous_error),
        T(test_signurl_output_too_small),
        T(test_refuses_bad_service),
        T(test_refuses_empty_service),
        T(test_refuses_bad_operation),
        T(test_refuses_empty_rse),
        T(test_refuses_null_rse),
        T(test_refuses_empty_url),
        T(test_refuses_relative_url),
        T(test_refuses_other_scheme),
        T(test_refuses_url_without_host),
        T(test_refuses_control_character_in_url),
        T(test_refuses_zero_lifetime),
        T(test_refuses_negative_lifetime),
        T(test_503_503_200_backs_off_with_full_jitter),
        T(test_three_503_returns_the_503_after_two_sleeps),
        T(test_retry_after_seconds),
        T(test_reset_before_response_retried_after_a_pause),
        T(test_refused_connection_retried_after_a_pause),
        T(test_connection_failures_exhaust_attempts),
        T(test_502_and_504_retried),
        T(test_auth_request_backs_off_too),
        T(test_retry_after_http_date),
        T(test_retry_after_bounded_by_timeout),
        T(test_retry_after_bounded_by_a_minute),
        T(test_read_timeout_not_retried),
        T(test_401_reauthenticates_once_then_succeeds),
        T(test_second_401_is_final),
        T(test_400_token_must_be_set_is_not_reauthenticated),
        T(test_401_on_anonymous_call_is_final),
        T(test_401_on_signurl_resends_same_query),
        T(test_token_missing_from_200),
        T(test_token_renewed_within_60_s_of_expiry),
        T(test_second_client_uses_cached_token),
        T(test_refused_cached_token_replaced),
        T(test_empty_cache_file_means_login),
        T(test_secrets_never_in_logs_or_errors),
        T(test_free_wipes_token_and_password),
        T(test_ssh_key_read_failure_leaves_no_key_text),
        T(test_same_host_authenticates_on_the_api_connection),
        T(test_redirect_to_other_host_refused),
        T(test_redirect_to_other_port_or_scheme_refused),
        T(test_redirect_in_other_spellings_refused),
        T(test_same_origin_absolute_redirect_followed),
        T(test_redirect_of_auth_request_refused),
        T(test_redirect_loop_ends),
        T(test_interim_responses_capped),
        T(test_interim_responses_up_to_the_cap_accepted),
        T(test_oversized_error_body_not_read_to_the_end),
        T(test_response_cut_after_its_head_not_retried),
        T(test_control_character_in_account_refused_before_sending),
        T(test_signed_url_that_is_not_one_url_refused),
        T(test_retry_after_past_the_deadline_not_waited_for),
        T(test_call_deadline_bounds_a_silent_server),
        T(test_call_deadline_starts_again_with_each_call),
        T(test_backoff_pauses_differ_between_nodes),
        T(test_build_mismatch_refused_untouched),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
