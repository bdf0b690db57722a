/* rucio-lite: the request loop of the Rucio client. */
#include "client/request.h"

#include <string.h>

#include "client/date.h"
#include "client/errors.h"
#include "core/ascii.h"

#define MAX_ATTEMPTS 3       /* BaseClient.AUTH_RETRIES + 1 */
#define MAX_REDIRECTS 5      /* same-origin redirects followed per attempt */
#define MAX_BACKOFF_MS 10000u

/* ---- response body ----------------------------------------------------- */

/* Collects the body into the client's scratch buffer. A success body
 * must be whole. Of an error body only the start is kept (it feeds the
 * message); the rest is not read at all: the sink stops the parser, the
 * connection is closed, and a server cannot make us read for ever. */
typedef struct body_sink {
    rucio_client *client;
    size_t len;
    int cut;    /* an error body did not fit and reading stopped */
} body_sink;

rucio_status rl_body_keep(rucio_client *c, size_t *used,
                          const uint8_t *data, size_t len)
{
    char *buf = c->_internal.scratch.body;
    size_t room = sizeof c->_internal.scratch.body - 1 - *used;
    size_t n = len < room ? len : room;

    memcpy(buf + *used, data, n);
    *used += n;
    buf[*used] = '\0';
    return len > room ? RUCIO_E_BODY_TOO_LARGE : RUCIO_OK;
}

static rucio_status body_write(void *user, const uint8_t *data, size_t len)
{
    body_sink *s = user;
    rucio_status st = rl_body_keep(s->client, &s->len, data, len);

    if (st != RUCIO_OK)
        s->cut = s->client->_internal.response.status / 100 != 2;
    return st;
}

/* ---- URL and headers ------------------------------------------------------ */

static const char *base_url(const rucio_client *c, rucio_endpoint ep)
{
    return ep == RUCIO_ENDPOINT_AUTH ? c->_internal.settings.auth_host
                                     : c->_internal.settings.rucio_host;
}

/* "<host>/<path>[?<query>]": no slash normalisation, as build_url. */
static rucio_status build_url(rucio_client *c, const rucio_call *call)
{
    rucio_strbuf b;

    rucio_strbuf_init(&b, c->_internal.url, sizeof c->_internal.url);
    rucio_strbuf_puts(&b, base_url(c, call->endpoint));
    rucio_strbuf_putc(&b, '/');
    rucio_strbuf_puts(&b, call->path);
    if (call->query) {
        rucio_strbuf_putc(&b, '?');
        rucio_strbuf_puts(&b, call->query);
    }
    if (b.status != RUCIO_OK)
        return rl_error_set(&c->_internal.error, RUCIO_E_NO_SPACE,
                            "InputValidationError",
                            "request URL longer than RUCIO_URL_MAX");
    return RUCIO_OK;
}

static void add_header(rucio_http_header *h, size_t *n, const char *name,
                       const char *value)
{
    h[*n].name = name;
    h[*n].value = value;
    (*n)++;
}

/* In the order the Python client puts them on the wire. */
static size_t build_headers(const rucio_client *c, const rucio_call *call,
                            rucio_http_header *h)
{
    size_t n = 0, i;

    add_header(h, &n, "User-Agent", c->_internal.settings.user_agent);
    add_header(h, &n, "Accept", "*/*");
    add_header(h, &n, "Connection", "Keep-Alive");
    add_header(h, &n, "X-Rucio-Auth-Token", c->_internal.token);
    add_header(h, &n, "X-Rucio-VO", c->_internal.settings.vo);
    add_header(h, &n, "X-Rucio-Script", c->_internal.settings.script);
    if (c->_internal.settings.account[0])
        add_header(h, &n, "X-Rucio-Account", c->_internal.settings.account);
    for (i = 0; i < call->extra_count; i++)
        h[n++] = call->extra[i];
    return n;
}

/* Length of an "http:" or "https:" scheme (any case) that opens loc, with
 * its colon, or 0. */
static size_t http_scheme_length(const char *loc)
{
    if (rl_ascii_equal_nocase(loc, 5, "http:", 5))
        return 5;
    if (rl_ascii_equal_nocase(loc, 6, "https:", 6))
        return 6;
    return 0;
}

/* Resolve a Location header against the URL in c->_internal.url, in place: an
 * absolute URL replaces it, "//authority/path" keeps only the scheme,
 * "/path" keeps scheme and authority, and a relative reference replaces
 * the last path segment (RFC 3986 5.2; dot segments are not removed). */
static rucio_status resolve_location(rucio_client *c, const char *loc)
{
    char *url = c->_internal.url;
    char *path = strstr(url, "://");
    rucio_strbuf b;
    size_t keep;

    if (http_scheme_length(loc) && strncmp(loc + http_scheme_length(loc),
                                           "//", 2) == 0) {
        keep = 0;
    } else if (!path) {
        return RUCIO_E_BAD_URL;
    } else if (loc[0] == '/' && loc[1] == '/') {
        keep = (size_t)(path - url) + 1; /* "https:" */
    } else {
        path = strchr(path + 3, '/');
        keep = path ? (size_t)(path - url) : strlen(url);
        if (loc[0] != '/' && path) {
            size_t end = strcspn(path, "?#");
            while (end > 0 && path[end - 1] != '/')
                end--;
            keep += end;
        } else if (loc[0] != '/') {
            if (keep + 1 >= sizeof c->_internal.url)
                return RUCIO_E_NO_SPACE;
            url[keep++] = '/';
        }
    }
    rucio_strbuf_init(&b, url + keep, sizeof c->_internal.url - keep);
    rucio_strbuf_puts(&b, loc);
    return b.status;
}

/* ---- redirects ------------------------------------------------------------ */

/* Only the target's origin goes into messages: its path and query may
 * carry signatures. */
static void put_origin(rucio_strbuf *b, const rucio_url *u)
{
    rucio_strbuf_puts(b, u->https ? "https://" : "http://");
    if (u->host_is_ipv6)
        rucio_strbuf_putc(b, '[');
    rucio_strbuf_append(b, u->host, u->host_len);
    if (u->host_is_ipv6)
        rucio_strbuf_putc(b, ']');
    rucio_strbuf_putc(b, ':');
    rucio_strbuf_put_u64(b, u->port);
}

static rucio_status refuse_redirect(rucio_client *c, const char *why,
                                    const rucio_url *target)
{
    char to[RUCIO_HTTP_HOST_MAX + 32];
    rucio_strbuf b;

    rucio_strbuf_init(&b, to, sizeof to);
    if (target) {
        rucio_strbuf_puts(&b, " (to ");
        put_origin(&b, target);
        rucio_strbuf_putc(&b, ')');
    }
    rl_error_set(&c->_internal.error, RUCIO_E_REDIRECT, "RucioException",
                 "%s%s", why, to);
    c->_internal.error.http_status = c->_internal.response.status;
    return RUCIO_E_REDIRECT;
}

/* Where a redirect comes from: the origin of the URL that was sent,
 * kept apart because c->_internal.url is then resolved in place. */
typedef struct origin {
    int https;
    uint16_t port;
    char host[RUCIO_HTTP_HOST_MAX + 1];
} origin;

static void keep_origin(origin *o, const rucio_url *u)
{
    o->https = u->https;
    o->port = u->port;
    memcpy(o->host, u->host, u->host_len);
    o->host[u->host_len] = '\0';
}

static int same_origin(const origin *from, const rucio_url *to)
{
    return from->https == to->https && from->port == to->port &&
           rl_ascii_equal_nocase(from->host, strlen(from->host), to->host,
                                 to->host_len);
}

/* Python's requests sends every header to wherever Location points,
 * X-Rucio-Auth-Token included. Here a redirect is followed only to the
 * same scheme, host and port, never for an authentication request (its
 * headers hold passwords and signatures), and at most MAX_REDIRECTS
 * times. c->_internal.url is resolved against loc first, so that the origin
 * compared is the one the next request would really go to. */
static rucio_status follow_redirect(rucio_client *c, const rucio_call *call,
                                    const rucio_url *from, const char *loc,
                                    int redirects, rucio_url *to)
{
    origin before;

    keep_origin(&before, from);
    if (resolve_location(c, loc) != RUCIO_OK)
        return refuse_redirect(c, "redirect to a URL too long to follow",
                               NULL);
    if (rucio_url_parse(c->_internal.url, strlen(c->_internal.url), to) !=
        RUCIO_OK)
        return refuse_redirect(c, "redirect to an invalid URL refused", NULL);
    if (call->endpoint == RUCIO_ENDPOINT_AUTH)
        return refuse_redirect(c, "redirect of an authentication request "
                                  "refused", to);
    if (before.https && !to->https)
        return refuse_redirect(c, "redirect from https to http refused", to);
    if (!same_origin(&before, to))
        return refuse_redirect(c, "redirect to another server refused: "
                                  "credentials are never sent there", to);
    if (redirects >= MAX_REDIRECTS)
        return refuse_redirect(c, "too many redirects", to);
    return RUCIO_OK;
}

/* ---- one exchange ------------------------------------------------------------- */

/* Authentication goes over the API connection when the auth host is the
 * Rucio host and no client certificate is presented: one connection,
 * one handshake and one set of TLS buffers instead of two. */
static rucio_http_conn *conn_for(rucio_client *c, rucio_endpoint ep)
{
    int own_auth_conn = strcmp(c->_internal.settings.auth_host,
                               c->_internal.settings.rucio_host) != 0;

#if RUCIO_WITH_TLS
    own_auth_conn = own_auth_conn || c->_internal.auth_conn.present_client_cert;
#endif
    return ep == RUCIO_ENDPOINT_AUTH && own_auth_conn ? &c->_internal.auth_conn
                                                      : &c->_internal.api_conn;
}

static int is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 ||
           status == 308;
}

/* Send to c->_internal.url once. A cut error body still counts as the answer.
 */
static rucio_status send_once(rucio_client *c, const rucio_call *call,
                              const rucio_http_request *req, size_t *out_len)
{
    rucio_http_sink sink;
    body_sink body = {c, 0, 0};
    rucio_status st;

    sink.write = body_write;
    sink.user = &body;
    c->_internal.scratch.body[0] = '\0';
    c->_internal.response.status = 0;
    st = rucio_http_conn_exchange(conn_for(c, call->endpoint), req,
                                  &c->_internal.response, &sink);
    *out_len = body.len;
    if (st == RUCIO_E_BODY_TOO_LARGE && body.cut) {
        rucio_log(&c->_internal.logger, RUCIO_LOG_DEBUG,
                  "error body longer than %u bytes: the rest was not read",
                  (unsigned)sizeof c->_internal.scratch.body - 1);
        return RUCIO_OK;
    }
    return st;
}

/* A request body held in memory: a JSON document, sent again as it is
 * when a request is retried. */
typedef struct text_source {
    const char *text;
    size_t offset;
} text_source;

static rucio_status text_read(void *user, uint8_t *buf, size_t cap,
                              size_t *out_n)
{
    text_source *t = user;
    size_t n = strlen(t->text + t->offset);

    if (n > cap)
        n = cap;
    memcpy(buf, t->text + t->offset, n);
    t->offset += n;
    *out_n = n;
    return RUCIO_OK;
}

static rucio_status text_rewind(void *user)
{
    ((text_source *)user)->offset = 0;
    return RUCIO_OK;
}

/* Send to c->_internal.url and follow same-origin redirects. RUCIO_OK: a
 * response is in c->_internal.response; else a transport status, or
 * RUCIO_E_REDIRECT with c->_internal.error filled. */
static rucio_status exchange(rucio_client *c, const rucio_call *call,
                             size_t *out_len)
{
    rucio_http_header headers[8 + RUCIO_CALL_MAX_EXTRA];
    rucio_http_request req;
    rucio_http_source source;
    text_source body;
    rucio_url url;
    const char *loc;
    int redirects;
    rucio_status st;

    memset(&req, 0, sizeof req);
    req.method = call->method ? call->method : "GET";
    req.url = &url;
    req.headers = headers;
    req.header_count = build_headers(c, call, headers);
    if (call->body) {
        body.text = call->body;
        body.offset = 0;
        source.read = text_read;
        source.rewind = text_rewind;
        source.user = &body;
        source.length = strlen(call->body);
        req.body = &source;
    }
    st = rucio_url_parse(c->_internal.url, strlen(c->_internal.url), &url);
    for (redirects = 0; st == RUCIO_OK; redirects++) {
        st = send_once(c, call, &req, out_len);
        if (st != RUCIO_OK || !is_redirect(c->_internal.response.status) ||
            strcmp(req.method, "GET") != 0)
            return st;
        loc = rucio_http_response_header(&c->_internal.response, "Location");
        if (!loc)
            return RUCIO_OK; /* no Location: the 3xx is the answer */
        st = follow_redirect(c, call, &url, loc, redirects, &url);
    }
    return st;
}

/* ---- retry policy ------------------------------------------------------------- */

/* Failures of the connection before any response arrived, which the
 * Python client retries. A certificate rejection or a timeout would only
 * repeat, so they end the call. */
static int connection_error(rucio_status st)
{
    return st == RUCIO_E_DNS || st == RUCIO_E_CONNECT || st == RUCIO_E_IO ||
           st == RUCIO_E_CLOSED || st == RUCIO_E_TRUNCATED || st == RUCIO_E_TLS;
}

static int digits_only(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int rl_retry_after_ms(const char *value, int64_t now_seconds,
                      uint32_t *out_ms)
{
    int64_t when, seconds = 0;
    uint64_t delta;

    if (digits_only(value)) {
        /* Too many digits for 64 bits is "very long": saturated below. */
        seconds = rl_ascii_parse_u64(value, strlen(value), &delta) &&
                          delta < 100000
                      ? (int64_t)delta
                      : 100000;
    } else if (rl_parse_http_date(value, &when) == RUCIO_OK) {
        seconds = when > now_seconds ? when - now_seconds : 0;
    } else {
        return 0;
    }
    *out_ms = seconds >= 100000 ? 100000000u : (uint32_t)seconds * 1000u;
    return 1;
}

/* Milliseconds left before the call's deadline. */
static uint64_t time_left_ms(const rucio_client *c)
{
    uint64_t now = c->_internal.port.now_ms(c->_internal.port.ctx);

    return c->_internal.call_deadline_ms > now
               ? c->_internal.call_deadline_ms - now
               : 0;
}

/* Full jitter (uniform in [0, bound]): a fleet of nodes that failed
 * together does not come back together. */
static uint32_t jitter_ms(const rucio_client *c, uint32_t bound)
{
    uint8_t r[4];

    if (c->_internal.port.random(c->_internal.port.ctx, r, sizeof r) !=
        RUCIO_OK)
        return bound;
    return (uint32_t)(((uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 |
                       (uint32_t)r[2] << 8 | r[3]) %
                      ((uint64_t)bound + 1));
}

/* The Python client's bound, min(10, 0.25 * 2^attempt) s, with full
 * jitter; after a Retry-After, that wait plus the jitter. A server cannot
 * park us longer than a minute or the client timeout. */
static uint32_t backoff_ms(const rucio_client *c, int attempt, int response)
{
    const char *retry_after =
        response
            ? rucio_http_response_header(&c->_internal.response, "Retry-After")
            : NULL;
    uint32_t bound = attempt < 6 ? 250u << attempt : MAX_BACKOFF_MS;
    uint32_t wait = 0;

    if (bound > MAX_BACKOFF_MS)
        bound = MAX_BACKOFF_MS;
    if (retry_after &&
        !rl_retry_after_ms(
            retry_after, c->_internal.port.wall_seconds(c->_internal.port.ctx),
            &wait))
        wait = 0;
    wait += jitter_ms(c, bound);
    if (wait > RUCIO_RETRY_AFTER_MAX_MS)
        wait = RUCIO_RETRY_AFTER_MAX_MS;
    if (wait > c->_internal.settings.timeout_ms)
        wait = c->_internal.settings.timeout_ms;
    return wait;
}

/* Sleep before another attempt, unless the call's deadline would pass
 * first: then there is no point in trying again. */
static int sleep_before_retry(rucio_client *c, uint32_t ms)
{
    if (ms >= time_left_ms(c)) {
        rucio_log(&c->_internal.logger, RUCIO_LOG_INFO,
                  "no time left for another attempt within the call's "
                  "time limit");
        return 0;
    }
    c->_internal.port.sleep_ms(c->_internal.port.ctx, ms);
    return 1;
}

/* A response that breaks HTTP, or a local refusal, is not a failure to
 * connect: each gets the class a person can act on. */
static rucio_status report_failure(rucio_client *c, const rucio_call *call,
                                   rucio_status st)
{
    const char *detail = conn_for(c, call->endpoint)->error;
    const char *cls = "RucioException";
    const char *prefix = "invalid response: ";

    switch (st) {
    case RUCIO_E_DNS:
    case RUCIO_E_CONNECT:
    case RUCIO_E_TLS:
    case RUCIO_E_TLS_VERIFY:
        cls = "ServerConnectionException";
        prefix = "Cannot connect to the Rucio server. ";
        break;
    case RUCIO_E_TIMEOUT:
    case RUCIO_E_IO:
    case RUCIO_E_CLOSED:
    case RUCIO_E_TRUNCATED:
        cls = "ServerConnectionException";
        prefix = "";
        break;
    case RUCIO_E_BAD_HEADER:
    case RUCIO_E_INVALID_ARG:
        cls = "InputValidationError";
        prefix = "";
        break;
    case RUCIO_E_BODY_TOO_LARGE:
        prefix = "the response body is larger than the client's buffer "
                 "(RUCIO_BODY_MAX): ";
        break;
    case RUCIO_E_BAD_URL:
        cls = "InputValidationError";
        prefix = "invalid server URL: ";
        break;
    default:
        break;
    }
    return rl_error_set(&c->_internal.error, st, cls, "%s%s", prefix,
                        detail[0] ? detail : rucio_strerror(st));
}

/* What a finished attempt leads to. */
typedef enum next_step { STEP_DONE, STEP_AGAIN, STEP_FAILED } next_step;

/* A failure before any response: try again after a jittered pause while
 * [client] request_retries, the attempts and the deadline allow. Once a
 * response head has arrived the request is never sent again (it may have
 * been acted on). */
static next_step after_failure(rucio_client *c, const rucio_call *call,
                               int attempt, rucio_status *st)
{
    if (*st == RUCIO_E_REDIRECT)
        return STEP_FAILED; /* c->_internal.error says which */
    if (connection_error(*st) && c->_internal.response.status == 0 &&
        attempt < c->_internal.settings.request_retries + 1 &&
        attempt + 1 < MAX_ATTEMPTS) {
        uint32_t ms = backoff_ms(c, attempt, 0);

        rucio_log(&c->_internal.logger, RUCIO_LOG_WARN, "%s; retrying in %u ms",
                  conn_for(c, call->endpoint)->error, (unsigned)ms);
        if (sleep_before_retry(c, ms))
            return STEP_AGAIN;
    }
    *st = report_failure(c, call, *st);
    return STEP_FAILED;
}

/* A response: back off on 502/503/504, else it is the answer (a 401
 * included: the token policy above decides). The last attempt's response
 * is always final. */
static next_step after_response(rucio_client *c, int attempt)
{
    int status = c->_internal.response.status;

    if (attempt + 1 == MAX_ATTEMPTS)
        return STEP_DONE;
    if (status == 502 || status == 503 || status == 504) {
        uint32_t ms = backoff_ms(c, attempt, 1);

        rucio_log(&c->_internal.logger, RUCIO_LOG_INFO,
                  "server answered %d; retrying in %u ms", status,
                  (unsigned)ms);
        return sleep_before_retry(c, ms) ? STEP_AGAIN : STEP_DONE;
    }
    return STEP_DONE;
}

void rl_call_begin(rucio_client *c)
{
    c->_internal.call_deadline_ms =
        rucio_port_deadline(&c->_internal.port, c->_internal.call_timeout_ms);
    rucio_http_conn_set_deadline(&c->_internal.api_conn,
                                 c->_internal.call_deadline_ms);
    rucio_http_conn_set_deadline(&c->_internal.auth_conn,
                                 c->_internal.call_deadline_ms);
    rl_error_clear(&c->_internal.error);
}

rucio_status rl_call_check_server(rucio_client *c)
{
    if (c->_internal.settings.rucio_host[0])
        return RUCIO_OK;
    return rl_error_set(&c->_internal.error, RUCIO_E_MISSING_PARAM,
                        "MissingClientParameter",
                        "this client was made for signed-URL transfers only "
                        "(storage_only): it has no Rucio host to ask");
}

rucio_status rl_call_send(rucio_client *c, const rucio_call *call,
                          size_t *out_body_len)
{
    rucio_status st = rl_call_check_server(c);
    next_step next = STEP_AGAIN;
    int attempt;

    *out_body_len = 0;
    if (st != RUCIO_OK)
        return st;
    for (attempt = 0; next == STEP_AGAIN; attempt++) {
        st = build_url(c, call);
        if (st != RUCIO_OK)
            return st;
        st = exchange(c, call, out_body_len);
        next = st == RUCIO_OK
                   ? after_response(c, attempt)
                   : after_failure(c, call, attempt, &st);
    }
    return next == STEP_DONE ? RUCIO_OK : st;
}
