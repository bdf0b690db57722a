/*
 * e2e_client: drive the public client API against a Rucio server, for the
 * end-to-end suite (tests/e2e/run.sh). Uses only the public headers
 * (include/rucio/), as an application would.
 *
 *   e2e_client [options] STEP...
 *
 * One client is set up from the options (unset ones come from the
 * environment and rucio.cfg, as for any caller), then the steps run in
 * order on it:
 *
 *   ping                              rucio_ping
 *   whoami                            rucio_whoami
 *   auth                              rucio_authenticate
 *   signurl RSE SERVICE OP LIFETIME URL
 *                                     rucio_get_signed_url (LIFETIME
 *                                     "default" is RUCIO_SIGNED_URL_LIFETIME)
 *
 * Output, one line each, on stdout:
 *
 *   ping ok version=<v>
 *   whoami ok account=<a> account_type=<t> status=<s>
 *   auth ok account=<a> expires=<wall seconds, 0 unknown>
 *   signurl ok url=<signed url>
 *   <step> error status=<E_...> http=<code> code=<n> class=<Class> message=<text>
 *   init error ...                    (same fields; no step runs)
 *   stats api_connects=<n> api_requests=<n> auth_connects=<n>
 *         auth_requests=<n> authentications=<n>     (one line, after the
 *                                                    steps)
 *
 * The message runs to the end of its line. Exit 0 when every step
 * succeeded, 1 when one failed (later steps still run), 2 on bad usage,
 * 3 when the client could not be set up.
 *
 * Options (each sets the rucio_client_options field it names):
 *   --host URL  --auth-host URL  --account A  --auth-type T  --user U
 *   --password-file F  --cert F  --key F  --proxy F  --ssh-key F
 *   --ca PATH  --token T (an auth token to use as is)  --timeout-ms N
 *   --no-files   a port without its file part: no rucio.cfg, no token
 *                cache, credentials only from options; the --ca file is
 *                read here and passed in memory (ca_mem), as a device
 *                keeps its CA in flash
 *   --verbose    every log message on stderr
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rucio/client.h"
#include "rucio/port_posix.h"

#define SECRET_CAP 256
#define SIGNED_URL_CAP 8192

typedef struct driver {
    rucio_port port;
    rucio_client_options opt;
    rucio_client client;
    char password[SECRET_CAP];
    char signed_url[SIGNED_URL_CAP];
    int no_files;
    int verbose;
    int failed;
} driver;

static void log_to_stderr(void *user, rucio_log_level level, const char *msg)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};

    (void)user;
    fprintf(stderr, "e2e_client: %s: %s\n", names[level], msg);
}

/* ---- options ------------------------------------------------------------- */

static int read_password(driver *d, const char *path)
{
    FILE *f = fopen(path, "r");
    int ok;

    if (!f)
        return 0;
    ok = fgets(d->password, sizeof d->password, f) != NULL;
    fclose(f);
    d->password[strcspn(d->password, "\r\n")] = '\0';
    d->opt.password = d->password;
    return ok;
}

/* Options that take a value; 0 if name is not one of them, -1 if the
 * value is bad. */
static int take_value(driver *d, const char *name, const char *value)
{
    rucio_client_options *o = &d->opt;
    const struct {
        const char *name;
        const char **field;
    } strings[] = {
        {"--host", &o->rucio_host},
        {"--auth-host", &o->auth_host},
        {"--account", &o->account},
        {"--auth-type", &o->auth_type},
        {"--user", &o->username},
        {"--cert", &o->client_cert},
        {"--key", &o->client_key},
        {"--proxy", &o->client_proxy},
        {"--ssh-key", &o->ssh_private_key},
        {"--ca", &o->ca_cert},
        {"--token", &o->token},
    };
    size_t i;

    for (i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        if (strcmp(name, strings[i].name) == 0) {
            *strings[i].field = value;
            return 1;
        }
    }
    if (strcmp(name, "--password-file") == 0)
        return read_password(d, value) ? 1 : -1;
    if (strcmp(name, "--timeout-ms") == 0) {
        o->timeout_ms = (uint32_t)strtoul(value, NULL, 10);
        return o->timeout_ms > 0 ? 1 : -1;
    }
    return 0;
}

static int take_flag(driver *d, const char *name)
{
    if (strcmp(name, "--no-files") == 0)
        d->no_files = 1;
    else if (strcmp(name, "--verbose") == 0)
        d->verbose = 1;
    else
        return 0;
    return 1;
}

/* Parse options; returns the index of the first step, or 0 on bad usage. */
static int parse_options(driver *d, int argc, char **argv)
{
    int i, r;

    for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        if (take_flag(d, argv[i]))
            continue;
        if (i + 1 >= argc)
            return 0;
        r = take_value(d, argv[i], argv[i + 1]);
        if (r <= 0) {
            fprintf(stderr, "e2e_client: bad option %s\n", argv[i]);
            return 0;
        }
        i++;
    }
    return i < argc ? i : 0;
}

/* ---- output -------------------------------------------------------------- */

/* The enum's own names, for scripts (rucio_strerror is for people). */
static const char *status_name(rucio_status st)
{
    static const char *const names[RUCIO_STATUS_COUNT_] = {
        [RUCIO_OK] = "OK",
        [RUCIO_E_INVALID_ARG] = "E_INVALID_ARG",
        [RUCIO_E_NO_SPACE] = "E_NO_SPACE",
        [RUCIO_E_UNSUPPORTED] = "E_UNSUPPORTED",
        [RUCIO_E_ABORTED] = "E_ABORTED",
        [RUCIO_E_PORT] = "E_PORT",
        [RUCIO_E_DNS] = "E_DNS",
        [RUCIO_E_CONNECT] = "E_CONNECT",
        [RUCIO_E_TIMEOUT] = "E_TIMEOUT",
        [RUCIO_E_IO] = "E_IO",
        [RUCIO_E_CLOSED] = "E_CLOSED",
        [RUCIO_E_TLS] = "E_TLS",
        [RUCIO_E_TLS_VERIFY] = "E_TLS_VERIFY",
        [RUCIO_E_TLS_CONFIG] = "E_TLS_CONFIG",
        [RUCIO_E_BAD_URL] = "E_BAD_URL",
        [RUCIO_E_BAD_HEADER] = "E_BAD_HEADER",
        [RUCIO_E_PROTOCOL] = "E_PROTOCOL",
        [RUCIO_E_HEADER_TOO_LARGE] = "E_HEADER_TOO_LARGE",
        [RUCIO_E_TOO_MANY_HEADERS] = "E_TOO_MANY_HEADERS",
        [RUCIO_E_BODY_TOO_LARGE] = "E_BODY_TOO_LARGE",
        [RUCIO_E_TRUNCATED] = "E_TRUNCATED",
        [RUCIO_E_JSON] = "E_JSON",
        [RUCIO_E_CONFIG] = "E_CONFIG",
        [RUCIO_E_CONFIG_NOT_FOUND] = "E_CONFIG_NOT_FOUND",
        [RUCIO_E_MISSING_PARAM] = "E_MISSING_PARAM",
        [RUCIO_E_NO_AUTH_INFO] = "E_NO_AUTH_INFO",
        [RUCIO_E_AUTH] = "E_AUTH",
        [RUCIO_E_SERVER] = "E_SERVER",
        [RUCIO_E_FILE] = "E_FILE",
    };

    return (unsigned)st < RUCIO_STATUS_COUNT_ && names[st] ? names[st]
                                                           : "E_UNKNOWN";
}

static void report_error(driver *d, const char *step)
{
    const rucio_error *e = rucio_client_last_error(&d->client);

    printf("%s error status=%s http=%d code=%d class=%s message=%s\n", step,
           status_name(e->status), e->http_status, e->code,
           e->exception_class[0] ? e->exception_class : "-", e->message);
    d->failed = 1;
}

static void report_stats(const driver *d)
{
    const rucio_client *c = &d->client;

    printf("stats api_connects=%u api_requests=%u auth_connects=%u "
           "auth_requests=%u authentications=%u\n",
           (unsigned)c->_internal.api_conn.connect_count,
           (unsigned)c->_internal.api_conn.request_count,
           (unsigned)c->_internal.auth_conn.connect_count,
           (unsigned)c->_internal.auth_conn.request_count,
           (unsigned)c->_internal.auth_requests);
}

/* ---- steps --------------------------------------------------------------- */

static void step_ping(driver *d)
{
    char version[64];

    if (rucio_ping(&d->client, version, sizeof version) == RUCIO_OK)
        printf("ping ok version=%s\n", version);
    else
        report_error(d, "ping");
}

static void step_whoami(driver *d)
{
    rucio_account_info info;

    if (rucio_whoami(&d->client, &info) == RUCIO_OK)
        printf("whoami ok account=%s account_type=%s status=%s\n",
               info.account, info.account_type, info.status);
    else
        report_error(d, "whoami");
}

static void step_auth(driver *d)
{
    if (rucio_authenticate(&d->client) == RUCIO_OK)
        printf("auth ok account=%s expires=%lld\n",
               rucio_client_account(&d->client),
               (long long)rucio_client_token_expires(&d->client));
    else
        report_error(d, "auth");
}

/* argv[0..4]: RSE SERVICE OP LIFETIME URL. */
static void step_signurl(driver *d, char **argv)
{
    long long lifetime = strcmp(argv[3], "default") == 0
                             ? RUCIO_SIGNED_URL_LIFETIME
                             : strtoll(argv[3], NULL, 10);

    if (rucio_get_signed_url(&d->client, argv[0], argv[1], argv[2], argv[4],
                             lifetime, d->signed_url,
                             sizeof d->signed_url) == RUCIO_OK)
        printf("signurl ok url=%s\n", d->signed_url);
    else
        report_error(d, "signurl");
}

/* Run the steps from argv[first]; 0 on bad usage. */
static int run_steps(driver *d, int first, int argc, char **argv)
{
    int i;

    for (i = first; i < argc; i++) {
        if (strcmp(argv[i], "ping") == 0) {
            step_ping(d);
        } else if (strcmp(argv[i], "whoami") == 0) {
            step_whoami(d);
        } else if (strcmp(argv[i], "auth") == 0) {
            step_auth(d);
        } else if (strcmp(argv[i], "signurl") == 0 && i + 5 < argc) {
            step_signurl(d, argv + i + 1);
            i += 5;
        } else {
            fprintf(stderr, "e2e_client: bad step %s\n", argv[i]);
            return 0;
        }
        fflush(stdout);
    }
    return 1;
}

/* The CA file's PEM, NUL-terminated, for ca_mem. */
static int ca_into_memory(driver *d)
{
    static char pem[65536];
    FILE *f = fopen(d->opt.ca_cert, "rb");
    size_t n;

    if (!f)
        return 0;
    n = fread(pem, 1, sizeof pem - 1, f);
    fclose(f);
    pem[n] = '\0';
    d->opt.ca_mem = (const uint8_t *)pem;
    d->opt.ca_mem_len = n + 1;
    d->opt.ca_cert = NULL;
    return 1;
}

static void setup_port(driver *d)
{
    rucio_port_posix_init(&d->port);
    if (d->no_files) {
        d->port.fs = NULL;
        if (d->opt.ca_cert && !ca_into_memory(d))
            fprintf(stderr, "e2e_client: cannot read %s\n", d->opt.ca_cert);
    }
    d->opt.port = &d->port;
    d->opt.script = "e2e_client";
    d->opt.logger.fn = log_to_stderr;
    d->opt.logger.max_level = d->verbose ? RUCIO_LOG_DEBUG : RUCIO_LOG_WARN;
}

int main(int argc, char **argv)
{
    static driver d;
    int first, rc;

    rucio_client_options_default(&d.opt);
    first = parse_options(&d, argc, argv);
    if (!first) {
        fprintf(stderr, "usage: e2e_client [options] "
                        "ping|whoami|auth|signurl RSE SVC OP LIFETIME URL...\n");
        return 2;
    }
    setup_port(&d);
    if (rucio_client_init(&d.client, &d.opt) != RUCIO_OK) {
        report_error(&d, "init");
        rucio_client_free(&d.client);
        return 3;
    }
    rc = run_steps(&d, first, argc, argv) ? (d.failed ? 1 : 0) : 2;
    report_stats(&d);
    rucio_client_free(&d.client);
    memset(d.password, 0, sizeof d.password);
    return rc;
}
