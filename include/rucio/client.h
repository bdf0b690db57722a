/*
 * rucio-lite: the Rucio client.
 *
 * The C counterpart of the Python client's BaseClient plus the calls
 * PingClient.ping, AccountClient.whoami and CredentialClient.get_signed_url.
 * A rucio_client is owned by the caller (on the stack, static storage or
 * inside another struct) and holds every buffer the calls need; nothing is
 * allocated by rucio-lite itself (mbedTLS allocates its own record buffers).
 *
 * Typical use:
 *
 *     rucio_port port;
 *     rucio_client_options opt;
 *     static rucio_client client;
 *     char url[2048];
 *
 *     rucio_port_posix_init(&port);
 *     rucio_client_options_default(&opt);
 *     opt.port = &port;
 *     if (rucio_client_init(&client, &opt) == RUCIO_OK &&
 *         rucio_get_signed_url(&client, "SITE", "s3", "read",
 *                              "https://s3.example.org/bucket/key",
 *                              RUCIO_SIGNED_URL_LIFETIME, url,
 *                              sizeof url) == RUCIO_OK)
 *         puts(url);
 *     else
 *         fprintf(stderr, "%s: %s\n",
 *                 rucio_client_last_error(&client)->exception_class,
 *                 rucio_client_last_error(&client)->message);
 *     rucio_client_free(&client);
 *
 * Settings left NULL in the options come from the environment and
 * rucio.cfg with the Python client's precedence (docs/user-guide.md).
 */
#ifndef RUCIO_CLIENT_H
#define RUCIO_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "rucio/build_config.h"
#include "rucio/http.h"
#include "rucio/log.h"
#include "rucio/port.h"
#include "rucio/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RUCIO_LITE_VERSION "0.1.0"

/* get_signed_url's default lifetime in seconds, as in the Python client. */
#define RUCIO_SIGNED_URL_LIFETIME 3600

/* Sizes and switches: include/rucio/build_config.h. */

/* ---- options --------------------------------------------------------------- */

/*
 * What the Python BaseClient constructor takes, plus what a C caller needs.
 * A NULL string means "not given here": the environment and rucio.cfg are
 * consulted. Strings are copied by rucio_client_init.
 */
typedef struct rucio_client_options {
    const rucio_port *port;       /* required; must outlive the client */
    rucio_logger logger;          /* fn NULL: no logging */

    const char *config_path;      /* rucio.cfg to use, like RUCIO_CONFIG */
    int no_config;                /* 1: never read any rucio.cfg */
    int storage_only;             /* 1: only transfers through signed URLs
                                     (rucio/transfer.h): no Rucio host,
                                     account or credentials needed; the
                                     calls that talk to Rucio refuse */

    const char *rucio_host;       /* e.g. "https://rucio.example.org" */
    const char *auth_host;
    const char *account;
    const char *vo;
    const char *ca_cert;          /* CA file or directory */
    int insecure;                 /* skip server certificate checks: loud,
                                     for throw-away test servers only */
    const char *auth_type;        /* userpass x509 x509_proxy ssh oidc gss,
                                     or "token" for the token below */

    /* Credentials (the Python client's creds dictionary). */
    const char *username;
    const char *password;
    const char *client_cert;
    const char *client_key;
    const char *client_proxy;
    const char *ssh_private_key;
    const char *token;            /* an auth token to use as is */

    /* The same material in memory, for ports without files; it must stay
     * valid while the client lives. PEM includes its terminating NUL in
     * the length (as mbedTLS wants); DER works for certificates. When set,
     * these are used instead of the file forms above. */
    const uint8_t *ca_mem;
    size_t ca_mem_len;
    const uint8_t *client_cert_mem; /* x509: certificate (proxy: all three) */
    size_t client_cert_mem_len;
    const uint8_t *client_key_mem;
    size_t client_key_mem_len;
    const char *ssh_key_mem;        /* ssh: the private key file's text */
    size_t ssh_key_mem_len;

    uint32_t timeout_ms;          /* connect and idle timeout; 0: 600 s */
    uint32_t call_timeout_ms;     /* bound on each public call as a whole
                                     (authentication, retries and back-off
                                     included); 0: the same as timeout_ms */
    const char *user_agent;       /* "rucio-lite" if NULL; "/<version>" added */
    const char *script;           /* X-Rucio-Script; "rucio-lite" if NULL */
} rucio_client_options;

/* Fill with defaults: everything unset, timeout 600 s, and each call
 * bounded by the same 600 s as a whole. */
void rucio_client_options_default(rucio_client_options *opt);

/* ---- errors ------------------------------------------------------------------ */

/*
 * What the last failed call knows. exception_class is the server's
 * ExceptionClass, or the Python client's class for the same local failure
 * (MissingClientParameter, CannotAuthenticate, ServerConnectionException,
 * InputValidationError, ...). code is that class's Rucio error_code
 * (e.g. 52 for RSENotFound), 0 for classes Rucio does not define.
 */
typedef struct rucio_error {
    rucio_status status;
    int http_status;              /* 0 when no response was received */
    int code;
    char exception_class[64];
    char message[RUCIO_ERROR_MAX];
} rucio_error;

/* ---- the client ------------------------------------------------------------ */

typedef enum rucio_auth_type {
    RUCIO_AUTH_NONE = 0,
    RUCIO_AUTH_USERPASS,
    RUCIO_AUTH_X509,
    RUCIO_AUTH_X509_PROXY,
    RUCIO_AUTH_SSH,
    RUCIO_AUTH_OIDC,              /* WLCG bearer token discovery only */
    RUCIO_AUTH_GSS,               /* recognised, refused: not supported */
    RUCIO_AUTH_TOKEN              /* a token given by the caller */
} rucio_auth_type;

/* Everything resolved from options, environment and rucio.cfg. */
typedef struct rucio_settings {
    char rucio_host[RUCIO_HTTP_HOST_MAX + 64];
    char auth_host[RUCIO_HTTP_HOST_MAX + 64];
    char account[64];
    char vo[64];
    char auth_type_name[32];
    rucio_auth_type auth_type;
    char ca_cert[RUCIO_PATH_MAX];  /* "" with https: the system default */
    int insecure;
    char username[RUCIO_SECRET_MAX];
    char password[RUCIO_SECRET_MAX];
    char client_cert[RUCIO_PATH_MAX];
    char client_key[RUCIO_PATH_MAX];
    char client_proxy[RUCIO_PATH_MAX];
    char ssh_private_key[RUCIO_PATH_MAX];
    char token_path[RUCIO_PATH_MAX]; /* "" when there is no file cache */
    char user_agent[96];
    char script[96];
    char config_file[RUCIO_PATH_MAX]; /* the rucio.cfg read, "" if none */
    int request_retries;
    uint32_t timeout_ms;
    /* In-memory credentials, borrowed from the options. */
    const uint8_t *ca_mem;
    size_t ca_mem_len;
    const uint8_t *client_cert_mem;
    size_t client_cert_mem_len;
    const uint8_t *client_key_mem;
    size_t client_key_mem_len;
    const char *ssh_key_mem;
    size_t ssh_key_mem_len;
} rucio_settings;

typedef struct rucio_client {
    /* Everything in here is the library's: read it through the functions
     * below (rucio_client_last_error, rucio_client_token, ...). Its
     * layout changes between versions; only its size is the caller's
     * business (the caller owns the memory). */
    struct rucio_client_internal_ {
        rucio_port port;
        rucio_logger logger;
        rucio_settings settings;
        char token[RUCIO_TOKEN_MAX];
        int64_t token_expires;  /* wall seconds; 0 when unknown */
        char token_account[64]; /* X-Rucio-Auth-Account of the token */
        int cache_tried;        /* the token cache was consulted */
        rucio_error error;
        rucio_error credentials_error; /* why the auth type or credentials could
                                         not be resolved at init: the first
                                         call that needs a token reports it */
#if RUCIO_WITH_TLS
        rucio_tls_config tls;
        int tls_ready;
#endif
        rucio_http_conn api_conn;  /* kept alive to the rucio host */
        rucio_http_conn auth_conn; /* to the auth host, client cert if x509 */
#if RUCIO_WITH_TRANSFER
        rucio_http_conn storage_conn; /* signed-URL transfers, never a client
                                         certificate */
        char storage_url[RUCIO_URL_MAX]; /* the signed URL an upload or a
                                            download is using */
#endif
        rucio_http_response response;
        char url[RUCIO_URL_MAX];   /* the request URL being sent */
        char query[RUCIO_URL_MAX]; /* a call's encoded query or JSON body,
                                      kept across re-authentication */
        union {                    /* used at different times, never together */
            char body[RUCIO_BODY_MAX];
#if RUCIO_WITH_FILES
            char config[RUCIO_CONFIG_MAX];
#endif
#if RUCIO_WITH_CERT_FILES
            uint8_t cert_file[RUCIO_TLS_CERT_FILE_MAX]; /* at TLS set-up */
#endif
        } scratch;
        uint32_t auth_requests;   /* authentications sent (statistics) */
        uint32_t call_timeout_ms; /* resolved call_timeout_ms */
        uint64_t
            call_deadline_ms; /* the running call's deadline (port clock) */
    } _internal;
} rucio_client;

/*
 * Resolve settings (options > environment > rucio.cfg, as the Python
 * client does), check them, and load TLS material. Does not touch the
 * network: authentication happens at the first call that needs a token,
 * or at rucio_authenticate, and what is wrong with the auth type or its
 * credentials is reported there, so that ping works with hosts alone.
 * Statuses: RUCIO_OK; RUCIO_E_INVALID_ARG (client NULL, no options or no
 * port); RUCIO_E_BUILD_MISMATCH (the caller was built with another
 * configuration: nothing written); RUCIO_E_CONFIG_NOT_FOUND,
 * RUCIO_E_CONFIG, RUCIO_E_MISSING_PARAM (rucio.cfg and the hosts);
 * RUCIO_E_BAD_URL (a host that is no http(s) URL); RUCIO_E_UNSUPPORTED
 * (a feature left out of this build); RUCIO_E_PORT (a rucio.cfg named
 * with a port without files); RUCIO_E_TLS_CONFIG (CA or client
 * certificate). rucio_client_last_error says which, in the Python
 * client's words.
 */
rucio_status rucio_client_init(rucio_client *client,
                               const rucio_client_options *opt);

/* What rucio_client_init really calls: the caller's view of the structs
 * and the configuration travels with the call, and a caller compiled
 * with other sizes or switches than the library gets
 * RUCIO_E_BUILD_MISMATCH before its memory is touched (nothing is
 * written into *client then). */
RUCIO_NODISCARD
rucio_status rucio_client_init_checked(rucio_client *client,
                                       const rucio_client_options *opt,
                                       size_t client_size,
                                       size_t options_size,
                                       unsigned long signature);
#define rucio_client_init(client, opt)                                        \
    rucio_client_init_checked((client), (opt), sizeof(rucio_client),          \
                              sizeof(rucio_client_options),                   \
                              RUCIO_BUILD_SIGNATURE)

/* Close connections, wipe token and password, release TLS state. NULL is
 * ignored; the client may be initialised again afterwards. */
void rucio_client_free(rucio_client *client);

/* The last failure's details (status RUCIO_OK after a success). */
const rucio_error *rucio_client_last_error(const rucio_client *client);

/*
 * The call statuses, which every call that reaches the server may return:
 * RUCIO_E_DNS, RUCIO_E_CONNECT, RUCIO_E_TIMEOUT, RUCIO_E_IO,
 * RUCIO_E_CLOSED, RUCIO_E_TRUNCATED, RUCIO_E_TLS, RUCIO_E_TLS_VERIFY (the
 * network); RUCIO_E_PROTOCOL, RUCIO_E_HEADER_TOO_LARGE,
 * RUCIO_E_TOO_MANY_HEADERS, RUCIO_E_BODY_TOO_LARGE, RUCIO_E_REDIRECT,
 * RUCIO_E_JSON, RUCIO_E_BAD_ANSWER (a response that is not what the call
 * expects); RUCIO_E_SERVER (the server's own error, its class in
 * rucio_client_last_error).
 */

/* Make sure a usable token is held: from memory, the token cache or a
 * new authentication (renewed when it expires within a minute).
 * Statuses: RUCIO_OK; RUCIO_E_INVALID_ARG (client NULL);
 * RUCIO_E_MISSING_PARAM, RUCIO_E_CONFIG, RUCIO_E_NO_AUTH_INFO,
 * RUCIO_E_UNSUPPORTED (the auth type or its credentials, as resolved at
 * init); RUCIO_E_AUTH (the server refused them); the call statuses. */
RUCIO_NODISCARD
rucio_status rucio_authenticate(rucio_client *client);

/* The account the token is for (settings or the server's answer) and
 * its expiry in wall seconds (0 when unknown, e.g. read from the cache). */
const char *rucio_client_account(const rucio_client *client);
int64_t rucio_client_token_expires(const rucio_client *client);

/* The token held, "" when none: for a caller that hands it on (the CLI's
 * "token --show"). A secret: never log it. */
const char *rucio_client_token(const rucio_client *client);

/* The settings as rucio_client_init resolved them (hosts, account, auth
 * type, trust store, the rucio.cfg read), read-only. */
const rucio_settings *rucio_client_settings(const rucio_client *client);

/* The HTTP status of the last response received, 0 when none. */
int rucio_client_last_http_status(const rucio_client *client);

/* GET /ping: the server version into out (e.g. "41.5.1"). Needs no token
 * and no credentials. Statuses: RUCIO_OK; RUCIO_E_INVALID_ARG (client or
 * out NULL, cap 0); RUCIO_E_NO_SPACE (the version does not fit); the
 * call statuses. */
RUCIO_NODISCARD
rucio_status rucio_ping(rucio_client *client, char *out, size_t cap);

/* Fields of GET /accounts/whoami (nulls as empty strings). */
typedef struct rucio_account_info {
    char account[64];
    char account_type[16];
    char status[16];
    char email[256];
    char created_at[32];
    char updated_at[32];
    char suspended_at[32];
    char deleted_at[32];
} rucio_account_info;

/* GET /accounts/whoami into out. Statuses: RUCIO_OK; RUCIO_E_INVALID_ARG
 * (client or out NULL); those of rucio_authenticate; the call statuses. */
RUCIO_NODISCARD
rucio_status rucio_whoami(rucio_client *client, rucio_account_info *out);

/*
 * GET /credentials/signurl: a URL for `url` on storage `rse`, signed for
 * `service` ("gcs", "s3" or "swift") and `operation` ("read", "write" or
 * "delete"), valid for lifetime seconds (RUCIO_SIGNED_URL_LIFETIME is the
 * Python default). Arguments are checked before any network use: an
 * invalid one is RUCIO_E_INVALID_ARG and nothing is sent.
 * Statuses: RUCIO_OK; RUCIO_E_INVALID_ARG (client or out NULL, cap 0, an
 * RSE, service, operation, URL or lifetime Rucio would refuse);
 * RUCIO_E_NO_SPACE (the signed URL does not fit cap); those of
 * rucio_authenticate; the call statuses.
 */
RUCIO_NODISCARD
rucio_status rucio_get_signed_url(rucio_client *client, const char *rse,
                                  const char *service, const char *operation,
                                  const char *url, int64_t lifetime,
                                  char *out, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* RUCIO_CLIENT_H */
