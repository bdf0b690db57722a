/* rucio-lite: the client object: set-up, TLS material, teardown. */
#include "rucio/client.h"

#include <string.h>

#include "client/auth.h"
#include "client/client_tls.h"
#include "client/errors.h"
#include "client/request.h"
#include "client/settings.h"
#include "core/wipe.h"


void rucio_client_options_default(rucio_client_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->logger.max_level = RUCIO_LOG_INFO;
}

const rucio_error *rucio_client_last_error(const rucio_client *c)
{
    return &c->_internal.error;
}

const char *rucio_client_account(const rucio_client *c)
{
    return c->_internal.token_account[0] ? c->_internal.token_account
                                         : c->_internal.settings.account;
}

int64_t rucio_client_token_expires(const rucio_client *c)
{
    return c->_internal.token_expires;
}

const char *rucio_client_token(const rucio_client *c)
{
    return c->_internal.token;
}

const rucio_settings *rucio_client_settings(const rucio_client *c)
{
    return &c->_internal.settings;
}

int rucio_client_last_http_status(const rucio_client *c)
{
    return c->_internal.response.status;
}

rucio_status rucio_authenticate(rucio_client *c)
{
    if (!c)
        return RUCIO_E_INVALID_ARG;
    rl_call_begin(c);
    return rl_auth_ensure(c);
}

#if RUCIO_WITH_TLS
#if RUCIO_WITH_CERT_FILES
static int is_directory(const rucio_port *p, const char *path)
{
    rucio_file_info info;

    return p->fs && p->fs->stat(p->ctx, path, &info) == RUCIO_OK &&
           info.type == RUCIO_FILE_DIRECTORY;
}

/* The CA file or directory named by the settings (or the platform's
 * bundle), and the buffer that certificate and key files are read into:
 * the scratch memory, not a stack array, as nothing else uses it while
 * TLS is set up. */
static void choose_files(rucio_client *c, rucio_tls_options *t)
{
    const char *ca = c->_internal.settings.ca_cert;

    t->file_buf = c->_internal.scratch.cert_file;
    t->file_buf_len = sizeof c->_internal.scratch.cert_file;
    if (c->_internal.settings.insecure || c->_internal.settings.ca_mem)
        return;
    if (!ca[0])
        t->ca_file = RUCIO_DEFAULT_CA_FILE;
    else if (is_directory(&c->_internal.port, ca))
        t->ca_dir = ca;
    else
        t->ca_file = ca;
}
#endif

static void choose_ca_mem(const rucio_client *c, rucio_tls_options *t)
{
    if (!c->_internal.settings.insecure && c->_internal.settings.ca_mem) {
        t->ca_mem = c->_internal.settings.ca_mem;
        t->ca_mem_len = c->_internal.settings.ca_mem_len;
    }
}

#if RUCIO_WITH_X509
/* x509 presents certificate and key; a proxy file holds both. */
static void choose_client_cert(const rucio_client *c, rucio_tls_options *t)
{
    const rucio_settings *s = &c->_internal.settings;

    if ((s->auth_type == RUCIO_AUTH_X509 ||
         s->auth_type == RUCIO_AUTH_X509_PROXY) && s->client_cert_mem) {
        t->cert_mem = s->client_cert_mem;
        t->cert_mem_len = s->client_cert_mem_len;
        t->key_mem = s->client_key_mem;
        t->key_mem_len = s->client_key_mem_len;
    } else if (s->auth_type == RUCIO_AUTH_X509) {
        t->cert_file = s->client_cert;
        t->key_file = s->client_key[0] ? s->client_key : NULL;
    } else if (s->auth_type == RUCIO_AUTH_X509_PROXY) {
        t->cert_file = s->client_proxy;
    }
}
#endif

static rucio_status setup_tls(rucio_client *c)
{
    rucio_tls_options t;
    char err[RUCIO_ERROR_MAX];
    rucio_status st;

    memset(&t, 0, sizeof t);
    choose_ca_mem(c, &t);
#if RUCIO_WITH_CERT_FILES
    choose_files(c, &t);
#endif
#if RUCIO_WITH_X509
    if (c->_internal.credentials_error.status == RUCIO_OK)
        choose_client_cert(c, &t);
#endif
    t.insecure = c->_internal.settings.insecure;
    st = rucio_tls_config_init(&c->_internal.tls, &c->_internal.port, &t,
                               &c->_internal.logger, err, sizeof err);
    if (st != RUCIO_OK)
        return rl_error_set(&c->_internal.error, st, "ConfigurationError", "%s",
                            err);
    c->_internal.tls_ready = 1;
    return RUCIO_OK;
}
#endif

static void init_connections(rucio_client *c)
{
    struct rucio_tls_config *tls = NULL;

#if RUCIO_WITH_TLS
    if (c->_internal.tls_ready)
        tls = &c->_internal.tls;
#endif
    rucio_http_conn_init(&c->_internal.api_conn, &c->_internal.port, tls,
                         c->_internal.settings.timeout_ms,
                         &c->_internal.logger);
    rucio_http_conn_init(&c->_internal.auth_conn, &c->_internal.port, tls,
                         c->_internal.settings.timeout_ms,
                         &c->_internal.logger);
#if RUCIO_WITH_TLS
    c->_internal.auth_conn.present_client_cert =
        c->_internal.credentials_error.status == RUCIO_OK &&
        (c->_internal.settings.auth_type == RUCIO_AUTH_X509 ||
         c->_internal.settings.auth_type == RUCIO_AUTH_X509_PROXY);
#endif
#if RUCIO_WITH_TRANSFER
    rucio_http_conn_init(&c->_internal.storage_conn, &c->_internal.port, tls,
                         c->_internal.settings.timeout_ms,
                         &c->_internal.logger);
#endif
}

rucio_status rl_client_tls_for(rucio_client *c, const rucio_url *url)
{
#if RUCIO_WITH_TLS && RUCIO_WITH_TRANSFER
    rucio_status st;

    if (!url->https || c->_internal.tls_ready)
        return RUCIO_OK;
    st = setup_tls(c);
    if (st == RUCIO_OK)
        c->_internal.storage_conn.tls = &c->_internal.tls;
    return st;
#else
    (void)c;
    (void)url;
    return RUCIO_OK; /* the connection refuses https without TLS */
#endif
}

/* The public name is a macro that adds the caller's build view. */
#undef rucio_client_init

rucio_status rucio_client_init_checked(rucio_client *c,
                                       const rucio_client_options *opt,
                                       size_t client_size,
                                       size_t options_size,
                                       unsigned long signature)
{
    if (client_size != sizeof(rucio_client) ||
        options_size != sizeof(rucio_client_options) ||
        signature != RUCIO_BUILD_SIGNATURE)
        return RUCIO_E_BUILD_MISMATCH;
    return rucio_client_init(c, opt);
}

rucio_status rucio_client_init(rucio_client *c,
                               const rucio_client_options *opt)
{
    rucio_status st;

    if (!c)
        return RUCIO_E_INVALID_ARG;
    memset(c, 0, sizeof *c);
    if (!opt || !opt->port)
        return rl_error_set(&c->_internal.error, RUCIO_E_INVALID_ARG,
                            "InputValidationError",
                            "options with a port are required");
    c->_internal.port = *opt->port;
    c->_internal.logger = opt->logger;
    st = rl_settings_resolve(c, opt);
#if RUCIO_WITH_TLS
    if (st == RUCIO_OK && rl_settings_use_https(&c->_internal.settings))
        st = setup_tls(c);
#endif
    /* The config text is not needed any more; it may hold a password. */
    rl_wipe(&c->_internal.scratch, sizeof c->_internal.scratch);
    if (st != RUCIO_OK)
        return st;
    c->_internal.call_timeout_ms = opt->call_timeout_ms
                                       ? opt->call_timeout_ms
                                       : c->_internal.settings.timeout_ms;
    init_connections(c);
    rl_error_clear(&c->_internal.error);
    return RUCIO_OK;
}

void rucio_client_free(rucio_client *c)
{
    if (!c)
        return;
    rucio_http_conn_free(&c->_internal.api_conn);
    rucio_http_conn_free(&c->_internal.auth_conn);
#if RUCIO_WITH_TRANSFER
    rucio_http_conn_free(&c->_internal.storage_conn);
#endif
#if RUCIO_WITH_TLS
    if (c->_internal.tls_ready)
        rucio_tls_config_free(&c->_internal.tls);
    c->_internal.tls_ready = 0;
#endif
    rl_wipe(c->_internal.token, sizeof c->_internal.token);
    rl_wipe(c->_internal.settings.password,
            sizeof c->_internal.settings.password);
    rl_wipe(&c->_internal.scratch, sizeof c->_internal.scratch);
    rl_wipe(c->_internal.query, sizeof c->_internal.query);
    /* The connections wipe their own buffers when closed; the headers of
     * the last response may hold X-Rucio-Auth-Token. */
    rl_wipe(&c->_internal.response, sizeof c->_internal.response);
}
