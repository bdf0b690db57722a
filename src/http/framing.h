/*
 * rucio-lite (private): what the received header fields say about the
 * response body and the connection (RFC 9112 sections 6 and 9.3).
 */
#ifndef RUCIO_HTTP_FRAMING_H
#define RUCIO_HTTP_FRAMING_H

#include "rucio/http.h"

/* How the body of a response is delimited. */
typedef enum rucio_http_body_kind {
    RUCIO_HTTP_BODY_NONE,        /* no body at all */
    RUCIO_HTTP_BODY_LENGTH,      /* exactly content_length bytes (maybe 0) */
    RUCIO_HTTP_BODY_CHUNKED,     /* chunked transfer coding */
    RUCIO_HTTP_BODY_UNTIL_CLOSE  /* everything until the connection ends */
} rucio_http_body_kind;

/*
 * Decide the framing of the final response whose status line and headers
 * are in *resp, and set resp->chunked, has_content_length, content_length
 * and keep_alive. is_head: the request was HEAD. Framing that could be
 * read in two ways is RUCIO_E_PROTOCOL, so that the response can never be
 * split differently by us and by an intermediary.
 */
rucio_status rl_http_framing_decide(rucio_http_response *resp, int is_head,
                                    rucio_http_body_kind *out_kind);

#endif /* RUCIO_HTTP_FRAMING_H */
