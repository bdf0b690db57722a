/* rucio-lite: erase secrets so that the stores cannot be optimised away. */
#include "core/wipe.h"

void rl_wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;

    while (n--)
        *v++ = 0;
}
