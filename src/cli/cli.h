/*
 * rucio-lite command-line tool: shared definitions.
 *
 * main.c parses the global options and dispatches; commands.c holds one
 * function per subcommand. Exit codes are part of the interface and are
 * documented in docs/cli.md.
 */
#ifndef RUCIO_CLI_H
#define RUCIO_CLI_H

#include <stdio.h>

#include "rucio/client.h"

enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_ERROR = 1,   /* configuration, files, anything local */
    CLI_EXIT_USAGE = 2,   /* bad options or arguments */
    CLI_EXIT_AUTH = 3,    /* authentication refused or impossible */
    CLI_EXIT_SERVER = 4,  /* the server answered with an error */
    CLI_EXIT_NETWORK = 5  /* connection, TLS or timeout */
};

/* One subcommand: argv[0] is its name; the client is initialised. */
typedef int (*cli_command_fn)(rucio_client *client, int argc, char **argv);

typedef struct cli_command {
    const char *name;
    cli_command_fn run;
    const char *usage;    /* options and arguments after the name */
    const char *summary;  /* one line */
    const char *help;     /* the rest of --help */
} cli_command;

extern const cli_command cli_commands[];

/* Print "<ExceptionClass>: <message>" for the client's last error on
 * stderr and return the exit code for it. */
int cli_report(const rucio_client *client);

/* Write text that came from a server to f with every control character,
 * DEL, backslash and byte that is not printable UTF-8 escaped (\x1b,
 * \\): a server must not be able to drive the user's terminal. */
void cli_put_text(FILE *f, const char *text);

/* cli_put_text on stdout, then a newline. */
void cli_put_line(const char *text);

/* Print a usage error for a command on stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const cli_command *cmd, const char *problem);

/* The command named name, or NULL. */
const cli_command *cli_find_command(const char *name);

/* Nonzero when a command's arguments ask for --help (or -h). */
int cli_wants_help(int argc, char **argv);

/* Print a command's --help on stdout. */
void cli_print_command_help(const cli_command *cmd);

#endif /* RUCIO_CLI_H */
