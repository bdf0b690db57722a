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
 * "SIGNED <service> <url>", "stack: <public call> <bytes>" (the deepest
 * stack each public function needed, below its caller) and the RAM
 * figures.
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

/* ---- stack high-water per public call ----
 * Issue 7 bounds every public call to 8 KiB of stack on the firmware. Before
 * each call the free stack (from its bottom up to the caller's stack
 * pointer) is painted with the board's pattern; after it, the first word
 * no longer holding the pattern is the deepest point the call reached.
 * The figure kept is the deepest of all calls of each function, measured
 * from the caller's stack pointer: what the call itself needs (interrupts
 * that hit it included, as they would on a real board). */
extern uint32_t __stack_limit[], __stack_top[];

struct stack_figure {
    const char *call;
    size_t bytes;
};
static struct stack_figure stack_figures[16];
static size_t stack_figure_count;
static size_t stack_deepest; /* from the top of the stack, every call */

/* Inlined so that the stack pointer read is the caller's, and the loop
 * needs no stack of its own below it. */
static inline __attribute__((always_inline)) uintptr_t stack_paint(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (volatile uint32_t *p = __stack_limit; (uintptr_t)p < sp; p++)
        *p = BOARD_STACK_PAINT;
    return sp;
}

static void stack_record(const char *call, uintptr_t sp)
{
    const volatile uint32_t *p = __stack_limit;
    size_t used, i;

    while ((uintptr_t)p < sp && *p == BOARD_STACK_PAINT)
        p++;
    used = (size_t)(sp - (uintptr_t)p);
    if ((size_t)((uintptr_t)__stack_top - (uintptr_t)p) > stack_deepest)
        stack_deepest = (size_t)((uintptr_t)__stack_top - (uintptr_t)p);
    for (i = 0; i < stack_figure_count && strcmp(stack_figures[i].call, call) != 0; i++)
        ;
    if (i == stack_figure_count) {
        if (i == sizeof stack_figures / sizeof stack_figures[0])
            return;
        stack_figures[i].call = call;
        stack_figure_count++;
    }
    if (used > stack_figures[i].bytes)
        stack_figures[i].bytes = used;
}

/* Run statement `call` (a public call) with its stack measured as `name`. */
#define MEASURED(name, call)                                                  \
    do {                                                                      \
        uintptr_t sp_at_call_ = stack_paint();                               \
        call;                                                                 \
        stack_record(name, sp_at_call_);                                      \
    } while (0)

static void stack_print(void)
{
    for (size_t i = 0; i < stack_figure_count; i++)
        fw_print("stack: %s %u\n", stack_figures[i].call, (unsigned)stack_figures[i].bytes);
}

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
    const rucio_error *e;
    const char *text;

    MEASURED("rucio_client_last_error", e = rucio_client_last_error(&client));
    if (st == RUCIO_OK) {
        check(1, name, "");
        return;
    }
    MEASURED("rucio_strerror", text = rucio_strerror(st));
    fw_print("error: %s http=%d %s: %s\n", text, e->http_status, e->exception_class,
             e->message);
    check(0, name, text);
}

/* with_token 0: userpass credentials; 1: the given token only. */
static rucio_status start_client(const char *url, int with_token)
{
    rucio_client_options opt;
    rucio_status st;

    MEASURED("rucio_client_options_default", rucio_client_options_default(&opt));
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
    MEASURED("rucio_client_init", st = rucio_client_init(&client, &opt));
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
    rucio_status st;

    MEASURED("rucio_get_signed_url",
             st = rucio_get_signed_url(&client, s->rse, s->service, "read", s->url, 600,
                                       signed_url, sizeof signed_url));
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
    rucio_status st = start_client(url, 0), authenticated;
    char version[32];
    rucio_account_info who;
    const char *account;

    check_call(st, "client_init");
    if (st != RUCIO_OK)
        return;
    MEASURED("rucio_ping", st = rucio_ping(&client, version, sizeof version));
    if (st == RUCIO_OK)
        fw_print("rucio: server version %s\n", version);
    check_call(st, "ping");
    MEASURED("rucio_authenticate", authenticated = rucio_authenticate(&client));
    check_call(authenticated, "userpass_authentication");
    MEASURED("rucio_whoami", st = rucio_whoami(&client, &who));
    check_call(st, "whoami");
    MEASURED("rucio_client_account", account = rucio_client_account(&client));
    check(st == RUCIO_OK && strcmp(who.account, fw_rucio_account) == 0 &&
              strcmp(account, fw_rucio_account) == 0,
          "whoami_account", "not the account of the credentials");
    if (authenticated == RUCIO_OK)
        for (size_t i = 0; i < sizeof signings / sizeof signings[0]; i++)
            sign_one(i, "SIGNED");
    fw_print("rucio: %u authentication request(s)\n",
             (unsigned)client._internal.auth_requests);
    MEASURED("rucio_client_free", rucio_client_free(&client));
}

/* Only the token: the client must never authenticate. */
static void token_session(const char *url)
{
    rucio_status st = start_client(url, 1);

    check_call(st, "token_client_init");
    if (st != RUCIO_OK)
        return;
    sign_one(1, "TOKEN");
    check(client._internal.auth_requests == 0, "token_used_as_given",
          "the client authenticated");
    MEASURED("rucio_client_free", rucio_client_free(&client));
}

int main(void)
{
    static char cmdline[160];
    char url[96];
    size_t pool_bytes = 0, pool_blocks = 0;
    extern char __ram_used[];
    rucio_status st;

    board_init();
    fw_print("firmware: rucio-lite client on mps2-an386 (Cortex-M4), RAM %u bytes "
             "by the linker map (budget 65536; client %u, stack %u, mbedTLS pool %u)\n",
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
    stack_print();
    /* The per-call painting restarts the board's own measurement: the
     * deepest point is the larger of the two. */
    if (board_stack_high_water() > stack_deepest)
        stack_deepest = board_stack_high_water();
    fw_print("ram: stack high-water %u bytes of %u\n", (unsigned)stack_deepest,
             (unsigned)board_stack_size());
    fw_print("firmware: done, %d failed\n", failures);
    return failures ? 1 : 0;
}
