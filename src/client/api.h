/*
 * rucio-lite (private): one REST call to the rucio host whose answer
 * must have one status; any other becomes the error the server
 * described (ExceptionClass, ExceptionMessage).
 */
#ifndef RUCIO_API_H
#define RUCIO_API_H

#include "client/request.h"

/* Send call (with a token when with_token, obtained or renewed as
 * needed). RUCIO_OK when the response status is expect: its body is in
 * client->_internal.scratch.body, *out_len bytes. */
rucio_status rl_api_call(rucio_client *c, const rucio_call *call,
                         int with_token, int expect, size_t *out_len);

#endif /* RUCIO_API_H */
