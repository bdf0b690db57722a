/*
 * First proof of the firmware: boot, greet the modem, open a TLS 1.2
 * connection through it to a local server, verify the server against the
 * CA held in flash, fetch a page, and report the RAM figures.
 *
 * Then the library's own TLS layer (src/tls) with this build's 4 KiB
 * receive records: a 10 KiB body from a server that honours the maximum
 * fragment length the library asks for arrives whole, and a server that
 * sends a larger record, in the handshake or after it, is named as one
 * that ignores it (tests/firmware/oversized_server.py).
 *
 * The test passes its parameters on the emulator's command line
 * (-semihosting-config arg=...): "host=localhost port=NNNN", and for the
 * library's part "www=NNNN late=NNNN early=NNNN" (the honouring server,
 * and the oversized record after and in the handshake). The console
 * gets one "CHECK <name> ok" or "CHECK <name> FAIL <why>" line per check,
 * which tests/firmware/fw-test.sh turns into PASS/FAIL lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "board/board.h"
#include "fw.h"
#include "rucio/tls.h"

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

/* ---- the library's TLS layer with small records ---- */

static rucio_port lib_port;
static rucio_tls_config lib_cfg;
static rucio_tls_conn lib_conn;

#define BIG_PATH "/big.txt" /* 10 KiB, served by openssl s_server -WWW */
#define BIG_BODY 10240L

struct fetch {
    rucio_status st;
    long bytes; /* received, HTTP head included */
    char why[96]; /* rucio_tls_describe's text, as the HTTP layer keeps it */
};

static uint64_t lib_deadline(void)
{
    return lib_port.now_ms(lib_port.ctx) + IO_TIMEOUT_MS;
}

/* Send the request and read until the server closes. */
static void lib_exchange(struct fetch *f)
{
    static const char req[] = "GET " BIG_PATH " HTTP/1.0\r\n\r\n";
    uint8_t buf[256];
    size_t n = 0;
    rucio_io io = rucio_tls_send(&lib_conn, (const uint8_t *)req, sizeof req - 1,
                                 lib_deadline(), &n);

    if (io != RUCIO_IO_DATA || n != sizeof req - 1) {
        f->st = RUCIO_E_IO;
        rucio_tls_describe(&lib_conn, f->why, sizeof f->why);
        return;
    }
    while ((io = rucio_tls_recv(&lib_conn, buf, sizeof buf, lib_deadline(), &n)) ==
           RUCIO_IO_DATA)
        f->bytes += (long)n;
    if (io != RUCIO_IO_EOF) {
        f->st = io == RUCIO_IO_TIMEOUT ? RUCIO_E_TIMEOUT : RUCIO_E_IO;
        rucio_tls_describe(&lib_conn, f->why, sizeof f->why);
    }
}

/* GET BIG_PATH from localhost:port through the library's TLS layer. */
static struct fetch lib_fetch(const char *host, uint16_t port)
{
    struct fetch f = {RUCIO_OK, 0, ""};
    rucio_socket sock = RUCIO_SOCKET_INVALID;

    f.st = lib_port.connect(lib_port.ctx, host, port, lib_deadline(), &sock);
    if (f.st != RUCIO_OK) {
        (void)snprintf(f.why, sizeof f.why, "connect: %s", rucio_strerror(f.st));
        return f;
    }
    f.st = rucio_tls_handshake(&lib_conn, sock, "localhost", 0, lib_deadline());
    if (f.st != RUCIO_OK)
        rucio_tls_describe(&lib_conn, f.why, sizeof f.why);
    else
        lib_exchange(&f);
    rucio_tls_shutdown(&lib_conn);
    lib_port.close(lib_port.ctx, sock);
    fw_print("tls: library: GET %s from port %u -> %s, %ld bytes\n", BIG_PATH,
             (unsigned)port, rucio_strerror(f.st), f.bytes);
    if (f.why[0] != '\0') /* a line of its own: fw_print's lines end at 160 */
        fw_print("tls: library: error: %s\n", f.why);
    return f;
}

/* A failure named as a record the server should not have sent. */
static void expect_oversized(const struct fetch *f, const char *name)
{
    check(f->st != RUCIO_OK && strstr(f->why, "max fragment length") != NULL, name,
          f->st == RUCIO_OK ? "the fetch succeeded" : "the error does not name the cause", 0);
}

static void library_tls(const char *cmdline, const char *host)
{
    char www[8], late[8], early[8], err[96];
    rucio_tls_options opt;
    rucio_status st;
    struct fetch f;

    if (!fw_arg(cmdline, "www", www, sizeof www) || !fw_arg(cmdline, "late", late, sizeof late) ||
        !fw_arg(cmdline, "early", early, sizeof early)) {
        check(0, "lib_tls_command_line", "need www=... late=... early=...", 0);
        return;
    }
    rucio_modem_port(&lib_port, &modem);
    memset(&opt, 0, sizeof opt);
    opt.ca_mem = fw_ca_pem;
    opt.ca_mem_len = fw_ca_pem_len;
    st = rucio_tls_config_init(&lib_cfg, &lib_port, &opt, NULL, err, sizeof err);
    check(st == RUCIO_OK, "lib_tls_config", err, 0);
    if (st != RUCIO_OK)
        return;
    st = rucio_tls_conn_init(&lib_conn, &lib_cfg);
    check(st == RUCIO_OK, "lib_tls_conn", rucio_strerror(st), 0);
    if (st == RUCIO_OK) {
        /* Without the fragment length asked for, this body comes as one
         * record of 10 KiB (fw-test.sh shows that with openssl s_client). */
        f = lib_fetch(host, (uint16_t)atoi(www));
        check(f.st == RUCIO_OK && f.bytes > BIG_BODY, "lib_tls_mfl_large_body",
              f.st != RUCIO_OK ? f.why : "body too short", 0);
#if FW_SSL_CONTENT_LEN < 16384
        f = lib_fetch(host, (uint16_t)atoi(late));
        expect_oversized(&f, "lib_tls_oversized_record_named");
        f = lib_fetch(host, (uint16_t)atoi(early));
        expect_oversized(&f, "lib_tls_oversized_handshake_record_named");
#else
        fw_print("tls: library: 16 KiB records, no oversized-record checks\n");
#endif
        rucio_tls_conn_free(&lib_conn);
    }
    rucio_tls_config_free(&lib_cfg);
}

int main(void)
{
    char cmdline[160], host[64], portbuf[8];
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
    library_tls(cmdline, host);
    fw_pool_high_water(&pool_bytes, &pool_blocks);
    fw_print("ram: mbedTLS pool high-water %u bytes (%u blocks) of %u\n", (unsigned)pool_bytes,
             (unsigned)pool_blocks, (unsigned)fw_pool_size());
    fw_print("ram: stack high-water %u bytes of %u\n", (unsigned)board_stack_high_water(),
             (unsigned)board_stack_size());
    fw_print("firmware: done, %d failed\n", failures);
    return failures ? 1 : 0;
}
