/*
 * A RUCIO_USER_CONFIG_FILE for `make check-configs`: every optional
 * feature left out and small sizes, as a firmware might choose them. It
 * proves that an integrator's overrides build warning-free.
 */
#define RUCIO_WITH_TLS 0
#define RUCIO_WITH_LOG 0
#define RUCIO_WITH_TRANSFER 0

#define RUCIO_PATH_MAX 128
#define RUCIO_TOKEN_MAX 3200
#define RUCIO_URL_MAX 1024
#define RUCIO_BODY_MAX 1024
#define RUCIO_CONFIG_MAX 2048
#define RUCIO_ERROR_MAX 256
#define RUCIO_HTTP_HEADER_BUF 4096
#define RUCIO_HTTP_MAX_HEADERS 32
#define RUCIO_HTTP_RX_BUF 512
#define RUCIO_HTTP_TX_BUF 256
