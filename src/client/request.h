/*
 * rucio-lite (private): one Rucio REST call with the Python client's
 * request loop (BaseClient._send_request), below the token policy: the
 * token held is sent, none is obtained here (auth.h's
 * rl_call_with_token does that, and uses this for everything it sends).
 *
 *   - headers: User-Agent, Accept (any type), Connection: Keep-Alive,
 *     X-Rucio-Auth-Token, X-Rucio-VO, X-Rucio-Script, X-Rucio-Account
 *     (when known), then the call's own;
 *   - at most 3 attempts; a connection error before any response is
 *     retried (up to [client] request_retries) and 502/503/504 are
 *     retried, each after a pause drawn uniformly from [0, min(10,
 *     0.25 * 2^n)] seconds (full jitter), added to Retry-After when the
 *     server sent one; nothing else is retried once a response head has
 *     arrived (a 401 goes back to the caller);
 *   - every wait ends by the call's deadline (rl_call_begin);
 *   - redirects (the 303 of whoami) of a GET are followed with the same
 *     headers, only to the same scheme, host and port, never for an
 *     authentication request, at most 5 times; any other method takes
 *     a 3xx as its answer (a 303 would turn a POST into a GET).
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
    const char *method;       /* NULL: GET */
    const char *body;         /* JSON sent with the method; NULL for none */
    rucio_http_header extra[RUCIO_CALL_MAX_EXTRA]; /* may carry secrets */
    size_t extra_count;
} rucio_call;

/* Start a public call: its deadline (now + the client's call timeout)
 * bounds every wait of every request it makes, authentication included;
 * the error record is cleared. */
void rl_call_begin(rucio_client *client);

/* RUCIO_OK when the client has a Rucio host; a storage_only client has
 * none, and every call to Rucio fails here (MissingClientParameter). */
rucio_status rl_call_check_server(rucio_client *client);

/*
 * Send call. RUCIO_OK means a response arrived: it is in client->response
 * (any status) with its body NUL-terminated in client->scratch.body and
 * its length in *out_body_len. A success status's body that does not fit
 * is RUCIO_E_BODY_TOO_LARGE; of other bodies only what fits is read (they
 * only feed error messages). Failures fill client->error.
 */
rucio_status rl_call_send(rucio_client *client, const rucio_call *call,
                          size_t *out_body_len);

/* Append data to the body kept in client->scratch.body (NUL-terminated,
 * *used bytes so far) as far as it fits. RUCIO_E_BODY_TOO_LARGE when
 * some did not fit: the caller stops reading there. */
rucio_status rl_body_keep(rucio_client *client, size_t *used,
                          const uint8_t *data, size_t len);

/* Parse a Retry-After value (delta-seconds or HTTP-date) into
 * milliseconds from now. Nonzero when the value is usable. */
int rl_retry_after_ms(const char *value, int64_t now_seconds,
                      uint32_t *out_ms);

#endif /* RUCIO_REQUEST_H */
