/*
 * mbedTLS configuration for rucio-lite firmware (Cortex-M4, no OS, no heap).
 *
 * Used as MBEDTLS_CONFIG_FILE for both mbedTLS itself (make fw-mbedtls) and
 * every file that includes mbedTLS headers in the firmware (the library's
 * src/tls/ and ssh signing, the firmware's own code): structure sizes follow
 * the configuration, so all of them must see the same one.
 *
 * Written for mbedTLS 3.6 (Debian 13's source package); every option below
 * also exists in 2.28 except where noted.
 *
 * What is in, and why:
 *   - TLS 1.2 client only: ECDHE-ECDSA and ECDHE-RSA with AES-128-GCM and
 *     SHA-256 (the suites of MBEDTLS_SSL_CIPHERSUITES), P-256 key exchange,
 *     server name indication, extended master secret, maximum fragment
 *     length (RFC 6066) for small record buffers.
 *   - X.509 parsing and chain verification, RSA (PKCS#1 v1.5) and ECDSA
 *     P-256 signature verification, PEM and PKCS#8 keys from memory.
 *   - RSA PKCS#1 v1.5 signing with SHA-256 for rucio-lite's ssh
 *     authentication (src/client/ssh_sign.c: pem_read_buffer, rsa_import_raw,
 *     rsa_complete, rsa_check_privkey, rsassa_pkcs1_v15_sign, pk_check_pair).
 *   - CTR_DRBG (the library seeds it from port->random) and the entropy
 *     module with an NV seed as its only source: the firmware's
 *     port->random reads entropy from it (firmware/entropy.c).
 *   - A static pool instead of a heap (MBEDTLS_MEMORY_BUFFER_ALLOC_C); the
 *     default calloc/free are stubs that fail, so nothing links newlib's
 *     malloc; MBEDTLS_MEMORY_DEBUG only for the pool's high-water mark.
 * What is out: threading, the filesystem, the network layer (net_sockets:
 * the modem port carries the bytes), servers, DTLS, renegotiation, CBC,
 * SHA-1/SHA-512, error strings, debug output, PSA (TLS 1.3 in 3.6 needs
 * PSA crypto: not cheap in 64 KiB, so it stays off here).
 */
#ifndef RUCIO_MBEDTLS_CONFIG_FW_H
#define RUCIO_MBEDTLS_CONFIG_FW_H

/* ---- record sizes ---------------------------------------------------------
 * FW_SSL_CONTENT_LEN is the plaintext size of one TLS record in each
 * direction: 16384 is the TLS maximum and works with every server; 4096
 * (the default here) needs a server that honours the maximum fragment
 * length extension (OpenSSL 1.1.1 and later do), and saves about 24 KiB of
 * pool per live connection. Set it with -DFW_SSL_CONTENT_LEN=16384. */
#ifndef FW_SSL_CONTENT_LEN
#define FW_SSL_CONTENT_LEN 4096
#endif
#define MBEDTLS_SSL_IN_CONTENT_LEN FW_SSL_CONTENT_LEN
#define MBEDTLS_SSL_OUT_CONTENT_LEN FW_SSL_CONTENT_LEN

/* ---- system ---------------------------------------------------------------- */
#define MBEDTLS_HAVE_ASM            /* UMAAL multiply-accumulate for bignum */
#define MBEDTLS_HAVE_TIME           /* session and certificate times */
#define MBEDTLS_HAVE_TIME_DATE      /* certificate validity (gmtime_r) */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY     /* calloc/free set at run time */
#define MBEDTLS_PLATFORM_TIME_ALT   /* time() from the firmware's wall clock */
#define MBEDTLS_PLATFORM_MS_TIME_ALT /* mbedtls_ms_time from SysTick (3.6) */
#define MBEDTLS_PLATFORM_NV_SEED_ALT /* NV seed read/write set at run time */
/* No heap: until mbedtls_memory_buffer_alloc_init installs the pool, any
 * allocation fails (these stubs live in firmware/mbedtls_platform.c). */
#define MBEDTLS_PLATFORM_STD_CALLOC fw_mbedtls_no_calloc
#define MBEDTLS_PLATFORM_STD_FREE fw_mbedtls_no_free
/* newlib's gmtime() mallocs its result buffer: use gmtime_r. The pool's
 * debug checks report through fprintf(stderr) and exit(): send both to the
 * firmware's console and its exit (no stdio buffers, which malloc). */
#define MBEDTLS_PLATFORM_GMTIME_R_ALT
#define MBEDTLS_PLATFORM_FPRINTF_MACRO fw_mbedtls_fprintf
#define MBEDTLS_PLATFORM_EXIT_MACRO fw_mbedtls_exit
#include <stddef.h>
void *fw_mbedtls_no_calloc(size_t count, size_t size);
void fw_mbedtls_no_free(void *ptr);
int fw_mbedtls_fprintf(void *stream, const char *fmt, ...);
void fw_mbedtls_exit(int status);
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
#define MBEDTLS_MEMORY_DEBUG        /* mbedtls_memory_buffer_alloc_max_get */
#define MBEDTLS_MEMORY_ALIGN_MULTIPLE 8
#define MBEDTLS_NO_PLATFORM_ENTROPY /* no /dev/urandom, no getrandom */

/* ---- entropy and random numbers ------------------------------------------ */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_ENTROPY_FORCE_SHA256 /* no SHA-512 in the image */
#define MBEDTLS_ENTROPY_NV_SEED      /* the seed in flash is the source */
#define MBEDTLS_CTR_DRBG_C

/* ---- symmetric crypto and hashes ----------------------------------------- */
#define MBEDTLS_AES_C
#define MBEDTLS_AES_ROM_TABLES       /* tables in flash, not 8 KiB of RAM */
#define MBEDTLS_AES_FEWER_TABLES     /* 2 KiB of tables instead of 8 */
#define MBEDTLS_GCM_C
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
#define MBEDTLS_SHA224_C             /* 3.6: SHA-256's module needs it */
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA256_SMALLER
#define MBEDTLS_BASE64_C

/* ---- public-key crypto ----------------------------------------------------- */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_MPI_WINDOW_SIZE 2     /* less RAM in RSA private operations */
#define MBEDTLS_MPI_MAX_SIZE 512      /* RSA up to 4096 bits */
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECP_WINDOW_SIZE 2
#define MBEDTLS_ECP_FIXED_POINT_OPTIM 0 /* no precomputed tables in RAM */
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PEM_PARSE_C

/* ---- X.509 ------------------------------------------------------------------- */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_MAX_INTERMEDIATE_CA 4

/* ---- TLS --------------------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
#define MBEDTLS_SSL_ENCRYPT_THEN_MAC
#define MBEDTLS_SSL_MAX_FRAGMENT_LENGTH
/* No MBEDTLS_SSL_KEEP_PEER_CERTIFICATE: the chain is checked during the
 * handshake and not needed after it (saves its copy in the pool). */
#define MBEDTLS_SSL_CIPHERSUITES                       \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,   \
        MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256

#endif /* RUCIO_MBEDTLS_CONFIG_FW_H */
