/*
 * rucio-lite: what the TLS files share and nobody else needs.
 *
 * IP-address hosts are checked by our own code, not by mbedTLS: 2.28
 * compares an IP literal with dNSName entries and the CN and never with
 * iPAddress entries, so a certificate for 127.0.0.1 fails and one naming
 * "DNS:127.0.0.1" passes. 3.5+ compares iPAddress entries, but only when
 * the literal is also set as the host name, which puts it into SNI, where
 * RFC 6066 forbids addresses. So for an address we set no host name and
 * match the leaf's iPAddress entries ourselves (tls_ip.c).
 */
#ifndef RUCIO_TLS_INTERNAL_H
#define RUCIO_TLS_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "rucio/tls.h"

/* Receive records smaller than the 16 KiB a server may send (a
 * firmware's MBEDTLS_SSL_IN_CONTENT_LEN): the configuration asks the
 * server for a maximum fragment length that fits (RFC 6066), and a record
 * that still does not fit is reported as the server ignoring it. */
#if defined(MBEDTLS_SSL_MAX_FRAGMENT_LENGTH) &&                                \
    MBEDTLS_SSL_IN_CONTENT_LEN < 16384
#define RUCIO_TLS_ASKS_MFL 1
#else
#define RUCIO_TLS_ASKS_MFL 0
#endif

/* Largest binary address: IPv6. */
#define RUCIO_TLS_IP_MAX 16

/* What kind of host a handshake is for. */
typedef enum rucio_tls_host_kind {
    RUCIO_TLS_HOST_NAME = 0, /* a DNS name: SNI and mbedTLS's name check */
    RUCIO_TLS_HOST_IP,       /* an IPv4 or IPv6 literal: our SAN check */
    RUCIO_TLS_HOST_INVALID   /* contains ':' but is not an IPv6 literal */
} rucio_tls_host_kind;

/* Classify host and, for an address, put its 4 or 16 bytes into ip and
 * their count into *out_len (0 for names). IPv6 without brackets or
 * zone; IPv4 as four decimal parts without leading zeros, as inet_pton. */
rucio_tls_host_kind rl_tls_parse_host(const char *host,
                                      uint8_t ip[RUCIO_TLS_IP_MAX],
                                      size_t *out_len);

/* Nonzero if the subjectAltName extension of crt lists the address
 * ip[0..len) as an iPAddress entry. Read from the certificate's DER, so
 * it does not depend on which SAN types a given mbedTLS keeps. */
int rl_tls_crt_has_ip(const mbedtls_x509_crt *crt, const uint8_t *ip,
                      size_t len);

/* The mbedTLS text for err (negative) and its code, as
 * "X509 - Read/write of file failed (-0x2900)", into buf. */
void rl_tls_error_text(int err, char *buf, size_t cap);

#if RUCIO_WITH_CERT_FILES
/* ---- the trust store of CA files and directories (tls_castore.c) ---- */

/* Whether the CA file (or directory) at path holds a certificate: 1 yes,
 * 0 no, -1 unreadable. Reads through cfg->ca_window. */
int rl_tls_store_check(rucio_tls_config *cfg, const char *path, int is_dir);

/* Parse into found every CA of cfg's file and directory whose subject is
 * issuer (a whole DER Name); the number found. */
int rl_tls_store_find(rucio_tls_config *cfg, const mbedtls_x509_buf *issuer,
                      mbedtls_x509_crt *found);

/* For the verify callback: crt, the top of the server's chain, has no
 * trusted parent among the CAs in memory; look its issuer up in the
 * store and, if found, verify crt against it, putting the outcome into
 * *flags in place of "not trusted". */
void rl_tls_store_vouch(rucio_tls_config *cfg, mbedtls_x509_crt *crt,
                        uint32_t *flags);

/* OpenSSL's X509_NAME_hash of a DER Name (the <hash> of the file names
 * of a CA directory); 0, or -1 when it cannot be computed here. */
int rl_tls_name_hash(const uint8_t *name, size_t len, uint32_t *out);
#endif

#endif /* RUCIO_TLS_INTERNAL_H */
