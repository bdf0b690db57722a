/*
 * rucio-lite: the date formats the Rucio server sends.
 *
 * X-Rucio-Auth-Token-Expires uses "%a, %d %b %Y %H:%M:%S UTC" (always
 * UTC, English names); Retry-After may carry an HTTP-date, which is the
 * same shape ending in "GMT".
 */
#ifndef RUCIO_DATE_H
#define RUCIO_DATE_H

#include <stdint.h>

#include "rucio/status.h"

/* "Sun, 29 Nov 2026 09:19:38 UTC" (or GMT) -> seconds since the epoch.
 * RUCIO_E_INVALID_ARG for anything else. */
rucio_status rl_parse_http_date(const char *text, int64_t *out_epoch);

#endif /* RUCIO_DATE_H */
