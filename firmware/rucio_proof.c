/*
 * rucio-lite on the firmware: the library's client, linked whole, talks to
 * the real Rucio server of the end-to-end suite through the modem port and
 * the relay, authenticates with userpass (credentials and the server's CA
 * in flash), and prints three signed URLs (gcs, s3, swift) on the console
 * for the test to verify. Then, when the image holds a token given at
 * build time, a second client uses only that token (no credentials) and
 * signs once more.
 *
 * Parameters on the emulator's command line (-semihosting-config arg=):
 * "url=https://127.0.0.1:PORT". Console lines: "CHECK <name> ok|FAIL ...",
 * "SIGNED <service> <url>", and the RAM figures.
 */
#include <string.h>

#include <mbedtls/ssl.h>

#include "board/board.h"
#include "fw.h"
#include "rucio/client.h"

extern const unsigned char fw_ca_pem[];
extern const size_t fw_ca_pem_len;
extern const char fw_rucio_account[], fw_rucio_user[], fw_rucio_password[];
extern const char fw_rucio_token[]; /* "" when the build was given none */

static int failures;
static rucio_modem modem;
static rucio_port port;
static rucio_client client;
static char signed_url[RUCIO_BODY_MAX];

static void check(int ok, const char *name, const char *why)
{
    if (ok) {
        fw_print("CHECK %s ok\n", name);
    } else {
        fw_print("CHECK %s FAIL %s\n", name, why);
        failures++;
    }
}

static void check_call(rucio_status st, const char *name)
{
    const rucio_error *e = rucio_client_last_error(&client);
    if (st == RUCIO_OK) {
        check(1, name, "");
        return;
    }
    fw_print("error: %s http=%d %s: %s\n", rucio_strerror(st), e->http_status,
             e->exception_class, e->message);
    check(0, name, rucio_strerror(st));
}

/* with_token 0: userpass credentials; 1: the given token only. */
static rucio_status start_client(const char *url, int with_token)
{
    rucio_client_options opt;
    rucio_status st;

    rucio_client_options_default(&opt);
    opt.port = &port;
    opt.no_config = 1;
    opt.rucio_host = url;
    opt.auth_host = url;
    opt.account = fw_rucio_account;
    if (with_token) {
        opt.auth_type = "token";
        opt.token = fw_rucio_token;
    } else {
        opt.auth_type = "userpass";
        opt.username = fw_rucio_user;
        opt.password = fw_rucio_password;
    }
    opt.ca_mem = fw_ca_pem;
    opt.ca_mem_len = fw_ca_pem_len;
    opt.timeout_ms = 60000;
    st = rucio_client_init(&client, &opt);
    return st;
}

struct signing {
    const char *rse, *service, *url;
};

static const struct signing signings[] = {
    {"GCS-SITE", "gcs", "https://storage.googleapis.com/rucio-lite-bucket/dir/file.dat"},
    {"S3-SITE", "s3", "https://s3.example.org:9000/rucio-lite-bucket/dir/file.dat"},
    {"SWIFT-SITE", "swift", "https://swift.example.org:8080/v1/AUTH_test/container/dir/file.dat"},
};

/* Sign signings[i]; print "<TAG> <service> <url>", check "<tag>_<service>". */
static void sign_one(size_t i, const char *tag)
{
    const struct signing *s = &signings[i];
    char name[40];
    rucio_status st = rucio_get_signed_url(&client, s->rse, s->service, "read", s->url, 600,
                                           signed_url, sizeof signed_url);
    if (st == RUCIO_OK) { /* whole: longer than fw_print's line */
        fw_print("%s %s ", tag, s->service);
        board_console_write(signed_url, strlen(signed_url));
        board_console_write("\n", 1);
    }
    for (size_t k = 0; tag[k] != '\0' && k < 16; k++) /* "SIGNED" -> "signed" */
        name[k] = (char)(tag[k] >= 'A' && tag[k] <= 'Z' ? tag[k] - 'A' + 'a' : tag[k]);
    name[strlen(tag) < 16 ? strlen(tag) : 16] = '\0';
    strcat(name, "_");
    strcat(name, s->service);
    check_call(st, name);
}

static void userpass_session(const char *url)
{
    rucio_status st = start_client(url, 0);
    char version[32];

    check_call(st, "client_init");
    if (st != RUCIO_OK)
        return;
    st = rucio_ping(&client, version, sizeof version);
    if (st == RUCIO_OK)
        fw_print("rucio: server version %s\n", version);
    check_call(st, "ping");
    st = rucio_authenticate(&client);
    check_call(st, "userpass_authentication");
    if (st == RUCIO_OK)
        for (size_t i = 0; i < sizeof signings / sizeof signings[0]; i++)
            sign_one(i, "SIGNED");
    fw_print("rucio: %u authentication request(s)\n", (unsigned)client.auth_requests);
    rucio_client_free(&client);
}

/* Only the token: the client must never authenticate. */
static void token_session(const char *url)
{
    rucio_status st = start_client(url, 1);

    check_call(st, "token_client_init");
    if (st != RUCIO_OK)
        return;
    sign_one(1, "TOKEN");
    check(client.auth_requests == 0, "token_used_as_given", "the client authenticated");
    rucio_client_free(&client);
}

int main(void)
{
    static char cmdline[160];
    char url[96];
    size_t pool_bytes = 0, pool_blocks = 0;
    extern char __ram_used[];
    rucio_status st;

    board_init();
    fw_print("firmware: rucio-lite client on mps2-an386 (Cortex-M4), RAM %u of 65536 bytes "
             "by the linker map (client %u, stack %u, mbedTLS pool %u)\n",
             (unsigned)(uintptr_t)__ram_used, (unsigned)sizeof client,
             (unsigned)board_stack_size(), (unsigned)fw_pool_size());
    if (board_command_line(cmdline, sizeof cmdline) < 0 || !fw_arg(cmdline, "url", url, sizeof url)) {
        check(0, "command_line", "need url=https://...");
        return 1;
    }
    fw_mbedtls_start(&modem);
    check(fw_entropy_start() == 0, "nv_seed_provisioned", "seed is all zero");
    st = rucio_modem_start(&modem, &fw_modem_board, board_now_ms() + 10000);
    check(st == RUCIO_OK, "modem_hello", rucio_strerror(st));
    if (failures)
        return 1;
    rucio_modem_port(&port, &modem);

    userpass_session(url);
    if (fw_rucio_token[0] != '\0')
        token_session(url);
    fw_pool_high_water(&pool_bytes, &pool_blocks);
    fw_print("ram: mbedTLS pool high-water %u bytes (%u blocks) of %u\n", (unsigned)pool_bytes,
             (unsigned)pool_blocks, (unsigned)fw_pool_size());
    fw_print("ram: stack high-water %u bytes of %u\n", (unsigned)board_stack_high_water(),
             (unsigned)board_stack_size());
    fw_print("firmware: done, %d failed\n", failures);
    return failures ? 1 : 0;
}
