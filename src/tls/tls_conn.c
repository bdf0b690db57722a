/*
 * rucio-lite: one TLS connection over the port.
 *
 * mbedTLS talks to the port through the two bio callbacks below. A port
 * timeout is handed to mbedTLS as WANT_READ/WANT_WRITE, not as
 * MBEDTLS_ERR_SSL_TIMEOUT: after any code other than WANT_* mbedTLS
 * documents the context as unusable, while the HTTP layer peeks at idle
 * connections with a deadline of "now" and keeps using them. last_io
 * tells our loops that the WANT_* was a timeout.
 *
 * One mbedtls_ssl_context serves every connection of a rucio_tls_conn
 * (mbedtls_ssl_session_reset between them); the last session is kept in
 * t->session and offered again to the same host.
 */
#include "rucio/build_config.h"

#if RUCIO_WITH_TLS /* else the Makefile leaves this file out */
#include "rucio/tls.h"
#include "rucio/strbuf.h"
#include "tls/tls_internal.h"

#include <string.h>

#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h> /* MBEDTLS_ERR_NET_CONN_RESET, 2.28 and 3.x */
#include <mbedtls/version.h>

/* Reasons of ours for a failed handshake, kept in last_error (> 0). */
enum {
    REASON_NO_CLIENT_CERT = 1,
    REASON_BAD_HOST
};

/* ---- version differences ----------------------------------------------------- */

static int handshake_state(const mbedtls_ssl_context *ssl)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return ssl->MBEDTLS_PRIVATE(state);
#else
    return ssl->state;
#endif
}

static int handshake_over(mbedtls_ssl_context *ssl)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_ssl_is_handshake_over(ssl);
#else
    return ssl->state == MBEDTLS_SSL_HANDSHAKE_OVER;
#endif
}

static const mbedtls_ssl_config *bound_config(const mbedtls_ssl_context *ssl)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_ssl_context_get_config(ssl);
#else
    return ssl->conf;
#endif
}

/* TLS 1.2 sessions exist when the handshake ends; TLS 1.3 ones only when
 * a NewSessionTicket arrives after it (see rucio_tls_recv). */
static int session_ready_after_handshake(const mbedtls_ssl_context *ssl)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_ssl_get_version_number(ssl) != MBEDTLS_SSL_VERSION_TLS1_3;
#else
    (void)ssl;
    return 1;
#endif
}

/* ---- errors ------------------------------------------------------------------- */

void rl_tls_error_text(int err, char *buf, size_t cap)
{
    char text[128] = "mbedTLS error";
    unsigned code = err < 0 ? 0u - (unsigned)err : (unsigned)err;

#if defined(MBEDTLS_ERROR_C)
    mbedtls_strerror(err, text, sizeof text);
#endif
    rucio_format(buf, cap, "%s (-0x%04X)", text, code);
}

/*
 * A record too large for our receive buffer, as from a server that
 * ignores the maximum fragment length we asked for. mbedTLS (2.28 and
 * 3.6) reads the 5-byte header first and then answers BAD_INPUT_DATA
 * when the record does not fit its buffer at all, or INVALID_RECORD when
 * it fits but holds more than MBEDTLS_SSL_IN_CONTENT_LEN of plaintext;
 * either text alone tells the user nothing. The header is still in
 * mbedTLS's input buffer until the next read or reset, so the length
 * the server announced is read back from there.
 */

/* How much larger than its plaintext a record may be: 256 in TLS 1.3
 * (RFC 8446, 5.2), 24 with TLS 1.2's AES-GCM. A record longer than the
 * buffer by more cannot be one that fits, nor a header left over from an
 * earlier, full-sized record when the error has another cause. */
#define RECORD_EXPANSION_MAX 256

/* The length field of the last record header mbedTLS read, if that
 * header is TLS's (content type 20 to 23, version 3.x); else 0, as for
 * an answer that is not TLS at all ("HTTP/1.1 400" reads as a length of
 * 20527) or a context without an input buffer. */
static size_t last_record_len(const mbedtls_ssl_context *ssl)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    const unsigned char *buf = ssl->MBEDTLS_PRIVATE(in_buf);
    const unsigned char *hdr = ssl->MBEDTLS_PRIVATE(in_hdr);
#else
    const unsigned char *buf = ssl->in_buf;
    const unsigned char *hdr = ssl->in_hdr;
#endif

    if (!buf || !hdr || hdr[0] < 20 || hdr[0] > 23 || hdr[1] != 3)
        return 0;
    return (size_t)hdr[3] << 8 | hdr[4];
}

/* The announced length of the record that made err, if it was one that
 * does not fit our receive buffer; else 0. */
static size_t oversized_record(const mbedtls_ssl_context *ssl, int err)
{
    size_t n = last_record_len(ssl);

    if (err != MBEDTLS_ERR_SSL_BAD_INPUT_DATA &&
        err != MBEDTLS_ERR_SSL_INVALID_RECORD)
        return 0;
    return n > MBEDTLS_SSL_IN_CONTENT_LEN + RECORD_EXPANSION_MAX ? n : 0;
}

/* Short enough for the HTTP layer's 96-byte room for it. The buffer is
 * MBEDTLS_SSL_IN_CONTENT_LEN (docs/porting.md, "Small TLS records"). */
static void describe_oversized(size_t n, char *buf, size_t cap)
{
    rucio_format(buf, cap, "%s: TLS record of %zu bytes > %d-byte receive "
                           "buffer",
                 RUCIO_TLS_ASKS_MFL ? "server ignored max fragment length"
                                    : "server record too large",
                 n, (int)MBEDTLS_SSL_IN_CONTENT_LEN);
}

static int is_want(int ret)
{
    return ret == MBEDTLS_ERR_SSL_WANT_READ ||
           ret == MBEDTLS_ERR_SSL_WANT_WRITE;
}

/* After WANT_*: call mbedTLS again, or has the wait ended? */
static int may_retry(const rucio_tls_conn *t)
{
    const rucio_port *port = t->cfg->port;

    if (t->last_io == RUCIO_IO_TIMEOUT)
        return 0;
    return port->now_ms(port->ctx) < t->deadline_ms;
}

/* ---- bio: mbedTLS to the port -------------------------------------------------- */

static int bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    rucio_tls_conn *t = ctx;
    const rucio_port *port = t->cfg->port;
    size_t n = 0;

    if (len > INT32_MAX)
        len = INT32_MAX;
    t->last_io = port->send(port->ctx, t->sock, buf, len, t->deadline_ms, &n);
    switch (t->last_io) {
    case RUCIO_IO_DATA:
        /* 0 would read as "sent" to mbedTLS with bytes still queued. */
        return n > 0 && n <= len ? (int)n : MBEDTLS_ERR_SSL_WANT_WRITE;
    case RUCIO_IO_AGAIN:
    case RUCIO_IO_TIMEOUT:
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    default:
        return MBEDTLS_ERR_NET_CONN_RESET;
    }
}

static int bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    rucio_tls_conn *t = ctx;
    const rucio_port *port = t->cfg->port;
    size_t n = 0;

    if (len > INT32_MAX)
        len = INT32_MAX;
    t->last_io = port->recv(port->ctx, t->sock, buf, len, t->deadline_ms, &n);
    switch (t->last_io) {
    case RUCIO_IO_DATA:
        return n > 0 && n <= len ? (int)n : MBEDTLS_ERR_SSL_WANT_READ;
    case RUCIO_IO_AGAIN:
    case RUCIO_IO_TIMEOUT:
        return MBEDTLS_ERR_SSL_WANT_READ;
    case RUCIO_IO_EOF:
        return 0; /* mbedTLS's end of stream */
    default:
        return MBEDTLS_ERR_NET_CONN_RESET;
    }
}

/* ---- peer name ------------------------------------------------------------------ */

/*
 * Called by mbedTLS for each certificate of the server's chain, the top
 * first. For an IP-address host the leaf must list that address as an
 * iPAddress SAN; mbedTLS then fails the handshake on the flag like on its
 * own checks. The top of the chain has "not trusted" when no CA in memory
 * signed it: the CA file or directory is then asked for its issuer
 * (tls_castore.c), so that only the CAs used are ever parsed.
 */
static int verify_peer(void *ctx, mbedtls_x509_crt *crt, int depth,
                       uint32_t *flags)
{
    const rucio_tls_conn *t = ctx;
    uint8_t ip[RUCIO_TLS_IP_MAX];
    size_t ip_len;

#if RUCIO_WITH_CERT_FILES
    if (*flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED)
        rl_tls_store_vouch(t->cfg, crt, flags);
#endif
    if (depth == 0 &&
        rl_tls_parse_host(t->host, ip, &ip_len) == RUCIO_TLS_HOST_IP &&
        !rl_tls_crt_has_ip(crt, ip, ip_len))
        *flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
    return 0;
}

static void forget_session(rucio_tls_conn *t)
{
    mbedtls_ssl_session_free(&t->session);
    mbedtls_ssl_session_init(&t->session);
    t->has_session = 0;
}

/* Replace the saved session with the current one; keep the old one if
 * mbedTLS has none to give (3.x exports each session only once). */
static void save_session(rucio_tls_conn *t)
{
    mbedtls_ssl_session fresh;

    mbedtls_ssl_session_init(&fresh);
    if (mbedtls_ssl_get_session(&t->ssl, &fresh) != 0) {
        mbedtls_ssl_session_free(&fresh);
        return;
    }
    forget_session(t);
    t->session = fresh; /* the struct owns its buffers; moved, not copied */
    t->has_session = 1;
}

/*
 * A name goes into SNI and mbedTLS checks it against the certificate.
 * An address gets no SNI (RFC 6066 allows names only) and no mbedTLS name
 * check; verify_peer_ip checks it. Setting NULL explicitly also tells
 * 3.6.3+ that leaving mbedTLS's name check out is deliberate.
 */
static rucio_status set_peer(rucio_tls_conn *t, const char *host)
{
    uint8_t ip[RUCIO_TLS_IP_MAX];
    size_t ip_len;
    rucio_tls_host_kind kind = rl_tls_parse_host(host, ip, &ip_len);
    int ret;

    if (kind == RUCIO_TLS_HOST_INVALID) {
        t->last_error = REASON_BAD_HOST;
        return RUCIO_E_INVALID_ARG;
    }
    if (strcmp(t->host, host) != 0) {
        forget_session(t);
        memcpy(t->host, host, strlen(host) + 1);
    }
    ret = mbedtls_ssl_set_hostname(&t->ssl,
                                   kind == RUCIO_TLS_HOST_IP ? NULL : host);
    if (ret != 0) {
        t->last_error = ret;
        return RUCIO_E_TLS;
    }
    /* A session the server no longer knows only costs a full handshake. */
    if (t->has_session && mbedtls_ssl_set_session(&t->ssl, &t->session) != 0)
        forget_session(t);
    return RUCIO_OK;
}

/* ---- context set-up -------------------------------------------------------------- */

static rucio_status setup_context(rucio_tls_conn *t,
                                  const mbedtls_ssl_config *conf)
{
    int ret = mbedtls_ssl_setup(&t->ssl, conf);

    if (ret != 0) {
        t->last_error = ret;
        return RUCIO_E_TLS;
    }
    mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
    mbedtls_ssl_set_verify(&t->ssl, verify_peer, t);
    return RUCIO_OK;
}

/*
 * The client certificate is a property of the mbedtls_ssl_config, and a
 * context is bound to one config for life; switching between "with" and
 * "without" means setting the context up again. That happens only when
 * the caller's choice changes, and the saved session goes with it: it
 * carries (or lacks) the client's identity.
 */
static rucio_status bind_config(rucio_tls_conn *t, int with_cert)
{
    const mbedtls_ssl_config *want =
        with_cert ? &t->cfg->conf_cert : &t->cfg->conf;

    if (with_cert && !t->cfg->has_own_cert) {
        t->last_error = REASON_NO_CLIENT_CERT;
        return RUCIO_E_TLS_CONFIG;
    }
    if (bound_config(&t->ssl) == want)
        return RUCIO_OK;
    forget_session(t);
    mbedtls_ssl_free(&t->ssl);
    mbedtls_ssl_init(&t->ssl);
    return setup_context(t, want);
}

rucio_status rucio_tls_conn_init(rucio_tls_conn *t, rucio_tls_config *cfg)
{
    rucio_status st;

    if (!t || !cfg)
        return RUCIO_E_INVALID_ARG;
    memset(t, 0, sizeof *t);
    t->cfg = cfg;
    t->sock = RUCIO_SOCKET_INVALID;
    t->last_io = RUCIO_IO_DATA;
    mbedtls_ssl_init(&t->ssl);
    mbedtls_ssl_session_init(&t->session);
    st = setup_context(t, &cfg->conf);
    if (st != RUCIO_OK) {
        mbedtls_ssl_free(&t->ssl);
        mbedtls_ssl_session_free(&t->session);
    }
    return st;
}

void rucio_tls_conn_free(rucio_tls_conn *t)
{
    if (!t)
        return;
    mbedtls_ssl_free(&t->ssl);
    mbedtls_ssl_session_free(&t->session);
    t->has_session = 0;
    t->active = 0;
}

/* ---- handshake ------------------------------------------------------------------- */

static rucio_status handshake_failure(rucio_tls_conn *t, int ret)
{
    uint32_t flags = mbedtls_ssl_get_verify_result(&t->ssl);

    t->last_error = is_want(ret) ? MBEDTLS_ERR_SSL_TIMEOUT : ret;
    /* All ones means "no verification result" (none ran). */
    t->verify_flags = flags == UINT32_MAX ? 0 : flags;
    if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED || t->verify_flags != 0)
        return RUCIO_E_TLS_VERIFY;
    if (is_want(ret))
        return RUCIO_E_TIMEOUT;
    if (ret == MBEDTLS_ERR_NET_CONN_RESET)
        return RUCIO_E_IO;
    if (ret == MBEDTLS_ERR_SSL_CONN_EOF)
        return RUCIO_E_CLOSED;
    return RUCIO_E_TLS;
}

/*
 * Step through the handshake, noting whether the client ever waited for
 * the server's Certificate message. A full handshake always does; an
 * abbreviated (resumed) one goes from ServerHello straight to
 * ChangeCipherSpec in TLS 1.2, and from EncryptedExtensions to Finished
 * with a PSK in TLS 1.3. Session ids cannot tell: with a ticket, 2.28
 * sends a fresh random id that the server echoes when it accepts.
 */
static rucio_status run_handshake(rucio_tls_conn *t, int *out_full)
{
    *out_full = 0;
    while (!handshake_over(&t->ssl)) {
        int ret = mbedtls_ssl_handshake_step(&t->ssl);

        if (handshake_state(&t->ssl) == MBEDTLS_SSL_SERVER_CERTIFICATE)
            *out_full = 1;
        if (ret != 0 && !(is_want(ret) && may_retry(t)))
            return handshake_failure(t, ret);
    }
    return RUCIO_OK;
}

static void begin_operation(rucio_tls_conn *t, uint64_t deadline_ms)
{
    t->deadline_ms = deadline_ms;
    t->last_io = RUCIO_IO_DATA;
    t->last_error = 0;
}

/* Bind the config for the client-certificate choice, reset the context
 * and name the peer. */
static rucio_status prepare_handshake(rucio_tls_conn *t, const char *host,
                                      int with_cert)
{
    rucio_status st = bind_config(t, with_cert);
    int ret;

    if (st != RUCIO_OK)
        return st;
    ret = mbedtls_ssl_session_reset(&t->ssl);
    if (ret != 0) {
        t->last_error = ret;
        return RUCIO_E_TLS;
    }
    return set_peer(t, host);
}

rucio_status rucio_tls_handshake(rucio_tls_conn *t, rucio_socket sock,
                                 const char *host, int present_client_cert,
                                 uint64_t deadline_ms)
{
    rucio_status st;
    int full = 0;

    if (!t || !t->cfg || !host || !*host || strlen(host) >= sizeof t->host)
        return RUCIO_E_INVALID_ARG;
    t->active = 0;
    t->resumed = 0;
    t->last_error = 0;
    t->verify_flags = 0;
    t->sock = sock;
    begin_operation(t, deadline_ms);
    if (t->cfg->insecure)
        rucio_log(t->cfg->log, RUCIO_LOG_WARN,
                  "TLS: INSECURE: the certificate of %s is NOT verified; "
                  "anyone on the path can read and change this connection",
                  host);
    st = prepare_handshake(t, host, present_client_cert);
    if (st == RUCIO_OK)
        st = run_handshake(t, &full);
    if (st != RUCIO_OK) {
        forget_session(t);
        return st;
    }
    t->active = 1;
    t->resumed = !full;
    if (session_ready_after_handshake(&t->ssl))
        save_session(t);
    rucio_log(t->cfg->log, RUCIO_LOG_DEBUG,
              "TLS handshake with %s done: %s, %s, resumed %s", host,
              mbedtls_ssl_get_version(&t->ssl),
              mbedtls_ssl_get_ciphersuite(&t->ssl),
              t->resumed ? "yes" : "no");
    return RUCIO_OK;
}

/* ---- data ------------------------------------------------------------------------- */

static rucio_io stream_failure(rucio_tls_conn *t, int ret)
{
    if (is_want(ret)) {
        t->last_error = MBEDTLS_ERR_SSL_TIMEOUT;
        return RUCIO_IO_TIMEOUT;
    }
    t->last_error = ret;
    return RUCIO_IO_ERROR;
}

rucio_io rucio_tls_send(rucio_tls_conn *t, const uint8_t *buf, size_t len,
                        uint64_t deadline_ms, size_t *out_n)
{
    *out_n = 0;
    if (!t->active)
        return RUCIO_IO_ERROR;
    if (len == 0)
        return RUCIO_IO_DATA;
    begin_operation(t, deadline_ms);
    for (;;) {
        /* After WANT_* mbedTLS needs the same arguments again. */
        int ret = mbedtls_ssl_write(&t->ssl, buf, len);

        if (ret > 0) {
            *out_n = (size_t)ret;
            return RUCIO_IO_DATA;
        }
        if (!is_want(ret) || !may_retry(t))
            return stream_failure(t, ret);
    }
}

/* A TLS 1.3 server sends tickets after the handshake; each one read
 * replaces the saved session, and the read goes on. */
static int took_ticket(rucio_tls_conn *t, int ret)
{
#if defined(MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET)
    if (ret == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET) {
        save_session(t);
        return 1;
    }
#else
    (void)t;
    (void)ret;
#endif
    return 0;
}

rucio_io rucio_tls_recv(rucio_tls_conn *t, uint8_t *buf, size_t len,
                        uint64_t deadline_ms, size_t *out_n)
{
    *out_n = 0;
    if (!t->active)
        return RUCIO_IO_ERROR;
    if (len == 0)
        return RUCIO_IO_DATA;
    begin_operation(t, deadline_ms);
    for (;;) {
        int ret = mbedtls_ssl_read(&t->ssl, buf, len);

        if (ret > 0) {
            *out_n = (size_t)ret;
            return RUCIO_IO_DATA;
        }
        /* 0 is the transport's end without close_notify; a truncated
         * HTTP message is caught by its own framing. */
        if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ||
            ret == MBEDTLS_ERR_SSL_CONN_EOF)
            return RUCIO_IO_EOF;
        if (took_ticket(t, ret))
            continue;
        if (!is_want(ret) || !may_retry(t))
            return stream_failure(t, ret);
    }
}

void rucio_tls_shutdown(rucio_tls_conn *t)
{
    if (t->active) {
        const rucio_port *port = t->cfg->port;

        /* A deadline of "now": the port tries once and never waits. */
        begin_operation(t, port->now_ms(port->ctx));
        (void)mbedtls_ssl_close_notify(&t->ssl);
    }
    t->active = 0;
    t->sock = RUCIO_SOCKET_INVALID;
}

int rucio_tls_resumed(const rucio_tls_conn *t)
{
    return t->resumed;
}

/* ---- describe ---------------------------------------------------------------------- */

/* "certificate verification failed: A; B" from the flag words of mbedTLS,
 * which come one per line. */
static void describe_flags(uint32_t flags, char *buf, size_t cap)
{
    size_t len;
    char *p;

    if (rucio_format(buf, cap, "certificate verification failed:") !=
        RUCIO_OK)
        return;
    len = strlen(buf);
#if !defined(MBEDTLS_X509_REMOVE_INFO)
    (void)mbedtls_x509_crt_verify_info(buf + len, cap - len, " ", flags);
#else
    rucio_format(buf + len, cap - len, " flags 0x%08lx",
                 (unsigned long)flags);
#endif
    for (p = strchr(buf, '\n'); p; p = strchr(p, '\n'))
        *p = p[1] ? ';' : '\0';
}

void rucio_tls_describe(const rucio_tls_conn *t, char *buf, size_t cap)
{
    size_t oversized;

    if (!buf || cap == 0)
        return;
    oversized = oversized_record(&t->ssl, t->last_error);
    if (t->last_error == REASON_NO_CLIENT_CERT)
        rucio_format(buf, cap, "a client certificate is to be presented but "
                               "none is configured");
    else if (t->last_error == REASON_BAD_HOST)
        rucio_format(buf, cap,
                     "the host has a ':' but is not an IPv6 address");
    else if (t->verify_flags != 0)
        describe_flags(t->verify_flags, buf, cap);
    else if (oversized != 0)
        describe_oversized(oversized, buf, cap);
    else if (t->last_error != 0)
        rl_tls_error_text(t->last_error, buf, cap);
    else
        rucio_format(buf, cap, "no TLS error");
}
#endif /* RUCIO_WITH_TLS */
