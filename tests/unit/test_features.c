/*
 * The feature switches of include/rucio/build_config.h, tested in whatever
 * configuration this file is built with: `make test` builds and runs it
 * with every feature on, with the firmware profile
 * (firmware/rucio_config_fw.h) and with every optional feature off
 * (tests/config/minimal.h). Each case states what the build must do when
 * a feature is in and what it must say when it is out: a left-out feature
 * is refused at rucio_client_init with RUCIO_E_UNSUPPORTED and a message
 * naming it, never half-run. A token given by the caller works in every
 * build, shown with responses captured from the real Rucio server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/rucio_testlib.h"
#include "rucio/client.h"
#include "test/port_script.h"

#define GIVEN_TOKEN "root-root-given-token"

typedef struct world {
    rucio_script_port sp;
    rucio_script_conn conn;
    char server[8192];
    size_t turns[4];
    uint8_t sent[8192];
    const char *env[4];
    rucio_client_options opt;
    rucio_client client;
} world;

static world W;

static int setup(void **state)
{
    (void)state;
    memset(&W, 0, sizeof W);
    rucio_client_options_default(&W.opt);
    W.opt.port = &W.sp.port;
    W.opt.rucio_host = "http://rucio.test";
    W.opt.auth_host = "http://rucio.test";
    W.opt.account = "root";
    W.opt.token = GIVEN_TOKEN;
    W.opt.timeout_ms = 5000;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rucio_client_free(&W.client);
    return 0;
}

/* Append a captured response as the next reply of the one connection. */
static void reply(const char *fixture)
{
    size_t n = rt_fixture(fixture, W.server + W.conn.server_len,
                          sizeof W.server - W.conn.server_len);

    W.turns[W.conn.turn_count++] = n;
    W.conn.server_len += n;
}

static void start_port(void)
{
    W.conn.server = (const uint8_t *)W.server;
    W.conn.turns = W.turns;
    W.conn.hang_at_end = 1;
    W.conn.capture = W.sent;
    W.conn.capture_cap = sizeof W.sent - 1;
    rucio_script_port_init(&W.sp, &W.conn, 1);
    W.sp.env = W.env;
}

static rucio_status init(void)
{
    start_port();
    return rucio_client_init(&W.client, &W.opt);
}

/* Requests the client sent on the one connection. */
static size_t request_count(void)
{
    const char *p = (const char *)W.sent;
    size_t n = 0;

    while ((p = strstr(p, " HTTP/1.1\r\n")) != NULL) {
        n++;
        p++;
    }
    return n;
}

static void assert_refused(rucio_status st, const char *says)
{
    const rucio_error *e = rucio_client_last_error(&W.client);

    assert_int_equal(st, RUCIO_E_UNSUPPORTED);
    assert_int_equal(e->status, RUCIO_E_UNSUPPORTED);
    if (!strstr(e->message, says))
        print_error("message: %s\n", e->message);
    assert_non_null(strstr(e->message, says));
}

/* ---- what every build does ----------------------------------------------- */

static void test_given_token_signs_a_url(void **state)
{
    char url[1024];

    (void)state;
    reply("signurl_200_gcs.http");
    assert_int_equal(init(), RUCIO_OK);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs",
                                          "read",
                                          "https://storage.googleapis.com/"
                                          "bucket/dir/file",
                                          RUCIO_SIGNED_URL_LIFETIME, url,
                                          sizeof url),
                     RUCIO_OK);
    assert_true(strncmp(url, "https://storage.googleapis.com/", 31) == 0);
    assert_non_null(strstr((const char *)W.sent,
                           "X-Rucio-Auth-Token: " GIVEN_TOKEN "\r\n"));
    assert_int_equal(W.sp.next_conn, 1); /* no authentication */
}

static void test_ping_needs_nothing_more(void **state)
{
    char version[32];

    (void)state;
    reply("ping_200.http");
    assert_int_equal(init(), RUCIO_OK);
    assert_int_equal(rucio_ping(&W.client, version, sizeof version),
                     RUCIO_OK);
    assert_true(version[0] != '\0');
}

static void test_unknown_switch_value_is_caught_by_init(void **state)
{
    (void)state;
    start_port();
    assert_int_equal(rucio_client_init_checked(&W.client, &W.opt,
                                               sizeof W.client, sizeof W.opt,
                                               RUCIO_BUILD_SIGNATURE ^ 1u),
                     RUCIO_E_BUILD_MISMATCH);
}

/* Hosts are all ping needs: no auth type, no credentials, no config file.
 * A call that needs a token then says what is missing, sending nothing. */
static void test_ping_without_credentials(void **state)
{
    char version[32];
    rucio_account_info info;

    (void)state;
    W.opt.token = NULL;
    W.opt.no_config = 1;
    reply("ping_200.http");
    assert_int_equal(init(), RUCIO_OK);
    assert_int_equal(rucio_ping(&W.client, version, sizeof version),
                     RUCIO_OK);
    assert_int_equal(rucio_whoami(&W.client, &info), RUCIO_E_MISSING_PARAM);
    assert_string_equal(rucio_client_last_error(&W.client)->exception_class,
                        "MissingClientParameter");
    assert_non_null(strstr(rucio_client_last_error(&W.client)->message,
                           "auth_type"));
    assert_int_equal(request_count(), 1); /* the ping alone */
}

/* Missing arguments are refused with RUCIO_E_INVALID_ARG, nothing sent,
 * nothing written through NULL. */
static void test_null_arguments_refused(void **state)
{
    char version[32];

    (void)state;
    assert_int_equal(init(), RUCIO_OK);
    assert_int_equal(rucio_ping(NULL, version, sizeof version),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_ping(&W.client, NULL, 32), RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_ping(&W.client, version, 0), RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_whoami(NULL, NULL), RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_whoami(&W.client, NULL), RUCIO_E_INVALID_ARG);
    assert_string_equal(rucio_client_last_error(&W.client)->exception_class,
                        "InputValidationError");
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs", "read",
                                          "https://storage.googleapis.com/b/f",
                                          RUCIO_SIGNED_URL_LIFETIME, NULL, 0),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_authenticate(NULL), RUCIO_E_INVALID_ARG);
    rucio_client_free(NULL);
    assert_int_equal(request_count(), 0);
}

/* ---- TLS ----------------------------------------------------------------- */

static void test_https_host(void **state)
{
    static const uint8_t not_a_ca[] = "not a certificate";
    rucio_status st;

    (void)state;
    W.opt.rucio_host = "https://rucio.test";
    W.opt.auth_host = "https://rucio.test";
    W.opt.ca_mem = not_a_ca;
    W.opt.ca_mem_len = sizeof not_a_ca;
    st = init();
#if RUCIO_WITH_TLS
    /* Built in: the CA in memory is parsed (and refused: it is none). */
    assert_int_equal(st, RUCIO_E_TLS_CONFIG);
#else
    assert_refused(st, "without TLS");
#endif
}

static void test_ca_file(void **state)
{
    rucio_status st;

    (void)state;
    W.opt.rucio_host = "https://rucio.test";
    W.opt.auth_host = "https://rucio.test";
    W.opt.ca_cert = "/nonexistent/rucio-lite-ca.pem";
    st = init();
#if RUCIO_WITH_CERT_FILES
    assert_int_equal(st, RUCIO_E_TLS_CONFIG); /* tried, and not there */
#elif RUCIO_WITH_TLS
    assert_refused(st, "ca_mem");
#else
    assert_refused(st, "without TLS");
#endif
}

/* ---- authentication types ---------------------------------------------- */

static rucio_status init_with_auth_type(const char *name)
{
    W.opt.token = NULL;
    W.opt.auth_type = name;
    W.opt.username = "user";
    W.opt.password = "password";
    W.opt.ssh_private_key = "/nonexistent/id_rsa";
    W.opt.client_cert = "/nonexistent/usercert.pem";
    W.opt.client_key = "/nonexistent/userkey.pem";
    return init();
}

/* What the first authentication reports (the auth type and credentials
 * are resolved at init but reported by the first call needing a token). */
static rucio_status first_authentication(rucio_status init_status)
{
    if (init_status != RUCIO_OK ||
        W.client._internal.credentials_error.status == RUCIO_OK)
        return init_status;
    return rucio_authenticate(&W.client);
}

/* Each auth type that obtains a token: accepted at init when built in
 * (it may still fail later for want of a file), else refused by name. */
static void test_auth_types(void **state)
{
    static const struct {
        const char *name;
        int built_in;
    } types[] = {
        {"userpass", RUCIO_WITH_USERPASS}, {"x509", RUCIO_WITH_X509},
        {"x509_proxy", RUCIO_WITH_X509},   {"ssh", RUCIO_WITH_SSH},
        {"oidc", RUCIO_WITH_OIDC},
    };
    size_t i;

    for (i = 0; i < sizeof types / sizeof types[0]; i++) {
        rucio_status st;

        setup(state);
        st = first_authentication(init_with_auth_type(types[i].name));
        if (types[i].built_in) {
            assert_int_not_equal(st, RUCIO_E_UNSUPPORTED);
        } else {
            assert_refused(st, "left out of this build");
            assert_non_null(strstr(
                rucio_client_last_error(&W.client)->message, types[i].name));
        }
        teardown(state);
    }
}

/* A built-in userpass logs in and then signs with the server's token. */
static void test_userpass_login(void **state)
{
#if RUCIO_WITH_USERPASS
    char url[1024];

    (void)state;
    reply("userpass_200.http");
    reply("signurl_200_gcs.http");
    assert_int_equal(init_with_auth_type("userpass"), RUCIO_OK);
    assert_int_equal(rucio_get_signed_url(&W.client, "GCS-SITE", "gcs",
                                          "read",
                                          "https://storage.googleapis.com/"
                                          "bucket/dir/file",
                                          RUCIO_SIGNED_URL_LIFETIME, url,
                                          sizeof url),
                     RUCIO_OK);
    assert_non_null(strstr((const char *)W.sent, "GET /auth/userpass "));
    assert_int_equal(W.sp.next_conn, 1); /* one connection for both */
#else
    (void)state;
    skip();
#endif
}

/* ---- filesystem and environment ---------------------------------------- */

static void test_config_file_option(void **state)
{
    rucio_status st;

    (void)state;
    W.opt.config_path = "/nonexistent/rucio.cfg";
    st = init();
#if RUCIO_WITH_FILES
    /* Built in, but this port has no file functions: said, not ignored. */
    assert_int_equal(st, RUCIO_E_PORT);
#else
    assert_refused(st, "RUCIO_WITH_FILES=0");
#endif
}

static void test_no_config_scratch_without_files(void **state)
{
    (void)state;
#if RUCIO_WITH_FILES
    assert_true(sizeof W.client._internal.scratch >= RUCIO_CONFIG_MAX);
#elif RUCIO_WITH_CERT_FILES
    assert_true(sizeof W.client._internal.scratch >= RUCIO_TLS_CERT_FILE_MAX);
#else
    /* Only response bodies: rucio.cfg costs no RAM here. */
    assert_int_equal(sizeof W.client._internal.scratch, RUCIO_BODY_MAX);
#endif
}

static void test_environment(void **state)
{
    (void)state;
    W.env[0] = "RUCIO_ACCOUNT=from-environment";
    W.opt.account = NULL;
    assert_int_equal(init(), RUCIO_OK);
#if RUCIO_WITH_ENV
    assert_string_equal(rucio_client_account(&W.client), "from-environment");
#else
    assert_string_equal(rucio_client_account(&W.client), "");
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_given_token_signs_a_url, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ping_needs_nothing_more, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ping_without_credentials, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_null_arguments_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_unknown_switch_value_is_caught_by_init, setup, teardown),
        cmocka_unit_test_setup_teardown(test_https_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ca_file, setup, teardown),
        cmocka_unit_test(test_auth_types),
        cmocka_unit_test_setup_teardown(test_userpass_login, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_file_option, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_no_config_scratch_without_files,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_environment, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
