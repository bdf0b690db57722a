/*
 * rucio-lite: one status enum for the whole library.
 *
 * Every function that can fail returns a rucio_status. RUCIO_OK is zero so
 * that "if (st != RUCIO_OK)" and "if (st)" both read naturally. Codes are
 * grouped by the layer that normally produces them, but any layer may pass
 * a lower layer's code through unchanged: a caller can always act on the
 * most specific cause.
 */
#ifndef RUCIO_STATUS_H
#define RUCIO_STATUS_H

/* On every function whose status must be looked at: ignoring it warns
 * (GCC, Clang). Functions whose failure is harmless to ignore (a text cut
 * to fit) go without. */
#if defined(__GNUC__)
#define RUCIO_NODISCARD __attribute__((warn_unused_result))
#else
#define RUCIO_NODISCARD
#endif

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rucio_status {
    RUCIO_OK = 0,

    /* Caller mistakes and resource limits (any layer). */
    RUCIO_E_INVALID_ARG,      /* an argument is missing or out of range */
    RUCIO_E_NO_SPACE,         /* a caller-supplied buffer is too small */
    RUCIO_E_UNSUPPORTED,      /* feature compiled out or not supported */
    RUCIO_E_ABORTED,          /* a caller callback asked to stop */
    RUCIO_E_PORT,             /* a port function is missing or failed */

    /* Network (port layer). */
    RUCIO_E_DNS,              /* host name could not be resolved */
    RUCIO_E_CONNECT,          /* no address accepted the connection */
    RUCIO_E_TIMEOUT,          /* a deadline passed */
    RUCIO_E_IO,               /* connection reset or other socket error */
    RUCIO_E_CLOSED,           /* peer closed the connection */

    /* TLS. */
    RUCIO_E_TLS,              /* handshake or record layer failure */
    RUCIO_E_TLS_VERIFY,       /* server certificate rejected */
    RUCIO_E_TLS_CONFIG,       /* CA, certificate or key could not be loaded */

    /* HTTP. */
    RUCIO_E_BAD_URL,          /* URL not absolute http(s) or malformed */
    RUCIO_E_BAD_HEADER,       /* control byte in a request line or header */
    RUCIO_E_PROTOCOL,         /* malformed HTTP response */
    RUCIO_E_HEADER_TOO_LARGE, /* response headers exceed the header buffer */
    RUCIO_E_TOO_MANY_HEADERS, /* more response headers than the limit */
    RUCIO_E_BODY_TOO_LARGE,   /* response body does not fit the caller buffer */
    RUCIO_E_TRUNCATED,        /* connection ended before the message did */

    /* JSON. */
    RUCIO_E_JSON,             /* invalid JSON or unexpected shape */

    /* Rucio client layer. */
    RUCIO_E_CONFIG,           /* rucio.cfg unreadable or invalid */
    RUCIO_E_CONFIG_NOT_FOUND, /* no rucio.cfg where one is required */
    RUCIO_E_MISSING_PARAM,    /* a required client parameter is not set */
    RUCIO_E_NO_AUTH_INFO,     /* credentials for the auth type are missing */
    RUCIO_E_AUTH,             /* the server refused the credentials */
    RUCIO_E_SERVER,           /* the server answered with a Rucio error */
    RUCIO_E_FILE,             /* a local file could not be read or written */

    /* Added after 0.1.0 (kept last so that earlier values do not move). */
    RUCIO_E_REDIRECT,         /* a redirect refused (other origin, auth
                                 request, or too many) */
    RUCIO_E_BAD_ANSWER,       /* a response that is not what the call
                                 expects (e.g. control bytes in a URL) */
    RUCIO_E_STORAGE,          /* the storage refused a signed-URL transfer */
    RUCIO_E_BUILD_MISMATCH,   /* the caller was compiled with other sizes or
                                 switches than the library */
    RUCIO_E_CHECKSUM,         /* data moved do not match their checksums or
                                 size (catalogue, or a file that changed) */

    RUCIO_STATUS_COUNT_       /* not a status; keep last */
} rucio_status;

/* A short, constant, English description of a status. Never NULL. */
const char *rucio_strerror(rucio_status status);

#ifdef __cplusplus
}
#endif

#endif /* RUCIO_STATUS_H */
