/* rucio-lite: Python's whitespace set (str.isspace) over UTF-8 text. */
#include "rucio/build_config.h"

#if RUCIO_WITH_FILES || RUCIO_WITH_OIDC /* else the Makefile leaves this file out */
#include "client/pyspace.h"

#include <string.h>

/* The non-ASCII code points for which str.isspace() holds (Python 3.11,
 * checked over all of Unicode): U+0085, U+00A0, U+1680, U+2000..U+200A,
 * U+2028, U+2029, U+202F, U+205F and U+3000, in UTF-8. */
static const char *const multibyte_spaces[] = {
    "\xC2\x85", "\xC2\xA0", "\xE1\x9A\x80",
    "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83",
    "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87",
    "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A",
    "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F",
    "\xE3\x80\x80",
};

/* ASCII whitespace for Python includes the four information separators
 * U+001C..U+001F, which C's isspace() does not. */
static int is_ascii_space(unsigned char c)
{
    return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
}

size_t rl_py_space_len(const char *s, size_t n)
{
    size_t i;

    if (n == 0)
        return 0;
    if (is_ascii_space((unsigned char)s[0]))
        return 1;
    for (i = 0; i < sizeof multibyte_spaces / sizeof multibyte_spaces[0];
         i++) {
        size_t len = strlen(multibyte_spaces[i]);
        if (len <= n && memcmp(s, multibyte_spaces[i], len) == 0)
            return len;
    }
    return 0;
}

/* Every multi-byte space starts with a lead byte (0xC2, 0xE1..0xE3), which
 * can never be the tail of another sequence, so matching the last 2 or 3
 * bytes finds a whole character. */
size_t rl_py_space_len_before(const char *s, size_t n)
{
    size_t len;

    for (len = 1; len <= 3 && len <= n; len++)
        if (rl_py_space_len(s + n - len, len) == len)
            return len;
    return 0;
}

void rl_py_strip(const char *s, size_t *start, size_t *end)
{
    size_t k;

    while (*start < *end &&
           (k = rl_py_space_len(s + *start, *end - *start)) != 0)
        *start += k;
    while (*end > *start &&
           (k = rl_py_space_len_before(s + *start, *end - *start)) != 0)
        *end -= k;
}
#endif /* RUCIO_WITH_FILES || RUCIO_WITH_OIDC */
