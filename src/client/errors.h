/*
 * rucio-lite (private): Rucio errors as the Python client reports them.
 *
 * A failed call leaves a rucio_error in the client: the server's
 * ExceptionClass and ExceptionMessage when it sent them, or, for a local
 * failure, the class the Python client would raise for the same cause.
 */
#ifndef RUCIO_ERRORS_H
#define RUCIO_ERRORS_H

#include <stdarg.h>
#include <stddef.h>

#include "rucio/client.h"

/* error_code of a Rucio exception class (e.g. 52 for RSENotFound), or 0
 * when rucio.common.exception has no class of that name. */
int rl_exception_code(const char *exception_class);

/* Record a failure: status, class (its code is looked up) and a
 * printf-style message (rucio_format: formatted straight into e->message,
 * cut with "..." if it does not fit). Returns status, so that
 * "return rl_error_set(...)" reads well. */
rucio_status rl_error_set(rucio_error *e, rucio_status status,
                          const char *exception_class, const char *fmt,
                          ...) RUCIO_PRINTF_(4, 5);
/* No failure: status RUCIO_OK, everything empty. */
void rl_error_clear(rucio_error *e);

rucio_status rl_error_vset(rucio_error *e, rucio_status status,
                           const char *exception_class, const char *fmt,
                           va_list ap) RUCIO_PRINTF_(4, 0);

/*
 * Fill e from a response that is not a success, as Python's
 * _get_exception does: class and message from the JSON body, else from
 * the ExceptionClass/ExceptionMessage headers, else RucioException and
 * "no error information passed (http status code: N)". A class Rucio does
 * not define (ValueError, KeyError, ...) is kept as text with code 1, the
 * code of the RucioException the Python client raises for it. Status is
 * RUCIO_E_AUTH for CannotAuthenticate and 401, else RUCIO_E_SERVER.
 */
rucio_status rl_error_from_response(rucio_error *e,
                                    const rucio_http_response *resp,
                                    const char *body, size_t body_len);

#endif /* RUCIO_ERRORS_H */
