/*
 * A RUCIO_USER_CONFIG_FILE with every optional feature off and small
 * sizes: plain HTTP, no logging, no transfers, no filesystem, no
 * environment, no authentication type but a token given by the caller.
 * `make test` builds it warning-free, runs the unit tests that apply to it
 * and uses it against the real Rucio server (tests/config/run.sh).
 */
#define RUCIO_WITH_TLS 0
#define RUCIO_WITH_LOG 0
#define RUCIO_WITH_TRANSFER 0
#define RUCIO_WITH_USERPASS 0
#define RUCIO_WITH_OIDC 0
#define RUCIO_WITH_FILES 0
#define RUCIO_WITH_ENV 0
#define RUCIO_WITH_ERROR_CODES 0

#define RUCIO_PATH_MAX 128
#define RUCIO_TOKEN_MAX 3200
#define RUCIO_URL_MAX 1024
#define RUCIO_BODY_MAX 1024
#define RUCIO_ERROR_MAX 256
#define RUCIO_HTTP_HEADER_BUF 4096
#define RUCIO_HTTP_MAX_HEADERS 32
#define RUCIO_HTTP_RX_BUF 512
#define RUCIO_HTTP_TX_BUF 256
