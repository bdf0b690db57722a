/* rucio-lite command-line tool: errors on stderr and exit codes. */
#include <stdio.h>

#include "cli.h"

static int exit_code_for(rucio_status st)
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

int cli_report(const rucio_client *client)
{
    const rucio_error *e = rucio_client_last_error(client);

    cli_put_text(stderr, e->exception_class[0] ? e->exception_class
                                               : "RucioException");
    fputs(": ", stderr);
    cli_put_text(stderr, e->message[0] ? e->message : rucio_strerror(e->status));
    fputc('\n', stderr);
    return exit_code_for(e->status);
}
