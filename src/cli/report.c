/* rucio-lite command-line tool: errors on stderr and exit codes. */
#include <stdio.h>

#include "cli.h"

static int exit_code_for(rucio_status st)
{
    switch (st) {
    case RUCIO_E_INVALID_ARG:
        return CLI_EXIT_USAGE;
    case RUCIO_E_AUTH:
    case RUCIO_E_NO_AUTH_INFO:
        return CLI_EXIT_AUTH;
    case RUCIO_E_SERVER:
    case RUCIO_E_JSON:
    case RUCIO_E_BODY_TOO_LARGE:
        return CLI_EXIT_SERVER;
    case RUCIO_E_DNS:
    case RUCIO_E_CONNECT:
    case RUCIO_E_TIMEOUT:
    case RUCIO_E_IO:
    case RUCIO_E_CLOSED:
    case RUCIO_E_TLS:
    case RUCIO_E_TLS_VERIFY:
    case RUCIO_E_PROTOCOL:
    case RUCIO_E_HEADER_TOO_LARGE:
    case RUCIO_E_TOO_MANY_HEADERS:
    case RUCIO_E_TRUNCATED:
        return CLI_EXIT_NETWORK;
    default:
        return CLI_EXIT_ERROR;
    }
}

int cli_report(const rucio_client *client)
{
    const rucio_error *e = rucio_client_last_error(client);

    if (e->exception_class[0])
        fprintf(stderr, "%s: %s\n", e->exception_class,
                e->message[0] ? e->message : rucio_strerror(e->status));
    else
        fprintf(stderr, "RucioException: %s\n", rucio_strerror(e->status));
    return exit_code_for(e->status);
}
