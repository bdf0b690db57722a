/*
 * rucio-lite (private): erase secrets.
 *
 * A plain memset before an object's lifetime ends may be removed by the
 * compiler as a dead store. With GCC and Clang a compiler barrier after
 * the memset keeps it; elsewhere the bytes are written through a volatile
 * pointer, one at a time.
 */
#ifndef RUCIO_WIPE_H
#define RUCIO_WIPE_H

#include <stddef.h>

void rl_wipe(void *p, size_t n);

#endif /* RUCIO_WIPE_H */
