/*
 * Settings resolution of rucio_client_init, against the Python client's
 * rules (protocol notes 1.1-1.3): where rucio.cfg is looked for, the
 * precedence option > environment > rucio.cfg > default of every value,
 * path expansion where Python applies it (and only there), and the
 * errors with their Python classes and texts. The scripted port supplies
 * the environment and the uid; files are real, in a scratch tree, through
 * the POSIX file part.
 */
#define _GNU_SOURCE

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

#define TEST_UID 4000000123ul

typedef struct world {
    rucio_script_port sp;
    rt_env env;
    rucio_client_options opt;
    rucio_client client;
    char tmp[256];
    char path[8][600];   /* scratch paths for the test's own use */
    char default_proxy[64];
} world;

static world W;

static int setup(void **state)
{
    (void)state;
    memset(&W, 0, sizeof W);
    umask(022);
    rt_temp_dir(W.tmp, sizeof W.tmp);
    rucio_script_port_init(&W.sp, NULL, 0);
    W.sp.port.fs = rucio_port_posix_fs();
    W.sp.env = W.env.list;
    W.sp.uid = TEST_UID;
    snprintf(W.default_proxy, sizeof W.default_proxy, "/tmp/x509up_u%lu",
             TEST_UID);
    unlink(W.default_proxy);
    rucio_client_options_default(&W.opt);
    W.opt.port = &W.sp.port;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rucio_client_free(&W.client);
    rt_remove_tree(W.tmp);
    unlink(W.default_proxy);
    return 0;
}

/* ---- helpers ------------------------------------------------------------- */

static void set_env(const char *name, const char *value)
{
    rt_env_set(&W.env, name, value);
}

/* <tmp>/<rel> into W.path[slot]. */
static const char *tmp_path(int slot, const char *rel)
{
    snprintf(W.path[slot], sizeof W.path[0], "%s/%s", W.tmp, rel);
    return W.path[slot];
}

static void make_dirs_for(const char *file)
{
    char dir[600];
    char *p;

    snprintf(dir, sizeof dir, "%s", file);
    for (p = dir + strlen(W.tmp) + 1; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        mkdir(dir, 0755);
        *p = '/';
    }
}

/* Write <tmp>/<rel> (creating directories); its path goes to slot. */
static const char *put_file(int slot, const char *rel, const char *text,
                            unsigned mode)
{
    const char *path = tmp_path(slot, rel);

    make_dirs_for(path);
    rt_write_file(path, text, mode);
    return path;
}

/* A [client] section with the usual hosts plus the given lines. */
static const char *put_cfg(int slot, const char *rel, const char *lines)
{
    char text[2048];

    snprintf(text, sizeof text,
             "[client]\nrucio_host = http://rucio.cfg.test\n"
             "auth_host = http://auth.cfg.test\n%s",
             lines);
    return put_file(slot, rel, text, 0644);
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

static const rucio_settings *settings(void)
{
    return &W.client._internal.settings;
}

static const rucio_error *err(void)
{
    return rucio_client_last_error(&W.client);
}

/* Options for a userpass client that needs nothing from rucio.cfg. */
static void complete_options(void)
{
    W.opt.rucio_host = "http://rucio.opt.test";
    W.opt.auth_host = "http://auth.opt.test";
    W.opt.auth_type = "userpass";
    W.opt.username = "u";
    W.opt.password = "p";
}

static void expect_error(rucio_status status, const char *cls,
                         const char *message)
{
    assert_int_equal(init(), status);
    assert_int_equal(err()->status, status);
    assert_string_equal(err()->exception_class, cls);
    assert_string_equal(err()->message, message);
}

/* ---- where rucio.cfg is found -------------------------------------------- */

static void put_three_configs(void)
{
    put_cfg(0, "home/etc/rucio.cfg", "account = from_home\n");
    put_cfg(1, "venv/etc/rucio.cfg", "account = from_venv\n");
    put_cfg(2, "conda/etc/rucio.cfg", "account = from_conda\n");
    set_env("RUCIO_HOME", tmp_path(3, "home"));
    set_env("VIRTUAL_ENV", tmp_path(4, "venv"));
    set_env("CONDA_PREFIX", tmp_path(5, "conda"));
    W.opt.auth_type = "userpass";
    W.opt.username = "u";
    W.opt.password = "p";
}

static void test_config_rucio_home_first(void **state)
{
    (void)state;
    put_three_configs();
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->account, "from_home");
    assert_string_equal(settings()->config_file, W.path[0]);
    assert_string_equal(settings()->rucio_host, "http://rucio.cfg.test");
}

static void test_config_virtual_env_second(void **state)
{
    (void)state;
    put_three_configs();
    unlink(W.path[0]); /* RUCIO_HOME set, but no file there */
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->account, "from_venv");
    assert_string_equal(settings()->config_file, W.path[1]);
}

static void test_config_conda_prefix_third(void **state)
{
    (void)state;
    put_three_configs();
    unlink(W.path[0]);
    unlink(W.path[1]);
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->account, "from_conda");
    assert_string_equal(settings()->config_file, W.path[2]);
}

static void test_config_rucio_config_beats_search(void **state)
{
    (void)state;
    put_three_configs();
    put_cfg(6, "explicit.cfg", "account = from_explicit\n");
    set_env("RUCIO_CONFIG", W.path[6]);
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->account, "from_explicit");
    assert_string_equal(settings()->config_file, W.path[6]);
}

static void test_config_option_beats_rucio_config(void **state)
{
    (void)state;
    put_cfg(6, "explicit.cfg", "account = from_env_file\n");
    put_cfg(7, "option.cfg", "account = from_option_file\n");
    set_env("RUCIO_CONFIG", W.path[6]);
    W.opt.config_path = W.path[7];
    W.opt.auth_type = "userpass";
    W.opt.username = "u";
    W.opt.password = "p";
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->account, "from_option_file");
}

/* RUCIO_CONFIG set, even empty, is that path: no fallback. */
static void test_config_empty_rucio_config_no_fallback(void **state)
{
    (void)state;
    put_three_configs();
    set_env("RUCIO_CONFIG", "");
    assert_int_equal(init(), RUCIO_E_CONFIG);
    assert_string_equal(err()->exception_class, "ConfigLoadingError");
    assert_int_equal(err()->code, 112);
    assert_string_equal(settings()->config_file, "");
}

static void test_config_missing_rucio_config_no_fallback(void **state)
{
    (void)state;
    put_three_configs();
    set_env("RUCIO_CONFIG", tmp_path(6, "nowhere/rucio.cfg"));
    assert_int_equal(init(), RUCIO_E_CONFIG);
    assert_string_equal(err()->exception_class, "ConfigLoadingError");
    assert_non_null(strstr(err()->message, W.path[6]));
}

/* No file anywhere: the first value needed from it is ConfigNotFound,
 * naming the paths searched in order. */
static void test_config_not_found_lists_search_path(void **state)
{
    char expected[2048];
    struct stat st;

    (void)state;
    if (stat("/opt/rucio/etc/rucio.cfg", &st) == 0)
        skip();
    set_env("RUCIO_HOME", tmp_path(0, "h"));
    set_env("CONDA_PREFIX", tmp_path(1, "c"));
    snprintf(expected, sizeof expected,
             "Could not load Rucio configuration file. Rucio looked in the "
             "following paths for a configuration file, in order: "
             "%s/etc/rucio.cfg, %s/etc/rucio.cfg, /opt/rucio/etc/rucio.cfg; "
             "no value for rucio_host",
             W.path[0], W.path[1]);
    expect_error(RUCIO_E_CONFIG_NOT_FOUND, "ConfigNotFound", expected);
    assert_int_equal(err()->code, 7);
}

/* Values that have a default do not need the file. */
static void test_config_absent_is_fine_with_options(void **state)
{
    struct stat st;

    (void)state;
    if (stat("/opt/rucio/etc/rucio.cfg", &st) == 0)
        skip();
    complete_options();
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->config_file, "");
    assert_string_equal(settings()->vo, "def");
    assert_string_equal(settings()->account, "");
    assert_int_equal(settings()->request_retries, 3);
}

static void test_no_config_option_reads_nothing(void **state)
{
    (void)state;
    put_cfg(0, "explicit.cfg", "auth_type = userpass\n");
    set_env("RUCIO_CONFIG", W.path[0]);
    W.opt.no_config = 1;
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "Section client and Option 'rucio_host' cannot be found in "
                 "config file");
    assert_int_equal(err()->code, 42);
}

/* A port without files cannot have searched for rucio.cfg: a missing
 * value is the caller's to pass, not ConfigNotFound (with an empty list). */
static void test_no_filesystem_missing_value(void **state)
{
    (void)state;
    W.sp.port.fs = NULL;
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "Section client and Option 'rucio_host' cannot be found in "
                 "config file");
    complete_options();
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->config_file, "");
    assert_string_equal(settings()->token_path, "");
}

/* ---- hosts ----------------------------------------------------------------- */

static void use_config(const char *lines)
{
    put_cfg(0, "rucio.cfg", lines);
    set_env("RUCIO_CONFIG", W.path[0]);
}

static void use_config_text(const char *text)
{
    put_file(0, "rucio.cfg", text, 0644);
    set_env("RUCIO_CONFIG", W.path[0]);
}

static void test_hosts_option_beats_config_and_env_ignored(void **state)
{
    (void)state;
    use_config("auth_type = userpass\nusername = u\npassword = p\n");
    set_env("RUCIO_HOST", "http://rucio.env.test");
    set_env("RUCIO_AUTH_HOST", "http://auth.env.test");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->rucio_host, "http://rucio.cfg.test");
    assert_string_equal(settings()->auth_host, "http://auth.cfg.test");
    W.opt.rucio_host = "http://rucio.opt.test";
    W.opt.auth_host = "https://auth.opt.test:8443";
    W.opt.insecure = 1;
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->rucio_host, "http://rucio.opt.test");
    assert_string_equal(settings()->auth_host, "https://auth.opt.test:8443");
}

static void test_missing_rucio_host(void **state)
{
    (void)state;
    use_config_text("[client]\nauth_host = http://a.test\n");
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "Section client and Option 'rucio_host' cannot be found in "
                 "config file");
}

static void test_missing_auth_host(void **state)
{
    (void)state;
    use_config_text("[client]\nrucio_host = http://r.test\n");
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "Section client and Option 'auth_host' cannot be found in "
                 "config file");
}

static void test_missing_client_section(void **state)
{
    (void)state;
    use_config_text("[other]\nrucio_host = http://r.test\n");
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "Section client and Option 'rucio_host' cannot be found in "
                 "config file");
}

static void test_host_without_scheme(void **state)
{
    (void)state;
    complete_options();
    W.opt.rucio_host = "rucio.example.org";
    expect_error(RUCIO_E_BAD_URL, "ClientProtocolNotFound",
                 "Client protocol missing when connecting to host "
                 "'rucio.example.org'. Allowed protocols: http, https");
    assert_int_equal(err()->code, 113);
}

static void test_host_with_other_scheme(void **state)
{
    (void)state;
    complete_options();
    W.opt.auth_host = "ftp://auth.example.org";
    assert_int_equal(init(), RUCIO_E_BAD_URL);
    assert_string_equal(err()->exception_class, "ClientProtocolNotSupported");
    assert_int_equal(err()->code, 6);
    assert_non_null(strstr(err()->message, "'ftp://auth.example.org'"));
}

/* ---- account and VO ---------------------------------------------------------- */

static void test_account_precedence(void **state)
{
    (void)state;
    use_config("auth_type = userpass\nusername = u\npassword = p\n");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->account, "");
    use_config("auth_type = userpass\nusername = u\npassword = p\n"
               "account = cfg_acc\n");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->account, "cfg_acc");
    set_env("RUCIO_ACCOUNT", "env_acc");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->account, "env_acc");
    W.opt.account = "opt_acc";
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->account, "opt_acc");
}

static void test_vo_precedence(void **state)
{
    (void)state;
    use_config("auth_type = userpass\nusername = u\npassword = p\n");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->vo, "def");
    use_config("auth_type = userpass\nusername = u\npassword = p\n"
               "vo = cfgvo\n");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->vo, "cfgvo");
    set_env("RUCIO_VO", "envvo");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->vo, "envvo");
    W.opt.vo = "optvo";
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->vo, "optvo");
}

/* ---- auth type --------------------------------------------------------------- */

static void test_auth_type_precedence(void **state)
{
    (void)state;
    put_file(1, "ssh_key", "k", 0600);
    use_config("auth_type = ssh\nusername = u\npassword = p\n"
               "ssh_private_key = ~/ssh_key\n");
    set_env("HOME", W.tmp);
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->auth_type_name, "ssh");
    assert_int_equal(settings()->auth_type, RUCIO_AUTH_SSH);
    set_env("RUCIO_AUTH_TYPE", "userpass");
    assert_int_equal(init(), RUCIO_OK);
    assert_int_equal(settings()->auth_type, RUCIO_AUTH_USERPASS);
    W.opt.auth_type = "oidc";
    assert_int_equal(init(), RUCIO_OK);
    assert_int_equal(settings()->auth_type, RUCIO_AUTH_OIDC);
    assert_string_equal(settings()->auth_type_name, "oidc");
}

static void test_auth_type_invalid_env_value(void **state)
{
    (void)state;
    use_config("auth_type = userpass\nusername = u\npassword = p\n");
    set_env("RUCIO_AUTH_TYPE", "Userpass");
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "Possible RUCIO_AUTH_TYPE values: userpass, x509, "
                 "x509_proxy, gss, ssh, oidc, vs. Userpass");
}

/* "token" is rucio-lite's own type: an option, never the variable. */
static void test_auth_type_token_not_from_env(void **state)
{
    (void)state;
    use_config("auth_type = userpass\nusername = u\npassword = p\n");
    set_env("RUCIO_AUTH_TYPE", "token");
    assert_int_equal(init(), RUCIO_E_MISSING_PARAM);
    assert_non_null(strstr(err()->message, "vs. token"));
}

/* An invalid env value does not matter when the option decides. */
static void test_auth_type_option_skips_env_check(void **state)
{
    (void)state;
    complete_options();
    set_env("RUCIO_AUTH_TYPE", "kerberos");
    assert_int_equal(init(), RUCIO_OK);
    assert_int_equal(settings()->auth_type, RUCIO_AUTH_USERPASS);
}

static void test_auth_type_invalid_config_value(void **state)
{
    (void)state;
    use_config("auth_type = kerberos\n");
    expect_error(RUCIO_E_AUTH, "CannotAuthenticate",
                 "auth type 'kerberos' not supported");
}

static void test_auth_type_missing(void **state)
{
    (void)state;
    use_config("");
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "Option 'auth_type' cannot be found in config file");
}

/* ---- CA -------------------------------------------------------------------------- */

static void https_options(void)
{
    W.opt.rucio_host = "https://rucio.opt.test";
    W.opt.auth_host = "https://auth.opt.test";
    W.opt.insecure = 1;
    W.opt.auth_type = "userpass";
    W.opt.username = "u";
    W.opt.password = "p";
}

static void test_ca_precedence_and_expansion(void **state)
{
    char expected[700];

    (void)state;
    set_env("HOME", tmp_path(1, "home"));
    https_options();
    use_config("ca_cert = ~/cfg-ca.pem\n");
    assert_int_equal(init(), RUCIO_OK);
    snprintf(expected, sizeof expected, "%s/cfg-ca.pem", W.path[1]);
    assert_string_equal(settings()->ca_cert, expected);
    /* X509_CERT_DIR beats the file and is taken verbatim */
    set_env("X509_CERT_DIR", "~/certs/../$HOME");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->ca_cert, "~/certs/../$HOME");
    /* the option beats both, verbatim too */
    W.opt.ca_cert = "~/opt-ca.pem";
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->ca_cert, "~/opt-ca.pem");
}

static void test_ca_default_is_empty(void **state)
{
    (void)state;
    https_options();
    use_config("");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->ca_cert, "");
}

/* With two http hosts, only the storage of a transfer may use https:
 * the CA is resolved for it as for the hosts; without transfers it is
 * not read at all. */
static void test_ca_with_http_hosts(void **state)
{
    (void)state;
    set_env("X509_CERT_DIR", "/etc/grid-security/certificates");
    use_config("auth_type = userpass\nusername = u\npassword = p\n"
               "ca_cert = /x/ca.pem\n");
    assert_int_equal(init(), RUCIO_OK);
#if RUCIO_WITH_TLS && RUCIO_WITH_TRANSFER && RUCIO_WITH_CERT_FILES
    assert_string_equal(settings()->ca_cert,
                        "/etc/grid-security/certificates");
#else
    assert_string_equal(settings()->ca_cert, "");
#endif
}

/* storage_only: no host, account or credentials, from anywhere; the CA
 * and the timeouts as usual; every call to Rucio refused by name. */
static void test_storage_only_needs_no_server(void **state)
{
    char version[64];

    (void)state;
    use_config_text("[client]\nca_cert = /x/ca.pem\n"
                    "request_retries = 1\n");
    W.opt.storage_only = 1;
    W.opt.timeout_ms = 1234;
    assert_int_equal(rucio_client_init(&W.client, &W.opt), RUCIO_OK);
    assert_string_equal(settings()->rucio_host, "");
    assert_string_equal(settings()->auth_type_name, "");
#if RUCIO_WITH_TLS && RUCIO_WITH_TRANSFER && RUCIO_WITH_CERT_FILES
    assert_string_equal(settings()->ca_cert, "/x/ca.pem");
#endif
    assert_int_equal(settings()->request_retries, 1);
    assert_int_equal(settings()->timeout_ms, 1234);
    assert_int_equal(rucio_ping(&W.client, version, sizeof version),
                     RUCIO_E_MISSING_PARAM);
    assert_string_equal(err()->exception_class, "MissingClientParameter");
    assert_string_equal(err()->message,
                        "this client was made for signed-URL transfers only "
                        "(storage_only): it has no Rucio host to ask");
    assert_int_equal(rucio_authenticate(&W.client), RUCIO_E_MISSING_PARAM);
    assert_string_equal(err()->exception_class, "MissingClientParameter");
}

/* ---- userpass ---------------------------------------------------------------- */

static void test_username_password_precedence(void **state)
{
    (void)state;
    use_config("auth_type = userpass\nusername = cfg_user\n"
               "password = cfg_pw\n");
    set_env("RUCIO_USERNAME", "env_user");
    set_env("RUCIO_PASSWORD", "env_pw");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->username, "cfg_user");
    assert_string_equal(settings()->password, "cfg_pw");
    W.opt.username = "opt_user";
    W.opt.password = "opt_pw";
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->username, "opt_user");
    assert_string_equal(settings()->password, "opt_pw");
}

static void test_missing_password(void **state)
{
    (void)state;
    use_config("auth_type = userpass\nusername = u\n");
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "Option 'password' cannot be found in config file");
}

static void test_missing_username(void **state)
{
    (void)state;
    use_config("auth_type = userpass\npassword = p\n");
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "Option 'username' cannot be found in config file");
}

/* ---- x509 ---------------------------------------------------------------------- */

/* Three certificate/key pairs, one per source, all present. */
static void put_x509_files(void)
{
    put_file(1, "cfg/cert.pem", "cert", 0644);
    put_file(2, "cfg/key.pem", "key", 0600);
    put_file(3, "env/cert.pem", "cert", 0644);
    put_file(4, "env/key.pem", "key", 0400);
    put_file(5, "opt/cert.pem", "cert", 0644);
    put_file(6, "opt/key.pem", "key", 0600);
}

static void test_x509_precedence(void **state)
{
    char lines[1500];

    (void)state;
    put_x509_files();
    snprintf(lines, sizeof lines,
             "auth_type = x509\nclient_cert = %s\nclient_key = %s\n",
             W.path[1], W.path[2]);
    use_config(lines);
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->client_cert, W.path[1]);
    assert_string_equal(settings()->client_key, W.path[2]);
    set_env("RUCIO_CLIENT_CERT", W.path[3]);
    set_env("RUCIO_CLIENT_KEY", W.path[4]);
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->client_cert, W.path[3]);
    assert_string_equal(settings()->client_key, W.path[4]);
    W.opt.client_cert = W.path[5];
    W.opt.client_key = W.path[6];
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->client_cert, W.path[5]);
    assert_string_equal(settings()->client_key, W.path[6]);
}

/* All sources are expanded, the options and variables included. */
static void test_x509_paths_expanded(void **state)
{
    (void)state;
    put_x509_files();
    set_env("HOME", W.tmp);
    set_env("CERTS", tmp_path(7, "env"));
    use_config("auth_type = x509\n");
    W.opt.client_cert = "  ~/opt/./x/../cert.pem ";
    set_env("RUCIO_CLIENT_KEY", "$CERTS/key.pem");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->client_cert, W.path[5]);
    assert_string_equal(settings()->client_key, W.path[4]);
}

static void test_x509_relative_path_made_absolute(void **state)
{
    char cwd[512], expected[700];

    (void)state;
    put_x509_files();
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(W.tmp), 0);
    use_config("auth_type = x509\nclient_cert = opt/cert.pem\n");
    assert_int_equal(init(), RUCIO_OK);
    assert_int_equal(chdir(cwd), 0);
    /* W.tmp may itself sit behind a symbolic link: compare with getcwd */
    assert_int_equal(chdir(W.tmp), 0);
    assert_non_null(getcwd(expected, sizeof expected));
    assert_int_equal(chdir(cwd), 0);
    strcat(expected, "/opt/cert.pem");
    assert_string_equal(settings()->client_cert, expected);
}

static void test_x509_key_mode_644_refused(void **state)
{
    char expected[1024];

    (void)state;
    put_x509_files();
    chmod(W.path[6], 0644);
    W.opt.client_cert = W.path[5];
    W.opt.client_key = W.path[6];
    use_config("auth_type = x509\n");
    snprintf(expected, sizeof expected,
             "X.509 authentication selected, but private key (%s) "
             "permissions are liberal (required: 400 or 600, found: 644)",
             W.path[6]);
    expect_error(RUCIO_E_AUTH, "CannotAuthenticate", expected);
    assert_int_equal(err()->code, 4);
}

static void test_x509_key_modes(void **state)
{
    static const struct {
        unsigned mode;
        int ok;
    } cases[] = {{0400, 1}, {0600, 1}, {0640, 0}, {0604, 0},
                 {0700, 0}, {0200, 0}, {0000, 0}, {0444, 0}};
    size_t i;

    (void)state;
    put_x509_files();
    W.opt.client_cert = W.path[5];
    W.opt.client_key = W.path[6];
    use_config("auth_type = x509\n");
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        chmod(W.path[6], cases[i].mode);
        if (cases[i].ok)
            assert_int_equal(init(), RUCIO_OK);
        else
            assert_int_equal(init(), RUCIO_E_AUTH);
    }
}

/* No key anywhere: the certificate file has to hold it (as in Python). */
static void test_x509_key_optional(void **state)
{
    (void)state;
    put_x509_files();
    W.opt.client_cert = W.path[5];
    use_config("auth_type = x509\n");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->client_key, "");
}

static void test_x509_missing_files(void **state)
{
    char expected[1024];

    (void)state;
    put_x509_files();
    use_config("auth_type = x509\n");
    W.opt.client_cert = tmp_path(7, "none/cert.pem");
    snprintf(expected, sizeof expected,
             "X.509 client certificate not found: '%s'", W.path[7]);
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter", expected);
    W.opt.client_cert = W.path[5];
    W.opt.client_key = tmp_path(7, "none/key.pem");
    snprintf(expected, sizeof expected, "X.509 client key not found: '%s'",
             W.path[7]);
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter", expected);
}

static void test_x509_cert_not_configured(void **state)
{
    (void)state;
    use_config("auth_type = x509\n");
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "Option 'client_cert' cannot be found in config file");
}

/* ---- x509 proxy ---------------------------------------------------------------- */

static void put_proxies(void)
{
    put_file(1, "p/rucio_client_proxy", "p", 0600);
    put_file(2, "p/config_proxy", "p", 0600);
    put_file(3, "p/x509_user_proxy", "p", 0600);
    put_file(4, "p/option_proxy", "p", 0600);
}

static void test_proxy_order(void **state)
{
    char lines[1024];

    (void)state;
    put_proxies();
    rt_write_file(W.default_proxy, "p", 0600);
    use_config("auth_type = x509_proxy\n");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->client_proxy, W.default_proxy);
    set_env("X509_USER_PROXY", W.path[3]);
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->client_proxy, W.path[3]);
    snprintf(lines, sizeof lines,
             "auth_type = x509_proxy\nclient_x509_proxy = %s\n", W.path[2]);
    use_config(lines);
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->client_proxy, W.path[2]);
    set_env("RUCIO_CLIENT_PROXY", W.path[1]);
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->client_proxy, W.path[1]);
    W.opt.client_proxy = W.path[4];
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->client_proxy, W.path[4]);
}

/* The example configs' "client_x509_proxy = $X509_USER_PROXY" works, and
 * an empty value falls through to the variable. */
static void test_proxy_config_expanded_or_empty(void **state)
{
    (void)state;
    put_proxies();
    set_env("X509_USER_PROXY", W.path[3]);
    use_config("auth_type = x509_proxy\nclient_x509_proxy = $X509_USER_PROXY\n");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->client_proxy, W.path[3]);
    use_config("auth_type = x509_proxy\nclient_x509_proxy =\n");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->client_proxy, W.path[3]);
}

static void test_proxy_none_found(void **state)
{
    (void)state;
    use_config("auth_type = x509_proxy\n");
    assert_int_equal(init(), RUCIO_E_MISSING_PARAM);
    assert_string_equal(err()->exception_class, "MissingClientParameter");
    assert_non_null(strstr(err()->message, "Cannot find a valid X509 proxy"));
    assert_non_null(strstr(err()->message, W.default_proxy));
}

/* A proxy must be a regular file. */
static void test_proxy_directory_refused(void **state)
{
    (void)state;
    set_env("X509_USER_PROXY", W.tmp);
    use_config("auth_type = x509_proxy\n");
    assert_int_equal(init(), RUCIO_E_MISSING_PARAM);
    assert_non_null(strstr(err()->message, W.tmp));
}

/* ---- ssh ------------------------------------------------------------------------ */

static void test_ssh_key_precedence_and_expansion(void **state)
{
    (void)state;
    put_file(1, "ssh/cfg_key", "k", 0600);
    put_file(2, "ssh/opt_key", "k", 0600);
    set_env("HOME", W.tmp);
    use_config("auth_type = ssh\nssh_private_key = ~/ssh/cfg_key\n");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->ssh_private_key, W.path[1]);
    W.opt.ssh_private_key = "~/ssh/opt_key";
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->ssh_private_key, W.path[2]);
}

static void test_ssh_key_missing(void **state)
{
    (void)state;
    use_config("auth_type = ssh\n");
    expect_error(RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                 "Option 'ssh_private_key' cannot be found in config file");
    use_config("auth_type = ssh\nssh_private_key = /nonexistent/key\n");
    assert_int_equal(init(), RUCIO_E_AUTH);
    assert_string_equal(err()->exception_class, "CannotAuthenticate");
    assert_non_null(strstr(err()->message, "'/nonexistent/key'"));
}

/* ---- token path, retries, client identity -------------------------------- */

/* auth_token_file_path is used as written: not expanded. */
static void test_token_file_override_not_expanded(void **state)
{
    (void)state;
    set_env("HOME", W.tmp);
    use_config("auth_type = userpass\nusername = u\npassword = p\n"
               "auth_token_file_path = ~/$USER/token\n");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->token_path, "~/$USER/token");
}

static void test_token_path_default(void **state)
{
    char expected[700];

    (void)state;
    set_env("TMPDIR", W.tmp);
    set_env("LOGNAME", "alice");
    use_config("auth_type = userpass\nusername = u\npassword = p\n"
               "account = root\nvo = atlas\n");
    assert_int_equal(init(), RUCIO_OK);
    snprintf(expected, sizeof expected,
             "%s/alice/.rucio_alice@atlas/auth_token_for_account_root", W.tmp);
    assert_string_equal(settings()->token_path, expected);
}

/* A caller's token is never cached. */
static void test_token_auth_has_no_cache(void **state)
{
    (void)state;
    set_env("TMPDIR", W.tmp);
    set_env("LOGNAME", "alice");
    use_config("");
    W.opt.token = "root-ddmlab-unknown-0123";
    assert_int_equal(init(), RUCIO_OK);
    assert_int_equal(settings()->auth_type, RUCIO_AUTH_TOKEN);
    assert_string_equal(settings()->token_path, "");
    assert_string_equal(W.client._internal.token, "root-ddmlab-unknown-0123");
}

static void test_request_retries(void **state)
{
    static const struct {
        const char *value;
        int expected;
    } cases[] = {{"5", 5}, {"0", 0}, {"abc", 3}, {"", 3}, {"2.5", 3},
                 {"12x", 3}};
    char lines[256];
    size_t i;

    (void)state;
    use_config("auth_type = userpass\nusername = u\npassword = p\n");
    assert_int_equal(init(), RUCIO_OK);
    assert_int_equal(settings()->request_retries, 3);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(lines, sizeof lines,
                 "auth_type = userpass\nusername = u\npassword = p\n"
                 "request_retries = %s\n",
                 cases[i].value);
        use_config(lines);
        assert_int_equal(init(), RUCIO_OK);
        if (settings()->request_retries != cases[i].expected)
            fail_msg("request_retries = '%s' gave %d", cases[i].value,
                     settings()->request_retries);
    }
}

static void test_client_identity_defaults(void **state)
{
    (void)state;
    complete_options();
    W.opt.no_config = 1;
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->user_agent, "rucio-lite/" RUCIO_LITE_VERSION);
    assert_string_equal(settings()->script, "rucio-lite");
    assert_int_equal(settings()->timeout_ms, 600000);
    W.opt.user_agent = "my-app";
    W.opt.script = "my-app::fetch";
    W.opt.timeout_ms = 1234;
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->user_agent, "my-app/" RUCIO_LITE_VERSION);
    assert_string_equal(settings()->script, "my-app::fetch");
    assert_int_equal(settings()->timeout_ms, 1234);
}

/* ---- rucio.cfg syntax and interpolation --------------------------------- */

static void test_syntax_error_names_file_and_line(void **state)
{
    char prefix[700];

    (void)state;
    use_config_text("[client]\nrucio_host = http://r.test\n\n"
                    "this line has no delimiter\n");
    assert_int_equal(init(), RUCIO_E_CONFIG);
    assert_string_equal(err()->exception_class, "ConfigurationError");
    snprintf(prefix, sizeof prefix, "%s, line 4: ", W.path[0]);
    assert_memory_equal(err()->message, prefix, strlen(prefix));
    assert_true(strlen(err()->message) > strlen(prefix));
}

static void test_text_before_section_is_an_error(void **state)
{
    char prefix[700];

    (void)state;
    use_config_text("rucio_host = http://r.test\n[client]\n");
    assert_int_equal(init(), RUCIO_E_CONFIG);
    snprintf(prefix, sizeof prefix, "%s, line 1: ", W.path[0]);
    assert_memory_equal(err()->message, prefix, strlen(prefix));
}

/* Interpolation as configparser: %(name)s and %%. A password with a lone
 * '%' fails when read, without showing the password. */
static void test_interpolation(void **state)
{
    (void)state;
    use_config_text("[DEFAULT]\nbase = rucio.test\n"
                    "[client]\nrucio_host = http://%(base)s\n"
                    "auth_host = http://auth.%(base)s\n"
                    "auth_type = userpass\nusername = u\npassword = 100%%\n");
    assert_int_equal(init(), RUCIO_OK);
    assert_string_equal(settings()->rucio_host, "http://rucio.test");
    assert_string_equal(settings()->auth_host, "http://auth.rucio.test");
    assert_string_equal(settings()->password, "100%");
    use_config_text("[client]\nrucio_host = http://r.test\n"
                    "auth_host = http://a.test\nauth_type = userpass\n"
                    "username = u\npassword = pa%ss-word\n");
    assert_int_equal(init(), RUCIO_E_CONFIG);
    assert_string_equal(err()->exception_class, "ConfigurationError");
    assert_non_null(strstr(err()->message, "password"));
    assert_null(strstr(err()->message, "pa%ss-word"));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_config_rucio_home_first),
        T(test_config_virtual_env_second),
        T(test_config_conda_prefix_third),
        T(test_config_rucio_config_beats_search),
        T(test_config_option_beats_rucio_config),
        T(test_config_empty_rucio_config_no_fallback),
        T(test_config_missing_rucio_config_no_fallback),
        T(test_config_not_found_lists_search_path),
        T(test_config_absent_is_fine_with_options),
        T(test_no_config_option_reads_nothing),
        T(test_no_filesystem_missing_value),
        T(test_hosts_option_beats_config_and_env_ignored),
        T(test_missing_rucio_host),
        T(test_missing_auth_host),
        T(test_missing_client_section),
        T(test_host_without_scheme),
        T(test_host_with_other_scheme),
        T(test_account_precedence),
        T(test_vo_precedence),
        T(test_auth_type_precedence),
        T(test_auth_type_invalid_env_value),
        T(test_auth_type_token_not_from_env),
        T(test_auth_type_option_skips_env_check),
        T(test_auth_type_invalid_config_value),
        T(test_auth_type_missing),
        T(test_ca_precedence_and_expansion),
        T(test_ca_default_is_empty),
        T(test_ca_with_http_hosts),
        T(test_storage_only_needs_no_server),
        T(test_username_password_precedence),
        T(test_missing_password),
        T(test_missing_username),
        T(test_x509_precedence),
        T(test_x509_paths_expanded),
        T(test_x509_relative_path_made_absolute),
        T(test_x509_key_mode_644_refused),
        T(test_x509_key_modes),
        T(test_x509_key_optional),
        T(test_x509_missing_files),
        T(test_x509_cert_not_configured),
        T(test_proxy_order),
        T(test_proxy_config_expanded_or_empty),
        T(test_proxy_none_found),
        T(test_proxy_directory_refused),
        T(test_ssh_key_precedence_and_expansion),
        T(test_ssh_key_missing),
        T(test_token_file_override_not_expanded),
        T(test_token_path_default),
        T(test_token_auth_has_no_cache),
        T(test_request_retries),
        T(test_client_identity_defaults),
        T(test_syntax_error_names_file_and_line),
        T(test_text_before_section_is_an_error),
        T(test_interpolation),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
