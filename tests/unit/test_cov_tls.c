/*
 * Unit tests for the TLS layer (src/tls) against an mbedTLS server that
 * lives inside the test's own port: what the client sends goes into one
 * in-memory pipe, the server is stepped whenever the client waits for
 * data, and what it answers comes back through the other. No sockets, no
 * threads, a fake clock; the server can also stay silent, end or reset
 * the stream, answer garbage, alert, or send close_notify, and the port
 * itself can misbehave (would-block, zero-byte data, timeouts, errors).
 *
 * The PKI (a CA, a server certificate for "localhost", a client
 * certificate and an unrelated CA) is made at start-up with mbedTLS's
 * certificate writer. The server speaks TLS 1.2 with every mbedTLS, so the
 * checks do not depend on the version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_cache.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>
#include <mbedtls/x509_csr.h>
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

#include "helpers/rucio_testlib.h"
#include "rucio/tls.h"
#include "tls/tls_internal.h"

/* ---- test PKI ---------------------------------------------------------------- */

#define PEM_CAP 4096

typedef struct credential {
    mbedtls_pk_context key;
    mbedtls_x509_crt crt;
    char crt_pem[PEM_CAP];   /* NUL-terminated, as rucio_tls_options wants */
    char key_pem[PEM_CAP];
    unsigned char crt_der[PEM_CAP];
    size_t crt_der_len;
    char name[64];
} credential;

typedef struct pki {
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    credential ca, server, client, other_ca;
    /* For the trust store: an intermediate CA under ca, a server
     * certificate it signed (its crt holds the intermediate after it, the
     * chain a server sends), the same leaf alone, and a CA named like ca
     * with another key. */
    credential inter, via_inter, impostor;
    mbedtls_x509_crt via_inter_alone;
} pki;

static pki g_pki;

static void gen_key(mbedtls_pk_context *key)
{
    mbedtls_pk_init(key);
    assert_int_equal(mbedtls_pk_setup(key, mbedtls_pk_info_from_type(
                                               MBEDTLS_PK_ECKEY)),
                     0);
    assert_int_equal(mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1,
                                         mbedtls_pk_ec(*key),
                                         mbedtls_ctr_drbg_random,
                                         &g_pki.drbg),
                     0);
}

static void set_serial(mbedtls_x509write_cert *w, unsigned char serial)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03040000
    unsigned char raw[1] = {serial};

    assert_int_equal(mbedtls_x509write_crt_set_serial_raw(w, raw, 1), 0);
#else
    mbedtls_mpi s;

    mbedtls_mpi_init(&s);
    assert_int_equal(mbedtls_mpi_lset(&s, serial), 0);
    assert_int_equal(mbedtls_x509write_crt_set_serial(w, &s), 0);
    mbedtls_mpi_free(&s);
#endif
}

/* A certificate for c (subject "CN=<name>") signed by issuer (c itself
 * when issuer is NULL), kept as PEM, DER and parsed. */
static void make_cert(credential *c, const char *cn, credential *issuer,
                      int is_ca, unsigned char serial)
{
    mbedtls_x509write_cert w;
    unsigned char der[PEM_CAP];
    int len;

    gen_key(&c->key);
    snprintf(c->name, sizeof c->name, "CN=%s", cn);
    if (!issuer)
        issuer = c;
    mbedtls_x509write_crt_init(&w);
    mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
    mbedtls_x509write_crt_set_subject_key(&w, &c->key);
    mbedtls_x509write_crt_set_issuer_key(&w, &issuer->key);
    assert_int_equal(mbedtls_x509write_crt_set_subject_name(&w, c->name), 0);
    assert_int_equal(mbedtls_x509write_crt_set_issuer_name(&w, issuer->name),
                     0);
    set_serial(&w, serial);
    assert_int_equal(mbedtls_x509write_crt_set_validity(&w, "20000101000000",
                                                        "20991231235959"),
                     0);
    assert_int_equal(mbedtls_x509write_crt_set_basic_constraints(&w, is_ca,
                                                                 -1),
                     0);
    len = mbedtls_x509write_crt_der(&w, der, sizeof der,
                                    mbedtls_ctr_drbg_random, &g_pki.drbg);
    assert_true(len > 0);
    c->crt_der_len = (size_t)len;
    memcpy(c->crt_der, der + sizeof der - (size_t)len, (size_t)len);
    assert_int_equal(mbedtls_x509write_crt_pem(&w, (unsigned char *)c->crt_pem,
                                               sizeof c->crt_pem,
                                               mbedtls_ctr_drbg_random,
                                               &g_pki.drbg),
                     0);
    assert_int_equal(mbedtls_pk_write_key_pem(&c->key,
                                              (unsigned char *)c->key_pem,
                                              sizeof c->key_pem),
                     0);
    mbedtls_x509write_crt_free(&w);
    mbedtls_x509_crt_init(&c->crt);
    assert_int_equal(mbedtls_x509_crt_parse_der(&c->crt, c->crt_der,
                                                c->crt_der_len),
                     0);
}

static void free_cred(credential *c)
{
    mbedtls_pk_free(&c->key);
    mbedtls_x509_crt_free(&c->crt);
}

static int make_pki(void **state)
{
    (void)state;
#if MBEDTLS_VERSION_NUMBER >= 0x03000000 && defined(MBEDTLS_PSA_CRYPTO_C)
    assert_int_equal(psa_crypto_init(), PSA_SUCCESS);
#endif
    mbedtls_entropy_init(&g_pki.entropy);
    mbedtls_ctr_drbg_init(&g_pki.drbg);
    assert_int_equal(mbedtls_ctr_drbg_seed(&g_pki.drbg, mbedtls_entropy_func,
                                           &g_pki.entropy,
                                           (const unsigned char *)"pki", 3),
                     0);
    make_cert(&g_pki.ca, "rucio-lite test CA", NULL, 1, 1);
    make_cert(&g_pki.server, "localhost", &g_pki.ca, 0, 2);
    make_cert(&g_pki.client, "rucio-lite test client", &g_pki.ca, 0, 3);
    make_cert(&g_pki.other_ca, "someone else's CA", NULL, 1, 4);
    make_cert(&g_pki.inter, "rucio-lite intermediate CA", &g_pki.ca, 1, 5);
    make_cert(&g_pki.via_inter, "localhost", &g_pki.inter, 0, 6);
    make_cert(&g_pki.impostor, "rucio-lite test CA", NULL, 1, 7);
    mbedtls_x509_crt_init(&g_pki.via_inter_alone);
    assert_int_equal(mbedtls_x509_crt_parse_der(&g_pki.via_inter_alone,
                                                g_pki.via_inter.crt_der,
                                                g_pki.via_inter.crt_der_len),
                     0);
    assert_int_equal(mbedtls_x509_crt_parse_der(&g_pki.via_inter.crt,
                                                g_pki.inter.crt_der,
                                                g_pki.inter.crt_der_len),
                     0);
    return 0;
}

static int free_pki(void **state)
{
    (void)state;
    free_cred(&g_pki.ca);
    free_cred(&g_pki.server);
    free_cred(&g_pki.client);
    free_cred(&g_pki.other_ca);
    free_cred(&g_pki.inter);
    free_cred(&g_pki.via_inter);
    free_cred(&g_pki.impostor);
    mbedtls_x509_crt_free(&g_pki.via_inter_alone);
    mbedtls_ctr_drbg_free(&g_pki.drbg);
    mbedtls_entropy_free(&g_pki.entropy);
    return 0;
}

/* ---- the in-port server -------------------------------------------------------- */

#define PIPE_CAP 65536

typedef struct pipe_buf {
    uint8_t data[PIPE_CAP];
    size_t start, end;
} pipe_buf;

static void pipe_put(pipe_buf *p, const uint8_t *d, size_t n)
{
    assert_true(n <= PIPE_CAP - p->end);
    memcpy(p->data + p->end, d, n);
    p->end += n;
}

static size_t pipe_take(pipe_buf *p, uint8_t *d, size_t n)
{
    size_t have = p->end - p->start;

    if (n > have)
        n = have;
    memcpy(d, p->data + p->start, n);
    p->start += n;
    if (p->start == p->end)
        p->start = p->end = 0;
    return n;
}

/* How the server starts: a real TLS server, or no TLS at all. */
typedef enum srv_hello {
    HELLO_TLS = 0,
    HELLO_SILENT, /* says nothing */
    HELLO_GARBAGE, /* answers bytes that are not TLS */
    HELLO_HUGE     /* answers with a record longer than any buffer */
} srv_hello;

/* What the server does once its handshake is over. */
typedef enum srv_after {
    AFTER_ECHO = 0,    /* answers each request with "pong:<request>" */
    AFTER_NOTHING,
    AFTER_CLOSE_NOTIFY,
    AFTER_ALERT,       /* a fatal alert */
    AFTER_BAD_RECORD,  /* an application record that fails its MAC */
    AFTER_HUGE_RECORD  /* an application record longer than any buffer */
} srv_after;

/* What the client's receive sees when the server has nothing to say. */
typedef enum srv_idle {
    IDLE_TIMEOUT = 0, /* the wait runs into its deadline */
    IDLE_EOF,         /* the stream ends */
    IDLE_RESET,       /* the connection fails */
    IDLE_AGAIN_LATE   /* would-block, and the deadline has passed */
} srv_idle;

typedef struct file_entry {
    const char *path;
    const void *data;
    size_t len;
    rucio_status status; /* what read_file returns instead, if not OK */
} file_entry;

typedef struct peer {
    rucio_port port;
    rucio_port_fs fs;
    uint64_t now;
    uint8_t rng;
    int random_fails;
    /* server */
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_cache_context cache;
    int hs_done;
    int acted;
    int srv_error;
    srv_hello hello;
    srv_after after;
    srv_idle idle;
    pipe_buf to_server, to_client;
    /* port faults, each used once */
    int send_again, send_zero, recv_again, recv_zero;
    int send_fails, send_times_out;
    /* files for the client certificate and the CAs */
    const file_entry *files;
    size_t file_count;
    size_t read_limit;  /* read_file_at: at most this much a call (0: any) */
    unsigned reads;     /* read_file_at calls */
    const char *watch;  /* read_file_at calls for paths with this */
    unsigned watch_reads;
} peer;

static peer g_peer;

/* The certificate chain and key the next peer_setup serves (NULL: the
 * server credential). */
static mbedtls_x509_crt *g_serve_crt;
static mbedtls_pk_context *g_serve_key;

/* The files the next peer_setup gives its port (none: no files). */
static const file_entry *g_store_files;
static size_t g_store_count;
static const char *g_store_watch;

static void store_files(const file_entry *f, size_t n)
{
    g_store_files = f;
    g_store_count = n;
}

static int srv_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
    peer *p = ctx;

    pipe_put(&p->to_client, buf, len);
    return (int)len;
}

static int srv_bio_recv(void *ctx, unsigned char *buf, size_t len)
{
    peer *p = ctx;
    size_t n = pipe_take(&p->to_server, buf, len);

    return n > 0 ? (int)n : MBEDTLS_ERR_SSL_WANT_READ;
}

/* The header of a record announcing HUGE_LEN bytes, and the start of its
 * body: mbedTLS refuses the record on its header, whatever follows. No
 * receive buffer holds it: 16 KiB of plaintext plus at most 2 KiB of
 * expansion is the TLS limit. */
#define HUGE_LEN 20480
static void put_huge_record(peer *p, uint8_t type)
{
    uint8_t rec[64] = {type, 0x03, 0x03, HUGE_LEN >> 8, HUGE_LEN & 0xff};

    pipe_put(&p->to_client, rec, sizeof rec);
}

static void server_act(peer *p)
{
    static const uint8_t bad_record[] = {
        0x17, 0x03, 0x03, 0x00, 0x28, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
        13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
        30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40};
    unsigned char buf[512];
    int n;

    if (p->after == AFTER_ECHO) {
        n = mbedtls_ssl_read(&p->ssl, buf + 5, sizeof buf - 5);
        if (n > 0) {
            memcpy(buf, "pong:", 5);
            assert_int_equal(mbedtls_ssl_write(&p->ssl, buf, (size_t)n + 5),
                             n + 5);
        }
        return;
    }
    if (p->acted)
        return;
    p->acted = 1;
    if (p->after == AFTER_CLOSE_NOTIFY)
        assert_int_equal(mbedtls_ssl_close_notify(&p->ssl), 0);
    else if (p->after == AFTER_ALERT)
        assert_int_equal(mbedtls_ssl_send_alert_message(
                             &p->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                             MBEDTLS_SSL_ALERT_MSG_INTERNAL_ERROR),
                         0);
    else if (p->after == AFTER_BAD_RECORD)
        pipe_put(&p->to_client, bad_record, sizeof bad_record);
    else if (p->after == AFTER_HUGE_RECORD)
        put_huge_record(p, 0x17);
}

/* Let the server read what the client sent and answer it. */
static void server_pump(peer *p)
{
    static const uint8_t garbage[] = "HTTP/1.1 400 Bad Request\r\n\r\n";

    if (p->hello == HELLO_GARBAGE && !p->acted) {
        p->acted = 1;
        pipe_put(&p->to_client, garbage, sizeof garbage - 1);
    }
    if (p->hello == HELLO_HUGE && !p->acted) {
        p->acted = 1;
        put_huge_record(p, 0x16);
    }
    if (p->hello != HELLO_TLS)
        return;
    if (!p->hs_done) {
        int ret = mbedtls_ssl_handshake(&p->ssl);

        if (ret != 0 && ret != MBEDTLS_ERR_SSL_WANT_READ && !p->srv_error) {
            /* Refuse with an alert, as servers do (2.28 sends none when
             * a required client certificate is missing). */
            p->srv_error = ret;
            (void)mbedtls_ssl_send_alert_message(
                &p->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE);
        }
        if (ret != 0)
            return;
        p->hs_done = 1;
    }
    server_act(p);
}

/* ---- the port ------------------------------------------------------------------- */

static rucio_io peer_send(void *ctx, rucio_socket s, const uint8_t *buf,
                          size_t len, uint64_t deadline_ms, size_t *out_n)
{
    peer *p = ctx;

    (void)s;
    *out_n = 0;
    if (p->send_fails)
        return RUCIO_IO_ERROR;
    if (p->send_times_out) {
        p->now = deadline_ms > p->now ? deadline_ms : p->now;
        return RUCIO_IO_TIMEOUT;
    }
    if (p->send_again) {
        p->send_again = 0;
        return RUCIO_IO_AGAIN;
    }
    if (p->send_zero) {
        p->send_zero = 0;
        return RUCIO_IO_DATA; /* a port breaking its contract: 0 bytes */
    }
    pipe_put(&p->to_server, buf, len);
    *out_n = len;
    return RUCIO_IO_DATA;
}

static rucio_io peer_recv(void *ctx, rucio_socket s, uint8_t *buf, size_t len,
                          uint64_t deadline_ms, size_t *out_n)
{
    peer *p = ctx;

    (void)s;
    *out_n = 0;
    if (p->recv_again) {
        p->recv_again = 0;
        return RUCIO_IO_AGAIN;
    }
    if (p->recv_zero) {
        p->recv_zero = 0;
        return RUCIO_IO_DATA;
    }
    if (p->to_client.end == p->to_client.start)
        server_pump(p);
    *out_n = pipe_take(&p->to_client, buf, len);
    if (*out_n > 0)
        return RUCIO_IO_DATA;
    switch (p->idle) {
    case IDLE_EOF:
        return RUCIO_IO_EOF;
    case IDLE_RESET:
        return RUCIO_IO_ERROR;
    case IDLE_AGAIN_LATE:
        p->now = deadline_ms;
        return RUCIO_IO_AGAIN;
    default:
        p->now = deadline_ms > p->now ? deadline_ms : p->now;
        return RUCIO_IO_TIMEOUT;
    }
}

static uint64_t peer_now(void *ctx)
{
    return ((peer *)ctx)->now;
}

static rucio_status peer_random(void *ctx, uint8_t *buf, size_t len)
{
    peer *p = ctx;

    if (p->random_fails)
        return RUCIO_E_PORT;
    for (size_t i = 0; i < len; i++)
        buf[i] = p->rng++;
    return RUCIO_OK;
}

static rucio_status peer_read_file(void *ctx, const char *path, char *buf,
                                   size_t cap, size_t *out_len)
{
    peer *p = ctx;

    for (size_t i = 0; i < p->file_count; i++) {
        const file_entry *f = &p->files[i];

        if (strcmp(f->path, path) != 0)
            continue;
        if (f->status != RUCIO_OK)
            return f->status;
        if (f->len > cap)
            return RUCIO_E_NO_SPACE;
        memcpy(buf, f->data, f->len);
        *out_len = f->len;
        return RUCIO_OK;
    }
    return RUCIO_E_FILE;
}

static const file_entry *peer_file(const peer *p, const char *path)
{
    for (size_t i = 0; i < p->file_count; i++)
        if (strcmp(p->files[i].path, path) == 0)
            return &p->files[i];
    return NULL;
}

/* The entry's name when it sits right inside dir, else NULL. */
static const char *in_dir(const char *path, const char *dir)
{
    size_t n = strlen(dir);

    if (strncmp(path, dir, n) != 0 || path[n] != '/' ||
        strchr(path + n + 1, '/'))
        return NULL;
    return path + n + 1;
}

/* A directory is every prefix of a file's path. */
static rucio_status peer_stat(void *ctx, const char *path,
                              rucio_file_info *out)
{
    peer *p = ctx;
    const file_entry *f = peer_file(p, path);

    memset(out, 0, sizeof *out);
    if (f) {
        out->type = RUCIO_FILE_REGULAR;
        out->size = f->len;
        return RUCIO_OK;
    }
    for (size_t i = 0; i < p->file_count; i++)
        if (in_dir(p->files[i].path, path))
            out->type = RUCIO_FILE_DIRECTORY;
    return RUCIO_OK;
}

static rucio_status peer_read_file_at(void *ctx, const char *path,
                                      uint64_t offset, uint8_t *buf,
                                      size_t cap, size_t *out_len)
{
    peer *p = ctx;
    const file_entry *f = peer_file(p, path);
    size_t n;

    p->reads++;
    if (p->watch && strstr(path, p->watch))
        p->watch_reads++;
    *out_len = 0;
    if (!f || f->status != RUCIO_OK)
        return RUCIO_E_FILE;
    n = offset < f->len ? f->len - (size_t)offset : 0;
    n = n < cap ? n : cap;
    if (p->read_limit && n > p->read_limit)
        n = p->read_limit; /* short reads, as a port may give */
    memcpy(buf, (const uint8_t *)f->data + offset, n);
    *out_len = n;
    return RUCIO_OK;
}

static rucio_status peer_list_dir(void *ctx, const char *path,
                                  int (*fn)(void *user, const char *name),
                                  void *user)
{
    peer *p = ctx;

    for (size_t i = 0; i < p->file_count; i++) {
        const char *name = in_dir(p->files[i].path, path);

        if (name && fn(user, name))
            break;
    }
    return RUCIO_OK;
}

/* A fresh port and server; auth says whether the server asks for (and
 * requires) a client certificate. */
static void peer_setup(peer *p, int require_client_cert)
{
    memset(p, 0, sizeof *p);
    p->now = 1000;
    p->port.ctx = p;
    p->port.send = peer_send;
    p->port.recv = peer_recv;
    p->port.now_ms = peer_now;
    p->port.random = peer_random;
    p->fs.read_file = peer_read_file;
    p->fs.stat = peer_stat;
    p->fs.read_file_at = peer_read_file_at;
    p->fs.list_dir = peer_list_dir;
    if (g_store_files) {
        p->files = g_store_files;
        p->file_count = g_store_count;
        p->port.fs = &p->fs;
        p->watch = g_store_watch;
    }

    mbedtls_ssl_config_init(&p->conf);
    mbedtls_ssl_init(&p->ssl);
    mbedtls_ssl_cache_init(&p->cache);
    assert_int_equal(mbedtls_ssl_config_defaults(&p->conf,
                                                 MBEDTLS_SSL_IS_SERVER,
                                                 MBEDTLS_SSL_TRANSPORT_STREAM,
                                                 MBEDTLS_SSL_PRESET_DEFAULT),
                     0);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    mbedtls_ssl_conf_max_tls_version(&p->conf, MBEDTLS_SSL_VERSION_TLS1_2);
#endif
    mbedtls_ssl_conf_rng(&p->conf, mbedtls_ctr_drbg_random, &g_pki.drbg);
    assert_int_equal(mbedtls_ssl_conf_own_cert(
                         &p->conf, g_serve_crt ? g_serve_crt : &g_pki.server.crt,
                         g_serve_key ? g_serve_key : &g_pki.server.key),
                     0);
    mbedtls_ssl_conf_ca_chain(&p->conf, &g_pki.ca.crt, NULL);
    mbedtls_ssl_conf_authmode(&p->conf, require_client_cert
                                            ? MBEDTLS_SSL_VERIFY_REQUIRED
                                            : MBEDTLS_SSL_VERIFY_NONE);
    mbedtls_ssl_conf_session_cache(&p->conf, &p->cache, mbedtls_ssl_cache_get,
                                   mbedtls_ssl_cache_set);
    assert_int_equal(mbedtls_ssl_setup(&p->ssl, &p->conf), 0);
    mbedtls_ssl_set_bio(&p->ssl, p, srv_bio_send, srv_bio_recv, NULL);
}

/* The next connection: empty pipes, the server ready for a handshake
 * (its session cache kept, so that a client may resume). */
static void peer_reconnect(peer *p)
{
    p->to_server.start = p->to_server.end = 0;
    p->to_client.start = p->to_client.end = 0;
    p->hs_done = 0;
    p->acted = 0;
    p->srv_error = 0;
    assert_int_equal(mbedtls_ssl_session_reset(&p->ssl), 0);
}

static void peer_free(peer *p)
{
    mbedtls_ssl_free(&p->ssl);
    mbedtls_ssl_config_free(&p->conf);
    mbedtls_ssl_cache_free(&p->cache);
}

/* ---- helpers -------------------------------------------------------------------- */

#define SOCK ((rucio_socket)7)
#define DEADLINE(p) ((p)->now + 5000)

static rucio_tls_options ca_options(const credential *ca)
{
    rucio_tls_options o;

    memset(&o, 0, sizeof o);
    o.ca_mem = (const uint8_t *)ca->crt_pem;
    o.ca_mem_len = strlen(ca->crt_pem) + 1;
    return o;
}

static void init_config(rucio_tls_config *cfg, peer *p,
                        const rucio_tls_options *o)
{
    char err[256];
    rucio_status st = rucio_tls_config_init(cfg, &p->port, o, NULL, err,
                                            sizeof err);

    if (st != RUCIO_OK)
        fail_msg("config: %s", err);
}

/* Send text over t and expect "pong:<text>" back. */
static void round_trip(peer *p, rucio_tls_conn *t, const char *text)
{
    uint8_t buf[256];
    size_t n = 0, got = 0;

    assert_int_equal(rucio_tls_send(t, (const uint8_t *)text, strlen(text),
                                    DEADLINE(p), &n),
                     RUCIO_IO_DATA);
    assert_int_equal(n, strlen(text));
    while (got < 5 + strlen(text)) {
        assert_int_equal(rucio_tls_recv(t, buf + got, sizeof buf - got,
                                        DEADLINE(p), &n),
                         RUCIO_IO_DATA);
        got += n;
    }
    assert_int_equal(got, 5 + strlen(text));
    assert_memory_equal(buf, "pong:", 5);
    assert_memory_equal(buf + 5, text, strlen(text));
}

static void describe_contains(const rucio_tls_conn *t, const char *needle)
{
    char text[512];

    rucio_tls_describe(t, text, sizeof text);
    if (!strstr(text, needle))
        fail_msg("description \"%s\" lacks \"%s\"", text, needle);
}

/* A configured client connection to a fresh server. */
typedef struct fixture {
    rucio_tls_config cfg;
    rucio_tls_conn t;
} fixture;

static fixture g_fx;

static void fx_start(fixture *fx, peer *p, int require_client_cert,
                     const rucio_tls_options *o)
{
    peer_setup(p, require_client_cert);
    init_config(&fx->cfg, p, o);
    assert_int_equal(rucio_tls_conn_init(&fx->t, &fx->cfg), RUCIO_OK);
}

static void fx_stop(fixture *fx, peer *p)
{
    rucio_tls_conn_free(&fx->t);
    rucio_tls_config_free(&fx->cfg);
    peer_free(p);
}

/* ---- handshakes -------------------------------------------------------------------- */

static void test_handshake_echo_and_resume(void **state)
{
    rucio_tls_options o = ca_options(&g_pki.ca);
    peer *p = &g_peer;
    fixture *fx = &g_fx;

    (void)state;
    fx_start(fx, p, 0, &o);
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "localhost", 0,
                                         DEADLINE(p)),
                     RUCIO_OK);
    assert_int_equal(rucio_tls_resumed(&fx->t), 0);
    describe_contains(&fx->t, "no TLS error");
    round_trip(p, &fx->t, "ping");
    rucio_tls_shutdown(&fx->t);
    rucio_tls_shutdown(&fx->t); /* twice: nothing left to close */

    /* Same host again: the saved session is offered and taken. */
    peer_reconnect(p);
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "localhost", 0,
                                         DEADLINE(p)),
                     RUCIO_OK);
    assert_int_equal(rucio_tls_resumed(&fx->t), 1);
    round_trip(p, &fx->t, "again");
    rucio_tls_shutdown(&fx->t);
    fx_stop(fx, p);
}

static void test_client_certificate_from_memory(void **state)
{
    rucio_tls_options o = ca_options(&g_pki.ca);
    peer *p = &g_peer;
    fixture *fx = &g_fx;

    (void)state;
    o.cert_mem = (const uint8_t *)g_pki.client.crt_pem;
    o.cert_mem_len = strlen(g_pki.client.crt_pem) + 1;
    o.key_mem = (const uint8_t *)g_pki.client.key_pem;
    o.key_mem_len = strlen(g_pki.client.key_pem) + 1;
    fx_start(fx, p, 1, &o);
    /* Without the certificate the server refuses the handshake. */
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "localhost", 0,
                                         DEADLINE(p)),
                     RUCIO_E_TLS);
    assert_true(p->srv_error != 0);
    describe_contains(&fx->t, "-0x");

    peer_reconnect(p);
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "localhost", 1,
                                         DEADLINE(p)),
                     RUCIO_OK);
    assert_int_equal(p->srv_error, 0);
    round_trip(p, &fx->t, "with cert");
    rucio_tls_shutdown(&fx->t);
    fx_stop(fx, p);
}

static void test_verification_failures(void **state)
{
    rucio_tls_options o = ca_options(&g_pki.other_ca);
    peer *p = &g_peer;
    fixture *fx = &g_fx;

    (void)state;
    /* A server certificate from a CA we do not trust. */
    fx_start(fx, p, 0, &o);
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "localhost", 0,
                                         DEADLINE(p)),
                     RUCIO_E_TLS_VERIFY);
    describe_contains(&fx->t, "certificate verification failed:");
    describe_contains(&fx->t, "not correctly signed");
    /* Too little room for the words: the start, cut visibly. */
    {
        char small[12];

        rucio_tls_describe(&fx->t, small, sizeof small);
        assert_string_equal(small, "certific...");
    }
    /* Two reasons at once are joined with "; ". */
    peer_reconnect(p);
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "rucio.example.org", 0,
                                         DEADLINE(p)),
                     RUCIO_E_TLS_VERIFY);
    describe_contains(&fx->t, "; ");
    describe_contains(&fx->t, "Common Name");
    fx_stop(fx, p);

    /* Trusted CA, other name; then an address the certificate lacks. */
    o = ca_options(&g_pki.ca);
    fx_start(fx, p, 0, &o);
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "rucio.example.org", 0,
                                         DEADLINE(p)),
                     RUCIO_E_TLS_VERIFY);
    describe_contains(&fx->t, "Common Name");
    peer_reconnect(p);
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "127.0.0.1", 0,
                                         DEADLINE(p)),
                     RUCIO_E_TLS_VERIFY);
    describe_contains(&fx->t, "Common Name");
    fx_stop(fx, p);
}

static void test_insecure_skips_verification(void **state)
{
    rucio_tls_options o;
    rucio_logger logger;
    static rt_log log;
    peer *p = &g_peer;
    fixture *fx = &g_fx;
    char err[128];

    (void)state;
    memset(&o, 0, sizeof o);
    memset(&log, 0, sizeof log);
    logger.fn = rt_log_capture;
    logger.user = &log;
    logger.max_level = RUCIO_LOG_DEBUG;
    o.insecure = 1;
    peer_setup(p, 0);
    assert_int_equal(rucio_tls_config_init(&fx->cfg, &p->port, &o, &logger,
                                           err, sizeof err),
                     RUCIO_OK);
    assert_int_equal(rucio_tls_conn_init(&fx->t, &fx->cfg), RUCIO_OK);
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "wrong.example", 0,
                                         DEADLINE(p)),
                     RUCIO_OK);
    assert_true(rt_log_contains(&log, "INSECURE"));
    assert_true(rt_log_contains(&log, "wrong.example"));
    round_trip(p, &fx->t, "insecure");
    fx_stop(fx, p);
}

/* The server (or the path to it) fails during the handshake. */
static void test_handshake_transport_failures(void **state)
{
    static const struct {
        srv_hello hello;
        srv_idle idle;
        rucio_status want;
    } cases[] = {
        {HELLO_SILENT, IDLE_TIMEOUT, RUCIO_E_TIMEOUT},
        {HELLO_SILENT, IDLE_AGAIN_LATE, RUCIO_E_TIMEOUT},
        {HELLO_SILENT, IDLE_EOF, RUCIO_E_CLOSED},
        {HELLO_SILENT, IDLE_RESET, RUCIO_E_IO},
        {HELLO_GARBAGE, IDLE_TIMEOUT, RUCIO_E_TLS},
    };
    rucio_tls_options o = ca_options(&g_pki.ca);
    peer *p = &g_peer;
    fixture *fx = &g_fx;

    (void)state;
    fx_start(fx, p, 0, &o);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rucio_status st;

        peer_reconnect(p);
        p->hello = cases[i].hello;
        p->idle = cases[i].idle;
        st = rucio_tls_handshake(&fx->t, SOCK, "localhost", 0, DEADLINE(p));
        if (st != cases[i].want)
            fail_msg("case %zu: %s, expected %s", i, rucio_strerror(st),
                     rucio_strerror(cases[i].want));
        describe_contains(&fx->t, "-0x");
    }
    fx_stop(fx, p);
}

static void test_handshake_arguments(void **state)
{
    rucio_tls_options o = ca_options(&g_pki.ca);
    peer *p = &g_peer;
    fixture *fx = &g_fx;
    char long_host[300];
    char text[64];

    (void)state;
    memset(long_host, 'a', sizeof long_host - 1);
    long_host[sizeof long_host - 1] = '\0';
    assert_int_equal(rucio_tls_conn_init(NULL, NULL), RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_tls_conn_init(&fx->t, NULL), RUCIO_E_INVALID_ARG);
    rucio_tls_conn_free(NULL);
    /* A connection that was never set up has no configuration. */
    memset(&fx->t, 0, sizeof fx->t);
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "h", 0, 0),
                     RUCIO_E_INVALID_ARG);
    fx_start(fx, p, 0, &o);
    assert_int_equal(rucio_tls_handshake(NULL, SOCK, "h", 0, 0),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, NULL, 0, 0),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "", 0, 0),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, long_host, 0, 0),
                     RUCIO_E_INVALID_ARG);
    /* A ':' that is not IPv6, and a client certificate we do not have. */
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "host:443", 0,
                                         DEADLINE(p)),
                     RUCIO_E_INVALID_ARG);
    describe_contains(&fx->t, "is not an IPv6 address");
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "localhost", 1,
                                         DEADLINE(p)),
                     RUCIO_E_TLS_CONFIG);
    describe_contains(&fx->t, "none is configured");
    /* describe with no room, and with little room */
    rucio_tls_describe(&fx->t, NULL, 10);
    text[0] = 'x';
    rucio_tls_describe(&fx->t, text, 0);
    assert_int_equal(text[0], 'x');
    rucio_tls_describe(&fx->t, text, 8);
    assert_int_equal(strlen(text), 7);
    fx_stop(fx, p);
}

/* ---- data ------------------------------------------------------------------------ */

static void handshake_ok(fixture *fx, peer *p)
{
    peer_reconnect(p);
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "localhost", 0,
                                         DEADLINE(p)),
                     RUCIO_OK);
}

static void test_port_hiccups_are_retried(void **state)
{
    rucio_tls_options o = ca_options(&g_pki.ca);
    peer *p = &g_peer;
    fixture *fx = &g_fx;

    (void)state;
    fx_start(fx, p, 0, &o);
    handshake_ok(fx, p);
    p->send_again = 1;
    p->send_zero = 0;
    p->recv_again = 1;
    round_trip(p, &fx->t, "again");
    p->send_zero = 1;
    p->recv_zero = 1;
    round_trip(p, &fx->t, "zero");
    assert_int_equal(p->send_zero + p->recv_zero + p->send_again +
                         p->recv_again,
                     0);
    fx_stop(fx, p);
}

static void test_stream_endings(void **state)
{
    static const struct {
        srv_after after;
        srv_idle idle;
        rucio_io want;
    } cases[] = {
        {AFTER_CLOSE_NOTIFY, IDLE_TIMEOUT, RUCIO_IO_EOF},
        {AFTER_NOTHING, IDLE_EOF, RUCIO_IO_EOF},
        {AFTER_NOTHING, IDLE_TIMEOUT, RUCIO_IO_TIMEOUT},
        {AFTER_NOTHING, IDLE_AGAIN_LATE, RUCIO_IO_TIMEOUT},
        {AFTER_NOTHING, IDLE_RESET, RUCIO_IO_ERROR},
        {AFTER_ALERT, IDLE_TIMEOUT, RUCIO_IO_ERROR},
        {AFTER_BAD_RECORD, IDLE_TIMEOUT, RUCIO_IO_ERROR},
    };
    rucio_tls_options o = ca_options(&g_pki.ca);
    peer *p = &g_peer;
    fixture *fx = &g_fx;

    (void)state;
    fx_start(fx, p, 0, &o);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t buf[64];
        size_t n = 99;
        rucio_io io;

        p->after = AFTER_ECHO;
        p->idle = IDLE_TIMEOUT;
        handshake_ok(fx, p);
        p->after = cases[i].after;
        p->idle = cases[i].idle;
        io = rucio_tls_recv(&fx->t, buf, sizeof buf, DEADLINE(p), &n);
        if (io != cases[i].want)
            fail_msg("case %zu: io %d, expected %d", i, (int)io,
                     (int)cases[i].want);
        assert_int_equal(n, 0);
        if (io == RUCIO_IO_ERROR && cases[i].idle != IDLE_RESET)
            describe_contains(&fx->t, "-0x");
        rucio_tls_shutdown(&fx->t);
    }
    fx_stop(fx, p);
}

/* A record longer than the receive buffer, as a server sends that ignores
 * the maximum fragment length of a small-buffer build: named as such, in
 * the handshake and after it, not as mbedTLS's "bad input data". The
 * host's mbedTLS has 16 KiB buffers, so the record here is one no buffer
 * could hold; the firmware test (tests/firmware) has the 4 KiB case. */
static void test_oversized_record(void **state)
{
    rucio_tls_options o = ca_options(&g_pki.ca);
    peer *p = &g_peer;
    fixture *fx = &g_fx;
    uint8_t buf[64];
    size_t n = 99;
    char want[128];

    (void)state;
    (void)snprintf(want, sizeof want, "TLS record of %d bytes > %d-byte "
                                      "receive buffer",
                   HUGE_LEN, (int)MBEDTLS_SSL_IN_CONTENT_LEN);
    fx_start(fx, p, 0, &o);
    handshake_ok(fx, p);
    p->after = AFTER_HUGE_RECORD;
    assert_int_equal(rucio_tls_recv(&fx->t, buf, sizeof buf, DEADLINE(p), &n),
                     RUCIO_IO_ERROR);
    assert_int_equal(n, 0);
    describe_contains(&fx->t, want);
    describe_contains(&fx->t, RUCIO_TLS_ASKS_MFL
                                  ? "server ignored max fragment length"
                                  : "server record too large");
    rucio_tls_shutdown(&fx->t);

    peer_reconnect(p);
    p->hello = HELLO_HUGE;
    assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "localhost", 0,
                                         DEADLINE(p)),
                     RUCIO_E_TLS);
    describe_contains(&fx->t, want);
    fx_stop(fx, p);
}

static void test_send_failures_and_inactive(void **state)
{
    rucio_tls_options o = ca_options(&g_pki.ca);
    peer *p = &g_peer;
    fixture *fx = &g_fx;
    uint8_t buf[8] = "x";
    size_t n = 5;

    (void)state;
    fx_start(fx, p, 0, &o);
    /* Before any handshake: not active; zero bytes are never an error. */
    assert_int_equal(rucio_tls_send(&fx->t, buf, 1, DEADLINE(p), &n),
                     RUCIO_IO_ERROR);
    assert_int_equal(n, 0);
    assert_int_equal(rucio_tls_recv(&fx->t, buf, 1, DEADLINE(p), &n),
                     RUCIO_IO_ERROR);
    handshake_ok(fx, p);
    assert_int_equal(rucio_tls_send(&fx->t, buf, 0, DEADLINE(p), &n),
                     RUCIO_IO_DATA);
    assert_int_equal(n, 0);
    assert_int_equal(rucio_tls_recv(&fx->t, buf, 0, DEADLINE(p), &n),
                     RUCIO_IO_DATA);
    p->send_times_out = 1;
    assert_int_equal(rucio_tls_send(&fx->t, buf, 1, DEADLINE(p), &n),
                     RUCIO_IO_TIMEOUT);
    describe_contains(&fx->t, "-0x");
    rucio_tls_shutdown(&fx->t);

    p->send_times_out = 0;
    handshake_ok(fx, p);
    p->send_fails = 1;
    assert_int_equal(rucio_tls_send(&fx->t, buf, 1, DEADLINE(p), &n),
                     RUCIO_IO_ERROR);
    assert_int_equal(n, 0);
    rucio_tls_shutdown(&fx->t);
    fx_stop(fx, p);
}

static void test_error_text(void **state)
{
    char text[128];

    (void)state;
    rl_tls_error_text(MBEDTLS_ERR_SSL_CONN_EOF, text, sizeof text);
    assert_non_null(strstr(text, "(-0x7280)"));
    /* A positive code is shown with the same sign convention. */
    rl_tls_error_text(0x10, text, sizeof text);
    assert_non_null(strstr(text, "(-0x0010)"));
}

/* ---- configuration ------------------------------------------------------------------ */

/* Init must fail with want, and err must contain needle. */
static void config_fails(peer *p, const rucio_tls_options *o,
                         rucio_status want, const char *needle)
{
    rucio_tls_config cfg;
    char err[512];
    rucio_status st = rucio_tls_config_init(&cfg, &p->port, o, NULL, err,
                                            sizeof err);

    if (st != want)
        fail_msg("status %s, expected %s (%s)", rucio_strerror(st),
                 rucio_strerror(want), err);
    if (!strstr(err, needle))
        fail_msg("message \"%s\" lacks \"%s\"", err, needle);
}

static void test_config_arguments_and_random(void **state)
{
    rucio_tls_options o = ca_options(&g_pki.ca);
    rucio_tls_config cfg;
    rucio_port no_random;
    peer *p = &g_peer;
    char err[128];

    (void)state;
    peer_setup(p, 0);
    no_random = p->port;
    no_random.random = NULL;
    assert_int_equal(rucio_tls_config_init(NULL, &p->port, &o, NULL, err,
                                           sizeof err),
                     RUCIO_E_INVALID_ARG);
    assert_string_equal(err, "TLS configuration: missing argument");
    assert_int_equal(rucio_tls_config_init(&cfg, NULL, &o, NULL, NULL, 0),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_tls_config_init(&cfg, &no_random, &o, NULL, err,
                                           sizeof err),
                     RUCIO_E_INVALID_ARG);
    err[0] = 'x';
    assert_int_equal(rucio_tls_config_init(&cfg, &p->port, NULL, NULL, err,
                                           0),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(err[0], 'x');
    rucio_tls_config_free(NULL);

    p->random_fails = 1;
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "cannot seed the TLS random generator");
    /* A message without room for the mbedTLS detail is still a message,
     * and says that it was cut. */
    assert_int_equal(rucio_tls_config_init(&cfg, &p->port, &o, NULL, err, 20),
                     RUCIO_E_TLS_CONFIG);
    assert_string_equal(err, "cannot seed the ...");
    peer_free(p);
}

static void test_config_cas(void **state)
{
    static const char not_a_cert[] =
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    static uint8_t file_buf[4096];
    const file_entry readme_only[] = {
        {"/ca/README", "not a certificate\n", 18, RUCIO_OK},
    };
    const file_entry dir_files[] = {
        {"/ca/README", "not a certificate\n", 18, RUCIO_OK},
        {"/ca/ca.pem", g_pki.ca.crt_pem, strlen(g_pki.ca.crt_pem), RUCIO_OK},
        {"/ca/sub/other.pem", "ignored: not in /ca itself\n", 27, RUCIO_OK},
    };
    rucio_tls_options o;
    rucio_tls_config cfg;
    peer *p = &g_peer;

    (void)state;
    peer_setup(p, 0);
    memset(&o, 0, sizeof o);
    config_fails(p, &o, RUCIO_E_TLS_CONFIG, "no trusted CA");

    /* DER in memory is as good as PEM. */
    o.ca_mem = g_pki.ca.crt_der;
    o.ca_mem_len = g_pki.ca.crt_der_len;
    init_config(&cfg, p, &o);
    rucio_tls_config_free(&cfg);

    o.ca_mem = (const uint8_t *)not_a_cert;
    o.ca_mem_len = sizeof not_a_cert;
    config_fails(p, &o, RUCIO_E_TLS_CONFIG, "cannot load CA in memory");

    /* CA files and directories come through the port's file functions
     * (here in memory: this port has no libc files at all). */
    p->port.fs = &p->fs;
    memset(&o, 0, sizeof o);
    o.file_buf = file_buf;
    o.file_buf_len = sizeof file_buf;
    o.ca_dir = "/ca";
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "no certificate could be loaded from CA directory");
    p->files = readme_only;
    p->file_count = 1;
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "no certificate could be loaded from CA directory");
    /* The same directory with one certificate among the README. */
    p->files = dir_files;
    p->file_count = 3;
    p->reads = 0;
    init_config(&cfg, p, &o);
    assert_true(p->reads > 0);
    rucio_tls_config_free(&cfg);
    /* A port without the functions: said, not tried with fopen. */
    p->fs.read_file_at = NULL;
    config_fails(p, &o, RUCIO_E_TLS_CONFIG, "the port cannot read CA files");
    peer_free(p);
}

/* A bundle far larger than the file buffer (Debian's is about 200 KB),
 * read a window at a time, in short reads: every certificate in it is
 * trusted, junk between them and a block cut by the end of the file
 * are skipped. A DER file is one certificate. */
static void test_config_ca_bundle_in_windows(void **state)
{
    static char bundle[64 * PEM_CAP];
    static uint8_t file_buf[1024];
    file_entry files[2];
    rucio_tls_options o;
    rucio_tls_config cfg;
    mbedtls_x509_crt found;
    const mbedtls_x509_crt *crt;
    peer *p = &g_peer;
    size_t len = 0, n = 0;
    int i;

    (void)state;
    peer_setup(p, 0);
    for (i = 0; i < 40; i++)
        len += (size_t)snprintf(bundle + len, sizeof bundle - len,
                                "# CA number %d\n%s\njunk\n", i,
                                g_pki.ca.crt_pem);
    len += (size_t)snprintf(bundle + len, sizeof bundle - len,
                            "-----BEGIN CERTIFICATE-----\nMIIB");
    files[0] = (file_entry){"/bundle.pem", bundle, len, RUCIO_OK};
    files[1] = (file_entry){"/ca.der", g_pki.ca.crt_der,
                            g_pki.ca.crt_der_len, RUCIO_OK};
    p->files = files;
    p->file_count = 2;
    p->port.fs = &p->fs;
    p->read_limit = 700;
    assert_true(len > 10 * sizeof file_buf);
    mbedtls_x509_crt_init(&found);
    memset(&o, 0, sizeof o);
    o.file_buf = file_buf;
    o.file_buf_len = sizeof file_buf;
    o.ca_file = "/bundle.pem";
    init_config(&cfg, p, &o);
    assert_null(cfg.ca.raw.p); /* nothing parsed at init */
    assert_int_equal(rl_tls_store_find(&cfg, &g_pki.ca.crt.subject_raw,
                                       &found),
                     40);
    for (crt = &found; crt && crt->raw.p; crt = crt->next)
        n++;
    assert_int_equal(n, 40);
    mbedtls_x509_crt_free(&found);
    rucio_tls_config_free(&cfg);
    for (i = 0; i < (int)sizeof file_buf; i++)
        assert_int_equal(file_buf[i], 0); /* nothing left behind */

    o.ca_file = "/ca.der";
    init_config(&cfg, p, &o);
    mbedtls_x509_crt_init(&found);
    assert_int_equal(rl_tls_store_find(&cfg, &g_pki.ca.crt.subject_raw,
                                       &found),
                     1);
    mbedtls_x509_crt_free(&found);
    rucio_tls_config_free(&cfg);

    /* Long junk, and a block larger than the window, before the CA: the
     * CA is still found; an unreadable file is said. */
    len = 0;
    for (i = 0; i < 3000; i++)
        bundle[len++] = (char)('a' + i % 26);
    len += (size_t)snprintf(bundle + len, sizeof bundle - len,
                            "\n-----BEGIN CERTIFICATE-----\n");
    for (i = 0; i < RUCIO_TLS_CA_WINDOW + 1000; i++)
        bundle[len++] = 'A';
    len += (size_t)snprintf(bundle + len, sizeof bundle - len,
                            "\n-----END CERTIFICATE-----\n%s",
                            g_pki.ca.crt_pem);
    files[0].len = len;
    files[1] = (file_entry){"/unreadable.pem", "", 0, RUCIO_E_FILE};
    o.ca_file = "/bundle.pem";
    init_config(&cfg, p, &o);
    mbedtls_x509_crt_init(&found);
    assert_int_equal(rl_tls_store_find(&cfg, &g_pki.ca.crt.subject_raw,
                                       &found),
                     1);
    mbedtls_x509_crt_free(&found);
    rucio_tls_config_free(&cfg);
    o.ca_file = "/unreadable.pem";
    config_fails(p, &o, RUCIO_E_TLS_CONFIG, "cannot load CA file");

    /* Too small a buffer to hold a certificate is refused up front. */
    o.file_buf_len = 100;
    config_fails(p, &o, RUCIO_E_TLS_CONFIG, "file buffer");
    peer_free(p);
}


/* ---- the trust store, looked up at the handshake ---------------------------------- */

/* OpenSSL's subject hash of a few names, as `openssl x509 -hash` prints
 * it for certificates with these subjects: white space trimmed and
 * collapsed, case folded, PrintableString, IA5String and BMPString read
 * as text and hashed as UTF8String. */
static void test_store_name_hash(void **state)
{
    static const uint8_t spaces[] =
        "\x30\x3c\x31\x0b\x30\x09\x06\x03\x55\x04\x06\x13\x02\x43\x48\x31"
        "\x1a\x30\x18\x06\x03\x55\x04\x0a\x13\x11\x20\x20\x52\x75\x63\x69"
        "\x6f\x20\x20\x20\x20\x4c\x49\x54\x45\x20\x20\x31\x11\x30\x0f\x06"
        "\x03\x55\x04\x03\x0c\x08\x47\x72\x69\x64\x0a\x0a\x43\x41";
    static const uint8_t bmp[] =
        "\x30\x30\x31\x1b\x30\x19\x06\x03\x55\x04\x0a\x1e\x12\x00\x5a\x00"
        "\xfc\x00\x72\x00\x69\x00\x63\x00\x68\x00\x20\x00\xd6\x00\xc4\x31"
        "\x11\x30\x0f\x06\x03\x55\x04\x03\x16\x08\x54\x65\x73\x74\x20\x20"
        "\x43\x41";
    static const uint8_t utf8[] =
        "\x30\x1d\x31\x1b\x30\x19\x06\x03\x55\x04\x03\x0c\x12\x72\x75\x63"
        "\x69\x6f\x2d\x6c\x69\x74\x65\x20\x74\x65\x73\x74\x20\x43\x41";
    uint32_t h = 0;

    (void)state;
    assert_int_equal(rl_tls_name_hash(spaces, sizeof spaces - 1, &h), 0);
    assert_int_equal(h, 0xf0d89cd4u);
    assert_int_equal(rl_tls_name_hash(bmp, sizeof bmp - 1, &h), 0);
    assert_int_equal(h, 0x25822f87u);
    assert_int_equal(rl_tls_name_hash(utf8, sizeof utf8 - 1, &h), 0);
    assert_int_equal(h, 0x0fcf6872u);
    /* The test CA, as mbedTLS wrote it, is that last name. */
    assert_int_equal(rl_tls_name_hash(g_pki.ca.crt.subject_raw.p,
                                      g_pki.ca.crt.subject_raw.len, &h),
                     0);
    assert_int_equal(h, 0x0fcf6872u);
    /* Not a name: no hash. */
    assert_int_equal(rl_tls_name_hash(utf8 + 2, sizeof utf8 - 3, &h), -1);
}

/* Append a tag and a two-byte length (BER, as OpenSSL also reads it). */
static size_t put_tag_len(uint8_t *out, uint8_t tag, size_t len)
{
    out[0] = tag;
    out[1] = 0x82;
    out[2] = (uint8_t)(len >> 8);
    out[3] = (uint8_t)len;
    return 4;
}

/* A Name of `rdns` RDNs, each one attribute (O) whose UTF8String value
 * is `len` copies of a letter: long names made to measure. Its size. */
static size_t long_name(uint8_t *out, size_t cap, int rdns, size_t len)
{
    size_t atv = 5 + 4 + len, set = 4 + atv, total = (size_t)rdns * (4 + set);
    size_t n;
    int i;

    assert_true(4 + total <= cap && total < 0x10000);
    n = put_tag_len(out, 0x30, total);
    for (i = 0; i < rdns; i++) {
        n += put_tag_len(out + n, 0x31, set);
        n += put_tag_len(out + n, 0x30, atv);
        memcpy(out + n, "\x06\x03\x55\x04\x0a", 5);
        n += 5;
        n += put_tag_len(out + n, 0x0c, len);
        memset(out + n, 'a' + i, len);
        n += len;
    }
    return n;
}

/* More names, with the hash OpenSSL 3.0's X509_NAME_hash_ex gives them
 * (computed through libcrypto on the same bytes): BMPString and
 * UniversalString beyond ASCII (3- and 4-byte UTF-8), a T61String read
 * as Latin-1, a NumericString hashed as it is, an RDN whose length needs
 * two bytes. Names rucio-lite leaves to the directory scan (-1): a
 * multi-valued RDN, a value or a canonical name too long to hash here,
 * and broken ones. */
static void test_store_name_hash_more(void **state)
{
    static const uint8_t wide[] =
        "\x30\x34\x31\x17\x30\x15\x06\x03\x55\x04\x0a\x1e\x0e\x4e\x2d\x65"
        "\x87\x00\x20\x00\x47\x00\x72\x00\x69\x00\x64\x31\x19\x30\x17\x06"
        "\x03\x55\x04\x03\x1c\x10\x00\x01\xf6\x00\x00\x00\x00\x20\x00\x00"
        "\x00\x43\x00\x00\x00\x41";
    static const uint8_t numeric[] =
        "\x30\x1e\x31\x0b\x30\x09\x06\x03\x55\x04\x06\x13\x02\x43\x48\x31"
        "\x0f\x30\x0d\x06\x03\x55\x04\x03\x12\x06\x31\x32\x20\x20\x33\x34";
    static const uint8_t latin1[] =
        "\x30\x15\x31\x13\x30\x11\x06\x03\x55\x04\x0a\x14\x0a\x43\x61\x66"
        "\xe9\x20\x20\x47\x72\x69\x64";
    static const uint8_t bmp_odd[] =
        "\x30\x0e\x31\x0c\x30\x0a\x06\x03\x55\x04\x03\x1e\x03\x00\x41\x00";
    static const uint8_t univ_odd[] =
        "\x30\x10\x31\x0e\x30\x0c\x06\x03\x55\x04\x03\x1c\x05\x00\x00\x00"
        "\x41\x00";
    static const uint8_t multi[] =
        "\x30\x1d\x31\x1b\x30\x09\x06\x03\x55\x04\x06\x13\x02\x43\x48\x30"
        "\x0e\x06\x03\x55\x04\x03\x0c\x07\x47\x72\x69\x64\x20\x43\x41";
    static const uint8_t not_set[] =
        "\x30\x0c\x30\x0a\x30\x08\x06\x03\x55\x04\x03\x0c\x01\x78";
    static const uint8_t bad_oid[] =
        "\x30\x0c\x31\x0a\x30\x08\x04\x03\x55\x04\x03\x0c\x01\x78";
    static const uint8_t value_short[] =
        "\x30\x0d\x31\x0b\x30\x09\x06\x03\x55\x04\x03\x0c\x01\x78\x00";
    uint8_t big[2048];
    uint32_t h = 0;
    size_t n;

    (void)state;
    assert_int_equal(rl_tls_name_hash(wide, sizeof wide - 1, &h), 0);
    assert_int_equal(h, 0x6678b73eu);
    assert_int_equal(rl_tls_name_hash(numeric, sizeof numeric - 1, &h), 0);
    assert_int_equal(h, 0xa1e56d51u);
    assert_int_equal(rl_tls_name_hash(latin1, sizeof latin1 - 1, &h), 0);
    assert_int_equal(h, 0xa9fc467eu);
    n = long_name(big, sizeof big, 1, 250);
    assert_int_equal(rl_tls_name_hash(big, n, &h), 0);
    assert_int_equal(h, 0x88106e8fu);
    n = long_name(big, sizeof big, 1, 256); /* the longest value hashed */
    assert_int_equal(rl_tls_name_hash(big, n, &h), 0);
    assert_int_equal(h, 0x49067941u);

    assert_int_equal(rl_tls_name_hash(bmp_odd, sizeof bmp_odd - 1, &h), -1);
    assert_int_equal(rl_tls_name_hash(univ_odd, sizeof univ_odd - 1, &h), -1);
    assert_int_equal(rl_tls_name_hash(multi, sizeof multi - 1, &h), -1);
    assert_int_equal(rl_tls_name_hash(not_set, sizeof not_set - 1, &h), -1);
    assert_int_equal(rl_tls_name_hash(bad_oid, sizeof bad_oid - 1, &h), -1);
    assert_int_equal(rl_tls_name_hash(value_short, sizeof value_short - 1, &h),
                     -1);
    n = long_name(big, sizeof big, 1, 257); /* OpenSSL: 0x50d9e17a */
    assert_int_equal(rl_tls_name_hash(big, n, &h), -1);
    n = long_name(big, sizeof big, 6, 200); /* canonical form over 1 KiB */
    assert_int_equal(rl_tls_name_hash(big, n, &h), -1);
    /* Truncated anywhere: never a hash, never a read past the end. */
    for (n = 0; n < sizeof wide - 1; n++)
        assert_int_equal(rl_tls_name_hash(wide, n, &h), -1);
}

/* Handshake with "localhost" through a fresh server and config o; the
 * status, and the connection's text check when failing. */
static rucio_status store_handshake(peer *p, const rucio_tls_options *o,
                                    const char *needle)
{
    fixture *fx = &g_fx;
    rucio_status st;

    fx_start(fx, p, 0, o);
    st = rucio_tls_handshake(&fx->t, SOCK, "localhost", 0, DEADLINE(p));
    if (st == RUCIO_OK) {
        round_trip(p, &fx->t, "store");
        rucio_tls_shutdown(&fx->t);
        /* A resumed handshake needs no CA. */
        peer_reconnect(p);
        assert_int_equal(rucio_tls_handshake(&fx->t, SOCK, "localhost", 0,
                                             DEADLINE(p)),
                         RUCIO_OK);
        assert_int_equal(rucio_tls_resumed(&fx->t), 1);
        rucio_tls_shutdown(&fx->t);
    } else if (needle) {
        describe_contains(&fx->t, needle);
    }
    rucio_tls_conn_free(&fx->t);
    rucio_tls_config_free(&fx->cfg);
    peer_free(p);
    return st;
}

static char g_bundle[64 * PEM_CAP];

/* n copies of someone else's CA, then text, then n more. */
static size_t bundle_around(const char *middle, int n)
{
    size_t len = 0;
    int i;

    for (i = 0; i < 2 * n; i++) {
        if (i == n)
            len += (size_t)snprintf(g_bundle + len, sizeof g_bundle - len,
                                    "%s", middle);
        len += (size_t)snprintf(g_bundle + len, sizeof g_bundle - len,
                                "# other %d\n%s", i, g_pki.other_ca.crt_pem);
    }
    return len;
}

static rucio_tls_options store_options(const char *file, const char *dir)
{
    static uint8_t buf[1024];
    rucio_tls_options o;

    memset(&o, 0, sizeof o);
    o.file_buf = buf;
    o.file_buf_len = sizeof buf;
    o.ca_file = file;
    o.ca_dir = dir;
    return o;
}

/* A bundle with the issuer among many others: the handshake finds it;
 * without it, or with a CA of the same name but another key, the server
 * is refused as before ("not correctly signed"). */
static void test_store_bundle(void **state)
{
    file_entry files[1] = {{"/bundle.pem", g_bundle, 0, RUCIO_OK}};
    rucio_tls_options o = store_options("/bundle.pem", NULL);
    peer *p = &g_peer;

    (void)state;
    store_files(files, 1);
    files[0].len = bundle_around(g_pki.ca.crt_pem, 20);
    assert_int_equal(store_handshake(p, &o, NULL), RUCIO_OK);

    files[0].len = bundle_around("", 20);
    assert_int_equal(store_handshake(p, &o, "not correctly signed"),
                     RUCIO_E_TLS_VERIFY);
    files[0].len = bundle_around(g_pki.impostor.crt_pem, 3);
    assert_int_equal(store_handshake(p, &o, "not correctly signed"),
                     RUCIO_E_TLS_VERIFY);
    /* The wrong name is still said with a CA from the store. */
    files[0].len = bundle_around(g_pki.ca.crt_pem, 1);
    fx_start(&g_fx, p, 0, &o);
    assert_int_equal(rucio_tls_handshake(&g_fx.t, SOCK, "rucio.example.org",
                                         0, DEADLINE(p)),
                     RUCIO_E_TLS_VERIFY);
    describe_contains(&g_fx.t, "Common Name");
    fx_stop(&g_fx, p);
    store_files(NULL, 0);
}

static char g_hash0[32], g_hash1[32];

/* The names OpenSSL gives the test CA in a hashed directory. */
static void hash_names(const char *dir)
{
    uint32_t h = 0;

    assert_int_equal(rl_tls_name_hash(g_pki.ca.crt.subject_raw.p,
                                      g_pki.ca.crt.subject_raw.len, &h),
                     0);
    snprintf(g_hash0, sizeof g_hash0, "%s/%08lx.0", dir, (unsigned long)h);
    snprintf(g_hash1, sizeof g_hash1, "%s/%08lx.1", dir, (unsigned long)h);
}

/* A hashed directory: only the files of the issuer's hash are read,
 * including the next suffix when .0 is another CA's (a collision). */
static void test_store_hashed_dir(void **state)
{
    file_entry files[4];
    rucio_tls_options o = store_options(NULL, "/certs");
    peer *p = &g_peer;

    (void)state;
    hash_names("/certs");
    files[0] = (file_entry){"/certs/00000000.0", g_pki.other_ca.crt_pem,
                            strlen(g_pki.other_ca.crt_pem), RUCIO_OK};
    files[1] = (file_entry){g_hash0, g_pki.ca.crt_pem,
                            strlen(g_pki.ca.crt_pem), RUCIO_OK};
    files[2] = (file_entry){"/certs/README", "not a certificate\n", 18,
                            RUCIO_OK};
    store_files(files, 3);
    g_store_watch = "00000000";
    assert_int_equal(store_handshake(p, &o, NULL), RUCIO_OK);
    /* Read once by the check at init (the first file), never after. */
    assert_true(g_peer.watch_reads <= 2);

    /* Collision: .0 is someone else's CA, .1 the issuer. */
    files[1].data = g_pki.other_ca.crt_pem;
    files[1].len = strlen(g_pki.other_ca.crt_pem);
    files[3] = (file_entry){g_hash1, g_pki.ca.crt_pem,
                            strlen(g_pki.ca.crt_pem), RUCIO_OK};
    store_files(files, 4);
    assert_int_equal(store_handshake(p, &o, NULL), RUCIO_OK);
    g_store_watch = NULL;
    store_files(NULL, 0);
}

/* A directory without hash names is scanned whole; without the issuer
 * the server is refused. */
static void test_store_dir_fallback(void **state)
{
    file_entry files[3];
    rucio_tls_options o = store_options(NULL, "/grid");
    peer *p = &g_peer;

    (void)state;
    files[0] = (file_entry){"/grid/a-other.pem", g_pki.other_ca.crt_pem,
                            strlen(g_pki.other_ca.crt_pem), RUCIO_OK};
    files[1] = (file_entry){"/grid/b-ca.der", g_pki.ca.crt_der,
                            g_pki.ca.crt_der_len, RUCIO_OK};
    files[2] = (file_entry){"/grid/c.signing_policy", "access_id_CA X509\n",
                            18, RUCIO_OK};
    store_files(files, 3);
    g_store_watch = "a-other";
    assert_int_equal(store_handshake(p, &o, NULL), RUCIO_OK);
    assert_true(g_peer.watch_reads > 2); /* read again by the scan */
    g_store_watch = NULL;
    store_files(files, 1);
    assert_int_equal(store_handshake(p, &o, "not correctly signed"),
                     RUCIO_E_TLS_VERIFY);
    store_files(NULL, 0);
}

/* A server under an intermediate CA: the intermediate it sends is
 * checked against the root from the store; a server that sends only its
 * leaf needs the intermediate in the store, which is then trusted (every
 * CA of a store is, as when the store was loaded whole). */
static void test_store_intermediate(void **state)
{
    file_entry files[1] = {{"/bundle.pem", g_bundle, 0, RUCIO_OK}};
    rucio_tls_options o = store_options("/bundle.pem", NULL);
    peer *p = &g_peer;
    char both[2 * PEM_CAP];

    (void)state;
    store_files(files, 1);
    g_serve_crt = &g_pki.via_inter.crt;
    g_serve_key = &g_pki.via_inter.key;
    files[0].len = bundle_around(g_pki.ca.crt_pem, 5);
    assert_int_equal(store_handshake(p, &o, NULL), RUCIO_OK);

    g_serve_crt = &g_pki.via_inter_alone;
    assert_int_equal(store_handshake(p, &o, "not correctly signed"),
                     RUCIO_E_TLS_VERIFY);
    snprintf(both, sizeof both, "%s%s", g_pki.ca.crt_pem,
             g_pki.inter.crt_pem);
    files[0].len = bundle_around(both, 5);
    assert_int_equal(store_handshake(p, &o, NULL), RUCIO_OK);
    files[0].len = bundle_around(g_pki.inter.crt_pem, 5);
    assert_int_equal(store_handshake(p, &o, NULL), RUCIO_OK);

    /* A CA in memory is used first; the store is asked when it is not
     * the issuer. */
    o.ca_mem = (const uint8_t *)g_pki.other_ca.crt_pem;
    o.ca_mem_len = strlen(g_pki.other_ca.crt_pem) + 1;
    assert_int_equal(store_handshake(p, &o, NULL), RUCIO_OK);
    g_serve_crt = NULL;
    g_serve_key = NULL;
    store_files(NULL, 0);
}

static rucio_tls_options client_mem(const char *cert, size_t cert_len,
                                    const char *key, size_t key_len)
{
    rucio_tls_options o = ca_options(&g_pki.ca);

    o.cert_mem = (const uint8_t *)cert;
    o.cert_mem_len = cert_len;
    o.key_mem = (const uint8_t *)key;
    o.key_mem_len = key_len;
    return o;
}

static void test_config_client_memory(void **state)
{
    static char both[2 * PEM_CAP];
    static const char bad_key[] =
        "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n";
    static const char bad_cert[] =
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
    const char *cpem = g_pki.client.crt_pem;
    const char *kpem = g_pki.client.key_pem;
    rucio_tls_options o;
    rucio_tls_config cfg;
    peer *p = &g_peer;

    (void)state;
    peer_setup(p, 0);
    /* Certificate and key in one PEM text, as an x509 proxy holds them. */
    snprintf(both, sizeof both, "%s%s", cpem, kpem);
    o = client_mem(both, strlen(both) + 1, NULL, 0);
    init_config(&cfg, p, &o);
    assert_int_equal(cfg.has_own_cert, 1);
    rucio_tls_config_free(&cfg);
    assert_int_equal(cfg.has_own_cert, 0);

    /* A DER certificate with a PEM key. */
    o = client_mem((const char *)g_pki.client.crt_der,
                   g_pki.client.crt_der_len, kpem, strlen(kpem) + 1);
    init_config(&cfg, p, &o);
    rucio_tls_config_free(&cfg);

    o = client_mem(NULL, 0, kpem, strlen(kpem) + 1);
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "a client key is given without a client certificate");
    o = client_mem("garbage", 8, kpem, strlen(kpem) + 1);
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "cannot load the client certificate from memory");
    /* PEM text without a single certificate block */
    o = client_mem(kpem, strlen(kpem) + 1, kpem, strlen(kpem) + 1);
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "cannot load the client certificate from memory");
    /* A certificate block whose base64 is broken. */
    o = client_mem(bad_cert, sizeof bad_cert, kpem, strlen(kpem) + 1);
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "cannot load the client certificate from memory");
    o = client_mem(cpem, strlen(cpem) + 1, bad_key, sizeof bad_key);
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "cannot load the private key from memory");
    o = client_mem(cpem, strlen(cpem) + 1, g_pki.server.key_pem,
                   strlen(g_pki.server.key_pem) + 1);
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "the private key from memory does not match");
    peer_free(p);
}

/* Certificate and key that do not belong together, in one file. */
static char mismatch[2 * PEM_CAP];
/* Where the files are read (the client lends its scratch memory). */
static uint8_t file_buf[16384];

static void test_config_client_files(void **state)
{
    const char *cpem = g_pki.client.crt_pem;
    const char *kpem = g_pki.client.key_pem;
    file_entry files[] = {
        {"/c.pem", cpem, strlen(cpem), RUCIO_OK},
        {"/c.der", g_pki.client.crt_der, g_pki.client.crt_der_len, RUCIO_OK},
        {"/k.pem", kpem, strlen(kpem), RUCIO_OK},
        {"/other.pem", g_pki.server.key_pem, strlen(g_pki.server.key_pem),
         RUCIO_OK},
        {"/big.pem", "", 0, RUCIO_E_NO_SPACE},
        {"/locked.pem", "", 0, RUCIO_E_FILE},
        {"/mismatch.pem", mismatch, 0, RUCIO_OK},
    };
    rucio_tls_options o = ca_options(&g_pki.ca);
    rucio_tls_config cfg;
    peer *p = &g_peer;

    (void)state;
    peer_setup(p, 0);
    o.key_file = "/k.pem";
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "a client key is given without a client certificate");
    o.key_file = NULL;
    o.cert_file = "/c.pem";
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "cannot read /c.pem: no file buffer given");
    o.file_buf = file_buf;
    o.file_buf_len = sizeof file_buf;
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "cannot read /c.pem: the port has no file functions");
    p->port.fs = &p->fs;
    p->files = files;
    p->file_count = sizeof files / sizeof files[0];

    o.key_file = "/k.pem";
    init_config(&cfg, p, &o);
    assert_int_equal(cfg.has_own_cert, 1);
    rucio_tls_config_free(&cfg);
    o.cert_file = "/c.der";
    init_config(&cfg, p, &o);
    rucio_tls_config_free(&cfg);

    o.cert_file = "/big.pem";
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "/big.pem is larger than 16383 bytes");
    o.cert_file = "/locked.pem";
    config_fails(p, &o, RUCIO_E_TLS_CONFIG, "cannot read /locked.pem");
    o.cert_file = "/c.pem";
    o.key_file = "/locked.pem";
    config_fails(p, &o, RUCIO_E_TLS_CONFIG, "cannot read /locked.pem");
    o.key_file = "/other.pem";
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "the private key from /other.pem does not match");
    /* No key file: the key is looked for in the certificate file. */
    o.key_file = NULL;
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "cannot load the private key from /c.pem");
    /* A proxy-style file whose key is not the certificate's. */
    snprintf(mismatch, sizeof mismatch, "%s%s", cpem, g_pki.server.key_pem);
    files[sizeof files / sizeof files[0] - 1].len = strlen(mismatch);
    o.cert_file = "/mismatch.pem";
    config_fails(p, &o, RUCIO_E_TLS_CONFIG,
                 "the private key from /mismatch.pem does not match");
    peer_free(p);
}

/* ---- iPAddress SANs from hand-made DER ------------------------------------------- */

/* rl_tls_crt_has_ip reads only the TBSCertificate's bytes, so a
 * certificate struct pointing at hand-made DER exercises every way those
 * bytes can be malformed. */
typedef struct der {
    unsigned char b[256];
    size_t n;
} der;

static der der_bytes(const void *p, size_t n)
{
    der d;

    assert_true(n <= sizeof d.b);
    memcpy(d.b, p, n);
    d.n = n;
    return d;
}

#define DER(...) der_bytes((const unsigned char[]){__VA_ARGS__}, \
                           sizeof((const unsigned char[]){__VA_ARGS__}))

static der der_cat(der a, der b)
{
    assert_true(a.n + b.n <= sizeof a.b);
    memcpy(a.b + a.n, b.b, b.n);
    a.n += b.n;
    return a;
}

/* tag, short-form length, content */
static der der_wrap(unsigned char tag, der in)
{
    der d;

    assert_true(in.n < 128);
    d.b[0] = tag;
    d.b[1] = (unsigned char)in.n;
    memcpy(d.b + 2, in.b, in.n);
    d.n = in.n + 2;
    return d;
}

/* TBSCertificate: a version-like INTEGER, then [3] holding exts. */
static der tbs_with(der exts_content)
{
    return der_wrap(0x30, der_cat(DER(0x02, 0x01, 0x05),
                                  der_wrap(0xa3, exts_content)));
}

static der san_ext(der between_oid_and_value, der names)
{
    return der_wrap(0x30, der_cat(der_cat(DER(0x06, 0x03, 0x55, 0x1d, 0x11),
                                          between_oid_and_value),
                                  der_wrap(0x04, names)));
}

static int tbs_has_ip(der tbs, const uint8_t *ip, size_t len)
{
    mbedtls_x509_crt crt;

    memset(&crt, 0, sizeof crt);
    crt.tbs.p = tbs.b;
    crt.tbs.len = tbs.n;
    return rl_tls_crt_has_ip(&crt, ip, len);
}

static void test_ip_san_parsing(void **state)
{
    static const uint8_t lo[4] = {127, 0, 0, 1};
    static const uint8_t lo2[4] = {127, 0, 0, 2};
    static const uint8_t lo6[16] = {[15] = 1};
    const der none = {{0}, 0};
    der names = der_wrap(0x30, der_cat(der_wrap(0x82, DER('h')),
                                       der_wrap(0x87, DER(127, 0, 0, 1))));
    der other = der_wrap(0x30, DER(0x06, 0x03, 0x55, 0x1d, 0x13, 0x04, 0x02,
                                   0x30, 0x00));
    der crit = DER(0x01, 0x01, 0xff);
    der good = tbs_with(der_wrap(0x30, der_cat(other, san_ext(crit, names))));
    mbedtls_x509_crt empty;

    (void)state;
    assert_int_equal(tbs_has_ip(good, lo, 4), 1);
    assert_int_equal(tbs_has_ip(good, lo2, 4), 0);
    assert_int_equal(tbs_has_ip(good, lo6, 16), 0);
    /* not critical (no BOOLEAN) */
    assert_int_equal(tbs_has_ip(tbs_with(der_wrap(0x30, san_ext(none, names))),
                                lo, 4),
                     1);
    /* a BOOLEAN of two bytes */
    assert_int_equal(tbs_has_ip(tbs_with(der_wrap(
                                    0x30, san_ext(DER(0x01, 0x02, 0xff, 0xff),
                                                  names))),
                                lo, 4),
                     0);
    /* extnValue not an OCTET STRING */
    assert_int_equal(tbs_has_ip(tbs_with(der_wrap(
                                    0x30, der_wrap(0x30, der_cat(
                                              DER(0x06, 0x03, 0x55, 0x1d,
                                                  0x11),
                                              der_wrap(0x05, names))))),
                                lo, 4),
                     0);
    /* GeneralNames not a SEQUENCE, and one whose element runs past it */
    assert_int_equal(tbs_has_ip(tbs_with(der_wrap(
                                    0x30, san_ext(none, der_wrap(0x31,
                                                                 names)))),
                                lo, 4),
                     0);
    assert_int_equal(tbs_has_ip(tbs_with(der_wrap(
                                    0x30, san_ext(none, der_wrap(
                                                            0x30,
                                                            DER(0x87, 0x05, 127,
                                                                0))))),
                                lo, 4),
                     0);
    /* Extensions: an element that is not a SEQUENCE, one without an OID,
     * only other extensions, and [3] holding no SEQUENCE at all. */
    assert_int_equal(tbs_has_ip(tbs_with(der_wrap(0x30, DER(0x04, 0x00))), lo,
                                4),
                     0);
    assert_int_equal(tbs_has_ip(tbs_with(der_wrap(
                                    0x30, DER(0x30, 0x03, 0x02, 0x01, 0x00))),
                                lo, 4),
                     0);
    assert_int_equal(tbs_has_ip(tbs_with(der_wrap(0x30, other)), lo, 4), 0);
    assert_int_equal(tbs_has_ip(tbs_with(DER(0x04, 0x00)), lo, 4), 0);
    /* TBSCertificate: without [3], not a SEQUENCE, an element cut short,
     * and no bytes at all. */
    assert_int_equal(tbs_has_ip(DER(0x30, 0x03, 0x02, 0x01, 0x05), lo, 4), 0);
    assert_int_equal(tbs_has_ip(DER(0x04, 0x00), lo, 4), 0);
    assert_int_equal(tbs_has_ip(DER(0x30, 0x03, 0x02, 0x05, 0x00), lo, 4), 0);
    memset(&empty, 0, sizeof empty);
    assert_int_equal(rl_tls_crt_has_ip(&empty, lo, 4), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_echo_and_resume),
        cmocka_unit_test(test_client_certificate_from_memory),
        cmocka_unit_test(test_verification_failures),
        cmocka_unit_test(test_insecure_skips_verification),
        cmocka_unit_test(test_handshake_transport_failures),
        cmocka_unit_test(test_handshake_arguments),
        cmocka_unit_test(test_port_hiccups_are_retried),
        cmocka_unit_test(test_stream_endings),
        cmocka_unit_test(test_oversized_record),
        cmocka_unit_test(test_send_failures_and_inactive),
        cmocka_unit_test(test_error_text),
        cmocka_unit_test(test_config_arguments_and_random),
        cmocka_unit_test(test_config_cas),
        cmocka_unit_test(test_config_ca_bundle_in_windows),
        cmocka_unit_test(test_store_name_hash),
        cmocka_unit_test(test_store_name_hash_more),
        cmocka_unit_test(test_store_bundle),
        cmocka_unit_test(test_store_hashed_dir),
        cmocka_unit_test(test_store_dir_fallback),
        cmocka_unit_test(test_store_intermediate),
        cmocka_unit_test(test_config_client_memory),
        cmocka_unit_test(test_config_client_files),
        cmocka_unit_test(test_ip_san_parsing),
    };

    return cmocka_run_group_tests(tests, make_pki, free_pki);
}
