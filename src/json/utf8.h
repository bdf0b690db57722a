/*
 * rucio-lite (private): UTF-8 as RFC 3629 defines it.
 *
 * Shared by the JSON layer (strings must be valid UTF-8, \u escapes are
 * written out as UTF-8) and by the config reader above it (Python decodes
 * rucio.cfg as strict UTF-8 and refuses the file otherwise).
 */
#ifndef RUCIO_JSON_UTF8_H
#define RUCIO_JSON_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Longest UTF-8 sequence, in bytes. */
#define RUCIO_UTF8_MAX 4

/*
 * Decode the sequence that starts at s[0], reading at most n bytes.
 * Returns its length (1 to 4) and stores the code point, or returns 0 when
 * the bytes are not well-formed: a stray continuation byte, a truncated
 * sequence, an overlong form, a surrogate (U+D800..U+DFFF) or a value above
 * U+10FFFF. Python's strict "utf-8" codec refuses exactly the same.
 */
size_t rl_utf8_decode(const char *s, size_t n, uint32_t *out_cp);

/* Encode a scalar value (not a surrogate, at most U+10FFFF) into out and
 * return the number of bytes written (1 to 4). */
size_t rl_utf8_encode(uint32_t cp, char out[RUCIO_UTF8_MAX]);

#endif /* RUCIO_JSON_UTF8_H */
