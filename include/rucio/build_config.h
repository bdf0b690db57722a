/*
 * rucio-lite: compile-time configuration, the one place for every size and
 * switch.
 *
 * Each option has a default here, with its unit and allowed range. An
 * integrator overrides them without editing this file: define
 * RUCIO_USER_CONFIG_FILE to the name of a header of their own (for example
 * -DRUCIO_USER_CONFIG_FILE='"my_rucio_config.h"') whose #defines are read
 * first; anything it leaves out keeps the default below. Out-of-range
 * values stop the build with #error.
 *
 * The same definitions must be used to build the library and every file
 * that includes its headers, since they change struct sizes. A caller
 * built with other values is caught by rucio_client_init
 * (RUCIO_E_BUILD_MISMATCH) before any memory is touched.
 */
#ifndef RUCIO_BUILD_CONFIG_H
#define RUCIO_BUILD_CONFIG_H

#ifdef RUCIO_USER_CONFIG_FILE
#include RUCIO_USER_CONFIG_FILE
#endif

/* ---- Feature switches (1 = compiled in, 0 = left out) ------------------ */

/* TLS through mbedTLS. Without it only http:// URLs can be used. */
#ifndef RUCIO_WITH_TLS
#define RUCIO_WITH_TLS 1
#endif

/* Log messages through the caller's log callback. 0 removes every log call
 * and its format strings from the binary. */
#ifndef RUCIO_WITH_LOG
#define RUCIO_WITH_LOG 1
#endif

/* Transfers through signed URLs (rucio/transfer.h): a third connection,
 * to the storage, in every client. */
#ifndef RUCIO_WITH_TRANSFER
#define RUCIO_WITH_TRANSFER 1
#endif

/* The filesystem: rucio.cfg, the token cache files, `~` and $VAR path
 * expansion. Without it every setting comes from rucio_client_options and
 * tokens live in the client only; the config scratch memory
 * (RUCIO_CONFIG_MAX) is not reserved. */
#ifndef RUCIO_WITH_FILES
#define RUCIO_WITH_FILES 1
#endif

/* The environment: RUCIO_CONFIG, RUCIO_ACCOUNT, X509_CERT_DIR and the other
 * variables the Python client reads. */
#ifndef RUCIO_WITH_ENV
#define RUCIO_WITH_ENV 1
#endif

/* Certificate and key *files* (CA file or directory, client certificate,
 * proxy, ssh key), read through the port's file functions. Without it they
 * come from memory only (the *_mem members of rucio_client_options).
 * Default: on when both the filesystem and TLS are. */
#ifndef RUCIO_WITH_CERT_FILES
#if RUCIO_WITH_FILES && RUCIO_WITH_TLS
#define RUCIO_WITH_CERT_FILES 1
#else
#define RUCIO_WITH_CERT_FILES 0
#endif
#endif

/* Authentication types. A token given by the caller (auth type "token")
 * always works; each of these adds one way to obtain a token. An auth type
 * left out is refused by rucio_client_init with RUCIO_E_UNSUPPORTED. */
#ifndef RUCIO_WITH_USERPASS     /* user name and password */
#define RUCIO_WITH_USERPASS 1
#endif
#ifndef RUCIO_WITH_X509         /* x509 and x509_proxy; needs TLS */
#define RUCIO_WITH_X509 RUCIO_WITH_TLS
#endif
#ifndef RUCIO_WITH_SSH          /* ssh with RSA keys; needs TLS, whose
                                   mbedTLS signs the challenge */
#define RUCIO_WITH_SSH RUCIO_WITH_TLS
#endif
#ifndef RUCIO_WITH_OIDC         /* WLCG bearer token discovery; needs the
                                   environment */
#define RUCIO_WITH_OIDC RUCIO_WITH_ENV
#endif

/* Rucio's error codes: the table of its exception classes that gives
 * rucio_error.code its value (52 for RSENotFound, ...), as the Python
 * client's exceptions carry it; about 3.4 KB of flash. Without it code is
 * 0 and the class name is still reported. */
#ifndef RUCIO_WITH_ERROR_CODES
#define RUCIO_WITH_ERROR_CODES 1
#endif

/* ---- Client sizes (bytes unless said otherwise) ---------------------------- */

/* File paths: certificates, keys, token files, rucio.cfg. 64 to 4096. */
#ifndef RUCIO_PATH_MAX
#define RUCIO_PATH_MAX 512
#endif

/* An auth token with its NUL. The Rucio server's tokens are up to 3072
 * characters (JWTs from an identity provider can be longer). 64 to 65536. */
#ifndef RUCIO_TOKEN_MAX
#define RUCIO_TOKEN_MAX 4096
#endif

/* A user name or password with its NUL. 16 to 4096. */
#ifndef RUCIO_SECRET_MAX
#define RUCIO_SECRET_MAX 256
#endif

/* One request URL with its query (a signurl query holds the storage URL,
 * percent-encoded). 256 to 65536. */
#ifndef RUCIO_URL_MAX
#define RUCIO_URL_MAX 4096
#endif

/* One response body kept whole: JSON answers, a signed URL, the start of
 * an error body. 512 to 1048576. */
#ifndef RUCIO_BODY_MAX
#define RUCIO_BODY_MAX 8192
#endif

/* rucio.cfg, read once at init into the client's scratch memory (shared
 * with the body buffer). 1024 to 1048576. */
#ifndef RUCIO_CONFIG_MAX
#define RUCIO_CONFIG_MAX 16384
#endif

/* The ExceptionMessage (or local error text) kept for the caller.
 * 128 to 65536. */
#ifndef RUCIO_ERROR_MAX
#define RUCIO_ERROR_MAX 512
#endif

/* Section headers plus options a rucio.cfg may hold: 10 bytes each in the
 * index on the stack of rucio_client_init. 16 to 65535. */
#ifndef RUCIO_INI_ENTRIES_MAX
#define RUCIO_INI_ENTRIES_MAX 1024
#endif

/* Interpolation work allowed to one rucio.cfg lookup (raw bytes read plus
 * %(name)s references followed), about 20 instructions each: a bound on
 * crafted files, far above any real one. 1024 to 2^30. */
#ifndef RUCIO_INI_STEPS_MAX
#define RUCIO_INI_STEPS_MAX (1024UL * 1024UL)
#endif

/* Largest RSA modulus accepted for ssh authentication, in bits, a multiple
 * of 8. The key text, the decoded key and the signature are on the stack:
 * about 5 KiB for 4096, in proportion. 1024 to mbedTLS's
 * MBEDTLS_MPI_MAX_BITS. */
#ifndef RUCIO_SSH_KEY_MAX_BITS
#define RUCIO_SSH_KEY_MAX_BITS 4096
#endif

/* ---- Client behaviour -------------------------------------------------------- */

/* Trusted CAs when neither the caller, X509_CERT_DIR nor rucio.cfg name any
 * (the Python client falls back to certifi's bundle). A path. */
#ifndef RUCIO_DEFAULT_CA_FILE
#define RUCIO_DEFAULT_CA_FILE "/etc/ssl/certs/ca-certificates.crt"
#endif

/* Longest wait a server's Retry-After may ask for, in milliseconds (also
 * bounded by the timeout and the call's deadline). 0 to 3600000. */
#ifndef RUCIO_RETRY_AFTER_MAX_MS
#define RUCIO_RETRY_AFTER_MAX_MS 60000u
#endif

/* ---- HTTP sizes -------------------------------------------------------------- */

/* Longest host name accepted in a URL (RFC 1035 limit is 253). 16 to 1024. */
#ifndef RUCIO_HTTP_HOST_MAX
#define RUCIO_HTTP_HOST_MAX 255
#endif

/* Bytes buffered while writing a request head before it is sent, and the
 * chunk size of a request body. A larger head is sent in several writes:
 * it is not a limit. 64 to 65536. */
#ifndef RUCIO_HTTP_TX_BUF
#define RUCIO_HTTP_TX_BUF 1024
#endif

/* Bytes read from the connection at a time. 64 to 65536. */
#ifndef RUCIO_HTTP_RX_BUF
#define RUCIO_HTTP_RX_BUF 2048
#endif

/* Storage for the response status line and headers. Rucio tokens are up to
 * 3072 characters and arrive as a header, so keep this well above that. A
 * response whose headers do not fit fails with RUCIO_E_HEADER_TOO_LARGE.
 * 256 to 2^31. */
#ifndef RUCIO_HTTP_HEADER_BUF
#define RUCIO_HTTP_HEADER_BUF 16384
#endif

/* Most response header lines kept; more is RUCIO_E_TOO_MANY_HEADERS.
 * 8 to 4096. */
#ifndef RUCIO_HTTP_MAX_HEADERS
#define RUCIO_HTTP_MAX_HEADERS 64
#endif

/* Longest header line (name, colon, value) accepted by the parser.
 * 256 to 2^31. */
#ifndef RUCIO_HTTP_LINE_MAX
#define RUCIO_HTTP_LINE_MAX 8192
#endif

/* Interim (1xx) responses accepted before the final one; more is
 * RUCIO_E_PROTOCOL. A server never needs more than a couple (100 Continue,
 * 103 Early Hints), and an endless stream would hold a call. 0 to 255. */
#ifndef RUCIO_HTTP_MAX_INTERIM
#define RUCIO_HTTP_MAX_INTERIM 8
#endif

/* ---- TLS sizes ------------------------------------------------------------- */

/* Largest client certificate or key file, plus one (an x509 proxy with
 * VOMS attributes is about 10 KB). The client reads it through the port
 * into its scratch memory (shared with the rucio.cfg text and response
 * bodies, so the default costs nothing beyond RUCIO_CONFIG_MAX): mbedTLS's
 * own file loader cannot be used, as it rejects the critical
 * proxyCertInfo extension of RFC 3820 proxies. 1024 to 1048576. */
#ifndef RUCIO_TLS_CERT_FILE_MAX
#define RUCIO_TLS_CERT_FILE_MAX 16384
#endif

/* ---- Range checks -------------------------------------------------------------- */

#define RUCIO_IN_RANGE_(v, lo, hi) ((v) >= (lo) && (v) <= (hi))

#define RUCIO_IS_BOOL_(v) ((v) == 0 || (v) == 1)

#if !RUCIO_IS_BOOL_(RUCIO_WITH_TLS) || !RUCIO_IS_BOOL_(RUCIO_WITH_LOG) ||     \
    !RUCIO_IS_BOOL_(RUCIO_WITH_TRANSFER) ||                                  \
    !RUCIO_IS_BOOL_(RUCIO_WITH_USERPASS) || !RUCIO_IS_BOOL_(RUCIO_WITH_X509) || \
    !RUCIO_IS_BOOL_(RUCIO_WITH_SSH) || !RUCIO_IS_BOOL_(RUCIO_WITH_OIDC) ||    \
    !RUCIO_IS_BOOL_(RUCIO_WITH_CERT_FILES) ||                                \
    !RUCIO_IS_BOOL_(RUCIO_WITH_FILES) || !RUCIO_IS_BOOL_(RUCIO_WITH_ENV) ||  \
    !RUCIO_IS_BOOL_(RUCIO_WITH_ERROR_CODES)
#error "rucio-lite: the RUCIO_WITH_* switches are 0 or 1"
#endif
#if (RUCIO_WITH_X509 || RUCIO_WITH_SSH) && !RUCIO_WITH_TLS
#error "rucio-lite: RUCIO_WITH_X509 and RUCIO_WITH_SSH need RUCIO_WITH_TLS"
#endif
#if RUCIO_WITH_CERT_FILES && !(RUCIO_WITH_FILES && RUCIO_WITH_TLS)
#error "rucio-lite: RUCIO_WITH_CERT_FILES needs RUCIO_WITH_FILES and RUCIO_WITH_TLS"
#endif
#if RUCIO_WITH_OIDC && !RUCIO_WITH_ENV
#error "rucio-lite: RUCIO_WITH_OIDC needs RUCIO_WITH_ENV"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_PATH_MAX, 64, 4096)
#error "rucio-lite: RUCIO_PATH_MAX must be 64 to 4096"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_TOKEN_MAX, 64, 65536)
#error "rucio-lite: RUCIO_TOKEN_MAX must be 64 to 65536"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_SECRET_MAX, 16, 4096)
#error "rucio-lite: RUCIO_SECRET_MAX must be 16 to 4096"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_URL_MAX, 256, 65536)
#error "rucio-lite: RUCIO_URL_MAX must be 256 to 65536"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_BODY_MAX, 512, 1048576)
#error "rucio-lite: RUCIO_BODY_MAX must be 512 to 1048576"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_CONFIG_MAX, 1024, 1048576)
#error "rucio-lite: RUCIO_CONFIG_MAX must be 1024 to 1048576"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_ERROR_MAX, 128, 65536)
#error "rucio-lite: RUCIO_ERROR_MAX must be 128 to 65536"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_INI_ENTRIES_MAX, 16, 65535)
#error "rucio-lite: RUCIO_INI_ENTRIES_MAX must be 16 to 65535"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_INI_STEPS_MAX, 1024, 1073741824)
#error "rucio-lite: RUCIO_INI_STEPS_MAX must be 1024 to 2^30"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_SSH_KEY_MAX_BITS, 1024, 16384) || \
    RUCIO_SSH_KEY_MAX_BITS % 8 != 0
#error "rucio-lite: RUCIO_SSH_KEY_MAX_BITS must be a multiple of 8, 1024 to 16384"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_RETRY_AFTER_MAX_MS, 0, 3600000)
#error "rucio-lite: RUCIO_RETRY_AFTER_MAX_MS must be 0 to 3600000"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_HTTP_HOST_MAX, 16, 1024)
#error "rucio-lite: RUCIO_HTTP_HOST_MAX must be 16 to 1024"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_HTTP_TX_BUF, 64, 65536) || \
    !RUCIO_IN_RANGE_(RUCIO_HTTP_RX_BUF, 64, 65536)
#error "rucio-lite: RUCIO_HTTP_TX_BUF and RUCIO_HTTP_RX_BUF must be 64 to 65536"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_HTTP_HEADER_BUF, 256, 2147483647)
#error "rucio-lite: RUCIO_HTTP_HEADER_BUF must be 256 to 2^31 - 1"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_HTTP_MAX_HEADERS, 8, 4096)
#error "rucio-lite: RUCIO_HTTP_MAX_HEADERS must be 8 to 4096"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_HTTP_LINE_MAX, 256, 2147483647)
#error "rucio-lite: RUCIO_HTTP_LINE_MAX must be 256 to 2^31 - 1"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_HTTP_MAX_INTERIM, 0, 255)
#error "rucio-lite: RUCIO_HTTP_MAX_INTERIM must be 0 to 255"
#endif
#if !RUCIO_IN_RANGE_(RUCIO_TLS_CERT_FILE_MAX, 1024, 1048576)
#error "rucio-lite: RUCIO_TLS_CERT_FILE_MAX must be 1024 to 1048576"
#endif

/* ---- Build signature ---------------------------------------------------------- */

/* One bit per switch. */
#define RUCIO_FEATURE_BITS_                                                   \
    ((unsigned long)RUCIO_WITH_TLS | (unsigned long)RUCIO_WITH_LOG << 1 |     \
     (unsigned long)RUCIO_WITH_TRANSFER << 2 |                                \
     (unsigned long)RUCIO_WITH_USERPASS << 3 |                                \
     (unsigned long)RUCIO_WITH_X509 << 4 | (unsigned long)RUCIO_WITH_SSH << 5 | \
     (unsigned long)RUCIO_WITH_OIDC << 6 |                                    \
     (unsigned long)RUCIO_WITH_CERT_FILES << 7 |                              \
     (unsigned long)RUCIO_WITH_FILES << 8 | (unsigned long)RUCIO_WITH_ENV << 9 | \
     (unsigned long)RUCIO_WITH_ERROR_CODES << 10)

/* The same switches in the words the Makefile reads (with the
 * preprocessor) to leave the files of a feature out of the build. */
#define RUCIO_FEATURE_LIST_                                                   \
    TLS=RUCIO_WITH_TLS LOG=RUCIO_WITH_LOG TRANSFER=RUCIO_WITH_TRANSFER        \
    USERPASS=RUCIO_WITH_USERPASS X509=RUCIO_WITH_X509 SSH=RUCIO_WITH_SSH      \
    OIDC=RUCIO_WITH_OIDC CERT_FILES=RUCIO_WITH_CERT_FILES                     \
    FILES=RUCIO_WITH_FILES ENV=RUCIO_WITH_ENV                                 \
    ERROR_CODES=RUCIO_WITH_ERROR_CODES

/* The switches and the sizes that shape the public structs, folded into
 * one number that rucio_client_init compares with the library's (with
 * the sizes of the structs themselves). Not a hash to trust with
 * adversaries: a check against honest mistakes. */
#define RUCIO_BUILD_SIGNATURE                                                 \
    (RUCIO_FEATURE_BITS_ ^                                                    \
     ((unsigned long)RUCIO_PATH_MAX * 8u +                                    \
      (unsigned long)RUCIO_TOKEN_MAX * 16u +                                  \
      (unsigned long)RUCIO_SECRET_MAX * 32u +                                 \
      (unsigned long)RUCIO_URL_MAX * 64u +                                    \
      (unsigned long)RUCIO_BODY_MAX * 128u +                                  \
      (unsigned long)RUCIO_CONFIG_MAX * 256u +                                \
      (unsigned long)RUCIO_ERROR_MAX * 512u +                                 \
      (unsigned long)RUCIO_HTTP_HOST_MAX * 1024u +                            \
      (unsigned long)RUCIO_HTTP_TX_BUF * 2048u +                              \
      (unsigned long)RUCIO_HTTP_RX_BUF * 4096u +                              \
      (unsigned long)RUCIO_HTTP_HEADER_BUF * 8192u +                          \
      (unsigned long)RUCIO_HTTP_MAX_HEADERS * 16384u))

#endif /* RUCIO_BUILD_CONFIG_H */
