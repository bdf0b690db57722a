/*
 * rucio-lite: a bounded string builder over a caller buffer.
 *
 * The error is sticky (as in BearSSL): once an append does not fit, the
 * builder records RUCIO_E_NO_SPACE, keeps what fitted before it, ignores
 * every later append, and the caller checks the status once at the end.
 * The text is always NUL-terminated while cap > 0.
 */
#ifndef RUCIO_STRBUF_H
#define RUCIO_STRBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "rucio/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rucio_strbuf {
    char *data;
    size_t cap;   /* bytes available, including the terminating NUL */
    size_t len;   /* bytes of text, excluding the NUL */
    rucio_status status;
} rucio_strbuf;

void rucio_strbuf_init(rucio_strbuf *b, char *data, size_t cap);
void rucio_strbuf_append(rucio_strbuf *b, const char *s, size_t n);
void rucio_strbuf_puts(rucio_strbuf *b, const char *s);
void rucio_strbuf_putc(rucio_strbuf *b, char c);
void rucio_strbuf_put_u64(rucio_strbuf *b, uint64_t v);
void rucio_strbuf_put_i64(rucio_strbuf *b, int64_t v);

/* Copy the NUL-terminated src into dst[0..cap): RUCIO_OK, or
 * RUCIO_E_NO_SPACE with dst "" when it does not fit whole. */
rucio_status rucio_strbuf_copy(char *dst, size_t cap, const char *src);

#if defined(__GNUC__)
#define RUCIO_PRINTF_(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define RUCIO_PRINTF_(fmt, args)
#endif

/* printf-style text, without libc's printf: the conversions %s (with
 * %.*s), %c, %d, %i, %u, %x, %X (with 0 and a width) and the l, ll and z
 * sizes. What does not fit is cut and marks the buffer full. */
void rucio_strbuf_format(rucio_strbuf *b, const char *fmt, ...)
    RUCIO_PRINTF_(2, 3);
void rucio_strbuf_vformat(rucio_strbuf *b, const char *fmt, va_list ap)
    RUCIO_PRINTF_(2, 0);

/* The one way error text is written: formatted straight into its final
 * buffer; a text that does not fit is cut and ends in "...".
 * RUCIO_E_NO_SPACE when it was cut. */
rucio_status rucio_format(char *out, size_t cap, const char *fmt, ...)
    RUCIO_PRINTF_(3, 4);
rucio_status rucio_vformat(char *out, size_t cap, const char *fmt,
                           va_list ap) RUCIO_PRINTF_(3, 0);

#ifdef __cplusplus
}
#endif

#endif /* RUCIO_STRBUF_H */
