/*
 * rucio-lite (private): the request writer without its check, for the
 * connection, which checks a request once before it opens anything.
 */
#ifndef RUCIO_HTTP_REQUEST_INTERNAL_H
#define RUCIO_HTTP_REQUEST_INTERNAL_H

#include "rucio/http.h"

/* rucio_http_write_head for a request that rucio_http_request_check has
 * already accepted, and arguments known to be valid: a long token is
 * not scanned twice per request. */
rucio_status rl_http_write_checked_head_(const rucio_http_request *req,
                                         uint8_t *buf, size_t cap,
                                         rucio_http_write_fn write,
                                         void *ctx);

#endif /* RUCIO_HTTP_REQUEST_INTERNAL_H */
