/*
 * Entropy on a board without a hardware random generator: an NV seed.
 *
 * The image carries FW_NV_SEED_LEN random bytes in a flash section of their
 * own (.nvseed), written into each image after the link by
 * firmware/provision-seed.py from the build host's /dev/urandom: every
 * image (every device) gets its own seed, and the source holds none. The
 * zero bytes below are only the placeholder the provisioning replaces: an
 * image that still holds them refuses to start TLS.
 *
 * mbedTLS's entropy module (MBEDTLS_ENTROPY_NV_SEED) reads the seed as its
 * strong source and, on first use, writes back a new seed derived from the
 * old one, so that the next boot does not repeat this one's random
 * numbers. On QEMU "flash" is RAM and the update lasts until the emulator
 * stops, so the test provisions a fresh seed for every run; a real board
 * programs the seed sector (board_flash_program).
 */
#include <string.h>

#include <mbedtls/entropy.h>
#include <mbedtls/platform.h>

#include "board/board.h"
#include "fw.h"

#define FW_NV_SEED_LEN MBEDTLS_ENTROPY_BLOCK_SIZE

/* The layout provision-seed.py looks for: the marker, then the seed. */
struct fw_nv_seed {
    char marker[16];
    uint8_t seed[FW_NV_SEED_LEN];
};

/* volatile: the bytes change after compilation; never fold them. */
__attribute__((section(".nvseed"), used, aligned(16)))
const volatile struct fw_nv_seed fw_nv_seed = {
    {'r', 'u', 'c', 'i', 'o', '-', 'n', 'v', 's', 'e', 'e', 'd', '-', 'v', '1', '\0'},
    {0},
};

static mbedtls_entropy_context entropy;

static int seed_provisioned(void)
{
    uint8_t any = 0;
    for (size_t i = 0; i < FW_NV_SEED_LEN; i++)
        any |= fw_nv_seed.seed[i];
    return any != 0;
}

static int seed_read(unsigned char *buf, size_t len)
{
    if (len > FW_NV_SEED_LEN || !seed_provisioned())
        return -1;
    for (size_t i = 0; i < len; i++)
        buf[i] = fw_nv_seed.seed[i];
    return (int)len;
}

static int seed_write(unsigned char *buf, size_t len)
{
    if (len > FW_NV_SEED_LEN ||
        board_flash_program(fw_nv_seed.seed, buf, len) != 0)
        return -1;
    return (int)len;
}

int fw_entropy_start(void)
{
    if (!seed_provisioned())
        return -1;
    mbedtls_platform_set_nv_seed(seed_read, seed_write);
    mbedtls_entropy_init(&entropy);
    return 0;
}

rucio_status fw_random(void *ctx, uint8_t *buf, size_t len)
{
    (void)ctx;
    while (len > 0) {
        size_t n = len < MBEDTLS_ENTROPY_BLOCK_SIZE ? len : MBEDTLS_ENTROPY_BLOCK_SIZE;
        if (mbedtls_entropy_func(&entropy, buf, n) != 0)
            return RUCIO_E_PORT;
        buf += n;
        len -= n;
    }
    return RUCIO_OK;
}
