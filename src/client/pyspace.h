/*
 * rucio-lite (private): whitespace as Python's str.isspace() sees it.
 *
 * Python strips config values, option names and paths with str.strip(),
 * and configparser measures indentation with the regex \S; both use the
 * same Unicode whitespace set. A value pasted from a web page that ends in
 * a no-break space therefore works in Python, and must work here too.
 * The text is UTF-8; bytes that are not whitespace (including invalid
 * UTF-8) are simply not stripped.
 */
#ifndef RUCIO_PYSPACE_H
#define RUCIO_PYSPACE_H

#include <stddef.h>

/* Bytes of the whitespace character that starts at s[0] (reading at most
 * n bytes), or 0 if s does not start with one. */
size_t rl_py_space_len(const char *s, size_t n);

/* Bytes of the whitespace character that ends at s[n - 1], or 0. */
size_t rl_py_space_len_before(const char *s, size_t n);

/* Narrow [*start, *end) of s as str.strip() would. */
void rl_py_strip(const char *s, size_t *start, size_t *end);

#endif /* RUCIO_PYSPACE_H */
