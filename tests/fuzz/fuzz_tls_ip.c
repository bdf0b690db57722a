/*
 * libFuzzer target: the IP-address host check of the TLS layer
 * (src/tls/tls_ip.c): rl_tls_parse_host on the host text and
 * rl_tls_crt_has_ip on the DER of a TBSCertificate.
 *
 * Input: fields split at 0xff bytes: the host text, then the DER that is
 * walked as the certificate's TBSCertificate (set straight into a
 * mbedtls_x509_crt, so that mutations reach the SAN walker without
 * having to make mbedTLS accept a whole certificate).
 *
 * Invariants:
 *   - the host is an address exactly when inet_pton (glibc, an independent
 *     implementation) reads it as one: IPv4 when it has no ':', IPv6 when
 *     it has, with the same bytes; 4 or 16 bytes, 0 for names; written
 *     back with inet_ntop and parsed again it gives the same bytes;
 *   - an address found in the certificate is a run of the DER itself,
 *     and the DER holds an iPAddress tag.
 */
#define _GNU_SOURCE /* memmem */

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "tls/tls_internal.h"

static void check_host(const char *host, uint8_t ip[RUCIO_TLS_IP_MAX],
                       size_t *len, rucio_tls_host_kind *kind)
{
    uint8_t ref[16];
    char text[INET6_ADDRSTRLEN];
    uint8_t again[RUCIO_TLS_IP_MAX];
    size_t again_len;
    int v6 = strchr(host, ':') != NULL;
    int ok = inet_pton(v6 ? AF_INET6 : AF_INET, host, ref) == 1;

    *kind = rl_tls_parse_host(host, ip, len);
    if (v6) {
        FUZZ_CHECK(*kind == (ok ? RUCIO_TLS_HOST_IP : RUCIO_TLS_HOST_INVALID));
    } else {
        FUZZ_CHECK(*kind == (ok ? RUCIO_TLS_HOST_IP : RUCIO_TLS_HOST_NAME));
    }
    if (*kind != RUCIO_TLS_HOST_IP) {
        FUZZ_CHECK(*len == 0);
        return;
    }
    FUZZ_CHECK(*len == (v6 ? 16u : 4u));
    FUZZ_CHECK(memcmp(ip, ref, *len) == 0);
    FUZZ_CHECK(inet_ntop(v6 ? AF_INET6 : AF_INET, ip, text, sizeof text));
    FUZZ_CHECK(rl_tls_parse_host(text, again, &again_len) ==
               RUCIO_TLS_HOST_IP);
    FUZZ_CHECK(again_len == *len && memcmp(again, ip, *len) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    uint8_t ip[RUCIO_TLS_IP_MAX];
    rucio_tls_host_kind kind;
    mbedtls_x509_crt crt;
    const uint8_t *field;
    size_t n, ip_len;
    unsigned char *der;
    char *host;

    field = fuzz_field(&in, &n);
    host = fuzz_strndup(field, n);
    check_host(host, ip, &ip_len, &kind);

    /* an exact copy, so that ASan sees any read past the DER */
    der = malloc(in.len ? in.len : 1);
    FUZZ_CHECK(der != NULL);
    if (in.len)
        memcpy(der, in.data, in.len);
    mbedtls_x509_crt_init(&crt);
    crt.tbs.p = der; /* never NULL: mbedTLS never leaves a parsed one so */
    crt.tbs.len = in.len;
    if (kind != RUCIO_TLS_HOST_IP) {
        memcpy(ip, "\x7f\x00\x00\x01", 4); /* look for 127.0.0.1 */
        ip_len = 4;
    }
    /* (the length before it may be in long form: only the run itself
     * is certain) */
    if (rl_tls_crt_has_ip(&crt, ip, ip_len))
        FUZZ_CHECK(in.len > ip_len + 1 && memmem(der, in.len, ip, ip_len) &&
                   memchr(der, 0x87, in.len) != NULL);
    crt.tbs.p = NULL; /* not mbedTLS's to free */
    crt.tbs.len = 0;
    mbedtls_x509_crt_free(&crt);
    free(der);
    free(host);
    return 0;
}
