/*
 * floor: the least a TLS client on mbedTLS must do for one signed URL, the
 * benchmark's floor. One connection to 127.0.0.1, a verified handshake
 * (CA file, server name "localhost"), one GET with the token header, the
 * body printed. No configuration, no token cache, no parsing beyond
 * finding the end of the headers.
 *
 *   floor CA_FILE PORT PATH_AND_QUERY TOKEN
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/version.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

typedef struct floor_tls {
    mbedtls_net_context net;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
} floor_tls;

/* The key exchange groups rucio-lite offers (src/tls/tls_config.c):
 * mbedTLS 2.28's default list starts with secp521r1, which a server that
 * follows the client's order would pick, at several times the cost. */
static const mbedtls_ecp_group_id curves[] = {
    MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_SECP384R1,
    MBEDTLS_ECP_DP_NONE};

#if MBEDTLS_VERSION_NUMBER >= 0x03000000
/* The signature algorithms rucio-lite offers (src/tls/tls_config.c):
 * with 3.6's default list a TLS 1.2 server with an RSA key picks RSA-PSS,
 * which mbedTLS's TLS 1.2 code cannot check (docs/design.md). */
static const uint16_t sig_algs[] = {
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP256R1_SHA256, MBEDTLS_TLS1_3_SIG_ECDSA_SECP384R1_SHA384,
    MBEDTLS_TLS1_3_SIG_ECDSA_SECP521R1_SHA512, MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256,
    MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384,       MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA256,    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA384,
    MBEDTLS_TLS1_3_SIG_RSA_PSS_RSAE_SHA512,    MBEDTLS_TLS1_3_SIG_NONE};
#endif

static char request[8192];
static char response[65536];

static int setup(floor_tls *t, const char *ca_file, const char *port)
{
    const int one = 1;

    if (mbedtls_ctr_drbg_seed(&t->drbg, mbedtls_entropy_func, &t->entropy, NULL, 0) ||
        mbedtls_x509_crt_parse_file(&t->ca, ca_file) ||
        mbedtls_ssl_config_defaults(&t->conf, MBEDTLS_SSL_IS_CLIENT,
                                    MBEDTLS_SSL_TRANSPORT_STREAM,
                                    MBEDTLS_SSL_PRESET_DEFAULT))
        return -1;
    mbedtls_ssl_conf_authmode(&t->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&t->conf, &t->ca, NULL);
    mbedtls_ssl_conf_rng(&t->conf, mbedtls_ctr_drbg_random, &t->drbg);
    mbedtls_ssl_conf_curves(&t->conf, curves);
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    mbedtls_ssl_conf_sig_algs(&t->conf, sig_algs);
#endif
    if (mbedtls_ssl_setup(&t->ssl, &t->conf) ||
        mbedtls_ssl_set_hostname(&t->ssl, "localhost") ||
        mbedtls_net_connect(&t->net, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP))
        return -1;
    /* The handshake's last flight is several small writes: without this,
     * Nagle and the server's delayed ACK add 40 ms. */
    if (setsockopt(t->net.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
        return -1;
    mbedtls_ssl_set_bio(&t->ssl, &t->net, mbedtls_net_send, mbedtls_net_recv, NULL);
    return mbedtls_ssl_handshake(&t->ssl);
}

static int send_all(floor_tls *t, const char *buf, size_t len)
{
    while (len > 0) {
        int n = mbedtls_ssl_write(&t->ssl, (const unsigned char *)buf, len);

        if (n <= 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Read until the headers and Content-Length bytes of body are in; the
 * body's offset, or -1. */
static long read_response(floor_tls *t, size_t *total)
{
    const char *end, *cl;
    long body = -1, want = -1;

    *total = 0;
    while (*total < sizeof response - 1) {
        int n = mbedtls_ssl_read(&t->ssl, (unsigned char *)response + *total,
                                 sizeof response - 1 - *total);

        if (n <= 0)
            return body;
        *total += (size_t)n;
        response[*total] = '\0';
        if (body < 0 && (end = strstr(response, "\r\n\r\n")) != NULL) {
            body = end + 4 - response;
            cl = strstr(response, "Content-Length: ");
            want = cl ? strtol(cl + 16, NULL, 10) : 0;
        }
        if (body >= 0 && (long)*total >= body + want)
            return body;
    }
    return -1;
}

int main(int argc, char **argv)
{
    static floor_tls t;
    size_t total;
    long body;
    int len, rc = 1;

    if (argc != 5) {
        fprintf(stderr, "usage: floor CA_FILE PORT PATH_AND_QUERY TOKEN\n");
        return 2;
    }
    mbedtls_net_init(&t.net);
    mbedtls_entropy_init(&t.entropy);
    mbedtls_ctr_drbg_init(&t.drbg);
    mbedtls_x509_crt_init(&t.ca);
    mbedtls_ssl_config_init(&t.conf);
    mbedtls_ssl_init(&t.ssl);
    len = snprintf(request, sizeof request,
                   "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\n"
                   "X-Rucio-Auth-Token: %s\r\nConnection: close\r\n\r\n",
                   argv[3], argv[2], argv[4]);
    if (len > 0 && (size_t)len < sizeof request && setup(&t, argv[1], argv[2]) == 0 &&
        send_all(&t, request, (size_t)len) == 0 &&
        (body = read_response(&t, &total)) >= 0 && strncmp(response + 9, "200", 3) == 0) {
        printf("%s\n", response + body);
        rc = 0;
    } else {
        fprintf(stderr, "floor: request failed\n");
    }
    mbedtls_ssl_close_notify(&t.ssl);
    mbedtls_net_free(&t.net);
    mbedtls_ssl_free(&t.ssl);
    mbedtls_ssl_config_free(&t.conf);
    mbedtls_x509_crt_free(&t.ca);
    mbedtls_ctr_drbg_free(&t.drbg);
    mbedtls_entropy_free(&t.entropy);
    return rc;
}
