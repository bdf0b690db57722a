/* rucio-lite: erase secrets so that the stores cannot be optimised away. */
#include "core/wipe.h"

#include <string.h>

void rl_wipe(void *p, size_t n)
{
#if defined(__GNUC__)
    /* memset at full speed (the buffers wiped hold up to 16 KiB), then an
     * empty asm that the compiler must assume reads all memory through p:
     * the stores cannot be dropped as dead. */
    memset(p, 0, n);
    __asm__ __volatile__("" : : "r"(p) : "memory");
#else
    volatile unsigned char *v = p;

    while (n--)
        *v++ = 0;
#endif
}
