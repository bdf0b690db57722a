/* rucio-lite: bounded string builder with a sticky overflow status. */
#include "rucio/strbuf.h"

#include <string.h>

void rucio_strbuf_init(rucio_strbuf *b, char *data, size_t cap)
{
    b->data = data;
    b->cap = cap;
    b->len = 0;
    b->status = (data && cap) ? RUCIO_OK : RUCIO_E_NO_SPACE;
    if (b->status == RUCIO_OK)
        data[0] = '\0';
}

void rucio_strbuf_append(rucio_strbuf *b, const char *s, size_t n)
{
    if (b->status != RUCIO_OK)
        return;
    if (n >= b->cap - b->len) {
        b->status = RUCIO_E_NO_SPACE;
        return;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void rucio_strbuf_puts(rucio_strbuf *b, const char *s)
{
    rucio_strbuf_append(b, s, strlen(s));
}

void rucio_strbuf_putc(rucio_strbuf *b, char c)
{
    rucio_strbuf_append(b, &c, 1);
}

void rucio_strbuf_put_u64(rucio_strbuf *b, uint64_t v)
{
    char digits[20];
    size_t n = sizeof digits;

    do {
        digits[--n] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    rucio_strbuf_append(b, digits + n, sizeof digits - n);
}

void rucio_strbuf_put_i64(rucio_strbuf *b, int64_t v)
{
    if (v < 0) {
        rucio_strbuf_putc(b, '-');
        /* Negate in unsigned arithmetic: INT64_MIN has no positive twin. */
        rucio_strbuf_put_u64(b, 0u - (uint64_t)v);
        return;
    }
    rucio_strbuf_put_u64(b, (uint64_t)v);
}

rucio_status rucio_strbuf_copy(char *dst, size_t cap, const char *src)
{
    rucio_strbuf b;

    rucio_strbuf_init(&b, dst, cap);
    rucio_strbuf_puts(&b, src);
    return b.status;
}
