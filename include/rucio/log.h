/*
 * rucio-lite: logging.
 *
 * The library prints nothing. It hands each message to a callback chosen by
 * the caller, with a level; a NULL callback discards everything, and
 * building with RUCIO_WITH_LOG=0 removes the calls and their strings.
 * Secrets (tokens, passwords, keys) are never part of a message.
 */
#ifndef RUCIO_LOG_H
#define RUCIO_LOG_H

#include "rucio/build_config.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rucio_log_level {
    RUCIO_LOG_ERROR = 0,
    RUCIO_LOG_WARN,
    RUCIO_LOG_INFO,
    RUCIO_LOG_DEBUG
} rucio_log_level;

/* msg is NUL-terminated and only valid during the call. */
typedef void (*rucio_log_fn)(void *user, rucio_log_level level,
                             const char *msg);

typedef struct rucio_logger {
    rucio_log_fn fn;          /* NULL: no logging */
    void *user;
    rucio_log_level max_level; /* messages above this level are dropped */
} rucio_logger;

#if RUCIO_WITH_LOG
/* printf-style; formats into a small stack buffer and truncates. */
void rucio_log(const rucio_logger *logger, rucio_log_level level,
               const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
#else
/* Compiled out: a no-op the optimiser removes with its format string,
 * yet every argument still counts as used (no warnings in callers). */
static inline void rucio_log_nothing_(const rucio_logger *logger,
                                      rucio_log_level level,
                                      const char *fmt, ...)
{
    (void)logger;
    (void)level;
    (void)fmt;
}
#define rucio_log rucio_log_nothing_
#endif

#ifdef __cplusplus
}
#endif

#endif /* RUCIO_LOG_H */
