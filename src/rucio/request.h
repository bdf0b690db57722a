/*
 * rucio-lite (private): one Rucio REST call with the Python client's
 * request loop (BaseClient._send_request).
 *
 *   - headers: User-Agent, Accept (any type), Connection: Keep-Alive,
 *     X-Rucio-Auth-Token, X-Rucio-VO, X-Rucio-Script, X-Rucio-Account
 *     (when known), then the call's own;
 *   - at most 3 attempts; a connection error is retried at once (up to
 *     [client] request_retries); 502/503/504 back off min(10, 0.25 * 2^n)
 *     seconds or as Retry-After says; a 401 re-authenticates once;
 *   - redirects (the 303 of whoami) are followed with the same headers.
 */
#ifndef RUCIO_REQUEST_H
#define RUCIO_REQUEST_H

#include <stddef.h>

#include "rucio/client.h"

typedef enum rucio_endpoint {
    RUCIO_ENDPOINT_API = 0, /* the rucio host */
    RUCIO_ENDPOINT_AUTH     /* the auth host */
} rucio_endpoint;

#define RUCIO_CALL_MAX_EXTRA 3

typedef struct rucio_call {
    rucio_endpoint endpoint;
    const char *path;         /* after "<host>/", e.g. "accounts/whoami" */
    const char *query;        /* encoded, without '?'; NULL for none */
    rucio_http_header extra[RUCIO_CALL_MAX_EXTRA]; /* may carry secrets */
    size_t extra_count;
    int anonymous;            /* sent with whatever token is held: none is
                                 obtained and a 401 is final (auth
                                 requests, ping) */
} rucio_call;

/*
 * Send call. RUCIO_OK means a response arrived: it is in client->response
 * (any status) with its body NUL-terminated in client->scratch.body and
 * its length in *out_body_len. A success status's body that does not fit
 * is RUCIO_E_BODY_TOO_LARGE; other bodies are cut to fit (they only feed
 * error messages). Transport failures fill client->error.
 */
rucio_status rucio_call_send(rucio_client *client, const rucio_call *call,
                             size_t *out_body_len);

/* Parse a Retry-After value (delta-seconds or HTTP-date) into
 * milliseconds from now. Nonzero when the value is usable. */
int rucio_retry_after_ms(const char *value, int64_t now_seconds,
                         uint32_t *out_ms);

#endif /* RUCIO_REQUEST_H */
