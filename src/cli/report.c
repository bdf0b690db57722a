/* rucio-lite command-line tool: errors on stderr and exit codes. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/*
 * The exit code follows the exception class a person reads first, so one
 * class always exits the same way whatever status carried it (gss is
 * refused locally as CannotAuthenticate with RUCIO_E_UNSUPPORTED, a wrong
 * password by the server with RUCIO_E_AUTH: both exit 3). Classes not
 * listed (the server's RSENotFound, AccessDenied, ...) go by status.
 */
static const struct {
    const char *exception_class;
    int exit_code;
} class_exit_codes[] = {
    {"CannotAuthenticate", CLI_EXIT_AUTH},
    {"NoAuthInformation", CLI_EXIT_AUTH},
    {"InputValidationError", CLI_EXIT_USAGE},
    {"ServerConnectionException", CLI_EXIT_NETWORK},
    {"MissingClientParameter", CLI_EXIT_ERROR},
    {"ConfigNotFound", CLI_EXIT_ERROR},
    {"ConfigurationError", CLI_EXIT_ERROR},
    {"ConfigLoadingError", CLI_EXIT_ERROR},
    {"ClientProtocolNotFound", CLI_EXIT_ERROR},
    {"FileConsistencyMismatch", CLI_EXIT_VERIFY},
};

static int exit_code_for_class(const char *cls)
{
    size_t i;

    for (i = 0; i < sizeof class_exit_codes / sizeof class_exit_codes[0];
         i++)
        if (strcmp(cls, class_exit_codes[i].exception_class) == 0)
            return class_exit_codes[i].exit_code;
    return -1;
}

static int exit_code_for_status(rucio_status st)
{
    switch (st) {
    case RUCIO_E_INVALID_ARG:
    case RUCIO_E_BAD_HEADER:
        return CLI_EXIT_USAGE;
    case RUCIO_E_AUTH:
    case RUCIO_E_NO_AUTH_INFO:
        return CLI_EXIT_AUTH;
    case RUCIO_E_SERVER:
    case RUCIO_E_JSON:
    case RUCIO_E_BODY_TOO_LARGE:
    case RUCIO_E_PROTOCOL:
    case RUCIO_E_HEADER_TOO_LARGE:
    case RUCIO_E_TOO_MANY_HEADERS:
    case RUCIO_E_REDIRECT:
    case RUCIO_E_BAD_ANSWER:
    case RUCIO_E_STORAGE:
        return CLI_EXIT_SERVER;
    case RUCIO_E_DNS:
    case RUCIO_E_CONNECT:
    case RUCIO_E_TIMEOUT:
    case RUCIO_E_IO:
    case RUCIO_E_CLOSED:
    case RUCIO_E_TLS:
    case RUCIO_E_TLS_VERIFY:
    case RUCIO_E_TRUNCATED:
        return CLI_EXIT_NETWORK;
    case RUCIO_E_CHECKSUM:
        return CLI_EXIT_VERIFY;
    default:
        return CLI_EXIT_ERROR;
    }
}

/* Length of the UTF-8 sequence at s (2 to 4), or 0 when s does not start
 * one that is well formed. C1 controls (U+0080 to U+009F) count as not
 * printable: terminals act on them as on ESC sequences. */
static size_t printable_utf8_length(const unsigned char *s)
{
    size_t n, i;

    if (s[0] >= 0xc2 && s[0] <= 0xdf)
        n = 2;
    else if (s[0] >= 0xe0 && s[0] <= 0xef)
        n = 3;
    else if (s[0] >= 0xf0 && s[0] <= 0xf4)
        n = 4;
    else
        return 0;
    for (i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    if (s[0] == 0xc2 && s[1] < 0xa0)
        return 0;
    return n;
}

void cli_put_text(FILE *f, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;

    while (*s) {
        size_t n = *s >= 0x80 ? printable_utf8_length(s) : 0;

        if (n) {
            fwrite(s, 1, n, f);
            s += n;
        } else if (*s == '\\') {
            fputs("\\\\", f);
            s++;
        } else if (*s < 0x20 || *s >= 0x7f) {
            fprintf(f, "\\x%02x", *s);
            s++;
        } else {
            fputc(*s++, f);
        }
    }
}

void cli_put_line(const char *text)
{
    cli_put_text(stdout, text);
    putchar('\n');
}

/* A certificate the client could not verify: say against what, and
 * how to trust another CA. */
static void explain_verification_failure(const rucio_client *client)
{
    char store[RUCIO_PATH_MAX + 64];

    cli_describe_trust_store(client, store, sizeof store);
    fputs("rucio-lite: the server's certificate was checked against ",
          stderr);
    cli_put_text(stderr, store);
    fputs(";\nrucio-lite: to trust another CA, give --ca-certificate "
          "FILE|DIR, set ca_cert in\nrucio-lite: rucio.cfg's [client] "
          "section, or set X509_CERT_DIR (docs/cli.md)\n", stderr);
}

static int exit_code_for(const rucio_error *e)
{
    int rc = exit_code_for_class(e->exception_class);

    return rc >= 0 ? rc : exit_code_for_status(e->status);
}

/* The CLI's one run-wide switch, set by main before any command. */
static int report_verbose;

void cli_report_verbose(int verbose)
{
    report_verbose = verbose;
}

int cli_report(const rucio_client *client)
{
    const rucio_error *e = rucio_client_last_error(client);

    if (report_verbose)
        cli_verbose_result(client);

    cli_put_text(stderr, e->exception_class[0] ? e->exception_class
                                               : "RucioException");
    fputs(": ", stderr);
    cli_put_text(stderr, e->message[0] ? e->message : rucio_strerror(e->status));
    fputc('\n', stderr);
    if (e->status == RUCIO_E_TLS_VERIFY)
        explain_verification_failure(client);
    return exit_code_for(e);
}
