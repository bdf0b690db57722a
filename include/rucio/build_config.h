/*
 * rucio-lite: compile-time configuration.
 *
 * Every size and feature switch of the library has a default here. An
 * integrator overrides them without editing this file: define
 * RUCIO_USER_CONFIG_FILE to the name of a header of their own (for example
 * -DRUCIO_USER_CONFIG_FILE='"my_rucio_config.h"') whose #defines are read
 * first; anything it leaves out keeps the default below. The same
 * definitions must be used to build the library and every file that
 * includes its headers, since they change struct sizes.
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

/* ---- HTTP sizes ------------------------------------------------------------ */

/* Longest host name accepted in a URL (RFC 1035 limit is 253). */
#ifndef RUCIO_HTTP_HOST_MAX
#define RUCIO_HTTP_HOST_MAX 255
#endif

/* Bytes buffered while writing a request head before it is sent. A head
 * larger than this is sent in several writes; it is not a limit. */
#ifndef RUCIO_HTTP_TX_BUF
#define RUCIO_HTTP_TX_BUF 1024
#endif

/* Bytes read from the connection at a time. */
#ifndef RUCIO_HTTP_RX_BUF
#define RUCIO_HTTP_RX_BUF 2048
#endif

/* Storage for the response status line and headers. Rucio tokens are up to
 * 3072 characters and arrive as a header, so keep this well above that. A
 * response whose headers do not fit fails with RUCIO_E_HEADER_TOO_LARGE. */
#ifndef RUCIO_HTTP_HEADER_BUF
#define RUCIO_HTTP_HEADER_BUF 16384
#endif

/* Most response header lines kept; more is RUCIO_E_TOO_MANY_HEADERS. */
#ifndef RUCIO_HTTP_MAX_HEADERS
#define RUCIO_HTTP_MAX_HEADERS 64
#endif

/* Longest header line (name, colon, value) accepted by the parser. */
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

/* Largest client certificate or key file (an x509 proxy with VOMS
 * attributes is about 10 KB). rucio_tls_config_init reads it through the
 * port into a stack buffer of this size: mbedTLS's own file loader cannot
 * be used, as it rejects the critical proxyCertInfo extension of RFC 3820
 * proxies. */
#ifndef RUCIO_TLS_CERT_FILE_MAX
#define RUCIO_TLS_CERT_FILE_MAX 32768
#endif

#endif /* RUCIO_BUILD_CONFIG_H */
