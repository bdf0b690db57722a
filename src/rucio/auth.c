/* rucio-lite: authentication and token keeping. */
#include "rucio/auth.h"

#include <string.h>

#include "core/latin1.h"
#include "core/wipe.h"
#include "rucio/date.h"
#include "rucio/errors.h"
#include "rucio/pyspace.h"
#include "rucio/request.h"
#include "rucio/ssh_sign.h"
#include "rucio/token_cache.h"

/* Longest ssh challenge kept ("challenge-<int>-<account>-<epoch>"). */
#define CHALLENGE_MAX 256
/* Base64 of the signature blob for the largest supported RSA key. */
#define SSH_SIGNATURE_MAX (((RUCIO_SSH_KEY_MAX_BITS / 8 + 20) / 3 + 1) * 4 + 1)

static const struct {
    const char *name;
    rucio_auth_type type;
} auth_names[] = {
    {"userpass", RUCIO_AUTH_USERPASS}, {"x509", RUCIO_AUTH_X509},
    {"x509_proxy", RUCIO_AUTH_X509_PROXY}, {"ssh", RUCIO_AUTH_SSH},
    {"oidc", RUCIO_AUTH_OIDC}, {"gss", RUCIO_AUTH_GSS},
    {"token", RUCIO_AUTH_TOKEN},
};

rucio_auth_type rucio_auth_type_from_name(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof auth_names / sizeof auth_names[0]; i++)
        if (strcmp(name, auth_names[i].name) == 0)
            return auth_names[i].type;
    return RUCIO_AUTH_NONE;
}

static void forget_token(rucio_client *c)
{
    rucio_wipe(c->token, sizeof c->token);
    c->token_expires = 0;
    c->token_account[0] = '\0';
}

static int expiring(const rucio_client *c)
{
    return c->token_expires != 0 &&
           c->port.wall_seconds(c->port.ctx) + RUCIO_TOKEN_RENEW_MARGIN >=
               c->token_expires;
}

/* ---- after the server issued a token ------------------------------------ */

/* A token cache file or directory that is not ours alone: say which and
 * why (never the content), then go on with the token in memory. */
static void warn_cache_refused(rucio_client *c, const char *verb,
                               const rucio_file_check *check)
{
    const char *path = c->settings.token_path;

    rucio_log(&c->logger, RUCIO_LOG_WARN,
              "token cache not %s: %s %.*s %s; going on without it", verb,
              check->level ? "directory" : "file",
              (int)rucio_private_path_len(path, check->level), path,
              rucio_file_problem_text(check));
}

static void store_in_cache(rucio_client *c)
{
    rucio_file_check check;
    rucio_status st;

    if (!c->settings.token_path[0])
        return;
    st = rucio_token_cache_write(&c->port, c->settings.token_path, c->token,
                                 &check);
    if (st == RUCIO_OK)
        return;
    if (check.problem != RUCIO_FILE_FAILED)
        warn_cache_refused(c, "written", &check);
    else
        rucio_log(&c->logger, RUCIO_LOG_WARN,
                  "could not write the token cache %s: %s",
                  c->settings.token_path, rucio_strerror(st));
}

static rucio_status accept_token(rucio_client *c)
{
    const rucio_http_response *r = &c->response;
    const char *token = rucio_http_response_header(r, "X-Rucio-Auth-Token");
    const char *expires =
        rucio_http_response_header(r, "X-Rucio-Auth-Token-Expires");
    const char *account = rucio_http_response_header(r, "X-Rucio-Auth-Account");

    if (!token || !*token || strlen(token) >= sizeof c->token)
        return rucio_error_set(&c->error, RUCIO_E_AUTH, "CannotAuthenticate",
                               token && *token
                                   ? "auth token longer than RUCIO_TOKEN_MAX"
                                   : "the server sent no auth token");
    rucio_strbuf_copy(c->token, sizeof c->token, token);
    if (!expires || rucio_parse_http_date(expires, &c->token_expires) != RUCIO_OK)
        c->token_expires = 0;
    rucio_strbuf_copy(c->token_account, sizeof c->token_account,
                account ? account : c->settings.account);
    c->auth_requests++;
    /* Re-authentication is rare: do not keep the auth host's connection. */
    rucio_http_conn_close(&c->auth_conn);
    store_in_cache(c);
    rucio_log(&c->logger, RUCIO_LOG_INFO, "authenticated as %s (%s)",
              c->token_account, c->settings.auth_type_name);
    return RUCIO_OK;
}

/* A refused authentication, as the Python client words it for userpass:
 * CannotAuthenticate("<ExceptionClass>: <ExceptionMessage>"). Used for
 * every auth type, so the server's reason is never lost. */
static rucio_status refused(rucio_client *c, size_t body_len)
{
    char server_class[sizeof c->error.exception_class];
    char message[RUCIO_ERROR_MAX];
    int http_status = c->response.status;

    rucio_error_from_response(&c->error, &c->response, c->scratch.body,
                              body_len);
    rucio_strbuf_copy(server_class, sizeof server_class,
                      c->error.exception_class);
    rucio_strbuf_copy(message, sizeof message, c->error.message);
    rucio_error_set(&c->error, RUCIO_E_AUTH, "CannotAuthenticate",
                    server_class);
    rucio_error_append(&c->error, ": ");
    rucio_error_append(&c->error, message);
    c->error.http_status = http_status;
    return RUCIO_E_AUTH;
}

/* Send an auth request; 200 with a token is the only success. Below 400
 * the answer keeps its own class (e.g. the 206 of several accounts). */
static rucio_status auth_call(rucio_client *c, rucio_call *call)
{
    size_t body_len = 0;
    rucio_status st;

    call->endpoint = RUCIO_ENDPOINT_AUTH;
    call->anonymous = 1;
    st = rucio_call_send(c, call, &body_len);
    if (st != RUCIO_OK)
        return st;
    if (c->response.status >= 400)
        return refused(c, body_len);
    if (c->response.status != 200)
        return rucio_error_from_response(&c->error, &c->response,
                                         c->scratch.body, body_len);
    return RUCIO_OK;
}

/* ---- the auth types ----------------------------------------------------- */

/* A user name or password as the header value Python would send: the
 * same text in ISO-8859-1. A character it cannot carry is refused before
 * anything is sent (the Python client cannot send it either). */
static rucio_status to_header_latin1(rucio_client *c, const char *what,
                                     const char *text, char *out, size_t cap)
{
    rucio_latin1_result r = rucio_latin1_from_utf8(text, out, cap, NULL);

    if (r == RUCIO_LATIN1_OK)
        return RUCIO_OK;
    rucio_error_set(&c->error, RUCIO_E_INVALID_ARG, "InputValidationError",
                    what);
    rucio_error_append(&c->error,
                       r == RUCIO_LATIN1_OUTSIDE
                           ? " holds a character outside ISO-8859-1 "
                             "(Latin-1); HTTP headers carry only Latin-1, so "
                             "the server could never receive it"
                           : " is not valid UTF-8");
    return RUCIO_E_INVALID_ARG;
}

static rucio_status auth_userpass(rucio_client *c)
{
    char username[RUCIO_SECRET_MAX], password[RUCIO_SECRET_MAX];
    rucio_call call;
    rucio_status st;

    st = to_header_latin1(c, "the user name", c->settings.username, username,
                          sizeof username);
    if (st == RUCIO_OK)
        st = to_header_latin1(c, "the password", c->settings.password,
                              password, sizeof password);
    if (st == RUCIO_OK) {
        memset(&call, 0, sizeof call);
        call.path = "auth/userpass";
        call.extra[0].name = "X-Rucio-Username";
        call.extra[0].value = username;
        call.extra[1].name = "X-Rucio-Password";
        call.extra[1].value = password;
        call.extra_count = 2;
        st = auth_call(c, &call);
    }
    rucio_wipe(username, sizeof username);
    rucio_wipe(password, sizeof password);
    return st == RUCIO_OK ? accept_token(c) : st;
}

/* The client certificate (or proxy) is presented by the auth connection's
 * TLS layer; the request itself carries nothing more. */
static rucio_status auth_x509(rucio_client *c, const char *path)
{
    rucio_call call;
    rucio_status st;

    memset(&call, 0, sizeof call);
    call.path = path;
    st = auth_call(c, &call);
    return st == RUCIO_OK ? accept_token(c) : st;
}

static int port_rng(void *ctx, unsigned char *buf, size_t len)
{
    const rucio_port *port = ctx;

    return port->random(port->ctx, buf, len) == RUCIO_OK ? 0 : -1;
}

static rucio_status sign_with_key(rucio_client *c, const char *key,
                                  size_t key_len, const char *challenge,
                                  char *signature, size_t cap)
{
    rucio_status st = rucio_ssh_sign(key, key_len, challenge,
                                     strlen(challenge), port_rng, &c->port,
                                     signature, cap, NULL);

    if (st != RUCIO_OK) {
        rucio_error_set(&c->error, RUCIO_E_AUTH, "CannotAuthenticate",
                        "cannot sign the ssh challenge with the key ");
        rucio_error_append(&c->error, c->settings.ssh_key_mem
                                          ? "given in memory"
                                          : c->settings.ssh_private_key);
        rucio_error_append(&c->error, ": ");
        rucio_error_append(&c->error, st == RUCIO_E_UNSUPPORTED
                                          ? "only unencrypted RSA keys work"
                                          : "not a usable RSA private key");
        return RUCIO_E_AUTH;
    }
    return RUCIO_OK;
}

/* Sign the challenge with the configured key. A key file's text lives in
 * the scratch buffer only while signing and is wiped right after. */
static rucio_status sign_challenge(rucio_client *c, const char *challenge,
                                   char *signature, size_t cap)
{
    size_t key_len = 0;
    rucio_status st;

    if (c->settings.ssh_key_mem)
        return sign_with_key(c, c->settings.ssh_key_mem,
                             c->settings.ssh_key_mem_len, challenge,
                             signature, cap);
    if (!c->port.fs)
        return rucio_error_set(&c->error, RUCIO_E_AUTH, "CannotAuthenticate",
                               "ssh authentication needs the port's file "
                               "access or a key in memory");
    st = c->port.fs->read_file(c->port.ctx, c->settings.ssh_private_key,
                               c->scratch.body, sizeof c->scratch.body,
                               &key_len);
    if (st != RUCIO_OK) {
        /* A file too large for the buffer left its beginning there. */
        rucio_wipe(c->scratch.body, sizeof c->scratch.body);
        rucio_error_set(&c->error, RUCIO_E_AUTH, "CannotAuthenticate",
                        "cannot read the ssh private key ");
        rucio_error_append(&c->error, c->settings.ssh_private_key);
        return RUCIO_E_AUTH;
    }
    st = sign_with_key(c, c->scratch.body, key_len, challenge, signature, cap);
    rucio_wipe(c->scratch.body, sizeof c->scratch.body);
    return st;
}

static rucio_status auth_ssh(rucio_client *c)
{
    char challenge[CHALLENGE_MAX];
    char signature[SSH_SIGNATURE_MAX];
    const char *header;
    rucio_call call;
    rucio_status st;

    memset(&call, 0, sizeof call);
    call.path = "auth/ssh_challenge_token";
    st = auth_call(c, &call);
    if (st != RUCIO_OK)
        return st;
    header = rucio_http_response_header(&c->response,
                                        "X-Rucio-SSH-Challenge-Token");
    if (!header || !*header || strlen(header) >= sizeof challenge)
        return rucio_error_set(&c->error, RUCIO_E_AUTH, "CannotAuthenticate",
                               "the server sent no usable ssh challenge");
    rucio_strbuf_copy(challenge, sizeof challenge, header);
    st = sign_challenge(c, challenge, signature, sizeof signature);
    if (st != RUCIO_OK)
        return st;
    call.path = "auth/ssh";
    call.extra[0].name = "X-Rucio-SSH-Signature";
    call.extra[0].value = signature;
    call.extra_count = 1;
    st = auth_call(c, &call);
    return st == RUCIO_OK ? accept_token(c) : st;
}

/* ---- WLCG bearer token discovery (oidc) ---------------------------------- */

/* Strip Python-style whitespace from c->token in place; nonzero if
 * anything remains. */
static int strip_token(rucio_client *c)
{
    size_t start = 0, end = strlen(c->token);

    rucio_py_strip(c->token, &start, &end);
    memmove(c->token, c->token + start, end - start);
    c->token[end - start] = '\0';
    return c->token[0] != '\0';
}

typedef enum found { FOUND, NOT_HERE, STOP } found;

/* The file named by BEARER_TOKEN_FILE cannot be used: a clear error. */
static found refuse_token_file(rucio_client *c, const char *path,
                               const rucio_file_check *check)
{
    rucio_error_set(&c->error, RUCIO_E_NO_AUTH_INFO, "NoAuthInformation",
                    "BEARER_TOKEN_FILE ");
    rucio_error_append(&c->error, path);
    rucio_error_append(&c->error, check->level ? ": its directory " : " ");
    rucio_error_append(&c->error, rucio_file_problem_text(check));
    rucio_error_append(&c->error, "; not used");
    return STOP;
}

/* A bearer token file, read strictly (a regular file of ours, no symbolic
 * link, no FIFO, at most RUCIO_TOKEN_MAX bytes). A file that is not there
 * moves discovery on; one that is refused ends it when the user named it
 * (named), else is skipped with a warning. */
static found token_from_file(rucio_client *c, const char *path, int named)
{
    rucio_file_check check;
    size_t len = 0;

    if (!c->port.fs->read_private_file)
        return NOT_HERE;
    if (c->port.fs->read_private_file(c->port.ctx, path, 0, c->token,
                                      sizeof c->token - 1, &len,
                                      &check) == RUCIO_OK) {
        c->token[len] = '\0';
        return strip_token(c) ? FOUND : NOT_HERE;
    }
    if (check.problem == RUCIO_FILE_MISSING)
        return NOT_HERE;
    if (named)
        return refuse_token_file(c, path, &check);
    rucio_log(&c->logger, RUCIO_LOG_WARN,
              "bearer token %s %.*s %s; skipped",
              check.level ? "directory" : "file",
              (int)rucio_private_path_len(path, check.level), path,
              rucio_file_problem_text(&check));
    return NOT_HERE;
}

static found token_from_runtime_dirs(rucio_client *c)
{
    const char *xdg = c->port.env->get(c->port.ctx, "XDG_RUNTIME_DIR");
    char path[RUCIO_PATH_MAX];
    rucio_strbuf b;
    found f = NOT_HERE;

    if (xdg && *xdg) {
        rucio_strbuf_init(&b, path, sizeof path);
        rucio_strbuf_puts(&b, xdg);
        rucio_strbuf_puts(&b, "/bt_u");
        rucio_strbuf_put_u64(&b, c->port.env->effective_uid(c->port.ctx));
        if (b.status == RUCIO_OK)
            f = token_from_file(c, path, 0);
        if (f != NOT_HERE)
            return f;
    }
    rucio_strbuf_init(&b, path, sizeof path);
    rucio_strbuf_puts(&b, "/tmp/bt_u");
    rucio_strbuf_put_u64(&b, c->port.env->effective_uid(c->port.ctx));
    return token_from_file(c, path, 0);
}

/* BEARER_TOKEN, BEARER_TOKEN_FILE, $XDG_RUNTIME_DIR/bt_u<uid>,
 * /tmp/bt_u<uid> (rucio.common.utils.wlcg_token_discovery). STOP leaves
 * the reason in c->error. */
static found discover_bearer_token(rucio_client *c)
{
    const char *value;
    found f = NOT_HERE;

    if (!c->port.env)
        return NOT_HERE;
    value = c->port.env->get(c->port.ctx, "BEARER_TOKEN");
    if (value && strlen(value) < sizeof c->token) {
        rucio_strbuf_copy(c->token, sizeof c->token, value);
        if (strip_token(c))
            return FOUND;
    }
    if (!c->port.fs)
        return NOT_HERE;
    value = c->port.env->get(c->port.ctx, "BEARER_TOKEN_FILE");
    if (value && *value)
        f = token_from_file(c, value, 1);
    if (f == NOT_HERE)
        f = token_from_runtime_dirs(c);
    if (f != FOUND)
        forget_token(c);
    return f;
}

/* ---- entry points ---------------------------------------------------------- */

static rucio_status authenticate(rucio_client *c)
{
    rucio_error_set(&c->error, RUCIO_OK, "", "");
    switch (c->settings.auth_type) {
    case RUCIO_AUTH_USERPASS:
        return auth_userpass(c);
    case RUCIO_AUTH_X509:
        return auth_x509(c, "auth/x509");
    case RUCIO_AUTH_X509_PROXY:
        return auth_x509(c, "auth/x509_proxy");
    case RUCIO_AUTH_SSH:
        return auth_ssh(c);
    case RUCIO_AUTH_OIDC:
        return rucio_error_set(&c->error, RUCIO_E_NO_AUTH_INFO,
                               "NoAuthInformation",
                               "no bearer token found (BEARER_TOKEN, "
                               "BEARER_TOKEN_FILE, $XDG_RUNTIME_DIR/bt_u<uid>, "
                               "/tmp/bt_u<uid>); rucio-lite has no interactive "
                               "OIDC login");
    case RUCIO_AUTH_GSS:
        return rucio_error_set(&c->error, RUCIO_E_UNSUPPORTED,
                               "CannotAuthenticate",
                               "auth type 'gss' (Kerberos) is not supported by "
                               "rucio-lite");
    case RUCIO_AUTH_TOKEN:
        return rucio_error_set(&c->error, RUCIO_E_AUTH, "CannotAuthenticate",
                               "the server refused the given auth token");
    default:
        rucio_error_set(&c->error, RUCIO_E_AUTH, "CannotAuthenticate",
                        "auth type '");
        rucio_error_append(&c->error, c->settings.auth_type_name);
        rucio_error_append(&c->error, "' not supported");
        return RUCIO_E_AUTH;
    }
}

static int token_from_cache(rucio_client *c)
{
    rucio_file_check check;

    if (c->cache_tried || !c->settings.token_path[0])
        return 0;
    c->cache_tried = 1;
    if (rucio_token_cache_read(&c->port, c->settings.token_path, c->token,
                               sizeof c->token, &check) != RUCIO_OK) {
        if (check.problem != RUCIO_FILE_FINE &&
            check.problem != RUCIO_FILE_MISSING)
            warn_cache_refused(c, "used", &check);
        forget_token(c);
        return 0;
    }
    rucio_strbuf_copy(c->token_account, sizeof c->token_account,
                c->settings.account);
    rucio_log(&c->logger, RUCIO_LOG_DEBUG, "using the cached token of %s",
              c->settings.token_path);
    return 1;
}

rucio_status rucio_auth_ensure(rucio_client *c)
{
    found f = NOT_HERE;

    if (c->token[0] && !expiring(c))
        return RUCIO_OK;
    if (c->token[0]) {
        rucio_log(&c->logger, RUCIO_LOG_INFO,
                  "auth token expires within %d s; renewing",
                  RUCIO_TOKEN_RENEW_MARGIN);
    } else {
        if (c->settings.auth_type == RUCIO_AUTH_OIDC)
            f = discover_bearer_token(c);
        if (f == FOUND || (f == NOT_HERE && token_from_cache(c)))
            return RUCIO_OK;
        if (f == STOP)
            return c->error.status;
    }
    forget_token(c);
    return authenticate(c);
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

rucio_status rucio_auth_renew(rucio_client *c)
{
    uint64_t refused_print;
    found f;

    rucio_log(&c->logger, RUCIO_LOG_INFO,
              "the server refused the auth token; authenticating again");
    c->cache_tried = 1;
    if (c->settings.auth_type != RUCIO_AUTH_OIDC) {
        forget_token(c);
        return authenticate(c);
    }
    /* A bearer token comes from outside: only a different one can help. */
    refused_print = token_fingerprint(c->token);
    f = discover_bearer_token(c);
    if (f == FOUND && token_fingerprint(c->token) != refused_print)
        return RUCIO_OK;
    if (f == STOP)
        return c->error.status;
    return rucio_error_set(&c->error, RUCIO_E_AUTH, "CannotAuthenticate",
                           "the server refused the bearer token");
}
