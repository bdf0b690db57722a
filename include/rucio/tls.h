/*
 * rucio-lite: TLS client over the port, with mbedTLS (2.28 or 3.6).
 *
 * rucio_tls_config holds what every connection shares: trusted CAs, an
 * optional client certificate and key (or an RFC 3820 proxy file holding
 * certificate, key and chain), and the random generator seeded from the
 * port. rucio_tls_conn is one TLS session on one socket; it remembers the
 * last session so that the next connection to the same host resumes it.
 *
 * Verification of the server certificate is required unless the loud
 * insecure option is set. A host name is used for SNI and checked against
 * the certificate; an IP address is checked against the certificate's
 * iPAddress SANs only, and not sent as SNI (RFC 6066 allows names only).
 * mbedTLS allocates its record buffers itself; see docs/design.md (Memory).
 */
#ifndef RUCIO_TLS_H
#define RUCIO_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/version.h> /* MBEDTLS_VERSION_NUMBER, in 2.28 and 3.x */
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "rucio/log.h"
#include "rucio/port.h"
#include "rucio/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rucio_tls_options {
    /* Trusted CAs: any combination of a PEM/DER file, a directory of
     * certificates (as X509_CERT_DIR holds), and PEM or DER in memory.
     * At least one is required unless insecure is set. The file and the
     * directory are read through port->fs (read_file_at, list_dir, stat)
     * a window at a time: at init only until a certificate is seen, and
     * at a full handshake for the CAs named as the issuer of the server's
     * chain (docs/design.md, "Trust store"). Their paths are copied. */
    const char *ca_file;
    const char *ca_dir;
    const uint8_t *ca_mem;     /* PEM must include its terminating NUL */
    size_t ca_mem_len;

    /* Client certificate. cert_file alone may hold certificate, key and
     * chain (an x509 proxy); key_file, when set, holds the key. The memory
     * forms work the same way. These files are read through port->fs
     * into file_buf, one after the other (wiped after use): a file must
     * fit in file_buf_len - 1 bytes, and without file_buf the files are
     * refused. */
    const char *cert_file;
    const char *key_file;
    uint8_t *file_buf;         /* caller's memory, only during init */
    size_t file_buf_len;
    const uint8_t *cert_mem;
    size_t cert_mem_len;
    const uint8_t *key_mem;
    size_t key_mem_len;

    /* Skip server certificate verification. Logged as a warning at every
     * handshake. Never the default; for tests against throw-away servers. */
    int insecure;
} rucio_tls_options;

/* The window CA files are read through at handshakes: the largest PEM
 * certificate of a store that can be used. */
#ifndef RUCIO_TLS_CA_WINDOW
#define RUCIO_TLS_CA_WINDOW 8192
#endif

/* Shared configuration. Fields are private. */
typedef struct rucio_tls_config {
    const rucio_port *port;
    const rucio_logger *log;
    mbedtls_ssl_config conf;        /* for handshakes without client cert */
    mbedtls_ssl_config conf_cert;   /* the same plus the client cert; a
                                       client cannot drop it per handshake
                                       in 2.28 (set_hs_own_cert is
                                       server-side only there) */
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca;
    mbedtls_x509_crt own_cert;
    mbedtls_pk_context own_key;
    int has_own_cert;
    int insecure;
#if RUCIO_WITH_CERT_FILES
    /* The CA file and directory, read when a handshake needs a CA (see
     * docs/design.md, "Trust store"); empty when not given. */
    char ca_file[RUCIO_PATH_MAX];
    char ca_dir[RUCIO_PATH_MAX];
    uint8_t ca_window[RUCIO_TLS_CA_WINDOW];
#endif
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    uint16_t groups[4];
#else
    mbedtls_ecp_group_id curves[4];
#endif
} rucio_tls_config;

/* Load CAs and the client certificate and seed the generator. On failure
 * everything is released, and err (if not NULL) receives a message naming
 * the file that could not be loaded; err never contains key material.
 * Statuses: RUCIO_OK; RUCIO_E_INVALID_ARG (cfg, port or options NULL);
 * RUCIO_E_TLS_CONFIG (anything that could not be loaded or set up). */
RUCIO_NODISCARD
rucio_status rucio_tls_config_init(rucio_tls_config *cfg,
                                   const rucio_port *port,
                                   const rucio_tls_options *opt,
                                   const rucio_logger *log,
                                   char *err, size_t err_cap);

void rucio_tls_config_free(rucio_tls_config *cfg);

/* One TLS connection. Fields are private. */
typedef struct rucio_tls_conn {
    rucio_tls_config *cfg;
    mbedtls_ssl_context ssl;
    mbedtls_ssl_session session;   /* last session, for resumption */
    int has_session;
    int active;                    /* handshake done, not yet closed */
    int resumed;                   /* last handshake resumed a session */
    rucio_socket sock;
    uint64_t deadline_ms;          /* of the operation in progress */
    rucio_io last_io;              /* what the port said last */
    char host[256];                /* host of the saved session */
    int last_error;                /* last mbedTLS error code (< 0), or
                                      one of tls_conn.c's reasons (> 0) */
    uint32_t verify_flags;         /* last verification result */
} rucio_tls_conn;

/* A connection's TLS state on cfg. Statuses: RUCIO_OK; RUCIO_E_TLS (no
 * memory for mbedTLS's records). */
RUCIO_NODISCARD
rucio_status rucio_tls_conn_init(rucio_tls_conn *t, rucio_tls_config *cfg);

/*
 * Run the handshake on a connected socket, resuming the saved session
 * when host is the same as last time. present_client_cert sends the
 * configured client certificate (it is an error if there is none).
 * RUCIO_E_TLS_VERIFY when the server certificate is rejected; the detail
 * is in rucio_tls_describe. Other statuses: RUCIO_OK; RUCIO_E_TLS (the
 * handshake failed, e.g. an alert or no common cipher); RUCIO_E_TIMEOUT;
 * RUCIO_E_IO (the connection broke).
 */
RUCIO_NODISCARD
rucio_status rucio_tls_handshake(rucio_tls_conn *t, rucio_socket sock,
                                 const char *host, int present_client_cert,
                                 uint64_t deadline_ms);

/* Same contract as the port's send and recv. A TLS close_notify from the
 * peer is RUCIO_IO_EOF. */
rucio_io rucio_tls_send(rucio_tls_conn *t, const uint8_t *buf, size_t len,
                        uint64_t deadline_ms, size_t *out_n);
rucio_io rucio_tls_recv(rucio_tls_conn *t, uint8_t *buf, size_t len,
                        uint64_t deadline_ms, size_t *out_n);

/* Send close_notify (best effort, without waiting) and forget the socket;
 * the saved session is kept for the next handshake. The caller closes
 * the socket. */
void rucio_tls_shutdown(rucio_tls_conn *t);

/* Nonzero if the last handshake resumed a saved session. */
int rucio_tls_resumed(const rucio_tls_conn *t);

/* Put a short description of the last failure (verification flags in
 * words, or the mbedTLS error text) into buf. */
void rucio_tls_describe(const rucio_tls_conn *t, char *buf, size_t cap);

void rucio_tls_conn_free(rucio_tls_conn *t);

#ifdef __cplusplus
}
#endif

#endif /* RUCIO_TLS_H */
