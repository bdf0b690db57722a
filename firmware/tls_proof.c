/*
 * First proof of the firmware: boot, greet the modem, open a TLS 1.2
 * connection through it to a local server, verify the server against the
 * CA held in flash, fetch a page, and report the RAM figures.
 *
 * The test passes its parameters on the emulator's command line
 * (-semihosting-config arg=...): "host=localhost port=NNNN". The console
 * gets one "CHECK <name> ok" or "CHECK <name> FAIL <why>" line per check,
 * which tests/firmware/fw-test.sh turns into PASS/FAIL lines.
 */
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "board/board.h"
#include "fw.h"

extern const unsigned char fw_ca_pem[];
extern const size_t fw_ca_pem_len;

#define IO_TIMEOUT_MS 15000u
#define ERR_LINK (-0x0050) /* the value of MBEDTLS_ERR_NET_CONN_RESET */

static int failures;

static void check(int ok, const char *name, const char *why, int code)
{
    if (ok) {
        fw_print("CHECK %s ok\n", name);
    } else {
        fw_print("CHECK %s FAIL %s (-0x%04x)\n", name, why, (unsigned)-code);
        failures++;
    }
}

/* ---- mbedTLS's I/O over the modem ---- */

struct link {
    rucio_modem *modem;
    rucio_socket sock;
};

static int link_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct link *l = ctx;
    size_t n = 0;
    switch (rucio_modem_send(l->modem, l->sock, buf, len,
                             board_now_ms() + IO_TIMEOUT_MS, &n)) {
    case RUCIO_IO_DATA:
        return (int)n;
    case RUCIO_IO_TIMEOUT:
    case RUCIO_IO_AGAIN:
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    default:
        return ERR_LINK;
    }
}

static int link_recv(void *ctx, unsigned char *buf, size_t len, uint32_t timeout_ms)
{
    struct link *l = ctx;
    size_t n = 0;
    uint32_t wait = timeout_ms != 0 ? timeout_ms : IO_TIMEOUT_MS;
    switch (rucio_modem_recv(l->modem, l->sock, buf, len, board_now_ms() + wait, &n)) {
    case RUCIO_IO_DATA:
        return (int)n;
    case RUCIO_IO_EOF:
        return 0;
    case RUCIO_IO_TIMEOUT:
        return MBEDTLS_ERR_SSL_TIMEOUT;
    default:
        return ERR_LINK;
    }
}

/* ---- one TLS session ---- */

struct tls {
    mbedtls_ctr_drbg_context drbg;
    mbedtls_x509_crt ca;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
};

static struct tls tls;

static int drbg_entropy(void *ctx, unsigned char *buf, size_t len)
{
    return fw_random(ctx, buf, len) == RUCIO_OK ? 0 : -1;
}

static int setup_config(void)
{
    int ret;
    mbedtls_ctr_drbg_init(&tls.drbg);
    mbedtls_x509_crt_init(&tls.ca);
    mbedtls_ssl_config_init(&tls.conf);
    ret = mbedtls_ctr_drbg_seed(&tls.drbg, drbg_entropy, NULL,
                                (const unsigned char *)"rucio-fw", 8);
    check(ret == 0, "drbg_seeded_from_nv_seed", "ctr_drbg_seed", ret);
    if (ret != 0)
        return ret;
    ret = mbedtls_x509_crt_parse(&tls.ca, fw_ca_pem, fw_ca_pem_len);
    check(ret == 0, "ca_from_flash", "x509_crt_parse", ret);
    if (ret != 0)
        return ret;
    ret = mbedtls_ssl_config_defaults(&tls.conf, MBEDTLS_SSL_IS_CLIENT,
                                      MBEDTLS_SSL_TRANSPORT_STREAM,
                                      MBEDTLS_SSL_PRESET_DEFAULT);
    if (ret != 0)
        return ret;
    mbedtls_ssl_conf_authmode(&tls.conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    mbedtls_ssl_conf_ca_chain(&tls.conf, &tls.ca, NULL);
    mbedtls_ssl_conf_rng(&tls.conf, mbedtls_ctr_drbg_random, &tls.drbg);
    mbedtls_ssl_conf_read_timeout(&tls.conf, IO_TIMEOUT_MS);
#if FW_SSL_CONTENT_LEN == 4096
    /* 4 KiB record buffers: ask the server for 4 KiB records (RFC 6066). */
    ret = mbedtls_ssl_conf_max_frag_len(&tls.conf, MBEDTLS_SSL_MAX_FRAG_LEN_4096);
#endif
    return ret;
}

/* Fetch "GET /" over an established session; returns bytes received. */
static long fetch_page(char *first_line, size_t cap)
{
    static const char req[] = "GET / HTTP/1.0\r\n\r\n";
    unsigned char buf[256];
    long total = 0;
    int ret;

    while ((ret = mbedtls_ssl_write(&tls.ssl, (const unsigned char *)req, sizeof req - 1)) ==
           MBEDTLS_ERR_SSL_WANT_WRITE) {
    }
    if (ret < 0)
        return ret;
    first_line[0] = '\0';
    while ((ret = mbedtls_ssl_read(&tls.ssl, buf, sizeof buf)) > 0) {
        if (total == 0) {
            size_t n = 0;
            while (n < (size_t)ret && n + 1 < cap && buf[n] != '\r' && buf[n] != '\n') {
                first_line[n] = (char)buf[n];
                n++;
            }
            first_line[n] = '\0';
        }
        total += ret;
    }
    if (ret != 0 && ret != MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
        return ret;
    return total;
}

/* Connect to host:port through the modem and handshake as server_name. */
static int session(rucio_modem *modem, const char *host, uint16_t port,
                   const char *server_name, const char *check_name, int expect_ok)
{
    struct link l = {modem, RUCIO_SOCKET_INVALID};
    rucio_status st;
    int ret;

    st = rucio_modem_connect(modem, host, port, board_now_ms() + IO_TIMEOUT_MS, &l.sock);
    if (st != RUCIO_OK) {
        check(0, check_name, rucio_strerror(st), 0);
        return -1;
    }
    mbedtls_ssl_init(&tls.ssl);
    ret = mbedtls_ssl_setup(&tls.ssl, &tls.conf);
    if (ret == 0)
        ret = mbedtls_ssl_set_hostname(&tls.ssl, server_name);
    mbedtls_ssl_set_bio(&tls.ssl, &l, link_send, NULL, link_recv);
    while (ret == 0 && (ret = mbedtls_ssl_handshake(&tls.ssl)) != 0 &&
           (ret == MBEDTLS_ERR_SSL_WANT_READ || ret == MBEDTLS_ERR_SSL_WANT_WRITE))
        ret = 0;
    if (expect_ok) {
        check(ret == 0, check_name, "handshake", ret);
        if (ret == 0) {
            char line[64];
            long got;
            fw_print("tls: %s, %s, max fragment %u\n", mbedtls_ssl_get_version(&tls.ssl),
                     mbedtls_ssl_get_ciphersuite(&tls.ssl),
                     (unsigned)mbedtls_ssl_get_max_in_record_payload(&tls.ssl));
            got = fetch_page(line, sizeof line);
            fw_print("tls: GET / -> %ld bytes, \"%s\"\n", got, line);
            check(got > 0 && strncmp(line, "HTTP/1.0 200", 12) == 0, "https_get",
                  "no HTTP 200 answer", got < 0 ? (int)got : 0);
            (void)mbedtls_ssl_close_notify(&tls.ssl);
        }
    } else {
        uint32_t flags = mbedtls_ssl_get_verify_result(&tls.ssl);
        check(ret != 0 && (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) != 0, check_name,
              "handshake with a wrong server name was not refused", ret);
    }
    mbedtls_ssl_free(&tls.ssl);
    rucio_modem_close(modem, l.sock);
    return ret;
}

static rucio_modem modem;

int main(void)
{
    char cmdline[128], host[64], portbuf[8];
    size_t pool_bytes = 0, pool_blocks = 0;
    extern char __ram_used[];

    board_init();
    fw_print("firmware: rucio-lite TLS proof on mps2-an386 (Cortex-M4), "
             "RAM %u of 65536 bytes by the linker map, stack %u, mbedTLS pool %u\n",
             (unsigned)(uintptr_t)__ram_used, (unsigned)board_stack_size(),
             (unsigned)fw_pool_size());
    if (board_command_line(cmdline, sizeof cmdline) < 0 ||
        !fw_arg(cmdline, "host", host, sizeof host) ||
        !fw_arg(cmdline, "port", portbuf, sizeof portbuf)) {
        check(0, "command_line", "need host=... port=...", 0);
        return 1;
    }
    fw_mbedtls_start(&modem);
    check(fw_entropy_start() == 0, "nv_seed_provisioned", "seed is all zero", 0);
    if (failures)
        return 1;
    {
        rucio_status st = rucio_modem_start(&modem, &fw_modem_board, board_now_ms() + 10000);
        check(st == RUCIO_OK, "modem_hello", rucio_strerror(st), 0);
        if (st != RUCIO_OK)
            return 1;
        fw_print("modem: rucio-modem/1, wall clock %ld\n", (long)rucio_modem_wall_seconds(&modem));
    }
    if (setup_config() == 0) {
        uint16_t port = (uint16_t)atoi(portbuf);
        (void)session(&modem, host, port, "localhost", "tls_handshake_verified", 1);
        (void)session(&modem, host, port, "wrong.example", "tls_rejects_wrong_name", 0);
    }
    check(rucio_modem_connect(&modem, "192.0.2.1", 443, board_now_ms() + 5000,
                              &(rucio_socket){0}) == RUCIO_E_CONNECT,
          "relay_refuses_non_loopback", "connect to 192.0.2.1 not refused", 0);
    mbedtls_ssl_config_free(&tls.conf);
    mbedtls_x509_crt_free(&tls.ca);
    mbedtls_ctr_drbg_free(&tls.drbg);
    fw_pool_high_water(&pool_bytes, &pool_blocks);
    fw_print("ram: mbedTLS pool high-water %u bytes (%u blocks) of %u\n", (unsigned)pool_bytes,
             (unsigned)pool_blocks, (unsigned)fw_pool_size());
    fw_print("ram: stack high-water %u bytes of %u\n", (unsigned)board_stack_high_water(),
             (unsigned)board_stack_size());
    fw_print("firmware: done, %d failed\n", failures);
    return failures ? 1 : 0;
}
