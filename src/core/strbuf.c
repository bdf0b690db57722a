/* rucio-lite: bounded string builder with a sticky overflow status. */
#include "rucio/strbuf.h"

#include <stdarg.h>
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

/* ---- formatting ----------------------------------------------------------- */

/* As much of s as fits; the rest is dropped and the buffer marked full. */
static void append_fitting(rucio_strbuf *b, const char *s, size_t n)
{
    size_t room;

    if (b->status != RUCIO_OK)
        return;
    room = b->cap - 1 - b->len;
    if (n > room) {
        rucio_strbuf_append(b, s, room);
        b->status = RUCIO_E_NO_SPACE;
        return;
    }
    rucio_strbuf_append(b, s, n);
}

/* One conversion's field: the flags and sizes printf would read. */
typedef struct field {
    int zero;             /* '0' flag */
    size_t width;
    int precision;        /* -1: none */
    int longs;            /* 0, 1 (l) or 2 (ll) */
    int size_t_arg;       /* z */
} field;

static const char *read_field(const char *f, va_list *ap, field *out)
{
    memset(out, 0, sizeof *out);
    out->precision = -1;
    if (*f == '0') {
        out->zero = 1;
        f++;
    }
    while (*f >= '0' && *f <= '9')
        out->width = out->width * 10 + (size_t)(*f++ - '0');
    if (f[0] == '.' && f[1] == '*') {
        out->precision = va_arg(*ap, int);
        f += 2;
    }
    for (; *f == 'l'; f++)
        out->longs++;
    if (*f == 'z') {
        out->size_t_arg = 1;
        f++;
    }
    return f;
}

static uint64_t unsigned_arg(va_list *ap, const field *fl)
{
    if (fl->size_t_arg)
        return va_arg(*ap, size_t);
    if (fl->longs >= 2)
        return va_arg(*ap, unsigned long long);
    if (fl->longs == 1)
        return va_arg(*ap, unsigned long);
    return va_arg(*ap, unsigned int);
}

static int64_t signed_arg(va_list *ap, const field *fl)
{
    if (fl->longs >= 2)
        return va_arg(*ap, long long);
    if (fl->longs == 1)
        return va_arg(*ap, long);
    return va_arg(*ap, int);
}

/* v in base 10 or 16, right-aligned in the field's width. */
static void put_number(rucio_strbuf *b, const field *fl, int negative,
                       uint64_t v, unsigned base, int upper)
{
    const char *digit = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char text[24];
    size_t n = sizeof text, len;

    do {
        text[--n] = digit[v % base];
        v /= base;
    } while (v);
    if (negative)
        text[--n] = '-';
    for (len = sizeof text - n; len < fl->width && len < sizeof text; len++)
        text[--n] = fl->zero && !negative ? '0' : ' ';
    append_fitting(b, text + n, sizeof text - n);
}

/* strlen, stopping at max (strnlen is POSIX, not C11). */
static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

static void put_conversion(rucio_strbuf *b, char conv, const field *fl,
                           va_list *ap)
{
    const char *s;
    int64_t i;
    char c;

    switch (conv) {
    case 's':
        s = va_arg(*ap, const char *);
        s = s ? s : "(null)";
        append_fitting(b, s, bounded_len(s, fl->precision >= 0
                                                ? (size_t)fl->precision
                                                : SIZE_MAX));
        break;
    case 'd':
    case 'i':
        i = signed_arg(ap, fl);
        put_number(b, fl, i < 0, i < 0 ? 0u - (uint64_t)i : (uint64_t)i, 10,
                   0);
        break;
    case 'u':
        put_number(b, fl, 0, unsigned_arg(ap, fl), 10, 0);
        break;
    case 'x':
    case 'X':
        put_number(b, fl, 0, unsigned_arg(ap, fl), 16, conv == 'X');
        break;
    case 'c':
        c = (char)va_arg(*ap, int);
        append_fitting(b, &c, 1);
        break;
    default: /* '%' and anything this formatter does not know */
        append_fitting(b, "%", 1);
        break;
    }
}

void rucio_strbuf_vformat(rucio_strbuf *b, const char *fmt, va_list ap)
{
    va_list args;
    field fl;

    va_copy(args, ap);
    while (*fmt && b->status == RUCIO_OK) {
        const char *pct = strchr(fmt, '%');

        if (!pct) {
            append_fitting(b, fmt, strlen(fmt));
            break;
        }
        append_fitting(b, fmt, (size_t)(pct - fmt));
        fmt = read_field(pct + 1, &args, &fl);
        if (!*fmt)
            break;
        put_conversion(b, *fmt++, &fl, &args);
    }
    va_end(args);
}

void rucio_strbuf_format(rucio_strbuf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rucio_strbuf_vformat(b, fmt, ap);
    va_end(ap);
}

/* A text that did not fit ends in "..." (on a UTF-8 character boundary),
 * so that a reader knows it was cut. */
static void mark_cut(rucio_strbuf *b)
{
    size_t at;

    if (b->status == RUCIO_OK || b->cap < 4)
        return;
    at = b->cap - 4;
    while (at > 0 && ((unsigned char)b->data[at] & 0xc0) == 0x80)
        at--;
    memcpy(b->data + at, "...", 4);
    b->len = at + 3;
}

rucio_status rucio_vformat(char *out, size_t cap, const char *fmt, va_list ap)
{
    rucio_strbuf b;

    rucio_strbuf_init(&b, out, cap);
    rucio_strbuf_vformat(&b, fmt, ap);
    mark_cut(&b);
    return b.status;
}

rucio_status rucio_format(char *out, size_t cap, const char *fmt, ...)
{
    rucio_status st;
    va_list ap;

    va_start(ap, fmt);
    st = rucio_vformat(out, cap, fmt, ap);
    va_end(ap);
    return st;
}
