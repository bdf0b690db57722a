/*
 * rucio-lite (private): the checksums Rucio records for a file, computed
 * incrementally so that a transfer can feed them as bytes pass.
 *
 *   - Adler-32 (RFC 1950), which Rucio stores as 8 lower-case hex digits;
 *   - MD5 (RFC 1321), 32 lower-case hex digits.
 *
 * Both states are small caller-owned structs; nothing allocates.
 */
#ifndef RUCIO_CORE_CHECKSUM_H
#define RUCIO_CORE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

typedef struct rucio_adler32 {
    uint32_t a;
    uint32_t b;
} rucio_adler32;

void rl_adler32_init(rucio_adler32 *c);
void rl_adler32_update(rucio_adler32 *c, const uint8_t *data, size_t len);
uint32_t rl_adler32_value(const rucio_adler32 *c);

typedef struct rucio_md5 {
    uint32_t state[4];
    uint64_t length;     /* bytes hashed so far */
    uint8_t block[64];   /* the partial block */
} rucio_md5;

void rl_md5_init(rucio_md5 *c);
void rl_md5_update(rucio_md5 *c, const uint8_t *data, size_t len);
/* The digest; c must be initialised again before further use. */
void rl_md5_final(rucio_md5 *c, uint8_t out[16]);

/* Text forms as Rucio stores them, NUL-terminated. */
void rl_adler32_hex(uint32_t value, char out[9]);
void rl_md5_hex(const uint8_t digest[16], char out[33]);

#endif /* RUCIO_CORE_CHECKSUM_H */
