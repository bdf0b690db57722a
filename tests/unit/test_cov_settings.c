/*
 * Settings resolution (rucio_client_init) at its limits: values that do
 * not fit their fields, paths that do not expand, a port without an
 * environment part, a file part whose stat fails, credentials in memory
 * instead of files, and odd values of request_retries. test_settings.c
 * has the precedence rules; this file the failure paths. Files are real,
 * in a scratch tree, through the POSIX file part.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "helpers/rucio_testlib.h"
#include "rucio/client.h"
#include "rucio/port_posix.h"
#include "test/port_script.h"

typedef struct world {
    rucio_script_port sp;
    rucio_port_fs fs;          /* the POSIX one, with a stat that can fail */
    rt_env env;
    rucio_client_options opt;
    rucio_client client;
    char tmp[256];
    char path[6][600];
    char longs[4][1200];       /* long values, made by long_text */
} world;

static world W;

#define SYSTEM_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

/* stat fails (not "missing": failing) for any path containing this. */
#define STAT_FAILS "stat-fails"

static rucio_status failing_stat(void *ctx, const char *path,
                                 rucio_file_info *out)
{
    if (strstr(path, STAT_FAILS)) {
        memset(out, 0, sizeof *out);
        return RUCIO_E_FILE;
    }
    return rucio_port_posix_fs()->stat(ctx, path, out);
}

static int setup(void **state)
{
    (void)state;
    memset(&W, 0, sizeof W);
    umask(022);
    rt_temp_dir(W.tmp, sizeof W.tmp);
    rucio_script_port_init(&W.sp, NULL, 0);
    W.fs = *rucio_port_posix_fs();
    W.fs.stat = failing_stat;
    W.sp.port.fs = &W.fs;
    W.sp.env = W.env.list;
    W.sp.uid = 4242;
    W.sp.home = "/home/cov";
    rucio_client_options_default(&W.opt);
    W.opt.port = &W.sp.port;
    W.opt.rucio_host = "http://rucio.opt.test";
    W.opt.auth_host = "http://auth.opt.test";
    W.opt.auth_type = "userpass";
    W.opt.username = "u";
    W.opt.password = "p";
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rucio_client_free(&W.client);
    rt_remove_tree(W.tmp);
    return 0;
}

/* ---- helpers ------------------------------------------------------------- */

static const char *tmp_path(int slot, const char *rel)
{
    snprintf(W.path[slot], sizeof W.path[0], "%s/%s", W.tmp, rel);
    return W.path[slot];
}

/* prefix followed by n copies of c, in W.longs[slot]. */
static const char *long_text(int slot, const char *prefix, size_t n, char c)
{
    size_t len = strlen(prefix);

    assert_true(len + n < sizeof W.longs[0]);
    memcpy(W.longs[slot], prefix, len);
    memset(W.longs[slot] + len, c, n);
    W.longs[slot][len + n] = '\0';
    return W.longs[slot];
}

/* <tmp>/rucio.cfg with the given text, used through the option. */
static void use_config(const char *text)
{
    rt_write_file(tmp_path(0, "rucio.cfg"), text, 0644);
    W.opt.config_path = W.path[0];
}

/* The client as its first authentication sees it: what is wrong with
 * the auth type or credentials is reported there, without the network. */
static rucio_status init(void)
{
    rucio_status st;

    rucio_client_free(&W.client);
    st = rucio_client_init(&W.client, &W.opt);
    if (st == RUCIO_OK &&
        W.client._internal.credentials_error.status != RUCIO_OK)
        st = rucio_authenticate(&W.client);
    return st;
}

/* init fails with status and class, and the message contains needle. */
static void expect_error(rucio_status status, const char *cls,
                         const char *needle)
{
    const rucio_error *e;

    assert_int_equal(init(), status);
    e = rucio_client_last_error(&W.client);
    assert_int_equal(e->status, status);
    assert_string_equal(e->exception_class, cls);
    if (!strstr(e->message, needle))
        fail_msg("message \"%s\" lacks \"%s\"", e->message, needle);
}

/* ---- rucio.cfg ------------------------------------------------------------ */

static void test_config_larger_than_buffer(void **state)
{
    static char big[RUCIO_CONFIG_MAX + 100];

    (void)state;
    memset(big, '#', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    use_config(big);
    expect_error(RUCIO_E_CONFIG, "ConfigLoadingError",
                 "larger than RUCIO_CONFIG_MAX");
}

static void test_config_path_too_long(void **state)
{
    (void)state;
    W.opt.config_path = long_text(0, "/", RUCIO_PATH_MAX, 'c');
    expect_error(RUCIO_E_CONFIG, "ConfigLoadingError",
                 "configuration file path too long");
}

/* A search directory whose path does not fit, or whose stat fails, is
 * passed over; the next one is used. */
static void test_search_skips_unusable_directories(void **state)
{
    (void)state;
    rt_write_file(tmp_path(1, "rucio.cfg"), "[client]\naccount = found\n",
                  0644);
    /* <tmp>/etc/rucio.cfg for CONDA_PREFIX */
    snprintf(W.path[2], sizeof W.path[2], "%s/etc", W.tmp);
    assert_int_equal(mkdir(W.path[2], 0755), 0);
    rt_write_file(tmp_path(3, "etc/rucio.cfg"), "[client]\naccount = found\n",
                  0644);
    rt_env_set(&W.env, "RUCIO_HOME", long_text(0, "/", RUCIO_PATH_MAX, 'h'));
    rt_env_set(&W.env, "VIRTUAL_ENV", tmp_path(4, STAT_FAILS));
    rt_env_set(&W.env, "CONDA_PREFIX", W.tmp);
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(W.client._internal.settings.config_file, W.path[3]);
    assert_string_equal(W.client._internal.settings.account, "found");
}

static void test_config_value_too_long(void **state)
{
    char text[400];

    (void)state;
    snprintf(text, sizeof text, "[client]\naccount = %s\n",
             long_text(0, "", 100, 'a'));
    use_config(text);
    expect_error(RUCIO_E_CONFIG, "ConfigurationError",
                 "value too long in ");
    expect_error(RUCIO_E_CONFIG, "ConfigurationError", ": [client] account");
}

static void test_token_file_path_too_long(void **state)
{
    static char text[1400];

    (void)state;
    snprintf(text, sizeof text, "[client]\nauth_token_file_path = %s\n",
             long_text(0, "/", RUCIO_PATH_MAX + 10, 't'));
    use_config(text);
    expect_error(RUCIO_E_CONFIG, "ConfigurationError",
                 ": [client] auth_token_file_path");
}

static void test_request_retries_limits(void **state)
{
    static const struct {
        const char *value;
        int want;
    } cases[] = {
        {"12345", 3},  /* more than five digits' worth: the default */
        {"10000", 10000},
        {"1000", 1000},
        {"0", 0},
        {"-1", 3},
        {"", 3},
    };
    char text[128];

    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "[client]\nrequest_retries = %s\n",
                 cases[i].value);
        use_config(text);
        assert_int_equal(init(), RUCIO_OK);
        if (W.client._internal.settings.request_retries != cases[i].want)
            fail_msg("request_retries = %s: %d, expected %d", cases[i].value,
                     W.client._internal.settings.request_retries,
                     cases[i].want);
    }
}

/* ---- values that do not fit -------------------------------------------------- */

static void test_option_values_too_long(void **state)
{
    (void)state;
    W.opt.account = long_text(0, "", 100, 'a');
    expect_error(RUCIO_E_CONFIG, "ConfigurationError",
                 "value too long: account");
    W.opt.account = NULL;
    W.opt.vo = long_text(0, "", 100, 'v');
    expect_error(RUCIO_E_CONFIG, "ConfigurationError", "value too long: vo");
    W.opt.vo = NULL;
    rt_env_set(&W.env, "RUCIO_ACCOUNT", long_text(1, "", 100, 'e'));
    expect_error(RUCIO_E_CONFIG, "ConfigurationError",
                 "value too long: RUCIO_ACCOUNT");
}

static void test_https_ca_limits(void **state)
{
    char text[1400];

    (void)state;
    W.opt.rucio_host = "https://rucio.opt.test";
    W.opt.ca_cert = long_text(0, "/", RUCIO_PATH_MAX, 'c');
    expect_error(RUCIO_E_CONFIG, "ConfigurationError",
                 "value too long: ca_cert");

    /* An empty X509_CERT_DIR does not count: rucio.cfg's ca_cert does
     * (a real bundle, as the client loads it at init). */
    W.opt.ca_cert = NULL;
    rt_env_set(&W.env, "X509_CERT_DIR", "");
    if (access(SYSTEM_BUNDLE, R_OK) == 0) {
        use_config("[client]\nca_cert = " SYSTEM_BUNDLE "\n");
        assert_int_equal(init(), RUCIO_OK);
        assert_string_equal(W.client._internal.settings.ca_cert, SYSTEM_BUNDLE);
    }

    /* A ~ that expands beyond RUCIO_PATH_MAX. */
    rt_env_set(&W.env, "HOME", long_text(1, "/", 200, 'h'));
    snprintf(text, sizeof text, "[client]\nca_cert = ~/%s\n",
             long_text(2, "", 400, 'x'));
    use_config(text);
    expect_error(RUCIO_E_CONFIG, "ConfigurationError",
                 "cannot expand the path ~/xxx");
}

static void test_host_urls_refused(void **state)
{
    static const char *const bad[] = {"http://bad host/", "https://[::1",
                                      "http://", "https://h:99999"};

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        W.opt.auth_host = bad[i];
        expect_error(RUCIO_E_BAD_URL, "ConfigurationError",
                     "not a usable http or https server URL");
    }
}

/* ---- credentials ---------------------------------------------------------------- */

static void test_x509_limits(void **state)
{
    (void)state;
    W.opt.auth_type = "x509";
    rt_write_file(tmp_path(1, "cert.pem"), "cert", 0644);
    W.opt.client_cert = W.path[1];
    W.opt.client_key = long_text(0, "/", RUCIO_PATH_MAX, 'k');
    expect_error(RUCIO_E_CONFIG, "ConfigurationError",
                 "value too long: client_key");
    rt_env_set(&W.env, "HOME", long_text(1, "/", 200, 'h'));
    W.opt.client_key = long_text(2, "~/", 400, 'k');
    expect_error(RUCIO_E_CONFIG, "ConfigurationError",
                 "cannot expand the path ~/kkk");
    W.opt.client_key = NULL;
    W.opt.client_cert = tmp_path(2, STAT_FAILS "/cert.pem");
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "X.509 client certificate not found");
}

static void test_proxy_limits(void **state)
{
    (void)state;
    W.opt.auth_type = "x509_proxy";
    W.opt.client_proxy = long_text(0, "/", RUCIO_PATH_MAX, 'p');
    expect_error(RUCIO_E_CONFIG, "ConfigurationError",
                 "value too long: client_x509_proxy");
    W.opt.client_proxy = NULL;
    rt_env_set(&W.env, "X509_USER_PROXY", long_text(1, "/", 560, 'u'));
    expect_error(RUCIO_E_CONFIG, "ConfigurationError",
                 "value too long: X509_USER_PROXY");
    rt_env_clear(&W.env);
    rt_env_set(&W.env, "HOME", long_text(1, "/", 200, 'h'));
    W.opt.client_proxy = long_text(2, "~/", 400, 'x');
    expect_error(RUCIO_E_CONFIG, "ConfigurationError",
                 "cannot expand the path ~/xxx");
}

/* A port without an environment part: no variables, uid 0. */
static void test_port_without_environment(void **state)
{
    (void)state;
    W.sp.port.env = NULL;
    W.opt.auth_type = "x509_proxy";
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "(default /tmp/x509up_u0)");
}

static void test_token_option_limits(void **state)
{
    static char token[RUCIO_TOKEN_MAX + 10];

    (void)state;
    W.opt.auth_type = "token";
    expect_error(RUCIO_E_NO_AUTH_INFO, "NoAuthInformation",
                 "auth type 'token' needs a token");
    W.opt.token = "";
    expect_error(RUCIO_E_NO_AUTH_INFO, "NoAuthInformation",
                 "auth type 'token' needs a token");
    memset(token, 't', sizeof token - 1);
    token[sizeof token - 1] = '\0';
    W.opt.token = token;
    expect_error(RUCIO_E_CONFIG, "ConfigurationError",
                 "value too long: token");
}

/* Credentials in memory replace the files: none is looked for. */
static void test_memory_credentials_skip_files(void **state)
{
    static const uint8_t cert[] = "not looked at here";
    static const char ssh_key[] = "not looked at either";

    (void)state;
    W.opt.client_cert_mem = cert;
    W.opt.client_cert_mem_len = sizeof cert;
    W.opt.auth_type = "x509";
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(W.client._internal.settings.client_cert, "");
    assert_ptr_equal(W.client._internal.settings.client_cert_mem, cert);
    W.opt.auth_type = "x509_proxy";
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(W.client._internal.settings.client_proxy, "");

    W.opt.client_cert_mem = NULL;
    W.opt.client_cert_mem_len = 0;
    W.opt.auth_type = "ssh";
    W.opt.no_config = 1;
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "ssh_private_key");
    W.opt.ssh_key_mem = ssh_key;
    W.opt.ssh_key_mem_len = sizeof ssh_key - 1;
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(W.client._internal.settings.ssh_private_key, "");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_config_larger_than_buffer),
        T(test_config_path_too_long),
        T(test_search_skips_unusable_directories),
        T(test_config_value_too_long),
        T(test_token_file_path_too_long),
        T(test_request_retries_limits),
        T(test_option_values_too_long),
        T(test_https_ca_limits),
        T(test_host_urls_refused),
        T(test_x509_limits),
        T(test_proxy_limits),
        T(test_port_without_environment),
        T(test_token_option_limits),
        T(test_memory_credentials_skip_files),
    };
#undef T

    return cmocka_run_group_tests(tests, NULL, NULL);
}
