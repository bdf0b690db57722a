/*
 * rucio-lite (private): UTF-8 text as ISO-8859-1 (Latin-1) bytes.
 *
 * The Python client sends HTTP header values encoded as ISO-8859-1
 * (http.client's default): a password "é" goes out as the byte e9, and
 * the Rucio server decodes it the same way. rucio-lite holds text as
 * UTF-8, so user names and passwords are converted before they become
 * header values; a character above U+00FF cannot be sent at all (Python
 * raises UnicodeEncodeError), and is refused here instead.
 */
#ifndef RUCIO_CORE_LATIN1_H
#define RUCIO_CORE_LATIN1_H

#include <stddef.h>

typedef enum rucio_latin1_result {
    RUCIO_LATIN1_OK = 0,
    RUCIO_LATIN1_NOT_UTF8,  /* the input is not well-formed UTF-8 */
    RUCIO_LATIN1_OUTSIDE,   /* a character above U+00FF (e.g. the euro sign) */
    RUCIO_LATIN1_NO_SPACE   /* out cannot hold the result and its NUL */
} rucio_latin1_result;

/*
 * Convert the NUL-terminated UTF-8 text in into ISO-8859-1 in out
 * (cap bytes, NUL-terminated on success). The result is never longer than
 * the input, so cap >= strlen(in) + 1 always suffices. On failure out is
 * wiped to zeros (it may hold part of a secret). *out_offset, when not
 * NULL, receives the byte offset in in of the first character refused.
 */
rucio_latin1_result rl_latin1_from_utf8(const char *in, char *out,
                                        size_t cap, size_t *out_offset);

#endif /* RUCIO_CORE_LATIN1_H */
