/*
 * rucio-lite command-line tool: shared definitions.
 *
 * main.c dispatches; options.c parses the global options (before and
 * after the command); commands.c holds one function per subcommand;
 * report.c turns errors into messages and exit codes; verbose.c says
 * what happened under -v. Exit codes are part of the interface and are
 * documented in docs/cli.md.
 */
#ifndef RUCIO_CLI_H
#define RUCIO_CLI_H

#include <stdio.h>

#include "rucio/client.h"
#include "rucio/port.h"

enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_ERROR = 1,   /* configuration, files, anything local */
    CLI_EXIT_USAGE = 2,   /* bad options or arguments */
    CLI_EXIT_AUTH = 3,    /* authentication refused or impossible */
    CLI_EXIT_SERVER = 4,  /* the server answered with an error */
    CLI_EXIT_NETWORK = 5, /* connection, TLS or timeout */
    CLI_EXIT_VERIFY = 6   /* data moved did not match its checksums */
};

/* One subcommand: argv[0] is its name; the client is initialised. */
typedef int (*cli_command_fn)(rucio_client *client, int argc, char **argv);

typedef struct cli_command {
    const char *name;
    cli_command_fn run;
    const char *usage;    /* options and arguments after the name */
    const char *summary;  /* one line */
    const char *help;     /* the rest of --help */
    const char *const *options; /* its options, "--name" or, taking a value,
                                   "--name="; NULL-terminated */
    int max_arguments;          /* words besides the options */
    int storage_only;           /* 1: talks only to the storage of a
                                   signed URL, so needs no rucio.cfg */
} cli_command;

/* The entry of cmd->options that arg names, or NULL. */
const char *cli_command_option(const cli_command *cmd, const char *arg);

/* Refuse, before anything is set up, an option the command does not know
 * (naming it) or too many arguments: 0 or CLI_EXIT_USAGE. */
int cli_check_arguments(const cli_command *cmd, int argc, char **argv);

/* Everything main needs, in one place (and off the stack). */
typedef struct cli {
    rucio_port port;
    rucio_client_options opt;
    rucio_client client;
    char password[RUCIO_SECRET_MAX];
    char script[96];
    int verbose;
    int quiet; /* -q: no progress bar */
} cli;

/* Global options from argv[1] up to the command name, whose index goes
 * to *out_index. Returns -1 to go on, else the exit code to end with
 * (--help, --version, a usage error). */
int cli_parse_before_command(cli *app, int argc, char **argv, int *out_index);

/* Global options among a command's arguments (argv[0] is its name): they
 * are applied and removed, *argc shrinks. Returns as above. */
int cli_parse_after_command(cli *app, const cli_command *cmd, int *argc,
                            char **argv);

void cli_print_help(void);

/* rucio-lite's version, and mbedTLS's when built with TLS. */
void cli_print_version(void);

/* -v: where the settings came from (config file, hosts, auth type,
 * account, trust store), after init whether it succeeded or not. */
void cli_verbose_settings(const rucio_client *client);

/* -v: the outcome of the command (the last response status). */
void cli_verbose_result(const rucio_client *client);

/* The trust store the server's certificate is checked against, as text
 * ("CA file /x.pem", "the default CA bundle /etc/...", ...). */
void cli_describe_trust_store(const rucio_client *client, char *out,
                              size_t cap);

extern const cli_command cli_commands[];

/* upload and download (catalog_cmds.c). */
int cli_cmd_upload(rucio_client *client, int argc, char **argv);
int cli_cmd_download(rucio_client *client, int argc, char **argv);

/* Print "<ExceptionClass>: <message>" for the client's last error on
 * stderr and return the exit code for it. Under -v the outcome
 * (cli_verbose_result) comes first: the error stays the last line. */
int cli_report(const rucio_client *client);

/* Whether cli_report adds the -v outcome (set once, from main). */
void cli_report_verbose(int verbose);

/* Whether transfers draw no progress bar (-q; set once, from main):
 * xfer_progress.c. */
void cli_progress_quiet(int quiet);

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
