/*
 * tls_ip_check: table tests of the TLS layer's own IP-address handling
 * (src/tls/tls_ip.c), for the TLS suite.
 *
 *   tls_ip_check <pki-dir>
 *
 * Checks host classification and IPv4/IPv6 parsing against known bytes,
 * and the iPAddress SAN lookup against certificates from tests/tls/pki.sh.
 * Prints a PASS or FAIL line per group (and each failing case); exits 1
 * if any case failed.
 */
#include <stdio.h>
#include <string.h>

#include <mbedtls/x509_crt.h>

#include "tls/tls_internal.h"

typedef struct host_case {
    const char *text;
    rucio_tls_host_kind kind;
    size_t len;                        /* 0, 4 or 16 */
    uint8_t bytes[RUCIO_TLS_IP_MAX];
} host_case;

#define V4(a, b, c, d) RUCIO_TLS_HOST_IP, 4, {a, b, c, d}
#define V6(...) RUCIO_TLS_HOST_IP, 16, {__VA_ARGS__}
#define NAME RUCIO_TLS_HOST_NAME, 0, {0}
#define BAD RUCIO_TLS_HOST_INVALID, 0, {0}

static const host_case HOSTS[] = {
    {"127.0.0.1", V4(127, 0, 0, 1)},
    {"0.0.0.0", V4(0, 0, 0, 0)},
    {"255.255.255.255", V4(255, 255, 255, 255)},
    {"192.0.2.10", V4(192, 0, 2, 10)},
    {"localhost", NAME},
    {"rucio.example.org", NAME},
    {"1.2.3", NAME},
    {"1.2.3.4.5", NAME},
    {"256.1.1.1", NAME},
    {"01.2.3.4", NAME},           /* leading zero: not an address */
    {"1.2.3.4.", NAME},
    {"1..3.4", NAME},
    {"::", V6(0)},
    {"::1", V6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)},
    {"1::", V6(0, 1)},
    {"0:0:0:0:0:0:0:1", V6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)},
    {"2001:db8::8a2e:370:7334",
     V6(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0x8a, 0x2e, 0x03, 0x70,
        0x73, 0x34)},
    {"2001:0DB8:0000:0000:0000:FF00:0042:8329",
     V6(0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0, 0, 0x42, 0x83,
        0x29)},
    {"::ffff:192.0.2.1",
     V6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1)},
    {"1:2:3:4:5:6:1.2.3.4",
     V6(0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4)},
    {"1:2:3:4:5:6:7::", V6(0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0)},
    {"::2:3:4:5:6:7:8", V6(0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8)},
    {"1:2::7:8", V6(0, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 8)},
    {":::", BAD},
    {"1:::2", BAD},
    {"1::2::3", BAD},
    {"1:2:3:4:5:6:7:8:9", BAD},
    {"1:2:3:4:5:6:7", BAD},
    {"1:2:3:4:5:6:7:8::", BAD},
    {"12345::", BAD},
    {"::g", BAD},
    {":1", BAD},
    {"1:", BAD},
    {"::1.2.3", BAD},
    {"::1.2.3.4.5", BAD},
    {"1.2.3.4::", BAD},
    {"1:2:3:4:5:6:7:1.2.3.4", BAD},
    {"fe80::1%eth0", BAD},
    {"[::1]", BAD},
};

static int failures;

static void report(const char *group, int bad, size_t cases)
{
    printf("%s  tls: %s (%zu cases)\n", bad ? "FAIL" : "PASS", group, cases);
    failures += bad;
}

static int check_host(const host_case *c)
{
    uint8_t ip[RUCIO_TLS_IP_MAX];
    size_t len = 99;
    rucio_tls_host_kind kind = rl_tls_parse_host(c->text, ip, &len);

    if (kind == c->kind && len == c->len &&
        (len == 0 || memcmp(ip, c->bytes, len) == 0))
        return 0;
    printf("        '%s': kind %d length %zu, expected kind %d length %zu\n",
           c->text, (int)kind, len, (int)c->kind, c->len);
    return 1;
}

typedef struct san_case {
    const char *file;
    const char *ip;
    int expected;
} san_case;

static const san_case SANS[] = {
    {"server.pem", "127.0.0.1", 1},
    {"server.pem", "::1", 1},
    {"server.pem", "0:0:0:0:0:0:0:1", 1},
    {"server.pem", "127.0.0.2", 0},
    {"server.pem", "::2", 0},
    {"server.pem", "::ffff:127.0.0.1", 0}, /* mapped is another address */
    {"noip.pem", "127.0.0.1", 0}, /* dNSName "127.0.0.1" is not an IP SAN */
    {"ca.pem", "127.0.0.1", 0},   /* no subjectAltName at all */
};

static int check_san(const char *dir, const san_case *c)
{
    char path[1024];
    mbedtls_x509_crt crt;
    uint8_t ip[RUCIO_TLS_IP_MAX];
    size_t len;
    int got = -1;

    snprintf(path, sizeof path, "%s/%s", dir, c->file);
    mbedtls_x509_crt_init(&crt);
    if (mbedtls_x509_crt_parse_file(&crt, path) == 0 &&
        rl_tls_parse_host(c->ip, ip, &len) == RUCIO_TLS_HOST_IP)
        got = rl_tls_crt_has_ip(&crt, ip, len);
    mbedtls_x509_crt_free(&crt);
    if (got == c->expected)
        return 0;
    printf("        %s has %s: got %d, expected %d\n", c->file, c->ip, got,
           c->expected);
    return 1;
}

int main(int argc, char **argv)
{
    size_t i;
    int bad = 0;

    if (argc != 2) {
        fprintf(stderr, "usage: tls_ip_check <pki-dir>\n");
        return 2;
    }
    for (i = 0; i < sizeof HOSTS / sizeof HOSTS[0]; i++)
        bad |= check_host(&HOSTS[i]);
    report("host classification and IPv4/IPv6 literal parsing", bad,
           sizeof HOSTS / sizeof HOSTS[0]);
    bad = 0;
    for (i = 0; i < sizeof SANS / sizeof SANS[0]; i++)
        bad |= check_san(argv[1], &SANS[i]);
    report("iPAddress SAN lookup in certificate DER", bad,
           sizeof SANS / sizeof SANS[0]);
    return failures ? 1 : 0;
}
