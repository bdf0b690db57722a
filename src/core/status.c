/* rucio-lite: status texts. */
#include "rucio/status.h"

static const char *const status_text[RUCIO_STATUS_COUNT_] = {
    [RUCIO_OK] = "success",
    [RUCIO_E_INVALID_ARG] = "invalid argument",
    [RUCIO_E_NO_SPACE] = "buffer too small",
    [RUCIO_E_UNSUPPORTED] = "not supported",
    [RUCIO_E_ABORTED] = "aborted by a callback",
    [RUCIO_E_PORT] = "platform port failure",
    [RUCIO_E_DNS] = "host name could not be resolved",
    [RUCIO_E_CONNECT] = "connection failed",
    [RUCIO_E_TIMEOUT] = "timed out",
    [RUCIO_E_IO] = "connection error",
    [RUCIO_E_CLOSED] = "connection closed by peer",
    [RUCIO_E_TLS] = "TLS failure",
    [RUCIO_E_TLS_VERIFY] = "server certificate verification failed",
    [RUCIO_E_TLS_CONFIG] = "TLS certificate or key could not be loaded",
    [RUCIO_E_BAD_URL] = "invalid URL",
    [RUCIO_E_BAD_HEADER] = "control character in a request line or header",
    [RUCIO_E_PROTOCOL] = "malformed HTTP response",
    [RUCIO_E_HEADER_TOO_LARGE] = "response headers too large",
    [RUCIO_E_TOO_MANY_HEADERS] = "too many response headers",
    [RUCIO_E_BODY_TOO_LARGE] = "response body too large for the buffer",
    [RUCIO_E_TRUNCATED] = "connection ended before the response was complete",
    [RUCIO_E_JSON] = "invalid JSON",
    [RUCIO_E_CONFIG] = "invalid configuration",
    [RUCIO_E_CONFIG_NOT_FOUND] = "configuration file not found",
    [RUCIO_E_MISSING_PARAM] = "missing client parameter",
    [RUCIO_E_NO_AUTH_INFO] = "no authentication information",
    [RUCIO_E_AUTH] = "authentication failed",
    [RUCIO_E_SERVER] = "server error",
    [RUCIO_E_FILE] = "file access failed",
    [RUCIO_E_REDIRECT] = "redirect refused",
    [RUCIO_E_BAD_ANSWER] = "unexpected answer from the server",
    [RUCIO_E_STORAGE] = "the storage refused the transfer",
    [RUCIO_E_BUILD_MISMATCH] = ("built with another rucio-lite "
                                "configuration than the library"),
    [RUCIO_E_CHECKSUM] = "checksum or size mismatch",
};

const char *rucio_strerror(rucio_status status)
{
    if ((unsigned)status >= RUCIO_STATUS_COUNT_ || !status_text[status])
        return "unknown status";
    return status_text[status];
}
