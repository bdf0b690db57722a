/*
 * rucio-lite sizes for the firmware (RUCIO_USER_CONFIG_FILE): a client
 * that fits, with mbedTLS's pool and the stack, in 64 KiB of RAM, and
 * still holds a real Rucio token (up to 3 KB, in the auth response's
 * X-Rucio-Auth-Token header).
 */
#ifndef RUCIO_CONFIG_FW_H
#define RUCIO_CONFIG_FW_H

/* TLS and userpass (a given token always works); nothing that needs
 * files, an environment or a third connection. */
#define RUCIO_WITH_LOG 0
#define RUCIO_WITH_TRANSFER 0
#define RUCIO_WITH_X509 0
#define RUCIO_WITH_SSH 0
#define RUCIO_WITH_FILES 0
#define RUCIO_WITH_ENV 0
#define RUCIO_WITH_ERROR_CODES 0  /* 3.4 KB of flash; classes still named */

#define RUCIO_PATH_MAX 64
#define RUCIO_TOKEN_MAX 3200
#define RUCIO_SECRET_MAX 64
#define RUCIO_URL_MAX 1024
#define RUCIO_BODY_MAX 2048        /* a signed URL, a JSON answer */
#define RUCIO_ERROR_MAX 256
#define RUCIO_HTTP_TX_BUF 256
#define RUCIO_HTTP_RX_BUF 512
#define RUCIO_HTTP_HEADER_BUF 4096 /* status line, headers, a 3 KB token */
#define RUCIO_HTTP_MAX_HEADERS 24
#define RUCIO_HTTP_LINE_MAX 3584

#endif /* RUCIO_CONFIG_FW_H */
