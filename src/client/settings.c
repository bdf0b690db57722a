/* rucio-lite: client settings from options, environment and rucio.cfg. */
#include "client/settings.h"

#include <stdarg.h>
#include <string.h>

#include "client/auth.h"
#include "client/errors.h"
#include "client/ini.h"
#include "client/path.h"
#include "client/token_cache.h"
#include "core/ascii.h"

#define DEFAULT_VO "def"
#define DEFAULT_REQUEST_RETRIES 3
#define DEFAULT_TIMEOUT_MS 600000u

/* The resolution in progress: where values come from. */
typedef struct source {
    rucio_client *c;
    const rucio_client_options *opt;
    const char *text;         /* rucio.cfg, or NULL when there is none */
    size_t len;
#if RUCIO_WITH_FILES
    rucio_ini ini;            /* its index (about 10 KiB, see ini.h) */
#endif
    char searched[RUCIO_ERROR_MAX]; /* paths tried, for ConfigNotFound */
} source;

/* What a lookup found. */
typedef enum found { FOUND, ABSENT, FAILED } found;

static rucio_status fail(source *s, rucio_status st, const char *cls,
                         const char *fmt, ...) RUCIO_PRINTF_(4, 5);

static rucio_status fail(source *s, rucio_status st, const char *cls,
                         const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rl_error_vset(&s->c->_internal.error, st, cls, fmt, ap);
    va_end(ap);
    return st;
}

static const char *env(const source *s, const char *name)
{
    const rucio_port *p = &s->c->_internal.port;

    return RUCIO_WITH_ENV && p->env ? p->env->get(p->ctx, name) : NULL;
}

/* ---- finding and reading rucio.cfg --------------------------------------- */

#if RUCIO_WITH_FILES

static rucio_status load_config(source *s, const char *path)
{
    const rucio_port *p = &s->c->_internal.port;
    rucio_ini_error ie;
    size_t len = 0;
    rucio_status st;

    st = p->fs->read_file(p->ctx, path, s->c->_internal.scratch.config,
                          sizeof s->c->_internal.scratch.config - 1, &len);
    if (st != RUCIO_OK)
        return fail(s, RUCIO_E_CONFIG, "ConfigLoadingError", "%s%s",
                    st == RUCIO_E_NO_SPACE
                        ? "configuration file larger than RUCIO_CONFIG_MAX: "
                        : "Could not load Rucio configuration file: ",
                    path);
    s->c->_internal.scratch.config[len] = '\0';
    if (rl_ini_parse(&s->ini, s->c->_internal.scratch.config, len, &ie) !=
        RUCIO_OK)
        return fail(s, RUCIO_E_CONFIG, "ConfigurationError",
                    "%s, line %llu: %s", path, (unsigned long long)ie.line,
                    ie.reason);
    s->text = s->c->_internal.scratch.config;
    s->len = len;
    /* Fits: find_config and search_config bound the path. */
    return rucio_strbuf_copy(s->c->_internal.settings.config_file,
                             sizeof s->c->_internal.settings.config_file, path);
}

static int file_exists(const rucio_port *p, const char *path)
{
    rucio_file_info info;

    return p->fs->stat(p->ctx, path, &info) == RUCIO_OK &&
           info.type != RUCIO_FILE_NONE;
}

/* $RUCIO_HOME/etc, $VIRTUAL_ENV/etc, $CONDA_PREFIX/etc, /opt/rucio/etc:
 * the first rucio.cfg that exists (Config.__init__, get_config_dirs). */
static rucio_status search_config(source *s)
{
    static const char *const vars[] = {"RUCIO_HOME", "VIRTUAL_ENV",
                                       "CONDA_PREFIX", NULL};
    char path[RUCIO_PATH_MAX];
    rucio_strbuf list, b;
    size_t i;

    rucio_strbuf_init(&list, s->searched, sizeof s->searched);
    for (i = 0; i < 4; i++) {
        const char *dir = vars[i] ? env(s, vars[i]) : "/opt/rucio";

        if (!dir)
            continue;
        rucio_strbuf_init(&b, path, sizeof path);
        rucio_strbuf_puts(&b, dir);
        rucio_strbuf_puts(&b, "/etc/rucio.cfg");
        if (b.status != RUCIO_OK)
            continue;
        rucio_strbuf_puts(&list, list.len ? ", " : "");
        rucio_strbuf_puts(&list, path);
        if (file_exists(&s->c->_internal.port, path))
            return load_config(s, path);
    }
    return RUCIO_OK; /* no file: fine until a value is needed from it */
}

/* An explicit file (option or RUCIO_CONFIG, even empty) must load: the
 * Python client does not fall back to the search list. */
static rucio_status find_config(source *s)
{
    const char *path = s->opt->config_path;

    if (s->opt->no_config)
        return RUCIO_OK;
    if (!s->c->_internal.port.fs)
        return path ? fail(s, RUCIO_E_PORT, "ConfigLoadingError",
                           "a rucio.cfg is named, but the port has no file "
                           "functions to read it")
                    : RUCIO_OK;
    if (!path)
        path = env(s, "RUCIO_CONFIG");
    if (!path)
        return search_config(s);
    if (strlen(path) >= sizeof s->c->_internal.settings.config_file)
        return fail(s, RUCIO_E_CONFIG, "ConfigLoadingError",
                    "configuration file path too long");
    return load_config(s, path);
}

/* [client] key of rucio.cfg into out. */
static found config_value(source *s, const char *key, char *out, size_t cap)
{
    rucio_ini_error ie;
    rucio_status st;

    if (!s->text)
        return ABSENT;
    st = rl_ini_lookup(&s->ini, "client", key, out, cap, &ie);
    if (st == RUCIO_OK)
        return FOUND;
    if (st == RUCIO_E_MISSING_PARAM)
        return ABSENT;
    if (st == RUCIO_E_NO_SPACE)
        fail(s, RUCIO_E_CONFIG, "ConfigurationError",
             "value too long in %s: [client] %s",
             s->c->_internal.settings.config_file, key);
    else
        fail(s, RUCIO_E_CONFIG, "ConfigurationError", "%s: [client] %s",
             ie.reason, key);
    return FAILED;
}

#else
/* No filesystem in this build: every value comes from the options (and
 * the environment). */
static rucio_status find_config(source *s)
{
    if (!s->opt->config_path)
        return RUCIO_OK;
    return fail(s, RUCIO_E_UNSUPPORTED, "ConfigLoadingError",
                "this rucio-lite reads no rucio.cfg (RUCIO_WITH_FILES=0): "
                "pass the settings in rucio_client_options");
}

static found config_value(source *s, const char *key, char *out, size_t cap)
{
    (void)s;
    (void)key;
    (void)out;
    (void)cap;
    return ABSENT;
}
#endif /* RUCIO_WITH_FILES */

/* ---- reading values --------------------------------------------------------- */

static found copy_value(source *s, const char *what, const char *value,
                        char *out, size_t cap)
{
    rucio_strbuf b;

    rucio_strbuf_init(&b, out, cap);
    rucio_strbuf_puts(&b, value);
    if (b.status == RUCIO_OK)
        return FOUND;
    out[0] = '\0';
    fail(s, RUCIO_E_CONFIG, "ConfigurationError", "value too long: %s", what);
    return FAILED;
}

/* The first of: option, environment variable (env_name may be NULL),
 * [client] key. */
static found lookup(source *s, const char *option, const char *env_name,
                    const char *key, char *out, size_t cap)
{
    const char *value = env_name ? env(s, env_name) : NULL;

    if (option)
        return copy_value(s, key, option, out, cap);
    if (value)
        return copy_value(s, env_name, value, out, cap);
    return config_value(s, key, out, cap);
}

/* A required value is missing: ConfigNotFound when rucio.cfg was looked
 * for and not found, else MissingClientParameter (as Python words it).
 * Without files nothing was looked for: the caller must pass it. */
static rucio_status missing(source *s, const char *prefix, const char *key)
{
    if (RUCIO_WITH_FILES && !s->text && !s->opt->no_config &&
        s->c->_internal.port.fs) {
        return fail(s, RUCIO_E_CONFIG_NOT_FOUND, "ConfigNotFound",
                    "Could not load Rucio configuration file. Rucio looked "
                    "in the following paths for a configuration file, in "
                    "order: %s; no value for %s",
                    s->searched, key);
    }
    return fail(s, RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                "%sOption '%s' cannot be found in config file", prefix, key);
}

static rucio_status require(source *s, const char *option, const char *env_name,
                            const char *key, char *out, size_t cap,
                            const char *prefix)
{
    switch (lookup(s, option, env_name, key, out, cap)) {
    case FOUND:
        return RUCIO_OK;
    case ABSENT:
        return missing(s, prefix, key);
    default:
        return s->c->_internal.error.status;
    }
}

/* ---- hosts, account, VO, auth type -------------------------------------- */

static rucio_status check_host(source *s, const char *host)
{
    const char *sep = strstr(host, "://");
    rucio_url url;

    if (!sep)
        return fail(s, RUCIO_E_BAD_URL, "ClientProtocolNotFound",
                    "Client protocol missing when connecting to host '%s'. "
                    "Allowed protocols: http, https", host);
    if (rucio_url_parse(host, strlen(host), &url) != RUCIO_OK)
        return fail(s, RUCIO_E_BAD_URL,
                    (strncmp(host, "http://", 7) != 0 &&
                     strncmp(host, "https://", 8) != 0)
                        ? "ClientProtocolNotSupported"
                        : "ConfigurationError",
                    "not a usable http or https server URL: '%s'. Allowed "
                    "protocols: http, https", host);
    if (url.https && !RUCIO_WITH_TLS)
        return fail(s, RUCIO_E_UNSUPPORTED, "ClientProtocolNotSupported",
                    "this rucio-lite is built without TLS (RUCIO_WITH_TLS=0), "
                    "so only http:// servers can be reached: '%s'", host);
    return RUCIO_OK;
}

static rucio_status resolve_hosts(source *s)
{
    rucio_settings *st = &s->c->_internal.settings;
    rucio_status rc;

    rc = require(s, s->opt->rucio_host, NULL, "rucio_host", st->rucio_host,
                 sizeof st->rucio_host, "Section client and ");
    if (rc == RUCIO_OK)
        rc = require(s, s->opt->auth_host, NULL, "auth_host", st->auth_host,
                     sizeof st->auth_host, "Section client and ");
    if (rc == RUCIO_OK)
        rc = check_host(s, st->rucio_host);
    if (rc == RUCIO_OK)
        rc = check_host(s, st->auth_host);
    return rc;
}

static rucio_status resolve_identity(source *s)
{
    rucio_settings *st = &s->c->_internal.settings;

    if (lookup(s, s->opt->account, "RUCIO_ACCOUNT", "account", st->account,
               sizeof st->account) == FAILED ||
        lookup(s, s->opt->vo, "RUCIO_VO", "vo", st->vo, sizeof st->vo) ==
            FAILED)
        return s->c->_internal.error.status;
    if (!st->vo[0])
        strcpy(st->vo, DEFAULT_VO);
    return RUCIO_OK;
}

/* RUCIO_AUTH_TYPE is checked strictly, as in _get_auth_type; a name from
 * the options or the file is checked here too rather than at the first
 * call, so that a typo is reported at once. */
static rucio_status resolve_auth_type(source *s)
{
    rucio_settings *st = &s->c->_internal.settings;
    const char *from_env = env(s, "RUCIO_AUTH_TYPE");
    const char *option = s->opt->auth_type;
    rucio_status rc;

    if (!option && s->opt->token)
        option = "token";
    if (!option && from_env &&
        (rl_auth_type_from_name(from_env) == RUCIO_AUTH_NONE ||
         strcmp(from_env, "token") == 0)) {
        return fail(s, RUCIO_E_MISSING_PARAM, "MissingClientParameter",
                    "Possible RUCIO_AUTH_TYPE values: userpass, x509, "
                    "x509_proxy, gss, ssh, oidc, vs. %s", from_env);
    }
    rc = require(s, option, "RUCIO_AUTH_TYPE", "auth_type", st->auth_type_name,
                 sizeof st->auth_type_name, "");
    if (rc != RUCIO_OK)
        return rc;
    st->auth_type = rl_auth_type_from_name(st->auth_type_name);
    if (st->auth_type == RUCIO_AUTH_NONE) {
        return fail(s, RUCIO_E_AUTH, "CannotAuthenticate",
                    "auth type '%s' not supported", st->auth_type_name);
    }
    if (!rl_auth_type_built_in(st->auth_type)) {
        return fail(s, RUCIO_E_UNSUPPORTED, "CannotAuthenticate",
                    "auth type '%s' is left out of this build of rucio-lite "
                    "(its RUCIO_WITH_* switch in rucio/build_config.h is 0)",
                    st->auth_type_name);
    }
    return RUCIO_OK;
}

/* ---- TLS trust ------------------------------------------------------------- */

#if RUCIO_WITH_CERT_FILES
/* _expand_path on a resolved value, in place. */
static rucio_status expand(source *s, char *path, size_t cap)
{
    char expanded[RUCIO_PATH_MAX];

    if (rl_expand_path(&s->c->_internal.port, path, expanded,
                       sizeof expanded) != RUCIO_OK ||
        strlen(expanded) >= cap) {
        return fail(s, RUCIO_E_CONFIG, "ConfigurationError",
                    "cannot expand the path %s", path);
    }
    return rucio_strbuf_copy(path, cap, expanded);
}
#endif

int rl_settings_use_https(const rucio_settings *settings)
{
    return strncmp(settings->rucio_host, "https://", 8) == 0 ||
           strncmp(settings->auth_host, "https://", 8) == 0;
}

/* ca_cert option > X509_CERT_DIR (as is) > [client] ca_cert (expanded) >
 * the platform's CA bundle. An empty value means "do not verify" to the
 * Python client; here that needs the explicit insecure option. */
#if RUCIO_WITH_CERT_FILES
static rucio_status resolve_ca_files(source *s)
{
    rucio_settings *st = &s->c->_internal.settings;
    const char *dir = env(s, "X509_CERT_DIR");
    found f;

    if (s->opt->ca_cert)
        f = copy_value(s, "ca_cert", s->opt->ca_cert, st->ca_cert,
                       sizeof st->ca_cert);
    else if (dir && *dir)
        f = copy_value(s, "X509_CERT_DIR", dir, st->ca_cert,
                       sizeof st->ca_cert);
    else if ((f = config_value(s, "ca_cert", st->ca_cert,
                               sizeof st->ca_cert)) == FOUND)
        return expand(s, st->ca_cert, sizeof st->ca_cert);
    return f == FAILED ? s->c->_internal.error.status : RUCIO_OK;
}
#else
/* No CA files in this build: the CA in memory, or nothing to verify. */
static rucio_status resolve_ca_files(source *s)
{
    if (!s->opt->ca_cert && (s->opt->ca_mem || s->opt->insecure))
        return RUCIO_OK;
    return fail(s, RUCIO_E_UNSUPPORTED, "ConfigurationError",
                "this rucio-lite reads no certificate files "
                "(RUCIO_WITH_CERT_FILES=0): give the trusted CA in memory "
                "(ca_mem)");
}
#endif

/* The CA is resolved whenever https may be used: for the Rucio hosts,
 * and for the storage of a transfer (loaded when its URL needs it). */
static rucio_status resolve_ca(source *s)
{
    s->c->_internal.settings.insecure = s->opt->insecure;
    if (rl_settings_use_https(&s->c->_internal.settings) ||
        (RUCIO_WITH_TLS && RUCIO_WITH_TRANSFER && RUCIO_WITH_CERT_FILES))
        return resolve_ca_files(s);
    return RUCIO_OK;
}

/* ---- credentials ------------------------------------------------------------ */

static rucio_status resolve_userpass(source *s)
{
    rucio_settings *st = &s->c->_internal.settings;
    rucio_status rc;

    rc = require(s, s->opt->username, NULL, "username", st->username,
                 sizeof st->username, "");
    if (rc == RUCIO_OK)
        rc = require(s, s->opt->password, NULL, "password", st->password,
                     sizeof st->password, "");
    return rc;
}

#if RUCIO_WITH_CERT_FILES
/* path must exist (and be a regular file when want_regular); else
 * "<message><path>'<suffix>" with the class given. */
static rucio_status file_check(source *s, const char *path, int want_regular,
                               const char *cls, const char *message,
                               const char *suffix, rucio_file_info *out)
{
    const rucio_port *p = &s->c->_internal.port;

    if (p->fs->stat(p->ctx, path, out) == RUCIO_OK &&
        out->type != RUCIO_FILE_NONE &&
        (!want_regular || out->type == RUCIO_FILE_REGULAR))
        return RUCIO_OK;
    return fail(s, RUCIO_E_MISSING_PARAM, cls, "%s%s'%s", message, path,
                suffix);
}

/* The key must not be readable by others: exactly 400 or 600. */
static rucio_status check_key_mode(source *s, const char *path, unsigned mode)
{
    if ((mode & 0777) == 0400 || (mode & 0777) == 0600)
        return RUCIO_OK;
    return fail(s, RUCIO_E_AUTH, "CannotAuthenticate",
                "X.509 authentication selected, but private key (%s) "
                "permissions are liberal (required: 400 or 600, found: %u%u%u)",
                path, (mode >> 6) & 7, (mode >> 3) & 7, mode & 7);
}

static rucio_status resolve_x509(source *s)
{
    rucio_settings *st = &s->c->_internal.settings;
    rucio_file_info info;
    rucio_status rc;
    found f;

    rc = require(s, s->opt->client_cert, "RUCIO_CLIENT_CERT", "client_cert",
                 st->client_cert, sizeof st->client_cert, "");
    if (rc == RUCIO_OK)
        rc = expand(s, st->client_cert, sizeof st->client_cert);
    if (rc == RUCIO_OK)
        rc = file_check(s, st->client_cert, 0, "MissingClientParameter",
                        "X.509 client certificate not found: '", "", &info);
    if (rc != RUCIO_OK)
        return rc;
    /* No key anywhere: the certificate file must hold it (Python too). */
    f = lookup(s, s->opt->client_key, "RUCIO_CLIENT_KEY", "client_key",
               st->client_key, sizeof st->client_key);
    if (f != FOUND)
        return f == FAILED ? s->c->_internal.error.status : RUCIO_OK;
    rc = expand(s, st->client_key, sizeof st->client_key);
    if (rc == RUCIO_OK)
        rc = file_check(s, st->client_key, 0, "MissingClientParameter",
                        "X.509 client key not found: '", "", &info);
    return rc == RUCIO_OK ? check_key_mode(s, st->client_key, info.mode) : rc;
}

static void default_proxy_path(source *s, char *out, size_t cap)
{
    const rucio_port *p = &s->c->_internal.port;
    rucio_strbuf b;

    rucio_strbuf_init(&b, out, cap);
    rucio_strbuf_puts(&b, "/tmp/x509up_u");
    rucio_strbuf_put_u64(&b, p->env ? p->env->effective_uid(p->ctx) : 0);
}

/* RUCIO_CLIENT_PROXY > [client] client_x509_proxy (non-empty) >
 * X509_USER_PROXY > /tmp/x509up_u<euid> when it is a file. */
static rucio_status resolve_proxy(source *s)
{
    rucio_settings *st = &s->c->_internal.settings;
    char fallback[64], suffix[80];
    rucio_file_info info;
    found f;

    default_proxy_path(s, fallback, sizeof fallback);
    rucio_format(suffix, sizeof suffix, " (default %s)", fallback);
    f = lookup(s, s->opt->client_proxy, "RUCIO_CLIENT_PROXY",
               "client_x509_proxy", st->client_proxy, sizeof st->client_proxy);
    if (f == FAILED)
        return s->c->_internal.error.status;
    if (f == ABSENT || !st->client_proxy[0]) {
        const char *user_proxy = env(s, "X509_USER_PROXY");

        if (copy_value(s, "X509_USER_PROXY", user_proxy ? user_proxy : fallback,
                       st->client_proxy, sizeof st->client_proxy) != FOUND)
            return s->c->_internal.error.status;
    }
    if (expand(s, st->client_proxy, sizeof st->client_proxy) != RUCIO_OK)
        return s->c->_internal.error.status;
    if (file_check(s, st->client_proxy, 1, "MissingClientParameter",
                   "Cannot find a valid X509 proxy; checked "
                   "$RUCIO_CLIENT_PROXY, $X509_USER_PROXY, "
                   "client/client_x509_proxy config and the default path: '",
                   suffix, &info) != RUCIO_OK)
        return s->c->_internal.error.status;
    return RUCIO_OK;
}

static rucio_status resolve_ssh(source *s)
{
    rucio_settings *st = &s->c->_internal.settings;
    rucio_file_info info;
    rucio_status rc;

    rc = require(s, s->opt->ssh_private_key, NULL, "ssh_private_key",
                 st->ssh_private_key, sizeof st->ssh_private_key, "");
    if (rc == RUCIO_OK)
        rc = expand(s, st->ssh_private_key, sizeof st->ssh_private_key);
    if (rc == RUCIO_OK &&
        file_check(s, st->ssh_private_key, 1, "CannotAuthenticate",
                   "Provided ssh private key does not exist: '", "",
                   &info) != RUCIO_OK) {
        s->c->_internal.error.status = RUCIO_E_AUTH;
        return RUCIO_E_AUTH;
    }
    return rc;
}

#endif /* RUCIO_WITH_CERT_FILES */

/* The files of an x509, x509_proxy or ssh credential. */
static rucio_status resolve_credential_files(source *s)
{
#if RUCIO_WITH_CERT_FILES
    switch (s->c->_internal.settings.auth_type) {
    case RUCIO_AUTH_X509:
        return resolve_x509(s);
    case RUCIO_AUTH_X509_PROXY:
        return resolve_proxy(s);
    default:
        return resolve_ssh(s);
    }
#else
    return fail(s, RUCIO_E_UNSUPPORTED, "CannotAuthenticate",
                "this rucio-lite reads no certificate or key files "
                "(RUCIO_WITH_CERT_FILES=0): give the credential in memory "
                "(client_cert_mem, client_key_mem or ssh_key_mem)");
#endif
}

static rucio_status resolve_token(source *s)
{
    rucio_client *c = s->c;

    if (!s->opt->token || !*s->opt->token)
        return fail(s, RUCIO_E_NO_AUTH_INFO, "NoAuthInformation",
                    "auth type 'token' needs a token");
    if (copy_value(s, "token", s->opt->token, c->_internal.token,
                   sizeof c->_internal.token) != FOUND)
        return c->_internal.error.status;
    return RUCIO_OK;
}

static void borrow_memory_credentials(source *s)
{
    rucio_settings *st = &s->c->_internal.settings;
    const rucio_client_options *o = s->opt;

    st->ca_mem = o->ca_mem;
    st->ca_mem_len = o->ca_mem_len;
    st->client_cert_mem = o->client_cert_mem;
    st->client_cert_mem_len = o->client_cert_mem_len;
    st->client_key_mem = o->client_key_mem;
    st->client_key_mem_len = o->client_key_mem_len;
    st->ssh_key_mem = o->ssh_key_mem;
    st->ssh_key_mem_len = o->ssh_key_mem_len;
}

/* An x509, x509_proxy or ssh credential given in memory. */
static int credential_in_memory(const source *s)
{
    if (s->c->_internal.settings.auth_type == RUCIO_AUTH_SSH)
        return s->opt->ssh_key_mem != NULL;
    return s->opt->client_cert_mem != NULL;
}

/* Files are only looked at when the port can reach them and no
 * in-memory credential replaces them. */
static rucio_status resolve_credentials(source *s)
{
    borrow_memory_credentials(s);
    switch (s->c->_internal.settings.auth_type) {
    case RUCIO_AUTH_USERPASS:
        return resolve_userpass(s);
    case RUCIO_AUTH_X509:
    case RUCIO_AUTH_X509_PROXY:
    case RUCIO_AUTH_SSH:
        if (credential_in_memory(s) ||
            (RUCIO_WITH_CERT_FILES && !s->c->_internal.port.fs))
            return RUCIO_OK;
        return resolve_credential_files(s);
    case RUCIO_AUTH_TOKEN:
        return resolve_token(s);
    default:
        return RUCIO_OK; /* oidc discovers at use; gss is refused then */
    }
}

/* ---- the rest ---------------------------------------------------------------- */

/* A token given by the caller is not cached, nor is a discovered one. */
#if RUCIO_WITH_FILES
static rucio_status resolve_token_path(source *s)
{
    rucio_settings *st = &s->c->_internal.settings;
    char override[RUCIO_PATH_MAX];

    st->token_path[0] = '\0';
    if (st->auth_type == RUCIO_AUTH_TOKEN || !s->c->_internal.port.fs)
        return RUCIO_OK;
    if (config_value(s, "auth_token_file_path", override, sizeof override) ==
        FAILED)
        return s->c->_internal.error.status;
    if (!s->text)
        override[0] = '\0';
    if (rl_token_cache_path(&s->c->_internal.port, st->account, st->vo,
                            override, st->token_path,
                            sizeof st->token_path) != RUCIO_OK) {
        st->token_path[0] = '\0';
        rucio_log(&s->c->_internal.logger, RUCIO_LOG_WARN,
                  "no token cache directory; tokens kept in memory only");
    }
    return RUCIO_OK;
}
#else
static rucio_status resolve_token_path(source *s)
{
    s->c->_internal.settings.token_path[0] =
        '\0'; /* no files: no token cache */
    return RUCIO_OK;
}
#endif

/* [client] request_retries: an integer up to 10000, else the default (as
 * Python, which takes any integer). */
static void resolve_retries(source *s)
{
    char text[16];
    uint64_t value;

    s->c->_internal.settings.request_retries = DEFAULT_REQUEST_RETRIES;
    if (config_value(s, "request_retries", text, sizeof text) == FOUND &&
        rl_ascii_parse_u64(text, strlen(text), &value) && value <= 10000)
        s->c->_internal.settings.request_retries = (int)value;
}

static void resolve_client_identity(source *s)
{
    rucio_settings *st = &s->c->_internal.settings;
    rucio_strbuf b;

    rucio_strbuf_init(&b, st->user_agent, sizeof st->user_agent);
    rucio_strbuf_puts(&b, s->opt->user_agent ? s->opt->user_agent
                                             : "rucio-lite");
    rucio_strbuf_puts(&b, "/" RUCIO_LITE_VERSION);
    rucio_strbuf_init(&b, st->script, sizeof st->script);
    rucio_strbuf_puts(&b, s->opt->script ? s->opt->script : "rucio-lite");
    st->timeout_ms = s->opt->timeout_ms ? s->opt->timeout_ms
                                        : DEFAULT_TIMEOUT_MS;
}

/* The auth type, its credentials and the token cache. What is wrong with
 * them does not stop the client: calls that need no token (ping) work,
 * and the first one that needs a token reports it (rl_auth_ensure). */
static void resolve_authentication(source *s)
{
    rucio_client *c = s->c;
    rucio_status rc = resolve_auth_type(s);

    if (rc == RUCIO_OK)
        rc = resolve_credentials(s);
    if (rc == RUCIO_OK)
        rc = resolve_token_path(s);
    if (rc == RUCIO_OK)
        return;
    c->_internal.credentials_error = c->_internal.error;
    rl_error_clear(&c->_internal.error);
}

rucio_status rl_settings_resolve(rucio_client *c,
                                 const rucio_client_options *opt)
{
    source s;
    rucio_status rc;

    memset(&s, 0, sizeof s);
    s.c = c;
    s.opt = opt;
    rc = find_config(&s);
    if (rc == RUCIO_OK && !opt->storage_only)
        rc = resolve_hosts(&s);
    if (rc == RUCIO_OK)
        rc = resolve_ca(&s);
    if (rc == RUCIO_OK && !opt->storage_only)
        rc = resolve_identity(&s);
    if (rc != RUCIO_OK)
        return rc;
    resolve_retries(&s);
    resolve_client_identity(&s);
    if (!opt->storage_only)
        resolve_authentication(&s);
    return RUCIO_OK;
}
