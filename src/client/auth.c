/* rucio-lite: authentication and token keeping. */
#include "client/auth.h"

#include <string.h>

#include "client/date.h"
#include "client/errors.h"
#include "client/request.h"
#include "client/token_cache.h"
#include "core/wipe.h"

static const struct {
    const char *name;
    rucio_auth_type type;
} auth_names[] = {
    {"userpass", RUCIO_AUTH_USERPASS}, {"x509", RUCIO_AUTH_X509},
    {"x509_proxy", RUCIO_AUTH_X509_PROXY}, {"ssh", RUCIO_AUTH_SSH},
    {"oidc", RUCIO_AUTH_OIDC}, {"gss", RUCIO_AUTH_GSS},
    {"token", RUCIO_AUTH_TOKEN},
};

rucio_auth_type rl_auth_type_from_name(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof auth_names / sizeof auth_names[0]; i++)
        if (strcmp(name, auth_names[i].name) == 0)
            return auth_names[i].type;
    return RUCIO_AUTH_NONE;
}

int rl_auth_type_built_in(rucio_auth_type type)
{
    /* One bit per type; token always, gss and none are refused apart. */
    const unsigned built_in =
        (unsigned)RUCIO_WITH_USERPASS << RUCIO_AUTH_USERPASS |
        (unsigned)RUCIO_WITH_X509 << RUCIO_AUTH_X509 |
        (unsigned)RUCIO_WITH_X509 << RUCIO_AUTH_X509_PROXY |
        (unsigned)RUCIO_WITH_SSH << RUCIO_AUTH_SSH |
        (unsigned)RUCIO_WITH_OIDC << RUCIO_AUTH_OIDC |
        1u << RUCIO_AUTH_NONE | 1u << RUCIO_AUTH_GSS | 1u << RUCIO_AUTH_TOKEN;

    return (int)(built_in >> (unsigned)type & 1u);
}

void rl_auth_forget_token(rucio_client *c)
{
    rl_wipe(c->_internal.token, sizeof c->_internal.token);
    c->_internal.token_expires = 0;
    c->_internal.token_account[0] = '\0';
}

static int expiring(const rucio_client *c)
{
    return c->_internal.token_expires != 0 &&
           c->_internal.port.wall_seconds(c->_internal.port.ctx) +
                   RUCIO_TOKEN_RENEW_MARGIN >=
               c->_internal.token_expires;
}

/* ---- after the server issued a token ------------------------------------ */

#if RUCIO_WITH_FILES
/* A token cache file or directory that is not ours alone: say which and
 * why (never the content), then go on with the token in memory. */
static void warn_cache_refused(rucio_client *c, const char *verb,
                               const rucio_file_check *check)
{
    const char *path = c->_internal.settings.token_path;

    rucio_log(&c->_internal.logger, RUCIO_LOG_WARN,
              "token cache not %s: %s %.*s %s; going on without it", verb,
              check->level ? "directory" : "file",
              (int)rl_private_path_len(path, check->level), path,
              rl_file_problem_text(check));
}

static void store_in_cache(rucio_client *c)
{
    rucio_file_check check;
    rucio_status st;

    if (!c->_internal.settings.token_path[0])
        return;
    st = rl_token_cache_write(&c->_internal.port,
                              c->_internal.settings.token_path,
                              c->_internal.token, &check);
    if (st == RUCIO_OK)
        return;
    if (check.problem != RUCIO_FILE_FAILED)
        warn_cache_refused(c, "written", &check);
    else
        rucio_log(&c->_internal.logger, RUCIO_LOG_WARN,
                  "could not write the token cache %s: %s",
                  c->_internal.settings.token_path, rucio_strerror(st));
}
#else
static void store_in_cache(rucio_client *c)
{
    (void)c; /* no token cache without files */
}
#endif

rucio_status rl_auth_accept_token(rucio_client *c)
{
    const rucio_http_response *r = &c->_internal.response;
    const char *token = rucio_http_response_header(r, "X-Rucio-Auth-Token");
    const char *expires =
        rucio_http_response_header(r, "X-Rucio-Auth-Token-Expires");
    const char *account = rucio_http_response_header(r, "X-Rucio-Auth-Account");

    if (!token || !*token || strlen(token) >= sizeof c->_internal.token)
        return rl_error_set(
            &c->_internal.error, RUCIO_E_AUTH, "CannotAuthenticate",
            token && *token ? "auth token longer than RUCIO_TOKEN_MAX"
                            : "the server sent no auth token");
    rucio_strbuf_copy(c->_internal.token, sizeof c->_internal.token, token);
    if (!expires ||
        rl_parse_http_date(expires, &c->_internal.token_expires) != RUCIO_OK)
        c->_internal.token_expires = 0;
    rucio_strbuf_copy(c->_internal.token_account,
                      sizeof c->_internal.token_account,
                      account ? account : c->_internal.settings.account);
    c->_internal.auth_requests++;
    /* Re-authentication is rare: do not keep the auth host's connection. */
    rucio_http_conn_close(&c->_internal.auth_conn);
    store_in_cache(c);
    rucio_log(&c->_internal.logger, RUCIO_LOG_INFO, "authenticated as %s (%s)",
              c->_internal.token_account, c->_internal.settings.auth_type_name);
    return RUCIO_OK;
}

/* A refused authentication is CannotAuthenticate, for every auth type,
 * with the server's reason kept: its message, after its class when that
 * is another one (as the Python client words it for userpass), never the
 * same class twice. */
static rucio_status refused(rucio_client *c, size_t body_len)
{
    char server_class[sizeof c->_internal.error.exception_class];
    char message[RUCIO_ERROR_MAX];
    int http_status = c->_internal.response.status;

    rl_error_from_response(&c->_internal.error, &c->_internal.response,
                           c->_internal.scratch.body, body_len);
    if (strcmp(c->_internal.error.exception_class, "CannotAuthenticate") != 0) {
        rucio_strbuf_copy(server_class, sizeof server_class,
                          c->_internal.error.exception_class);
        rucio_strbuf_copy(message, sizeof message, c->_internal.error.message);
        rl_error_set(&c->_internal.error, RUCIO_E_AUTH, "CannotAuthenticate",
                     "%s: %s", server_class, message);
    }
    c->_internal.error.status = RUCIO_E_AUTH;
    c->_internal.error.http_status = http_status;
    return RUCIO_E_AUTH;
}

/* Send an auth request; 200 with a token is the only success. Below 400
 * the answer keeps its own class (e.g. the 206 of several accounts). */
rucio_status rl_auth_send(rucio_client *c, rucio_call *call)
{
    size_t body_len = 0;
    rucio_status st;

    call->endpoint = RUCIO_ENDPOINT_AUTH;
    st = rl_call_send(c, call, &body_len);
    if (st != RUCIO_OK)
        return st;
    if (c->_internal.response.status >= 400)
        return refused(c, body_len);
    if (c->_internal.response.status != 200)
        return rl_error_from_response(&c->_internal.error,
                                      &c->_internal.response,
                                      c->_internal.scratch.body, body_len);
    return RUCIO_OK;
}

#if RUCIO_WITH_X509
/* The client certificate (or proxy) is presented by the auth connection's
 * TLS layer; the request itself carries nothing more. */
static rucio_status auth_x509(rucio_client *c, const char *path)
{
    rucio_call call;
    rucio_status st;

    memset(&call, 0, sizeof call);
    call.path = path;
    st = rl_auth_send(c, &call);
    return st == RUCIO_OK ? rl_auth_accept_token(c) : st;
}
#endif

/* ---- entry points ---------------------------------------------------------- */

static rucio_status authenticate(rucio_client *c)
{
    rl_error_clear(&c->_internal.error);
    /* Types left out of the build were refused by rucio_client_init. */
    switch (c->_internal.settings.auth_type) {
#if RUCIO_WITH_USERPASS
    case RUCIO_AUTH_USERPASS:
        return rl_auth_userpass(c);
#endif
#if RUCIO_WITH_X509
    case RUCIO_AUTH_X509:
        return auth_x509(c, "auth/x509");
    case RUCIO_AUTH_X509_PROXY:
        return auth_x509(c, "auth/x509_proxy");
#endif
#if RUCIO_WITH_SSH
    case RUCIO_AUTH_SSH:
        return rl_auth_ssh(c);
#endif
    case RUCIO_AUTH_OIDC:
        return rl_error_set(&c->_internal.error, RUCIO_E_NO_AUTH_INFO,
                            "NoAuthInformation",
                            "no bearer token found (BEARER_TOKEN, "
                            "BEARER_TOKEN_FILE, $XDG_RUNTIME_DIR/bt_u<uid>, "
                            "/tmp/bt_u<uid>); rucio-lite has no interactive "
                            "OIDC login");
    case RUCIO_AUTH_GSS:
        return rl_error_set(&c->_internal.error, RUCIO_E_UNSUPPORTED,
                            "CannotAuthenticate",
                            "auth type 'gss' (Kerberos) is not supported by "
                            "rucio-lite");
    case RUCIO_AUTH_TOKEN:
        return rl_error_set(&c->_internal.error, RUCIO_E_AUTH,
                            "CannotAuthenticate",
                            "the server refused the given auth token");
    default:
        return rl_error_set(&c->_internal.error, RUCIO_E_AUTH,
                            "CannotAuthenticate",
                            "auth type '%s' not supported",
                            c->_internal.settings.auth_type_name);
    }
}

#if RUCIO_WITH_FILES
static int token_from_cache(rucio_client *c)
{
    rucio_file_check check;

    if (c->_internal.cache_tried || !c->_internal.settings.token_path[0])
        return 0;
    c->_internal.cache_tried = 1;
    if (rl_token_cache_read(&c->_internal.port,
                            c->_internal.settings.token_path,
                            c->_internal.token, sizeof c->_internal.token,
                            &check) != RUCIO_OK) {
        if (check.problem != RUCIO_FILE_FINE &&
            check.problem != RUCIO_FILE_MISSING)
            warn_cache_refused(c, "used", &check);
        rl_auth_forget_token(c);
        return 0;
    }
    rucio_strbuf_copy(c->_internal.token_account,
                      sizeof c->_internal.token_account,
                      c->_internal.settings.account);
    rucio_log(&c->_internal.logger, RUCIO_LOG_DEBUG,
              "using the cached token of %s", c->_internal.settings.token_path);
    return 1;
}
#else
static int token_from_cache(rucio_client *c)
{
    (void)c; /* no token cache without files */
    return 0;
}
#endif

/* A token from outside the client: the WLCG bearer token of auth type
 * oidc. */
static rucio_bearer discovered_token(rucio_client *c)
{
#if RUCIO_WITH_OIDC
    if (c->_internal.settings.auth_type == RUCIO_AUTH_OIDC)
        return rl_auth_discover_bearer(c);
#else
    (void)c;
#endif
    return RUCIO_BEARER_NONE;
}

rucio_status rl_auth_ensure(rucio_client *c)
{
    rucio_bearer f;

    if (rl_call_check_server(c) != RUCIO_OK)
        return c->_internal.error.status;
    if (c->_internal.credentials_error.status != RUCIO_OK) {
        c->_internal.error = c->_internal.credentials_error;
        return c->_internal.error.status;
    }
    if (c->_internal.token[0] && !expiring(c))
        return RUCIO_OK;
    if (c->_internal.token[0]) {
        rucio_log(&c->_internal.logger, RUCIO_LOG_INFO,
                  "auth token expires within %d s; renewing",
                  RUCIO_TOKEN_RENEW_MARGIN);
    } else {
        f = discovered_token(c);
        if (f == RUCIO_BEARER_FOUND ||
            (f == RUCIO_BEARER_NONE && token_from_cache(c)))
            return RUCIO_OK;
        if (f == RUCIO_BEARER_STOP)
            return c->_internal.error.status;
    }
    rl_auth_forget_token(c);
    return authenticate(c);
}

rucio_status rl_call_with_token(rucio_client *c, const rucio_call *call,
                                size_t *out_body_len)
{
    rucio_status st = rl_auth_ensure(c);

    if (st == RUCIO_OK)
        st = rl_call_send(c, call, out_body_len);
    if (st != RUCIO_OK || c->_internal.response.status != 401)
        return st;
    st = rl_auth_renew(c);
    return st == RUCIO_OK ? rl_call_send(c, call, out_body_len) : st;
}

/* FNV-1a of a token: enough to tell a new bearer token from the one the
 * server refused, without keeping a second copy of a secret (or 4 KiB of
 * stack for one on every renewal). */
static uint64_t token_fingerprint(const char *token)
{
    uint64_t h = 0xcbf29ce484222325u;

    for (; *token; token++)
        h = (h ^ (uint8_t)*token) * 0x100000001b3u;
    return h;
}

rucio_status rl_auth_renew(rucio_client *c)
{
    uint64_t refused_print;
    rucio_bearer f;

    rucio_log(&c->_internal.logger, RUCIO_LOG_INFO,
              "the server refused the auth token; authenticating again");
    c->_internal.cache_tried = 1;
    if (c->_internal.settings.auth_type != RUCIO_AUTH_OIDC) {
        rl_auth_forget_token(c);
        return authenticate(c);
    }
    /* A bearer token comes from outside: only a different one can help. */
    refused_print = token_fingerprint(c->_internal.token);
    f = discovered_token(c);
    if (f == RUCIO_BEARER_FOUND &&
        token_fingerprint(c->_internal.token) != refused_print)
        return RUCIO_OK;
    if (f == RUCIO_BEARER_STOP)
        return c->_internal.error.status;
    return rl_error_set(&c->_internal.error, RUCIO_E_AUTH, "CannotAuthenticate",
                        "the server refused the bearer token");
}
