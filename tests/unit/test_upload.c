/*
 * Rucio's upload and download workflow (rucio/upload.h) on the scripted
 * port: one kept-alive connection to the Rucio host and one to the
 * storage, answered as the real Rucio 41.5.1 server answers (the JSON of
 * GET rses/<rse>, dids/<scope>/<name>/meta and the lines of
 * replicas/list, the 201 "Created", the errors with their ExceptionClass
 * header, all captured from tests/rucio-server on 2026-12-02; the
 * signed URLs are plain http here, the port having no TLS). Checked: the
 * exact requests (paths, methods, JSON bodies; the session token never
 * sent to the storage), Rucio's lfn2pfn, an existing DID or replica, a
 * file that changes while it is sent, the size the storage states, the
 * object deleted when nothing will be registered, RSEs rucio-lite cannot
 * write to, argument checks that send nothing, and a download that picks
 * the replica and verifies what it received against the catalogue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "client/catalog.h"
#include "rucio/client.h"
#include "rucio/upload.h"
#include "test/port_script.h"

/* Connections in the order they are opened: the Rucio host, the
 * storage, and a second one to the Rucio host for the tests whose first
 * one dies. */
enum { RUCIO = 0, STORE = 1, RUCIO_AGAIN = 2, CONNS = 3 };
#define TURNS 16

/* What one connection's server says, reply by reply, and what the
 * client sent it. */
typedef struct conv {
    char server[32768];
    size_t len;
    size_t turns[TURNS];
    size_t turn_count;
    uint8_t sent[32768];
} conv;

/* A body source that counts its reads and rewinds; after a rewind it
 * may give other bytes (a file changed while it was read). */
typedef struct source {
    const char *data;
    const char *after_rewind; /* NULL: the same bytes again */
    size_t pos;
    int reads;
    int rewinds;
} source;

typedef struct world {
    rucio_script_port sp;
    rucio_script_conn conns[CONNS];
    conv convs[CONNS];
    rucio_client_options opt;
    rucio_client client;
    source src;
    rucio_http_source body;
    rucio_upload_file file;
    rucio_upload_result up;
    rucio_download_result down;
    char received[256];
    size_t received_len;
} world;

static world W;

/* ---- the real server's answers -------------------------------------------- */

#define WERKZEUG                                                              \
    "Server: Werkzeug/3.1.9 Python/3.11.2\r\n"                                \
    "Date: Wed, 02 Dec 2026 17:28:08 GMT\r\n"
#define CORS                                                                  \
    "Access-Control-Allow-Origin: None\r\n"                                   \
    "Access-Control-Allow-Headers: None\r\n"                                  \
    "Access-Control-Allow-Methods: *\r\n"                                     \
    "Access-Control-Allow-Credentials: true\r\n"

/* The protocol the transfer suite gives S3-SITE (tests/transfer/
 * setup_rses.py), as GET rses/<rse> lists it. */
#define S3_PROTOCOL                                                           \
    "{\"hostname\": \"127.0.0.1\", \"scheme\": \"https\", \"port\": 9000, "   \
    "\"prefix\": \"/bucket/\", \"impl\": "                                    \
    "\"rucio.rse.protocols.webdav.NoRename\", \"domains\": {\"lan\": "        \
    "{\"read\": 1, \"write\": 1, \"delete\": 1}, \"wan\": {\"read\": 1, "     \
    "\"write\": 1, \"delete\": 1, \"third_party_copy_read\": 1, "             \
    "\"third_party_copy_write\": 1}}, \"extended_attributes\": null}"

static const char hello[] = "hello world";
#define HELLO_ADLER "1a0b045d"
#define HELLO_MD5 "5eb63bbbe01eeed093cb22bb8f5acdc3"
/* The same Adler-32 (+1 -1 -1 +1 on four bytes in a row), another MD5. */
static const char hello_same_adler[] = "idkmo world";

/* PFN of lite:up.dat on S3-SITE: Rucio's hash lfn2pfn, computed with the
 * rucio 41.5.1 package (RSEDeterministicTranslation(...).path gives
 * "lite/0a/df/up.dat"). */
#define UP_PFN "https://127.0.0.1:9000/bucket/lite/0a/df/up.dat"
#define UP_PFN_QUOTED                                                         \
    "https%3A%2F%2F127.0.0.1%3A9000%2Fbucket%2Flite%2F0a%2Fdf%2Fup.dat"
#define SIGNED(op) "http://s3.test:9000/bucket/lite/0a/df/up.dat?X-Amz-" op
#define STORE_PATH "/bucket/lite/0a/df/up.dat?X-Amz-Signature="

static void add_text(size_t conn, const char *text, size_t len)
{
    conv *cv = &W.convs[conn];

    assert_true(cv->len + len < sizeof cv->server);
    assert_true(cv->turn_count < TURNS);
    memcpy(cv->server + cv->len, text, len);
    cv->len += len;
    cv->turns[cv->turn_count++] = len;
}

static void add_str(size_t conn, const char *text)
{
    add_text(conn, text, strlen(text));
}

/* A Rucio answer with a body (Content-Length framed). */
static void rucio_reply(const char *status, const char *headers,
                        const char *type, const char *body)
{
    char buf[8192];
    int n = snprintf(buf, sizeof buf,
                     "HTTP/1.1 %s\r\n" WERKZEUG "Content-Type: %s\r\n%s"
                     "Content-Length: %zu\r\n" CORS "\r\n%s",
                     status, type, headers, strlen(body), body);

    assert_true(n > 0 && (size_t)n < sizeof buf);
    add_text(RUCIO, buf, (size_t)n);
}

static void rucio_json(const char *body)
{
    rucio_reply("200 OK", "", "application/json", body);
}

/* An error as the server words it: class and message in headers and in
 * a JSON body. */
static void rucio_refuses(const char *status, const char *cls,
                        const char *message)
{
    char headers[512], body[512];

    snprintf(headers, sizeof headers,
             "ExceptionClass: %s\r\nExceptionMessage: %s\r\n", cls, message);
    snprintf(body, sizeof body,
             "{\"ExceptionClass\": \"%s\", \"ExceptionMessage\": \"%s\"}", cls,
             message);
    rucio_reply(status, headers, "application/octet-stream", body);
}

static void rucio_created(void)
{
    rucio_reply("201 CREATED", "", "text/html; charset=utf-8", "Created");
}

static void rucio_signurl(const char *url)
{
    rucio_reply("200 OK", "", "text/html; charset=utf-8", url);
}

/* GET rses/<rse>, member for member as the server sends it. sign_url is
 * the JSON value ("\"s3\"" or "null"). */
static void rucio_rse(const char *rse, const char *deterministic,
                      const char *lfn2pfn, const char *protocols,
                      const char *sign_url)
{
    char body[4096];

    snprintf(body, sizeof body,
             "{\"availability_delete\": true, \"availability_read\": true, "
             "\"availability_write\": true, \"credentials\": null, "
             "\"deterministic\": %s, \"domain\": [\"lan\", \"wan\"], \"id\": "
             "\"43d05828025647d3a6d2b1d990254bbc\", \"lfn2pfn_algorithm\": "
             "\"%s\", \"protocols\": [%s], \"qos_class\": null, \"rse\": "
             "\"%s\", \"rse_type\": \"DISK\", \"sign_url\": %s, "
             "\"staging_area\": false, \"verify_checksum\": true, "
             "\"volatile\": false, \"availability\": 7}",
             deterministic, lfn2pfn, protocols, rse, sign_url);
    rucio_json(body);
}

static void rucio_s3_site(void)
{
    rucio_rse("S3-SITE", "true", "hash", S3_PROTOCOL, "\"s3\"");
}

static void rucio_did_not_found(void)
{
    rucio_refuses("404 NOT FOUND", "DataIdentifierNotFound",
                "Data identifier 'lite:up.dat' not found");
}

/* GET dids/<scope>/<name>/meta of a file DID (abridged: the members the
 * workflow reads, among some it does not). */
static void rucio_did_meta(const char *adler32, const char *md5)
{
    char body[1024];

    snprintf(body, sizeof body,
             "{\"monotonic\": false, \"length\": null, \"md5\": %s, "
             "\"adler32\": %s, \"name\": \"up.dat\", \"scope\": \"lite\", "
             "\"account\": \"root\", \"availability\": \"AVAILABLE\", "
             "\"did_type\": \"FILE\", \"is_open\": null, \"bytes\": 11, "
             "\"guid\": null}",
             md5, adler32);
    rucio_json(body);
}

/* replicas/list: application/x-json-stream, one chunk per line, as the
 * server streams it; no line at all is a Content-Length: 0 answer. */
static void rucio_lines(const char *const *lines, size_t count)
{
    char buf[16384];
    size_t n = 0, i;

    if (count == 0) {
        rucio_reply("200 OK", "", "application/x-json-stream", "");
        return;
    }
    n += (size_t)snprintf(buf, sizeof buf,
                          "HTTP/1.1 200 OK\r\n" WERKZEUG
                          "Content-Type: application/x-json-stream\r\n" CORS
                          "Transfer-Encoding: chunked\r\n\r\n");
    for (i = 0; i < count; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%zx\r\n%s\n\r\n",
                              strlen(lines[i]) + 1, lines[i]);
    n += (size_t)snprintf(buf + n, sizeof buf - n, "0\r\n\r\n");
    assert_true(n < sizeof buf);
    add_text(RUCIO, buf, n);
}

static void rucio_line(const char *line)
{
    rucio_lines(&line, 1);
}

/* The replica of lite:up.dat on S3-SITE in state `state`. */
static void rucio_replica_state(const char *state)
{
    char line[2048];

    snprintf(line, sizeof line,
             "{\"scope\": \"lite\", \"name\": \"up.dat\", \"bytes\": 11, "
             "\"md5\": \"" HELLO_MD5 "\", \"adler32\": \"" HELLO_ADLER "\", "
             "\"pfns\": {\"" SIGNED("Signature=l") "\": {\"rse_id\": "
             "\"43d05828025647d3a6d2b1d990254bbc\", \"rse\": \"S3-SITE\", "
             "\"type\": \"DISK\", \"volatile\": false, \"domain\": \"wan\", "
             "\"priority\": 1, \"client_extract\": false}}, \"rses\": "
             "{\"S3-SITE\": [\"" SIGNED("Signature=l") "\"]}, \"states\": "
             "{\"S3-SITE\": \"%s\"}}",
             state);
    rucio_line(line);
}

static const char store_ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
static const char store_deleted[] = "HTTP/1.1 204 No Content\r\n\r\n";

/* The answer to GET Range: bytes=0-0 of an object of `total` bytes. */
static void store_size(unsigned total)
{
    char buf[256];
    int n = snprintf(buf, sizeof buf,
                     "HTTP/1.1 206 Partial Content\r\n"
                     "Content-Range: bytes 0-0/%u\r\n"
                     "Content-Length: 1\r\n\r\nh",
                     total);

    add_text(STORE, buf, (size_t)n);
}

/* ---- set-up ------------------------------------------------------------------ */

static rucio_status src_read(void *user, uint8_t *buf, size_t cap,
                             size_t *out_n)
{
    source *s = user;
    const char *d = s->rewinds && s->after_rewind ? s->after_rewind : s->data;
    size_t len = strlen(d);
    size_t n = len - s->pos < cap ? len - s->pos : cap;

    memcpy(buf, d + s->pos, n);
    s->pos += n;
    s->reads++;
    *out_n = n;
    return RUCIO_OK;
}

static rucio_status src_rewind(void *user)
{
    source *s = user;

    s->pos = 0;
    s->rewinds++;
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

/* The body is `data`; lite:up.dat to S3-SITE. */
static void use_body(const char *data)
{
    W.src.data = data;
    W.body.read = src_read;
    W.body.rewind = src_rewind;
    W.body.user = &W.src;
    W.body.length = strlen(data);
    W.file.body = &W.body;
}

static int setup(void **state)
{
    rucio_client_options *o = &W.opt;

    (void)state;
    memset(&W, 0, sizeof W);
    rucio_client_options_default(o);
    o->port = &W.sp.port;
    o->no_config = 1;
    o->rucio_host = "http://rucio.test";
    o->auth_host = "http://rucio.test";
    o->account = "root";
    o->auth_type = "token";
    o->token = "tok-SESSION";
    o->timeout_ms = 5000;
    use_body(hello);
    W.file.rse = "S3-SITE";
    W.file.scope = "lite";
    W.file.name = "up.dat";
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rucio_client_free(&W.client);
    return 0;
}

/* The first `count` connections, each open after its last reply as a
 * kept-alive server connection is. */
static void start_conns(size_t count)
{
    size_t i;

    for (i = 0; i < count; i++) {
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
    rucio_script_port_init(&W.sp, W.conns, count);
    assert_int_equal(rucio_client_init(&W.client, &W.opt), RUCIO_OK);
}

/* The Rucio host and the storage. */
static void start(void)
{
    start_conns(2);
}

static rucio_status upload(void)
{
    return rucio_upload(&W.client, &W.file, NULL, &W.up);
}

static rucio_status download(const char *name, const char *rse_expression)
{
    rucio_http_sink sink = {collect, NULL};

    return rucio_download(&W.client, "lite", name, rse_expression, &sink,
                          NULL, &W.down);
}

static const rucio_error *last_error(void)
{
    return rucio_client_last_error(&W.client);
}

/* ---- what the client sent ----------------------------------------------------- */

typedef struct request {
    char head[8192];
    char body[4096];
} request;

/* Request k (from 0) sent on conn, head and body apart; NULL when there
 * are fewer. */
static const request *request_at(size_t conn, size_t k)
{
    static request r;
    const char *p = (const char *)W.convs[conn].sent;
    const char *end, *length;
    size_t head_len, body_len;

    for (;;) {
        end = strstr(p, "\r\n\r\n");
        if (!end)
            return NULL;
        head_len = (size_t)(end + 4 - p);
        assert_true(head_len < sizeof r.head);
        memcpy(r.head, p, head_len);
        r.head[head_len] = '\0';
        length = strstr(r.head, "\r\nContent-Length: ");
        body_len = length ? strtoul(length + 18, NULL, 10) : 0;
        assert_true(body_len < sizeof r.body);
        assert_true(strlen(end + 4) >= body_len);
        memcpy(r.body, end + 4, body_len);
        r.body[body_len] = '\0';
        if (k-- == 0)
            return &r;
        p = end + 4 + body_len;
    }
}

static size_t request_count(size_t conn)
{
    size_t n = 0;

    while (request_at(conn, n))
        n++;
    return n;
}

/* Request k on the Rucio host: its request line, the session's headers,
 * and its body ("" for none). */
static void assert_rucio_request(size_t k, const char *line, const char *body)
{
    const request *r = request_at(RUCIO, k);
    char want[2048];

    assert_non_null(r);
    snprintf(want, sizeof want, "%s HTTP/1.1\r\nHost: rucio.test\r\n", line);
    if (strncmp(r->head, want, strlen(want)) != 0)
        print_error("request %zu: %s\n", k, r->head);
    assert_memory_equal(r->head, want, strlen(want));
    assert_non_null(strstr(r->head, "X-Rucio-Auth-Token: tok-SESSION\r\n"));
    assert_non_null(strstr(r->head, "X-Rucio-Account: root\r\n"));
    assert_string_equal(r->body, body);
}

/* The storage gets the signed URL and nothing of the Rucio session. */
static void assert_store_request(size_t k, const char *exact)
{
    const request *r = request_at(STORE, k);
    char all[sizeof(request)];

    assert_non_null(r);
    snprintf(all, sizeof all, "%s%s", r->head, r->body);
    assert_string_equal(all, exact);
    assert_null(strstr(all, "tok-SESSION"));
    assert_null(strstr(all, "X-Rucio"));
}

/* The client's first requests of every upload to S3-SITE. */
#define GET_RSE "GET /rses/S3-SITE"
#define GET_META "GET /dids/lite/up.dat/meta"
#define SIGNURL(op)                                                           \
    "GET /credentials/signurl?lifetime=3600&rse=S3-SITE&svc=s3&op=" op        \
    "&url=" UP_PFN_QUOTED

#define PUT_HELLO                                                             \
    "PUT " STORE_PATH "w HTTP/1.1\r\nHost: s3.test:9000\r\n"                  \
    "Content-Length: 11\r\n\r\nhello world"
#define GET_FIRST_BYTE                                                        \
    "GET " STORE_PATH "r HTTP/1.1\r\nHost: s3.test:9000\r\n"                  \
    "Range: bytes=0-0\r\n\r\n"
#define DELETE_OBJECT                                                         \
    "DELETE " STORE_PATH "d HTTP/1.1\r\nHost: s3.test:9000\r\n\r\n"

#define NEW_REPLICA                                                           \
    "{\"rse\":\"S3-SITE\",\"files\":[{\"scope\":\"lite\",\"name\":"           \
    "\"up.dat\",\"bytes\":11,\"adler32\":\"" HELLO_ADLER "\",\"md5\":\""      \
    HELLO_MD5 "\",\"state\":\"A\"}],\"ignore_availability\":true}"

#define FILE_RULE                                                             \
    "{\"dids\":[{\"scope\":\"lite\",\"name\":\"up.dat\"}],\"copies\":1,"      \
    "\"rse_expression\":\"S3-SITE\",\"weight\":null,\"lifetime\":null,"       \
    "\"grouping\":\"DATASET\",\"account\":null,\"locked\":false,"             \
    "\"source_replica_expression\":null,\"activity\":null,\"notify\":\"N\","  \
    "\"purge_replicas\":false,\"ignore_availability\":false,\"comment\":"     \
    "null,\"ask_approval\":false,\"asynchronous\":false,\"delay_injection\":" \
    "null,\"priority\":3,\"meta\":null}"

/* The storage side of an upload that arrives whole: PUT, then the size. */
static void store_put_and_size(void)
{
    add_str(STORE, store_ok);
    store_size(11);
}

/* The Rucio side up to the signed URLs, for a new DID. */
static void rucio_new_file_until_signed(void)
{
    rucio_s3_site();
    rucio_did_not_found();
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl(SIGNED("Signature=r"));
}

/* ---- upload ------------------------------------------------------------------ */

/* A new file, no dataset: every request of the workflow, in order. */
static void test_upload_new_file_with_a_rule(void **state)
{
    (void)state;
    rucio_new_file_until_signed();
    rucio_created();
    rucio_reply("201 CREATED", "", "text/html; charset=utf-8",
                "[\"13b67abcb2be461fba5bf4f2a1343c8c\"]");
    store_put_and_size();
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_string_equal(W.up.scope, "lite");
    assert_string_equal(W.up.pfn, UP_PFN);
    assert_int_equal(W.up.already_there, 0);
    assert_int_equal(W.up.transfer.bytes, 11);
    assert_string_equal(W.up.transfer.adler32, HELLO_ADLER);
    assert_string_equal(W.up.transfer.md5, HELLO_MD5);
    assert_int_equal(request_count(RUCIO), 6);
    assert_rucio_request(0, GET_RSE, "");
    assert_rucio_request(1, GET_META, "");
    assert_rucio_request(2, SIGNURL("write"), "");
    assert_rucio_request(3, SIGNURL("read"), "");
    assert_rucio_request(4, "POST /replicas", NEW_REPLICA);
    assert_rucio_request(5, "POST /rules/", FILE_RULE);
    assert_int_equal(request_count(STORE), 2);
    assert_store_request(0, PUT_HELLO);
    assert_store_request(1, GET_FIRST_BYTE);
    /* one connection each, kept alive */
    assert_int_equal(W.sp.next_conn, 2);
    /* read once for the checksums, rewound once, read again for the PUT */
    assert_int_equal(W.src.rewinds, 1);
    assert_int_equal(last_error()->status, RUCIO_OK);
}

/* No scope: user.<account>, whose dots become directories, on an RSE
 * with lfn2pfn identity; of several protocols the https one of highest
 * write priority on the wan (1 is first, 0 does not write), and a
 * prefix without slashes gets both. Python's identity gives
 * "user/root/data.file". */
static void test_upload_identity_user_scope_best_protocol(void **state)
{
    static const char protocols[] =
        "{\"hostname\": \"root.test\", \"scheme\": \"root\", \"port\": 1094, "
        "\"prefix\": \"/x/\", \"domains\": {\"lan\": {\"write\": 1}, \"wan\": "
        "{\"read\": 1, \"write\": 1, \"delete\": 1}}}, "
        "{\"hostname\": \"slow.test\", \"scheme\": \"https\", \"port\": 443, "
        "\"prefix\": \"/slow/\", \"domains\": {\"lan\": {\"write\": 1}, "
        "\"wan\": {\"read\": 1, \"write\": 3, \"delete\": 1}}}, "
        "{\"hostname\": \"127.0.0.1\", \"scheme\": \"https\", \"port\": "
        "8443, \"prefix\": \"bucket\", \"domains\": {\"lan\": {\"write\": 0}, "
        "\"wan\": {\"read\": 2, \"write\": 2, \"delete\": 2}}}, "
        "{\"hostname\": \"ro.test\", \"scheme\": \"https\", \"port\": 443, "
        "\"prefix\": \"/\", \"domains\": {\"lan\": {\"write\": 1}, \"wan\": "
        "{\"read\": 1, \"write\": 0, \"delete\": 1}}}, "
        "{\"hostname\": \"later.test\", \"scheme\": \"https\", \"port\": "
        "443, \"prefix\": \"/\", \"domains\": {\"wan\": {\"write\": 5}}}, "
        "{\"hostname\": \"odd.test\", \"scheme\": \"davs-over-https\", "
        "\"port\": 443, \"prefix\": \"/\", \"domains\": {\"wan\": "
        "{\"write\": 1}}}";
    static const char pfn[] = "https://127.0.0.1:8443/bucket/user/root/"
                              "data.file";
    const request *r;

    (void)state;
    W.file.scope = NULL;
    W.file.name = "data.file";
    rucio_rse("S3-IDENT", "true", "identity", protocols, "\"s3\"");
    rucio_refuses("404 NOT FOUND", "DataIdentifierNotFound",
                "Data identifier 'user.root:data.file' not found");
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl(SIGNED("Signature=r"));
    rucio_created();
    rucio_reply("201 CREATED", "", "text/html; charset=utf-8", "[\"1\"]");
    store_put_and_size();
    W.file.rse = "S3-IDENT";
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_string_equal(W.up.scope, "user.root");
    assert_string_equal(W.up.pfn, pfn);
    assert_rucio_request(1, "GET /dids/user.root/data.file/meta", "");
    r = request_at(RUCIO, 2);
    assert_non_null(strstr(r->head, "&url=https%3A%2F%2F127.0.0.1%3A8443%2F"
                                    "bucket%2Fuser%2Froot%2Fdata.file "));
    r = request_at(RUCIO, 5);
    assert_memory_equal(r->head, "POST /rules/ ", 13);
    assert_non_null(strstr(r->body, "{\"dids\":[{\"scope\":\"user.root\","
                                    "\"name\":\"data.file\"}],\"copies\":1,"
                                    "\"rse_expression\":\"S3-IDENT\","));
}

/* Hash with a user scope: the md5 is of "user.root:data.file" (the
 * scope as it is), the directories of the scope with its dots split.
 * Python gives "user/root/42/aa/data.file". */
static void test_upload_hash_of_a_user_scope(void **state)
{
    (void)state;
    W.file.scope = "user.root";
    W.file.name = "data.file";
    rucio_s3_site();
    rucio_did_not_found();
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl(SIGNED("Signature=r"));
    rucio_created();
    rucio_reply("201 CREATED", "", "text/html; charset=utf-8", "[\"1\"]");
    store_put_and_size();
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_string_equal(W.up.pfn, "https://127.0.0.1:9000/bucket/user/root/"
                                  "42/aa/data.file");
}

/* A dataset: created with a rule on the RSE (an existing one is fine,
 * as for rucio upload), the replica, then the attachment; no rule for
 * the file. */
static void test_upload_into_an_existing_dataset(void **state)
{
    (void)state;
    W.file.dataset_scope = "lite";
    W.file.dataset_name = "ds 1";
    rucio_new_file_until_signed();
    rucio_refuses("409 CONFLICT", "DataIdentifierAlreadyExists",
                "Data Identifier already exists!");
    rucio_created();
    rucio_created();
    store_put_and_size();
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_int_equal(request_count(RUCIO), 7);
    assert_rucio_request(
        4, "POST /dids/lite/ds+1",
        "{\"type\":\"DATASET\",\"lifetime\":null,\"rules\":[{\"account\":"
        "\"root\",\"copies\":1,\"rse_expression\":\"S3-SITE\",\"grouping\":"
        "\"DATASET\",\"lifetime\":null}]}");
    assert_rucio_request(5, "POST /replicas", NEW_REPLICA);
    assert_rucio_request(6, "POST /dids/lite/ds+1/dids",
                         "{\"dids\":[{\"scope\":\"lite\",\"name\":"
                         "\"up.dat\"}]}");
    assert_int_equal(last_error()->status, RUCIO_OK);
    assert_string_equal(last_error()->exception_class, "");
}

/* A dataset that cannot be created (not the tolerated class): nothing
 * registered, the object deleted. */
static void test_upload_dataset_refused_deletes_the_object(void **state)
{
    (void)state;
    W.file.dataset_scope = "other";
    W.file.dataset_name = "ds";
    rucio_new_file_until_signed();
    rucio_refuses("404 NOT FOUND", "ScopeNotFound",
                "Scope 'other' not found");
    rucio_signurl(SIGNED("Signature=d"));
    store_put_and_size();
    add_str(STORE, store_deleted);
    start();
    assert_int_equal(upload(), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class, "ScopeNotFound");
    assert_int_equal(request_count(RUCIO), 6);
    assert_rucio_request(5, SIGNURL("delete"), "");
    assert_store_request(2, DELETE_OBJECT);
}

/* The DID exists with the same Adler-32 (the catalogue may drop leading
 * zeros) and its replica is AVAILABLE: nothing to move, nothing reaches
 * the storage. */
static void test_upload_already_there(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_did_meta("\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\"");
    rucio_replica_state("AVAILABLE");
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_int_equal(W.up.already_there, 1);
    assert_int_equal(W.up.transfer.bytes, 11);
    assert_string_equal(W.up.transfer.adler32, HELLO_ADLER);
    assert_string_equal(W.up.transfer.md5, HELLO_MD5);
    assert_string_equal(W.up.pfn, UP_PFN);
    assert_int_equal(request_count(RUCIO), 3);
    assert_rucio_request(2, "POST /replicas/list",
                         "{\"dids\":[{\"scope\":\"lite\",\"name\":\"up.dat\"}],"
                         "\"schemes\":[\"https\"],\"all_states\":true,"
                         "\"resolve_archives\":true,\"resolve_parents\":false,"
                         "\"rse_expression\":\"S3-SITE\"}");
    assert_int_equal(W.sp.next_conn, 1);
}

/* Leading zeros: "0062" and "00000062" are one Adler-32 to Rucio. */
static void test_upload_already_there_adler_without_leading_zeros(
    void **state)
{
    (void)state;
    use_body("a");
    W.file.adler32 = "00620062";
    W.file.md5 = "0cc175b9c0f1b6a831c399e269772661";
    rucio_s3_site();
    rucio_did_meta("\"620062\"", "null");
    rucio_replica_state("AVAILABLE");
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_int_equal(W.up.already_there, 1);
    assert_int_equal(W.sp.next_conn, 1);
}

/* The DID exists with another Adler-32: refused as Python refuses it,
 * before anything is signed or sent. */
static void test_upload_other_content_refused(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_did_meta("\"0badcafe\"", "null");
    start();
    assert_int_equal(upload(), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class,
                        "DataIdentifierAlreadyExists");
    assert_non_null(strstr(last_error()->message, "0badcafe"));
    assert_int_equal(request_count(RUCIO), 2);
    assert_int_equal(W.sp.next_conn, 1);
}

/* A replica an earlier attempt left COPYING: the object is sent again
 * and the replica made AVAILABLE with PUT replicas; the DID existed, so
 * no rule. */
static void test_upload_replica_left_copying_is_completed(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_did_meta("\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\"");
    rucio_replica_state("COPYING");
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl(SIGNED("Signature=r"));
    rucio_reply("200 OK", "", "text/html; charset=utf-8", "");
    store_put_and_size();
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_int_equal(W.up.already_there, 0);
    assert_int_equal(request_count(RUCIO), 6);
    assert_rucio_request(5, "PUT /replicas",
                         "{\"rse\":\"S3-SITE\",\"files\":[{\"scope\":\"lite\","
                         "\"name\":\"up.dat\",\"state\":\"A\"}]}");
    assert_store_request(0, PUT_HELLO);
}

/* The kept-alive connection to Rucio dies under PUT replicas (no byte of
 * an answer): an idempotent request, sent again whole on a new
 * connection, its JSON body read again from the start. */
static void test_upload_put_replicas_resent_on_a_new_connection(void **state)
{
    static const char put_replicas[] =
        "{\"rse\":\"S3-SITE\",\"files\":[{\"scope\":\"lite\",\"name\":"
        "\"up.dat\",\"state\":\"A\"}]}";
    const request *r;

    (void)state;
    rucio_s3_site();
    rucio_did_meta("\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\"");
    rucio_replica_state("COPYING");
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl(SIGNED("Signature=r"));
    add_text(RUCIO, "", 0); /* PUT replicas is read, then the end */
    store_put_and_size();
    add_str(RUCIO_AGAIN, "HTTP/1.1 200 OK\r\n" WERKZEUG
                         "Content-Type: text/html; charset=utf-8\r\n"
                         "Content-Length: 0\r\n\r\n");
    start_conns(3);
    W.conns[RUCIO].hang_at_end = 0;
    assert_int_equal(upload(), RUCIO_OK);
    assert_int_equal(W.sp.next_conn, 3);
    assert_rucio_request(5, "PUT /replicas", put_replicas);
    r = request_at(RUCIO_AGAIN, 0);
    assert_non_null(r);
    assert_memory_equal(r->head, "PUT /replicas HTTP/1.1\r\n", 24);
    assert_string_equal(r->body, put_replicas);
    assert_int_equal(request_count(RUCIO_AGAIN), 1);
}

/* The DID exists, no replica on this RSE (replicas/list has no line):
 * a new replica, no rule (the DID has its rules). */
static void test_upload_existing_did_without_replica_here(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_did_meta("\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\"");
    rucio_lines(NULL, 0);
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl(SIGNED("Signature=r"));
    rucio_created();
    store_put_and_size();
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_int_equal(request_count(RUCIO), 6);
    assert_rucio_request(5, "POST /replicas", NEW_REPLICA);
}

/* The file changes between the checksum pass and the PUT: the object is
 * deleted and nothing registered. First only the MD5 differs (the bytes
 * keep their Adler-32), then both. */
static void changed_while_sent(const char *later, const char *what)
{
    W.src.after_rewind = later;
    rucio_s3_site();
    rucio_did_not_found();
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl(SIGNED("Signature=d"));
    add_str(STORE, store_ok);
    add_str(STORE, store_deleted);
    start();
    assert_int_equal(upload(), RUCIO_E_CHECKSUM);
    assert_non_null(strstr(last_error()->message, what));
    assert_int_equal(last_error()->status, RUCIO_E_CHECKSUM);
    assert_int_equal(request_count(RUCIO), 4);
    assert_rucio_request(3, SIGNURL("delete"), "");
    assert_int_equal(request_count(STORE), 2);
    assert_store_request(1, DELETE_OBJECT);
}

static void test_upload_file_changed_md5_only(void **state)
{
    (void)state;
    changed_while_sent(hello_same_adler, "(md5)");
}

static void test_upload_file_changed(void **state)
{
    (void)state;
    changed_while_sent("hello worle", "(adler32)");
}

/* The storage states another size than the bytes sent. */
static void test_upload_stored_size_differs(void **state)
{
    (void)state;
    rucio_new_file_until_signed();
    rucio_signurl(SIGNED("Signature=d"));
    add_str(STORE, store_ok);
    store_size(10);
    add_str(STORE, store_deleted);
    start();
    assert_int_equal(upload(), RUCIO_E_CHECKSUM);
    assert_string_equal(last_error()->message,
                        "the storage holds 10 bytes where 11 bytes were sent; "
                        "nothing registered");
    assert_int_equal(request_count(RUCIO), 5);
    assert_store_request(2, DELETE_OBJECT);
}

/* The storage refuses the size request: its error, the object deleted
 * (best effort: the DELETE refused too leaves the first error). */
static void test_upload_size_request_refused(void **state)
{
    static const char denied[] =
        "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\n"
        "Content-Length: 61\r\n\r\n"
        "<Error><Code>AccessDenied</Code><Message>no</Message></Error>";

    (void)state;
    rucio_new_file_until_signed();
    rucio_signurl(SIGNED("Signature=d"));
    add_str(STORE, store_ok);
    add_str(STORE, denied);
    add_str(STORE, denied);
    start();
    assert_int_equal(upload(), RUCIO_E_STORAGE);
    assert_string_equal(last_error()->exception_class, "AccessDenied");
    assert_int_equal(request_count(STORE), 3);
    assert_store_request(2, DELETE_OBJECT);
}

/* An empty file: S3 answers the first byte's Range with 416 and no
 * Content-Range; the size is 0. */
static void test_upload_empty_file_416_without_range(void **state)
{
    static const char invalid_range[] =
        "HTTP/1.1 416 Requested Range Not Satisfiable\r\n"
        "Content-Type: application/xml\r\nContent-Length: 52\r\n\r\n"
        "<Error><Code>InvalidRange</Code><Message/></Error>\r\n";

    (void)state;
    use_body("");
    rucio_new_file_until_signed();
    rucio_created();
    rucio_created();
    add_str(STORE, store_ok);
    add_str(STORE, invalid_range);
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_int_equal(W.up.transfer.bytes, 0);
    assert_string_equal(W.up.transfer.adler32, "00000001");
    assert_non_null(strstr(request_at(RUCIO, 4)->body,
                           "\"bytes\":0,\"adler32\":\"00000001\",\"md5\":"
                           "\"d41d8cd98f00b204e9800998ecf8427e\""));
}

/* A 416 that states the size ("bytes * /0"), as nginx sends it. */
static void test_upload_empty_file_416_with_size(void **state)
{
    static const char invalid_range[] =
        "HTTP/1.1 416 Requested Range Not Satisfiable\r\n"
        "Content-Range: bytes */0\r\nContent-Length: 0\r\n\r\n";

    (void)state;
    use_body("");
    rucio_new_file_until_signed();
    rucio_created();
    rucio_created();
    add_str(STORE, store_ok);
    add_str(STORE, invalid_range);
    start();
    assert_int_equal(upload(), RUCIO_OK);
}

/* A 416 stating another size than the 0 bytes sent. */
static void test_upload_416_with_another_size(void **state)
{
    static const char invalid_range[] =
        "HTTP/1.1 416 Requested Range Not Satisfiable\r\n"
        "Content-Range: bytes */7\r\nContent-Length: 0\r\n\r\n";

    (void)state;
    use_body("");
    rucio_new_file_until_signed();
    rucio_signurl(SIGNED("Signature=d"));
    add_str(STORE, store_ok);
    add_str(STORE, invalid_range);
    add_str(STORE, store_deleted);
    start();
    assert_int_equal(upload(), RUCIO_E_CHECKSUM);
}

/* A storage that ignores Range: the 200's Content-Length is the size
 * (the body is read and dropped). */
static void test_upload_size_from_a_200(void **state)
{
    static const char whole[] = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n"
                                "\r\nhello world";

    (void)state;
    rucio_new_file_until_signed();
    rucio_created();
    rucio_created();
    add_str(STORE, store_ok);
    add_str(STORE, whole);
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_int_equal(W.up.transfer.bytes, 11);
}

/* A success that states no size (a 206 from another byte, a 204) is a
 * bad answer: the object is deleted. */
static void size_not_stated(const char *answer)
{
    rucio_new_file_until_signed();
    rucio_signurl(SIGNED("Signature=d"));
    add_str(STORE, store_ok);
    add_str(STORE, answer);
    add_str(STORE, store_deleted);
    start();
    assert_int_equal(upload(), RUCIO_E_BAD_ANSWER);
    assert_non_null(strstr(last_error()->message, "did not state"));
    assert_store_request(2, DELETE_OBJECT);
}

static void test_upload_size_not_stated_206(void **state)
{
    (void)state;
    size_not_stated("HTTP/1.1 206 Partial Content\r\n"
                    "Content-Range: bytes 1-1/11\r\nContent-Length: 1\r\n\r\n"
                    "e");
}

static void test_upload_size_not_stated_204(void **state)
{
    (void)state;
    size_not_stated("HTTP/1.1 204 No Content\r\n\r\n");
}

static void test_upload_size_not_stated_chunked_200(void **state)
{
    (void)state;
    size_not_stated("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "1\r\nh\r\n0\r\n\r\n");
}

/* A 416 whose Content-Range is not "bytes * /size" (here "bytes=" as
 * some servers misspell it): the empty object's size, 0. */
static void test_upload_416_with_a_misspelt_range(void **state)
{
    (void)state;
    use_body("");
    rucio_new_file_until_signed();
    rucio_created();
    rucio_created();
    add_str(STORE, store_ok);
    add_str(STORE, "HTTP/1.1 416 Requested Range Not Satisfiable\r\n"
                   "Content-Range: bytes=*/0\r\nContent-Length: 0\r\n\r\n");
    start();
    assert_int_equal(upload(), RUCIO_OK);
}

/* The storage closes the connection after the PUT and cannot be
 * reached again: the size is unknown, the upload fails with the
 * connection's error (the DELETE cannot go out either). */
static void test_upload_storage_gone_before_the_size(void **state)
{
    (void)state;
    rucio_new_file_until_signed();
    rucio_signurl(SIGNED("Signature=d"));
    add_str(STORE, store_ok);
    start();
    W.conns[STORE].hang_at_end = 0;
    assert_int_equal(upload(), RUCIO_E_CONNECT);
    assert_string_equal(last_error()->exception_class,
                        "ServerConnectionException");
    assert_string_equal(last_error()->message,
                        "storage: connecting to s3.test:9000: connection "
                        "failed");
    assert_int_equal(request_count(RUCIO), 5);
}

/* Registering the replica fails: the object is deleted, the server's
 * error kept. */
static void test_upload_registration_failure_deletes_the_object(void **state)
{
    (void)state;
    rucio_new_file_until_signed();
    rucio_refuses("409 CONFLICT", "Duplicate", "Replica already exists!");
    rucio_signurl(SIGNED("Signature=d"));
    store_put_and_size();
    add_str(STORE, store_deleted);
    start();
    assert_int_equal(upload(), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class, "Duplicate");
    assert_string_equal(last_error()->message, "Replica already exists!");
    assert_int_equal(request_count(RUCIO), 6);
    assert_rucio_request(5, SIGNURL("delete"), "");
    assert_store_request(2, DELETE_OBJECT);
}

/* A rule POST resent after a lost connection may find its rule made:
 * DuplicateRule is success. */
static void test_upload_duplicate_rule_is_success(void **state)
{
    (void)state;
    rucio_new_file_until_signed();
    rucio_created();
    rucio_refuses("409 CONFLICT", "DuplicateRule", "A duplicate rule exists");
    store_put_and_size();
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_int_equal(last_error()->status, RUCIO_OK);
}

/* The rule after the replica fails: the replica stays (it is the
 * catalogue's now), the error is returned. */
static void test_upload_rule_refused(void **state)
{
    (void)state;
    rucio_new_file_until_signed();
    rucio_created();
    rucio_refuses("409 CONFLICT", "InsufficientAccountLimit",
                  "There is insufficient quota");
    store_put_and_size();
    start();
    assert_int_equal(upload(), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class,
                        "InsufficientAccountLimit");
    assert_int_equal(request_count(STORE), 2);
}

/* The signature for the PUT is refused: nothing reaches the storage. */
static void test_upload_signing_refused(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_did_not_found();
    rucio_refuses("500 INTERNAL SERVER ERROR", "AccessDenied",
                "Account root can not sign URLs");
    start();
    assert_int_equal(upload(), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class, "AccessDenied");
    assert_int_equal(W.sp.next_conn, 1);
}

/* RSEs rucio-lite cannot write to: refused after GET rses/<rse>. */
static void unsupported(const char *deterministic, const char *lfn2pfn,
                        const char *protocols, const char *sign_url,
                        const char *words)
{
    rucio_rse("S3-SITE", deterministic, lfn2pfn, protocols, sign_url);
    start();
    assert_int_equal(upload(), RUCIO_E_UNSUPPORTED);
    if (!strstr(last_error()->message, words))
        print_error("message: %s\n", last_error()->message);
    assert_non_null(strstr(last_error()->message, words));
    assert_int_equal(request_count(RUCIO), 1);
    assert_int_equal(W.sp.next_conn, 1);
}

static void test_upload_rse_without_sign_url(void **state)
{
    (void)state;
    unsupported("true", "hash", S3_PROTOCOL, "null", "no sign_url");
}

static void test_upload_rse_without_https_protocol(void **state)
{
    (void)state;
    unsupported("true", "hash", "", "\"s3\"", "no https protocol for write");
}

static void test_upload_rse_https_without_wan_write(void **state)
{
    (void)state;
    unsupported("true", "hash",
                "{\"hostname\": \"h\", \"scheme\": \"https\", \"port\": 443, "
                "\"prefix\": \"/\", \"domains\": {\"lan\": {\"write\": 1}, "
                "\"wan\": {\"read\": 1, \"write\": null}}}",
                "\"s3\"", "no https protocol for write");
}

static void test_upload_rse_other_lfn2pfn(void **state)
{
    (void)state;
    unsupported("true", "atlas_rucio", S3_PROTOCOL, "\"s3\"",
                "lfn2pfn algorithm \"atlas_rucio\"");
}

static void test_upload_non_deterministic_needs_a_pfn(void **state)
{
    (void)state;
    unsupported("false", "hash", S3_PROTOCOL, "\"s3\"", "give the PFN");
    assert_string_equal(last_error()->exception_class,
                        "InputValidationError");
}

/* The server's "default" is hash, as is an empty algorithm. */
static void test_upload_lfn2pfn_default_is_hash(void **state)
{
    (void)state;
    rucio_rse("S3-SITE", "true", "default", S3_PROTOCOL, "\"s3\"");
    rucio_did_not_found();
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl(SIGNED("Signature=r"));
    rucio_created();
    rucio_created();
    store_put_and_size();
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_string_equal(W.up.pfn, UP_PFN);
}

/* A non-deterministic RSE with the PFN given: used as it is, and
 * registered with the replica. */
static void test_upload_non_deterministic_with_pfn(void **state)
{
    static const char pfn[] = "https://127.0.0.1:9000/bucket/nondet/x/up.dat";

    (void)state;
    W.file.pfn = pfn;
    rucio_rse("S3-SITE", "false", "hash", S3_PROTOCOL, "\"s3\"");
    rucio_did_not_found();
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl(SIGNED("Signature=r"));
    rucio_created();
    rucio_created();
    store_put_and_size();
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_string_equal(W.up.pfn, pfn);
    assert_non_null(strstr(request_at(RUCIO, 2)->head,
                           "&url=https%3A%2F%2F127.0.0.1%3A9000%2Fbucket%2F"
                           "nondet%2Fx%2Fup.dat "));
    assert_rucio_request(
        4, "POST /replicas",
        "{\"rse\":\"S3-SITE\",\"files\":[{\"scope\":\"lite\",\"name\":"
        "\"up.dat\",\"bytes\":11,\"adler32\":\"" HELLO_ADLER "\",\"md5\":\""
        HELLO_MD5 "\",\"pfn\":\"https://127.0.0.1:9000/bucket/nondet/x/"
        "up.dat\",\"state\":\"A\"}],\"ignore_availability\":true}");
}

/* The caller's checksums: no first pass, a source that cannot rewind
 * will do, and the bytes sent are checked against them. */
static void test_upload_with_given_checksums(void **state)
{
    (void)state;
    W.body.rewind = NULL;
    W.file.adler32 = HELLO_ADLER;
    W.file.md5 = HELLO_MD5;
    rucio_new_file_until_signed();
    rucio_created();
    rucio_created();
    store_put_and_size();
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_int_equal(W.src.rewinds, 0);
    assert_rucio_request(4, "POST /replicas", NEW_REPLICA);
}

/* Given checksums that the bytes do not have: as a file that changed. */
static void test_upload_given_checksums_wrong(void **state)
{
    (void)state;
    W.file.adler32 = "1a0c045e";
    W.file.md5 = "18c5650581f01f1a52c87eee5baa754a";
    rucio_s3_site();
    rucio_did_not_found();
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl(SIGNED("Signature=d"));
    add_str(STORE, store_ok);
    add_str(STORE, store_deleted);
    start();
    assert_int_equal(upload(), RUCIO_E_CHECKSUM);
    assert_store_request(1, DELETE_OBJECT);
}

/* A source that fails or ends early in the checksum pass. */
static rucio_status failing_read(void *user, uint8_t *buf, size_t cap,
                                 size_t *out_n)
{
    (void)user;
    (void)buf;
    (void)cap;
    *out_n = 0;
    return RUCIO_E_FILE;
}

static void test_upload_source_fails_in_the_checksum_pass(void **state)
{
    (void)state;
    rucio_s3_site();
    start();
    W.body.read = failing_read;
    assert_int_equal(upload(), RUCIO_E_FILE);
    assert_non_null(strstr(last_error()->message, "after 0 of 11 bytes"));
    assert_int_equal(request_count(RUCIO), 1);
}

/* A source that ends before its stated length. */
static void test_upload_source_shorter_than_stated(void **state)
{
    (void)state;
    rucio_s3_site();
    start();
    W.body.length = 20;
    assert_int_equal(upload(), RUCIO_E_CHECKSUM);
    assert_non_null(strstr(last_error()->message, "after 11 of 20 bytes"));
    assert_int_equal(W.sp.next_conn, 1);
}

/* Arguments: each refused before anything is sent. */
static void refused(const char *words)
{
    assert_int_equal(upload(), RUCIO_E_INVALID_ARG);
    if (!strstr(last_error()->message, words))
        print_error("message: %s\n", last_error()->message);
    assert_non_null(strstr(last_error()->message, words));
    assert_int_equal(W.sp.next_conn, 0);
}

static void test_upload_arguments_refused(void **state)
{
    rucio_upload_file saved;
    rucio_http_source no_read = {NULL, NULL, NULL, 1};

    (void)state;
    start();
    assert_int_equal(rucio_upload(NULL, &W.file, NULL, NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_upload(&W.client, NULL, NULL, NULL),
                     RUCIO_E_INVALID_ARG);
    saved = W.file;
    W.file.rse = NULL;
    refused("an RSE and a name");
    W.file = saved;
    W.file.rse = "";
    refused("an RSE and a name");
    W.file = saved;
    W.file.name = NULL;
    refused("an RSE and a name");
    W.file = saved;
    W.file.body = NULL;
    refused("body source");
    W.file.body = &no_read;
    refused("body source");
    W.file = saved;
    W.file.dataset_scope = "lite";
    refused("both a scope and a name");
    W.file = saved;
    W.file.dataset_name = "ds";
    refused("both a scope and a name");
    W.file = saved;
    W.file.adler32 = HELLO_ADLER; /* md5 missing */
    refused("both given");
    W.file.md5 = "5EB63BBBE01EEED093CB22BB8F5ACDC3"; /* upper case */
    refused("lower-case hex");
    W.file.md5 = HELLO_MD5;
    W.file.adler32 = "1a0b045"; /* 7 digits */
    refused("8 (adler32)");
    W.file.adler32 = "1a0b045g";
    refused("8 (adler32)");
    W.file = saved;
    W.file.md5 = HELLO_MD5; /* adler32 missing */
    refused("both given");
    W.file = saved;
    W.body.rewind = NULL;
    refused("must rewind");
    W.body.rewind = src_rewind;
    W.file.scope = "a-scope-name-longer-than-31-chars";
    refused("scope too long");
    W.file.scope = "";
    W.client._internal.settings.account[0] = '\0';
    refused("no scope given and no account");
    memset(W.client._internal.settings.account, 'a',
           sizeof W.client._internal.settings.account - 1);
    refused("account too long");
    assert_int_equal(W.src.reads, 0);
}

/* ---- the RSE and the DID: answers that are not what they should be ---------- */

static void test_upload_rse_answer_not_an_object(void **state)
{
    (void)state;
    rucio_json("[]");
    start();
    assert_int_equal(upload(), RUCIO_E_JSON);
    assert_non_null(strstr(last_error()->message, "not a JSON object"));
}

static void test_upload_rse_protocol_without_hostname(void **state)
{
    (void)state;
    rucio_rse("S3-SITE", "true", "hash",
              "{\"hostname\": \"\", \"scheme\": \"https\", \"port\": 0, "
              "\"prefix\": \"/\", \"domains\": {\"wan\": {\"write\": 1}}}",
              "\"s3\"");
    start();
    assert_int_equal(upload(), RUCIO_E_JSON);
    assert_non_null(strstr(last_error()->message, "hostname"));
}

static void test_upload_rse_lfn2pfn_too_long(void **state)
{
    (void)state;
    rucio_rse("S3-SITE", "true", "an-algorithm-name-of-more-than-32-chars",
              S3_PROTOCOL, "\"s3\"");
    start();
    assert_int_equal(upload(), RUCIO_E_JSON);
}

static void test_upload_rse_not_found(void **state)
{
    (void)state;
    rucio_refuses("404 NOT FOUND", "RSENotFound",
                "RSE 'S3-SITE' cannot be found in vo 'def'");
    start();
    assert_int_equal(upload(), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class, "RSENotFound");
}

static void test_upload_did_checksum_too_long(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_did_meta("\"1a0b045d0\"", "null");
    start();
    assert_int_equal(upload(), RUCIO_E_JSON);
    assert_non_null(strstr(last_error()->message, "checksums of the DID"));
}

static void test_upload_replica_state_unreadable(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_did_meta("\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\"");
    rucio_line("{\"states\": {\"S3-SITE\": 3}}");
    start();
    assert_int_equal(upload(), RUCIO_E_JSON);
    assert_non_null(strstr(last_error()->message, "replica state"));
}

static void test_upload_replica_list_not_json(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_did_meta("\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\"");
    rucio_line("{\"states\": ");
    start();
    assert_int_equal(upload(), RUCIO_E_JSON);
}

/* Names too long for the request: refused, only the RSE asked for. */
static void test_upload_names_too_long(void **state)
{
    static char name[1100];

    (void)state;
    memset(name, 'n', sizeof name - 1);
    W.file.name = name;
    rucio_s3_site();
    start();
    assert_int_equal(upload(), RUCIO_E_NO_SPACE);
    assert_int_equal(request_count(RUCIO), 1);
}

static void test_upload_rse_name_too_long(void **state)
{
    static char rse[200];

    (void)state;
    memset(rse, 'R', sizeof rse - 1);
    W.file.rse = rse;
    start();
    assert_int_equal(upload(), RUCIO_E_NO_SPACE);
    assert_int_equal(W.sp.next_conn, 0);
}

/* ---- more of the RSE, the DID and the PFN ------------------------------------ */

/* A group scope is split like a user scope; names go into the PFN as
 * they are. Python's hash gives "group/phys/x/dc/f6/a b". */
static void test_upload_group_scope_hash(void **state)
{
    (void)state;
    W.file.scope = "group.phys.x";
    W.file.name = "a b";
    rucio_s3_site();
    rucio_did_not_found();
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl(SIGNED("Signature=r"));
    rucio_created();
    rucio_created();
    store_put_and_size();
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_string_equal(W.up.pfn, "https://127.0.0.1:9000/bucket/group/phys/"
                                  "x/dc/f6/a b");
    assert_rucio_request(1, "GET /dids/group.phys.x/a+b/meta", "");
}

/* A protocol with an empty prefix and port 0 (Rucio's defaults).
 * Python's lfns2pfns turns the prefix "" into "/" and writes the port as
 * it is: "https://127.0.0.1:0/lite/0a/df/up.dat". rucio-lite writes 443
 * for port 0 (the PFN of a deterministic RSE is only signed, never
 * registered). */
static void test_upload_empty_prefix_and_port_0(void **state)
{
    (void)state;
    rucio_rse("S3-SITE", "true", "",
              "{\"hostname\": \"127.0.0.1\", \"scheme\": \"https\", \"port\": "
              "0, \"prefix\": \"\", \"domains\": {\"wan\": {\"write\": 1}}}",
              "\"s3\"");
    rucio_did_not_found();
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl(SIGNED("Signature=r"));
    rucio_created();
    rucio_created();
    store_put_and_size();
    start();
    assert_int_equal(upload(), RUCIO_OK);
    assert_string_equal(W.up.pfn, "https://127.0.0.1:443/lite/0a/df/up.dat");
}

/* RSE answers that cannot be used: refused after GET rses/<rse>. */
static void bad_rse(const char *protocols, const char *sign_url,
                    rucio_status want, const char *words)
{
    rucio_rse("S3-SITE", "true", "hash", protocols, sign_url);
    start();
    assert_int_equal(upload(), want);
    if (!strstr(last_error()->message, words))
        print_error("message: %s\n", last_error()->message);
    assert_non_null(strstr(last_error()->message, words));
    assert_int_equal(request_count(RUCIO), 1);
    assert_int_equal(W.sp.next_conn, 1);
}

static char long_text[5000];

static const char *long_string(size_t n)
{
    assert_true(n < sizeof long_text);
    memset(long_text, 'x', n);
    long_text[n] = '\0';
    return long_text;
}

static void test_upload_rse_hostname_too_long(void **state)
{
    char protocols[1024];

    (void)state;
    snprintf(protocols, sizeof protocols,
             "{\"hostname\": \"%.*s\", \"scheme\": \"https\", \"port\": 70000, "
             "\"prefix\": \"/\", \"domains\": {\"wan\": {\"write\": 1}}}",
             300, long_string(300));
    bad_rse(protocols, "\"s3\"", RUCIO_E_JSON, "hostname or prefix");
}

static void test_upload_rse_prefix_too_long(void **state)
{
    char protocols[1024];

    (void)state;
    snprintf(protocols, sizeof protocols,
             "{\"hostname\": \"h\", \"scheme\": \"https\", \"port\": 443, "
             "\"prefix\": \"%.*s\", \"domains\": {\"wan\": {\"write\": 1}}}",
             300, long_string(300));
    bad_rse(protocols, "\"s3\"", RUCIO_E_JSON, "hostname or prefix");
}

/* A sign_url value that names no service rucio-lite knows (too long
 * for one): as no sign_url. */
static void test_upload_rse_unknown_sign_url(void **state)
{
    (void)state;
    bad_rse(S3_PROTOCOL, "\"azure-blob-storage\"", RUCIO_E_UNSUPPORTED,
            "no sign_url");
}

static void test_upload_rse_answer_not_json(void **state)
{
    (void)state;
    rucio_json("{\"rse\": ");
    start();
    assert_int_equal(upload(), RUCIO_E_JSON);
}

/* A PFN longer than RUCIO_URL_MAX: refused before anything is sent to
 * the storage. */
static void test_upload_pfn_too_long(void **state)
{
    (void)state;
    W.file.name = long_string(RUCIO_URL_MAX - 10);
    rucio_s3_site();
    start();
    assert_int_equal(upload(), RUCIO_E_NO_SPACE);
    assert_non_null(strstr(last_error()->message, "PFN too long"));
    assert_int_equal(request_count(RUCIO), 1);
}

static void test_upload_given_pfn_too_long(void **state)
{
    (void)state;
    W.file.pfn = long_string(RUCIO_URL_MAX);
    rucio_rse("S3-SITE", "false", "hash", S3_PROTOCOL, "\"s3\"");
    start();
    assert_int_equal(upload(), RUCIO_E_INVALID_ARG);
    assert_non_null(strstr(last_error()->message, "PFN too long"));
}

/* A PFN that fits the signing requests but not the replica's JSON: the
 * object is deleted. */
static void test_upload_replica_request_too_long(void **state)
{
    static char pfn[4000];

    (void)state;
    snprintf(pfn, sizeof pfn, "https://127.0.0.1:9000/bucket/nondet/%.*s",
             3900, long_string(3900));
    W.file.pfn = pfn;
    rucio_rse("S3-SITE", "false", "hash", S3_PROTOCOL, "\"s3\"");
    rucio_did_not_found();
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl(SIGNED("Signature=r"));
    rucio_signurl(SIGNED("Signature=d"));
    store_put_and_size();
    add_str(STORE, store_deleted);
    start();
    assert_int_equal(upload(), RUCIO_E_NO_SPACE);
    assert_non_null(strstr(last_error()->message, "request too long"));
    assert_int_equal(request_count(RUCIO), 5);
    assert_store_request(2, DELETE_OBJECT);
}

/* A dataset name too long for its path, or for "<path>/dids": refused
 * before anything is asked or sent. */
static void test_upload_dataset_name_too_long(void **state)
{
    (void)state;
    W.file.dataset_scope = "lite";
    W.file.dataset_name = long_string(1100);
    start();
    assert_int_equal(upload(), RUCIO_E_NO_SPACE);
    assert_int_equal(W.sp.next_conn, 0);
}

static void test_upload_attach_path_too_long(void **state)
{
    (void)state;
    W.file.dataset_scope = "lite";
    W.file.dataset_name = long_string(1010); /* "dids/lite/" + 1010 */
    start();
    assert_int_equal(upload(), RUCIO_E_NO_SPACE);
    assert_int_equal(W.sp.next_conn, 0);
}

/* The DID's meta: another error than DataIdentifierNotFound is the
 * upload's error. */
static void test_upload_did_lookup_fails(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_refuses("500 INTERNAL SERVER ERROR", "DatabaseException",
                  "Database exception");
    start();
    assert_int_equal(upload(), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class, "DatabaseException");
    assert_int_equal(W.sp.next_conn, 1);
}

static void test_upload_did_md5_too_long(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_did_meta("\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "0\"");
    start();
    assert_int_equal(upload(), RUCIO_E_JSON);
}

/* A DID without md5 (absent, not null) and the same Adler-32. */
static void test_upload_did_without_md5_member(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_json("{\"scope\": \"lite\", \"name\": \"up.dat\", \"bytes\": 11, "
               "\"adler32\": \"" HELLO_ADLER "\"}");
    rucio_replica_state("AVAILABLE");
    start();
    assert_int_equal(rucio_upload(&W.client, &W.file, NULL, NULL), RUCIO_OK);
    assert_int_equal(W.sp.next_conn, 1);
}

static void test_upload_replica_lookup_fails(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_did_meta("\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\"");
    rucio_refuses("404 NOT FOUND", "RSENotFound", "RSE 'S3-SITE' not found");
    start();
    assert_int_equal(upload(), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class, "RSENotFound");
}

/* The storage refuses the PUT: its error; nothing to delete, nothing
 * registered. */
static void test_upload_put_refused(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_did_not_found();
    rucio_signurl(SIGNED("Signature=w"));
    add_str(STORE, "HTTP/1.1 403 Forbidden\r\nContent-Length: 70\r\n\r\n"
                   "<Error><Code>SignatureDoesNotMatch</Code><Message>bad"
                   "</Message></Error>");
    start();
    assert_int_equal(upload(), RUCIO_E_STORAGE);
    assert_string_equal(last_error()->exception_class, "SignatureDoesNotMatch");
    assert_int_equal(request_count(RUCIO), 3);
    assert_int_equal(request_count(STORE), 1);
}

/* Signing the read URL fails: the object is deleted. */
static void test_upload_read_signature_refused(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_did_not_found();
    rucio_signurl(SIGNED("Signature=w"));
    rucio_refuses("500 INTERNAL SERVER ERROR", "AccessDenied", "no");
    rucio_signurl(SIGNED("Signature=d"));
    add_str(STORE, store_ok);
    add_str(STORE, store_deleted);
    start();
    assert_int_equal(upload(), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class, "AccessDenied");
    assert_store_request(1, DELETE_OBJECT);
}

/* A read URL the transfers cannot parse (port out of range). */
static void test_upload_read_url_unusable(void **state)
{
    (void)state;
    rucio_s3_site();
    rucio_did_not_found();
    rucio_signurl(SIGNED("Signature=w"));
    rucio_signurl("http://s3.test:99999/bucket/x");
    rucio_signurl(SIGNED("Signature=d"));
    add_str(STORE, store_ok);
    add_str(STORE, store_deleted);
    start();
    assert_int_equal(upload(), RUCIO_E_BAD_URL);
    assert_store_request(1, DELETE_OBJECT);
}

/* Deleting is best effort: when the delete URL cannot be signed, the
 * error that led there is what the caller gets. */
static void test_upload_delete_not_signed_keeps_the_first_error(void **state)
{
    (void)state;
    rucio_new_file_until_signed();
    rucio_refuses("409 CONFLICT", "Duplicate", "Replica already exists!");
    rucio_refuses("500 INTERNAL SERVER ERROR", "AccessDenied", "no");
    store_put_and_size();
    start();
    assert_int_equal(upload(), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class, "Duplicate");
    assert_int_equal(request_count(STORE), 2);
}

/* A source that claims more bytes than the buffer it was given. */
static rucio_status lying_read(void *user, uint8_t *buf, size_t cap,
                               size_t *out_n)
{
    (void)user;
    (void)buf;
    *out_n = cap + 1;
    return RUCIO_OK;
}

static void test_upload_source_overstating_its_read(void **state)
{
    (void)state;
    rucio_s3_site();
    start();
    W.body.read = lying_read;
    assert_int_equal(upload(), RUCIO_E_CHECKSUM);
    assert_int_equal(W.sp.next_conn, 1);
}

static void test_upload_checksum_with_other_characters(void **state)
{
    (void)state;
    start();
    W.file.md5 = HELLO_MD5;
    W.file.adler32 = "-a0b045d";
    refused("8 (adler32)");
    W.file.adler32 = "1a0b045:";
    refused("8 (adler32)");
}

/* ---- download ------------------------------------------------------------------ */

/* A line of replicas/list for lite:f1 with three PFNs: a TAPE one of the
 * first priority (skipped), two disks of priorities 3 and 2. */
#define F1_LINE(bytes, adler, md5)                                            \
    "{\"scope\": \"lite\", \"name\": \"f1\", \"bytes\": " bytes ", \"md5\": " \
    md5 ", \"adler32\": " adler ", \"pfns\": {"                               \
    "\"http://tape.test/f1?sig=t\": {\"rse_id\": \"1\", \"rse\": "            \
    "\"TAPE-SITE\", \"type\": \"TAPE\", \"volatile\": false, \"domain\": "    \
    "\"wan\", \"priority\": 1, \"client_extract\": false}, "                  \
    "\"http://s3.test:9000/bucket/lite/5a/76/f1?X-Amz-Signature=s\": "        \
    "{\"rse_id\": \"2\", \"rse\": \"S3-SITE\", \"type\": \"DISK\", "          \
    "\"volatile\": false, \"domain\": \"wan\", \"priority\": 3, "             \
    "\"client_extract\": false}, "                                            \
    "\"http://gcs.test:8080/bucket/lite/5a/76/f1?Signature=g\": {\"rse_id\": "\
    "\"3\", \"rse\": \"GCS-SITE\", \"type\": \"DISK\", \"volatile\": false, " \
    "\"domain\": \"wan\", \"priority\": 2, \"client_extract\": false}}, "     \
    "\"rses\": {}, \"states\": {\"S3-SITE\": \"AVAILABLE\", \"GCS-SITE\": "   \
    "\"AVAILABLE\", \"TAPE-SITE\": \"AVAILABLE\"}}"

#define LIST_BODY                                                             \
    "{\"dids\":[{\"scope\":\"lite\",\"name\":\"f1\"}],\"schemes\":"           \
    "[\"https\"],\"all_states\":false,\"resolve_archives\":true,"             \
    "\"resolve_parents\":false"

static const char store_hello[] = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n"
                                  "\r\nhello world";

static void test_download_picks_the_first_disk_replica(void **state)
{
    (void)state;
    rucio_line(F1_LINE("11", "\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\""));
    add_str(STORE, store_hello);
    start();
    assert_int_equal(download("f1", NULL), RUCIO_OK);
    assert_rucio_request(0, "POST /replicas/list", LIST_BODY "}");
    assert_int_equal(request_count(RUCIO), 1);
    assert_store_request(0, "GET /bucket/lite/5a/76/f1?Signature=g HTTP/1.1\r\n"
                            "Host: gcs.test:8080\r\n\r\n");
    assert_string_equal(W.sp.last_host, "gcs.test");
    assert_int_equal(W.received_len, 11);
    assert_memory_equal(W.received, hello, 11);
    assert_string_equal(W.down.rse, "GCS-SITE");
    assert_int_equal(W.down.catalogue_bytes, 11);
    assert_string_equal(W.down.catalogue_adler32, HELLO_ADLER);
    assert_string_equal(W.down.catalogue_md5, HELLO_MD5);
    assert_int_equal(W.down.transfer.bytes, 11);
    assert_string_equal(W.down.transfer.md5, HELLO_MD5);
}

/* The RSE expression goes into the JSON body, escaped. */
static void test_download_with_an_rse_expression(void **state)
{
    rucio_http_sink sink = {collect, NULL};

    (void)state;
    rucio_line(F1_LINE("11", "\"" HELLO_ADLER "\"", "null"));
    add_str(STORE, store_hello);
    start();
    assert_int_equal(rucio_download(&W.client, "lite", "f1",
                                    "GCS-SITE|type=\"DISK\"", &sink, NULL,
                                    NULL),
                     RUCIO_OK);
    assert_rucio_request(0, "POST /replicas/list",
                         LIST_BODY ",\"rse_expression\":"
                                   "\"GCS-SITE|type=\\\"DISK\\\"\"}");
}

static void download_mismatch(const char *line, const char *words)
{
    rucio_line(line);
    add_str(STORE, store_hello);
    start();
    assert_int_equal(download("f1", ""), RUCIO_E_CHECKSUM);
    if (!strstr(last_error()->message, words))
        print_error("message: %s\n", last_error()->message);
    assert_non_null(strstr(last_error()->message, words));
    assert_rucio_request(0, "POST /replicas/list", LIST_BODY "}");
}

static void test_download_size_mismatch(void **state)
{
    (void)state;
    download_mismatch(F1_LINE("12", "\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\""),
                      "received 11 bytes; the catalogue says 12");
}

static void test_download_adler32_mismatch(void **state)
{
    (void)state;
    download_mismatch(F1_LINE("11", "\"1a0b045e\"", "\"" HELLO_MD5 "\""),
                      "adler32 of the data received is " HELLO_ADLER);
}

static void test_download_md5_mismatch(void **state)
{
    (void)state;
    download_mismatch(F1_LINE("11", "\"" HELLO_ADLER "\"",
                              "\"1d22527c0149e23e6bb65142f5ca3be0\""),
                      "md5 of the data received is " HELLO_MD5);
}

/* Several lines: a dataset or container, not downloaded here. */
static void test_download_several_files_unsupported(void **state)
{
    static const char *const lines[] = {
        "{\"scope\": \"lite\", \"name\": \"a\", \"bytes\": 1, \"pfns\": {}}",
        "{\"scope\": \"lite\", \"name\": \"b\", \"bytes\": 1, \"pfns\": {}}"};

    (void)state;
    rucio_lines(lines, 2);
    start();
    assert_int_equal(download("ds", NULL), RUCIO_E_UNSUPPORTED);
    assert_int_equal(W.sp.next_conn, 1);
}

/* No line: the server's answer for a DID without replica and for an
 * unknown DID; the DID's meta tells them apart. */
static void test_download_no_replica(void **state)
{
    (void)state;
    rucio_lines(NULL, 0);
    rucio_did_meta("\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\"");
    start();
    assert_int_equal(download("f1", NULL), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class, "ReplicaNotFound");
    assert_non_null(strstr(last_error()->message, "lite:f1"));
    assert_rucio_request(1, "GET /dids/lite/f1/meta", "");
    assert_int_equal(W.sp.next_conn, 1);
}

static void test_download_unknown_did(void **state)
{
    (void)state;
    rucio_lines(NULL, 0);
    rucio_did_not_found();
    start();
    assert_int_equal(download("nope", NULL), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class,
                        "DataIdentifierNotFound");
    assert_string_equal(last_error()->message,
                        "Data identifier 'lite:nope' not found");
}

static void test_download_unknown_did_lookup_fails(void **state)
{
    (void)state;
    rucio_lines(NULL, 0);
    rucio_refuses("500 INTERNAL SERVER ERROR", "DatabaseException",
                  "Database exception");
    start();
    assert_int_equal(download("nope", NULL), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class, "DatabaseException");
}

/* Only a TAPE replica, or no PFN at all: no replica to read. */
static void test_download_only_tape(void **state)
{
    (void)state;
    rucio_line("{\"scope\": \"lite\", \"name\": \"f1\", \"bytes\": 11, "
               "\"md5\": null, \"adler32\": null, \"pfns\": {\"http://t/f\": "
               "{\"rse\": \"T\", \"type\": \"TAPE\", \"priority\": 1}}}");
    rucio_line("{\"scope\": \"lite\", \"name\": \"f1\", \"bytes\": 11}");
    start();
    assert_int_equal(download("f1", NULL), RUCIO_E_SERVER);
    assert_string_equal(last_error()->exception_class, "ReplicaNotFound");
    assert_int_equal(download("f1", NULL), RUCIO_E_SERVER);
    assert_int_equal(W.sp.next_conn, 1);
}

/* A PFN without priority comes after those with one; with no checksum
 * in the catalogue only the size is checked. */
static void test_download_pfn_without_priority(void **state)
{
    (void)state;
    rucio_line("{\"scope\": \"lite\", \"name\": \"f1\", \"bytes\": 11, "
               "\"md5\": null, \"adler32\": null, \"pfns\": {"
               "\"http://a.test/f\": {\"rse\": \"A\", \"type\": \"DISK\"}, "
               "\"http://z.test/f\": {\"rse\": \"Z\", \"priority\": 0}, "
               "\"http://b.test/f\": {\"rse\": \"B\", \"type\": \"DISK\", "
               "\"priority\": 4}, "
               "\"http://c.test/f\": {\"rse\": \"C\", \"priority\": 9}}}");
    add_str(STORE, store_hello);
    start();
    assert_int_equal(download("f1", NULL), RUCIO_OK);
    assert_string_equal(W.down.rse, "B");
    assert_string_equal(W.down.catalogue_adler32, "");
}

/* Lines that are not what the server sends. */
static void bad_line(const char *line, const char *words)
{
    rucio_line(line);
    start();
    assert_int_equal(download("f1", NULL), RUCIO_E_JSON);
    if (!strstr(last_error()->message, words))
        print_error("message: %s\n", last_error()->message);
    assert_non_null(strstr(last_error()->message, words));
    assert_int_equal(W.sp.next_conn, 1);
}

static void test_download_line_not_an_object(void **state)
{
    (void)state;
    bad_line("[1]", "not a JSON object");
}

static void test_download_line_without_size(void **state)
{
    (void)state;
    bad_line("{\"scope\": \"lite\", \"name\": \"f1\", \"bytes\": null}",
             "no size");
}

static void test_download_line_bad_adler32(void **state)
{
    (void)state;
    bad_line("{\"scope\": \"lite\", \"name\": \"f1\", \"bytes\": 1, "
             "\"adler32\": \"123456789\"}",
             "adler32");
}

static void test_download_line_bad_md5(void **state)
{
    (void)state;
    bad_line("{\"scope\": \"lite\", \"name\": \"f1\", \"bytes\": 1, "
             "\"md5\": 5}",
             "md5");
}

static void test_download_line_bad_rse(void **state)
{
    (void)state;
    bad_line("{\"scope\": \"lite\", \"name\": \"f1\", \"bytes\": 1, "
             "\"pfns\": {\"http://a/f\": {\"rse\": 1}}}",
             "PFN or RSE name");
}

/* Blank text after the one line (the stream's own line end, spaces)
 * is no second file. */
static void test_download_blank_after_the_line(void **state)
{
    static const char *const lines[] = {
        F1_LINE("11", "\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\""), " \t\r"};

    (void)state;
    rucio_lines(lines, 2);
    add_str(STORE, store_hello);
    start();
    assert_int_equal(download("f1", NULL), RUCIO_OK);
}

static void test_download_negative_size(void **state)
{
    (void)state;
    bad_line("{\"scope\": \"lite\", \"name\": \"f1\", \"bytes\": -1}",
             "no size");
}

static void test_download_line_not_json(void **state)
{
    (void)state;
    bad_line("{\"bytes\": ", "not a JSON object");
}

static void test_download_pfn_too_long(void **state)
{
    char line[5000];

    (void)state;
    snprintf(line, sizeof line,
             "{\"scope\": \"lite\", \"name\": \"f1\", \"bytes\": 1, "
             "\"pfns\": {\"http://a/%.*s\": {\"rse\": \"A\"}}}",
             (int)RUCIO_URL_MAX, long_string(RUCIO_URL_MAX));
    bad_line(line, "PFN or RSE name");
}

/* A POST the server answers 503 is sent again after the back-off, with
 * the same body. */
static void test_download_post_retried_with_its_body(void **state)
{
    const request *r;
    char first[4096];

    (void)state;
    add_str(RUCIO, "HTTP/1.1 503 SERVICE UNAVAILABLE\r\n" WERKZEUG
                   "Content-Type: text/html; charset=utf-8\r\n"
                   "Content-Length: 20\r\n\r\nService Unavailable\n");
    rucio_line(F1_LINE("11", "\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\""));
    add_str(STORE, store_hello);
    start();
    assert_int_equal(download("f1", NULL), RUCIO_OK);
    assert_int_equal(W.sp.sleep_count, 1);
    assert_int_equal(request_count(RUCIO), 2);
    r = request_at(RUCIO, 0);
    strcpy(first, r->body);
    assert_rucio_request(1, "POST /replicas/list", first);
    assert_string_equal(first, LIST_BODY "}");
}

/* A body longer than the connection's send buffer goes out whole. */
static void test_download_long_rse_expression(void **state)
{
    char body[2048];

    (void)state;
    rucio_line(F1_LINE("11", "\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\""));
    add_str(STORE, store_hello);
    start();
    assert_int_equal(download("f1", long_string(1500)), RUCIO_OK);
    snprintf(body, sizeof body, "%s,\"rse_expression\":\"%.*s\"}", LIST_BODY,
             1500, long_text);
    assert_rucio_request(0, "POST /replicas/list", body);
}

/* An error page that is HTML (nginx): its first line says nothing, the
 * status and the host do. */
static void test_download_storage_html_error(void **state)
{
    static const char page[] =
        "<html>\r\n<head><title>404 Not Found</title></head>\r\n"
        "<body>\r\n<center><h1>404 Not Found</h1></center>\r\n"
        "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    char reply[512];

    (void)state;
    rucio_line("{\"scope\": \"lite\", \"name\": \"f1\", \"bytes\": 11, "
               "\"pfns\": {\"http://gcs.test:8080/b/f1?Signature=g\": "
               "{\"rse\": \"GCS-SITE\", \"type\": \"DISK\", "
               "\"priority\": 1}}}");
    snprintf(reply, sizeof reply,
             "HTTP/1.1 404 Not Found\r\nServer: nginx\r\nContent-Type: "
             "text/html\r\nContent-Length: %zu\r\n\r\n%s",
             strlen(page), page);
    add_str(STORE, reply);
    start();
    assert_int_equal(download("f1", NULL), RUCIO_E_STORAGE);
    assert_string_equal(last_error()->exception_class, "StorageError");
    assert_string_equal(last_error()->message, "HTTP 404 from gcs.test:8080");
    assert_int_equal(request_count(RUCIO), 1);
}

static const char store_404[] = "HTTP/1.1 404 Not Found\r\nContent-Length: "
                                "10\r\n\r\nnot found\n";

/* The replica tried first fails before any byte arrives: the next one
 * (replicas/list asked again, for fresh signed URLs), as `rucio
 * download` tries each source in turn. */
static void test_download_falls_back_to_the_next_replica(void **state)
{
    (void)state;
    rucio_line(F1_LINE("11", "\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\""));
    rucio_line(F1_LINE("11", "\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\""));
    add_str(STORE, store_404);
    add_str(RUCIO_AGAIN, store_hello);
    start_conns(3);
    assert_int_equal(download("f1", NULL), RUCIO_OK);
    assert_int_equal(request_count(RUCIO), 2);
    assert_rucio_request(1, "POST /replicas/list", LIST_BODY "}");
    assert_store_request(0, "GET /bucket/lite/5a/76/f1?Signature=g HTTP/1.1\r\n"
                            "Host: gcs.test:8080\r\n\r\n");
    assert_string_equal(W.sp.last_host, "s3.test");
    assert_string_equal(W.down.rse, "S3-SITE");
    assert_int_equal(W.received_len, 11);
    assert_memory_equal(W.received, hello, 11);
}

/* A replica that sent bytes into the sink is not left for another: the
 * sink cannot take them back. */
static void test_download_no_fallback_after_bytes(void **state)
{
    (void)state;
    rucio_line(F1_LINE("11", "\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\""));
    add_str(STORE, "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhel");
    start();
    W.conns[STORE].hang_at_end = 0;
    assert_int_not_equal(download("f1", NULL), RUCIO_OK);
    assert_int_equal(request_count(RUCIO), 1);
    assert_int_equal(W.received_len, 3);
}

static rucio_status stop_sink(void *user, const uint8_t *data, size_t len)
{
    (void)user;
    (void)data;
    (void)len;
    return RUCIO_E_ABORTED;
}

/* The caller's sink stops the download: its status, not a network
 * error. */
static void test_download_stopped_by_the_sink(void **state)
{
    rucio_http_sink sink = {stop_sink, NULL};

    (void)state;
    rucio_line(F1_LINE("11", "\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\""));
    add_str(STORE, store_hello);
    start();
    assert_int_equal(rucio_download(&W.client, "lite", "f1", NULL, &sink, NULL,
                                    &W.down),
                     RUCIO_E_ABORTED);
    assert_string_equal(last_error()->exception_class, "RucioException");
    assert_string_equal(last_error()->message,
                        "the transfer was stopped by the caller");
}

/* The DID asked for is a dataset of one file: the server answers with
 * that file's line (seen on the real server: replicas/list for lite:ds1
 * holding lite:f1 gives f1's line). Refused, nothing fetched. */
static void test_download_dataset_of_one_file(void **state)
{
    (void)state;
    rucio_line(F1_LINE("11", "\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\""));
    start();
    assert_int_equal(download("ds1", NULL), RUCIO_E_UNSUPPORTED);
    assert_int_equal(W.sp.next_conn, 1);
}

/* Every replica's storage refuses: the last one's error, nothing
 * verified. */
static void test_download_storage_refuses(void **state)
{
    (void)state;
    rucio_line(F1_LINE("11", "\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\""));
    rucio_line(F1_LINE("11", "\"" HELLO_ADLER "\"", "\"" HELLO_MD5 "\""));
    add_str(STORE, store_404);
    add_str(RUCIO_AGAIN, store_404);
    start_conns(3);
    assert_int_equal(download("f1", NULL), RUCIO_E_STORAGE);
    assert_string_equal(last_error()->message,
                        "not found (HTTP 404 from s3.test:9000)");
    assert_int_equal(request_count(RUCIO), 2);
    assert_int_equal(W.received_len, 0);
}

static void test_download_arguments_refused(void **state)
{
    rucio_http_sink sink = {collect, NULL};
    rucio_http_sink no_write = {NULL, NULL};

    (void)state;
    start();
    assert_int_equal(rucio_download(NULL, "lite", "f1", NULL, &sink, NULL,
                                    NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_download(&W.client, NULL, "f1", NULL, &sink, NULL,
                                    NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_download(&W.client, "", "f1", NULL, &sink, NULL,
                                    NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_download(&W.client, "lite", NULL, NULL, &sink,
                                    NULL, NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_download(&W.client, "lite", "", NULL, &sink, NULL,
                                    NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_download(&W.client, "lite", "f1", NULL, NULL, NULL,
                                    NULL),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_download(&W.client, "lite", "f1", NULL, &no_write,
                                    NULL, NULL),
                     RUCIO_E_INVALID_ARG);
    assert_string_equal(last_error()->exception_class, "InputValidationError");
    assert_int_equal(W.sp.next_conn, 0);
}

static void test_download_names_too_long(void **state)
{
    static char name[RUCIO_URL_MAX];

    (void)state;
    memset(name, 'n', sizeof name - 1);
    start();
    assert_int_equal(download(name, NULL), RUCIO_E_NO_SPACE);
    assert_int_equal(W.sp.next_conn, 0);
}

/* ---- the request loop: a POST is not redirected --------------------------------- */

/* A 303 would turn the POST into a GET of another URL: it is the answer,
 * not followed, and only one request goes out. */
static void test_post_303_not_followed(void **state)
{
    (void)state;
    add_str(RUCIO, "HTTP/1.1 303 SEE OTHER\r\n" WERKZEUG
                   "Location: http://rucio.test/replicas/list\r\n"
                   "Content-Length: 0\r\n\r\n");
    start();
    assert_int_equal(download("f1", NULL), RUCIO_E_SERVER);
    assert_int_equal(last_error()->http_status, 303);
    assert_int_equal(request_count(RUCIO), 1);
    assert_int_equal(W.sp.next_conn, 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_upload_new_file_with_a_rule),
        T(test_upload_identity_user_scope_best_protocol),
        T(test_upload_hash_of_a_user_scope),
        T(test_upload_into_an_existing_dataset),
        T(test_upload_dataset_refused_deletes_the_object),
        T(test_upload_already_there),
        T(test_upload_already_there_adler_without_leading_zeros),
        T(test_upload_other_content_refused),
        T(test_upload_replica_left_copying_is_completed),
        T(test_upload_put_replicas_resent_on_a_new_connection),
        T(test_upload_existing_did_without_replica_here),
        T(test_upload_file_changed_md5_only),
        T(test_upload_file_changed),
        T(test_upload_stored_size_differs),
        T(test_upload_size_request_refused),
        T(test_upload_empty_file_416_without_range),
        T(test_upload_empty_file_416_with_size),
        T(test_upload_416_with_another_size),
        T(test_upload_size_from_a_200),
        T(test_upload_size_not_stated_206),
        T(test_upload_size_not_stated_204),
        T(test_upload_size_not_stated_chunked_200),
        T(test_upload_416_with_a_misspelt_range),
        T(test_upload_storage_gone_before_the_size),
        T(test_upload_registration_failure_deletes_the_object),
        T(test_upload_rule_refused),
        T(test_upload_duplicate_rule_is_success),
        T(test_upload_signing_refused),
        T(test_upload_rse_without_sign_url),
        T(test_upload_rse_without_https_protocol),
        T(test_upload_rse_https_without_wan_write),
        T(test_upload_rse_other_lfn2pfn),
        T(test_upload_non_deterministic_needs_a_pfn),
        T(test_upload_lfn2pfn_default_is_hash),
        T(test_upload_non_deterministic_with_pfn),
        T(test_upload_with_given_checksums),
        T(test_upload_given_checksums_wrong),
        T(test_upload_source_fails_in_the_checksum_pass),
        T(test_upload_source_shorter_than_stated),
        T(test_upload_arguments_refused),
        T(test_upload_rse_answer_not_an_object),
        T(test_upload_rse_protocol_without_hostname),
        T(test_upload_rse_lfn2pfn_too_long),
        T(test_upload_rse_not_found),
        T(test_upload_did_checksum_too_long),
        T(test_upload_replica_state_unreadable),
        T(test_upload_replica_list_not_json),
        T(test_upload_names_too_long),
        T(test_upload_rse_name_too_long),
        T(test_upload_group_scope_hash),
        T(test_upload_empty_prefix_and_port_0),
        T(test_upload_rse_hostname_too_long),
        T(test_upload_rse_prefix_too_long),
        T(test_upload_rse_unknown_sign_url),
        T(test_upload_rse_answer_not_json),
        T(test_upload_pfn_too_long),
        T(test_upload_given_pfn_too_long),
        T(test_upload_replica_request_too_long),
        T(test_upload_dataset_name_too_long),
        T(test_upload_attach_path_too_long),
        T(test_upload_did_lookup_fails),
        T(test_upload_did_md5_too_long),
        T(test_upload_did_without_md5_member),
        T(test_upload_replica_lookup_fails),
        T(test_upload_put_refused),
        T(test_upload_read_signature_refused),
        T(test_upload_read_url_unusable),
        T(test_upload_delete_not_signed_keeps_the_first_error),
        T(test_upload_source_overstating_its_read),
        T(test_upload_checksum_with_other_characters),
        T(test_download_picks_the_first_disk_replica),
        T(test_download_with_an_rse_expression),
        T(test_download_size_mismatch),
        T(test_download_adler32_mismatch),
        T(test_download_md5_mismatch),
        T(test_download_several_files_unsupported),
        T(test_download_no_replica),
        T(test_download_unknown_did),
        T(test_download_unknown_did_lookup_fails),
        T(test_download_only_tape),
        T(test_download_pfn_without_priority),
        T(test_download_line_not_an_object),
        T(test_download_line_without_size),
        T(test_download_line_bad_adler32),
        T(test_download_line_bad_md5),
        T(test_download_line_bad_rse),
        T(test_download_blank_after_the_line),
        T(test_download_negative_size),
        T(test_download_line_not_json),
        T(test_download_pfn_too_long),
        T(test_download_post_retried_with_its_body),
        T(test_download_long_rse_expression),
        T(test_download_storage_html_error),
        T(test_download_falls_back_to_the_next_replica),
        T(test_download_no_fallback_after_bytes),
        T(test_download_stopped_by_the_sink),
        T(test_download_dataset_of_one_file),
        T(test_download_storage_refuses),
        T(test_download_arguments_refused),
        T(test_download_names_too_long),
        T(test_post_303_not_followed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
