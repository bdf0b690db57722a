/* rucio-lite: log dispatch to the caller's callback. */
#include "rucio/log.h"

#if RUCIO_WITH_LOG
#include <stdarg.h>
#include <stdio.h>

void rucio_log(const rucio_logger *logger, rucio_log_level level,
               const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    if (!logger || !logger->fn || level > logger->max_level)
        return;
    va_start(ap, fmt);
    (void)vsnprintf(msg, sizeof msg, fmt, ap); /* a long one is cut */
    va_end(ap);
    logger->fn(logger->user, level, msg);
}
#endif
