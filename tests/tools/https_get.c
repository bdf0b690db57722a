/*
 * https_get: fetch paths over one rucio_http_conn with TLS, for the TLS
 * suite (tests/tls/run.sh).
 *
 *   https_get [options] PATH...
 *
 * Every PATH is fetched in order on the same connection object, the whole
 * list --repeat times. Per request it prints one line
 *
 *   request=<i> status=<code> bytes=<n> connects=<n> resumed=<0|1>
 *
 * followed by "body=<body>" unless --count-only, and at the end
 * "maxrss_kib=<peak RSS>" and "mbedtls=<version> tls13=<yes|no>" (whether
 * the mbedTLS it was built with can negotiate TLS 1.3). On failure it
 * prints "error=<status>: <why>" and exits 1. Log lines (the insecure
 * warning, and everything with --verbose) go to stderr.
 *
 * Options: --ca FILE  --ca-dir DIR  --cert FILE  --key FILE
 *          --host ADDR       where to connect (default 127.0.0.1)
 *          --servername NAME host name in the URL, so the one TLS checks;
 *                            the connection still goes to --host
 *          --port N  --repeat N
 *          --timeout MS      connect plus handshake, and each wait for
 *                            data (default 30000)
 *          --count-only      count body bytes instead of printing them
 *          --check-pattern   with --count-only: byte i must be i % 251
 *          --insecure
 *          --no-client-cert  configure --cert but do not present it
 *          --toggle-client-cert  flip whether it is presented after each
 *                            /close, so the next connection does the
 *                            opposite
 *          --verbose         log at DEBUG level
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <mbedtls/version.h> /* and, through it, the mbedTLS config */

#include "rucio/http.h"
#include "rucio/port_posix.h"
#include "rucio/tls.h"

#if defined(MBEDTLS_SSL_PROTO_TLS1_3)
#define TLS13 "yes"
#else
#define TLS13 "no"
#endif

#define MAX_PATHS 16
#define BODY_CAP (64 * 1024)
#define PATTERN_MOD 251

typedef struct options {
    rucio_tls_options tls;
    const char *host;
    const char *servername;
    unsigned port;
    unsigned repeat;
    unsigned timeout_ms;
    int count_only;
    int check_pattern;
    int no_client_cert;
    int toggle_client_cert;
    int verbose;
    const char *paths[MAX_PATHS];
    size_t path_count;
} options;

/* ---- a port that connects to --host whatever the URL names ----------------- */

/* The POSIX port keeps no state (its ctx is NULL), so a copy of it with
 * another connect is a whole port; the real connect and the address to
 * use are kept here, in the test tool. */
static rucio_status (*posix_connect)(void *, const char *, uint16_t, uint64_t,
                                     rucio_socket *);
static const char *connect_target;

static rucio_status connect_to_target(void *ctx, const char *host,
                                      uint16_t port, uint64_t deadline_ms,
                                      rucio_socket *out)
{
    (void)host;
    return posix_connect(ctx, connect_target, port, deadline_ms, out);
}

static void redirect_port_init(rucio_port *port, const char *target)
{
    rucio_port_posix_init(port);
    posix_connect = port->connect;
    connect_target = target;
    port->connect = connect_to_target;
}

/* ---- sinks -------------------------------------------------------------------- */

typedef struct counting_sink {
    uint64_t bytes;
    int check_pattern;
    int pattern_ok;
    uint64_t first_bad;
} counting_sink;

static rucio_status count_write(void *user, const uint8_t *data, size_t len)
{
    counting_sink *cs = user;
    size_t i;

    if (cs->check_pattern && cs->pattern_ok) {
        for (i = 0; i < len; i++) {
            if (data[i] != (uint8_t)((cs->bytes + i) % PATTERN_MOD)) {
                cs->pattern_ok = 0;
                cs->first_bad = cs->bytes + i;
                break;
            }
        }
    }
    cs->bytes += len;
    return RUCIO_OK;
}

/* ---- logging ------------------------------------------------------------------ */

static void log_to_stderr(void *user, rucio_log_level level, const char *msg)
{
    static const char *const names[] = {"ERROR", "WARN", "INFO", "DEBUG"};

    (void)user;
    fprintf(stderr, "log: %s %s\n", names[level], msg);
}

/* ---- options ------------------------------------------------------------------ */

static int usage(void)
{
    fprintf(stderr,
            "usage: https_get [--ca F] [--ca-dir D] [--cert F] [--key F] "
            "[--host A] [--servername N] --port P [--repeat N] [--timeout MS] "
            "[--count-only] [--check-pattern] [--insecure] "
            "[--no-client-cert] [--toggle-client-cert] [--verbose] PATH...\n");
    return 2;
}

/* Options that take a value; returns 0 if name is not one of them. */
static int take_value(options *o, const char *name, const char *value)
{
    /* CA, certificate and key files are read into the caller's memory. */
    static uint8_t file_buf[RUCIO_TLS_CERT_FILE_MAX];

    o->tls.file_buf = file_buf;
    o->tls.file_buf_len = sizeof file_buf;
    if (strcmp(name, "--ca") == 0)
        o->tls.ca_file = value;
    else if (strcmp(name, "--ca-dir") == 0)
        o->tls.ca_dir = value;
    else if (strcmp(name, "--cert") == 0)
        o->tls.cert_file = value;
    else if (strcmp(name, "--key") == 0)
        o->tls.key_file = value;
    else if (strcmp(name, "--host") == 0)
        o->host = value;
    else if (strcmp(name, "--servername") == 0)
        o->servername = value;
    else if (strcmp(name, "--port") == 0)
        o->port = (unsigned)strtoul(value, NULL, 10);
    else if (strcmp(name, "--repeat") == 0)
        o->repeat = (unsigned)strtoul(value, NULL, 10);
    else if (strcmp(name, "--timeout") == 0)
        o->timeout_ms = (unsigned)strtoul(value, NULL, 10);
    else
        return 0;
    return 1;
}

static int take_flag(options *o, const char *name)
{
    if (strcmp(name, "--count-only") == 0)
        o->count_only = 1;
    else if (strcmp(name, "--check-pattern") == 0)
        o->check_pattern = 1;
    else if (strcmp(name, "--insecure") == 0)
        o->tls.insecure = 1;
    else if (strcmp(name, "--no-client-cert") == 0)
        o->no_client_cert = 1;
    else if (strcmp(name, "--toggle-client-cert") == 0)
        o->toggle_client_cert = 1;
    else if (strcmp(name, "--verbose") == 0)
        o->verbose = 1;
    else
        return 0;
    return 1;
}

static int parse_args(options *o, int argc, char **argv)
{
    int i;

    memset(o, 0, sizeof *o);
    o->host = "127.0.0.1";
    o->repeat = 1;
    o->timeout_ms = 30000;
    for (i = 1; i < argc; i++) {
        if (argv[i][0] == '/') {
            if (o->path_count == MAX_PATHS)
                return 0;
            o->paths[o->path_count++] = argv[i];
        } else if (i + 1 < argc && take_value(o, argv[i], argv[i + 1])) {
            i++;
        } else if (!take_flag(o, argv[i])) {
            return 0;
        }
    }
    if (!o->servername)
        o->servername = o->host;
    return o->port > 0 && o->port < 65536 && o->repeat > 0 &&
           o->path_count > 0;
}

/* ---- requests ----------------------------------------------------------------- */

static void make_url(const options *o, const char *path, char *url,
                     size_t cap)
{
    int v6 = strchr(o->servername, ':') != NULL;

    snprintf(url, cap, "https://%s%s%s:%u%s", v6 ? "[" : "", o->servername,
             v6 ? "]" : "", o->port, path);
}

static void print_body(const rucio_http_buffer *b)
{
    size_t len = b->len;

    while (len > 0 && (b->data[len - 1] == '\n' || b->data[len - 1] == '\r'))
        len--;
    printf("body=%.*s\n", (int)len, b->data);
}

static int fetch(rucio_http_conn *c, const options *o, const char *path,
                 unsigned number, char *body)
{
    char url[512];
    rucio_url u;
    rucio_http_request req;
    rucio_http_response resp;
    rucio_http_buffer buf;
    rucio_http_sink sink;
    counting_sink cs = {0, o->check_pattern, 1, 0};
    rucio_status st;

    make_url(o, path, url, sizeof url);
    if (rucio_url_parse(url, strlen(url), &u) != RUCIO_OK) {
        printf("error=bad URL %s\n", url);
        return 0;
    }
    memset(&req, 0, sizeof req);
    req.method = "GET";
    req.url = &u;
    rucio_http_buffer_init(&buf, body, BODY_CAP);
    if (o->count_only) {
        sink.write = count_write;
        sink.user = &cs;
    } else {
        rucio_http_buffer_sink(&buf, &sink);
    }
    st = rucio_http_conn_exchange(c, &req, &resp, &sink);
    if (st != RUCIO_OK) {
        printf("error=%s: %s\n", rucio_strerror(st), c->error);
        return 0;
    }
    printf("request=%u status=%d bytes=%llu connects=%u resumed=%d\n", number,
           resp.status, (unsigned long long)resp.body_length,
           (unsigned)c->connect_count, rucio_tls_resumed(&c->tls_conn));
    if (o->count_only && o->check_pattern && cs.pattern_ok)
        printf("pattern=ok\n");
    else if (o->count_only && o->check_pattern)
        printf("pattern=bad@%llu\n", (unsigned long long)cs.first_bad);
    if (!o->count_only)
        print_body(&buf);
    return 1;
}

static int run(const options *o, const rucio_port *port,
               const rucio_logger *log)
{
    static char body[BODY_CAP];
    char err[256];
    rucio_tls_config tls;
    rucio_http_conn conn;
    unsigned r, number = 0;
    size_t i;
    int ok = 1;

    if (rucio_tls_config_init(&tls, port, &o->tls, log, err, sizeof err) !=
        RUCIO_OK) {
        printf("error=TLS configuration: %s\n", err);
        return 0;
    }
    rucio_http_conn_init(&conn, port, &tls, o->timeout_ms, log);
    conn.present_client_cert = o->tls.cert_file && !o->no_client_cert;
    for (r = 0; r < o->repeat && ok; r++) {
        for (i = 0; i < o->path_count && ok; i++) {
            ok = fetch(&conn, o, o->paths[i], ++number, body);
            if (o->toggle_client_cert && strcmp(o->paths[i], "/close") == 0)
                conn.present_client_cert = !conn.present_client_cert;
        }
    }
    rucio_http_conn_free(&conn);
    rucio_tls_config_free(&tls);
    return ok;
}

int main(int argc, char **argv)
{
    options o;
    rucio_port port;
    rucio_logger log;
    struct rusage ru;
    int ok;

    if (!parse_args(&o, argc, argv))
        return usage();
    redirect_port_init(&port, o.host);
    log.fn = log_to_stderr;
    log.user = NULL;
    log.max_level = o.verbose ? RUCIO_LOG_DEBUG : RUCIO_LOG_WARN;
    ok = run(&o, &port, &log);
    getrusage(RUSAGE_SELF, &ru);
    printf("maxrss_kib=%ld\n", ru.ru_maxrss);
    printf("mbedtls=%s tls13=%s\n", MBEDTLS_VERSION_STRING, TLS13);
    return ok ? 0 : 1;
}
