/*
 * rucio-lite: a command-line Rucio client for signed URLs.
 *
 *   rucio-lite [global options] <command> [command options]
 *
 * Global options mirror the Python `rucio` command's (options.c);
 * everything left out comes from the environment and rucio.cfg as for
 * the Python client.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rucio/port_posix.h"

#if RUCIO_WITH_TLS
#include <mbedtls/version.h>
#endif

void cli_print_help(void)
{
    const cli_command *c;

    printf("usage: rucio-lite [global options] <command> [options]\n\n"
           "commands:\n");
    for (c = cli_commands; c->name; c++)
        printf("  %-8s %s\n", c->name, c->summary);
    printf(
        "\nglobal options, before or after the command (unset ones come "
        "from\nthe environment and rucio.cfg; the names are the `rucio` "
        "command's):\n"
        "  -H, --hostname URL        Rucio server, e.g. https://rucio.example.org\n"
        "                            (also --host)\n"
        "      --auth-host URL       Rucio authentication server\n"
        "  -a, --account NAME        account to act as (also --issuer)\n"
        "      --vo VO               virtual organisation (default: def)\n"
        "  -S, --auth-strategy TYPE  userpass, x509, x509_proxy, ssh or oidc\n"
        "                            (also --auth-type)\n"
        "  -u, --user NAME           user name for userpass\n"
        "      --password PASSWORD   password for userpass; visible in process\n"
        "                            listings: prefer --password-file\n"
        "      --password-file FILE  file whose first line is the password\n"
        "      --certificate FILE    client certificate for x509\n"
        "      --client-key FILE     its private key (mode 400 or 600)\n"
        "      --proxy FILE          X.509 proxy for x509_proxy\n"
        "      --ssh-key FILE        RSA private key for ssh\n"
        "      --ca-certificate PATH CA file or directory to trust\n"
        "      --insecure            do not verify the server (tests only)\n"
        "  -T, --timeout SECONDS     time limit of the whole command, and of\n"
        "                            each connect and read (default 600)\n"
        "  -U, --user-agent NAME     User-Agent (\"/<version>\" is added)\n"
        "      --config FILE         rucio.cfg to read (like RUCIO_CONFIG)\n"
        "  -R, --robot               accepted for `rucio` scripts (no effect)\n"
        "  -v, --verbose             say what happens on stderr: settings,\n"
        "                            requests, responses\n"
        "  -q, --quiet               no progress bar (there is one only when\n"
        "                            stderr is a terminal)\n"
        "  -h, --help                this help; `<command> --help` for one "
        "command\n"
        "      --version             print the versions of rucio-lite and "
        "mbedTLS\n"
        "\nexit codes: 0 ok, 1 local error, 2 usage, 3 authentication, "
        "4 server or storage\nerror, 5 network or TLS, 6 data did not "
        "verify\n"
        "(man rucio-lite or docs/cli.md: environment, files, "
        "troubleshooting)\n");
}

void cli_print_version(void)
{
#if RUCIO_WITH_TLS
    printf("rucio-lite %s (mbedTLS %s)\n", RUCIO_LITE_VERSION,
           MBEDTLS_VERSION_STRING);
#else
    printf("rucio-lite %s (without TLS)\n", RUCIO_LITE_VERSION);
#endif
}

static void log_to_stderr(void *user, rucio_log_level level, const char *msg)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};

    (void)user;
    fprintf(stderr, "rucio-lite: %s: %s\n", names[level], msg);
}

/* Give the client what the command line decided. -v is the library's
 * debug level: request lines and connections (never a query or a
 * secret), as `rucio -v` shows its debug log. */
static void configure(cli *app, const cli_command *cmd)
{
    rucio_port_posix_init(&app->port);
    app->opt.port = &app->port;
    /* Command names are short constants: this always fits. */
    (void)snprintf(app->script, sizeof app->script, "rucio-lite::%s",
                   cmd->name);
    app->opt.script = app->script;
    app->opt.storage_only = cmd->storage_only;
    app->opt.logger.fn = log_to_stderr;
    app->opt.logger.max_level =
        app->verbose ? RUCIO_LOG_DEBUG : RUCIO_LOG_WARN;
}

static int run_command(cli *app, const cli_command *cmd, int argc,
                       char **argv)
{
    rucio_status st;
    int rc;

    configure(app, cmd);
    cli_report_verbose(app->verbose);
    /* -v's log lines would break the progress bar's line. */
    cli_progress_quiet(app->quiet || app->verbose);
    st = rucio_client_init(&app->client, &app->opt);
    if (app->verbose)
        cli_verbose_settings(&app->client);
    if (st != RUCIO_OK) {
        rc = cli_report(&app->client);
    } else {
        rc = cmd->run(&app->client, argc, argv);
        /* A failure told its outcome before its error line. */
        if (app->verbose && rc == CLI_EXIT_OK)
            cli_verbose_result(&app->client);
    }
    rucio_client_free(&app->client);
    return rc;
}

/* A result that never reached stdout (a full disk, a closed pipe) must
 * not end with success: a signed URL would be lost with exit 0. */
static int flush_output(int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    fprintf(stderr, "rucio-lite: could not write the output\n");
    return rc == CLI_EXIT_OK ? CLI_EXIT_ERROR : rc;
}

/* The command at argv[0] with its global options taken out, run. */
static int dispatch(cli *app, int argc, char **argv)
{
    const cli_command *cmd = cli_find_command(argv[0]);
    int rc;

    if (!cmd) {
        fprintf(stderr, "rucio-lite: unknown command '%s'; see rucio-lite "
                        "--help\n", argv[0]);
        return CLI_EXIT_USAGE;
    }
    if (cli_wants_help(argc, argv)) {
        cli_print_command_help(cmd);
        return CLI_EXIT_OK;
    }
    rc = cli_parse_after_command(app, cmd, &argc, argv);
    if (rc >= 0)
        return rc; /* --version, or a bad global option */
    if (cli_check_arguments(cmd, argc, argv) != 0)
        return CLI_EXIT_USAGE;
    return run_command(app, cmd, argc, argv);
}

int main(int argc, char **argv)
{
    static cli app;
    int rc, first = 0;

    rucio_client_options_default(&app.opt);
    rc = cli_parse_before_command(&app, argc, argv, &first);
    if (rc < 0 && first >= argc) {
        cli_print_help();
        rc = CLI_EXIT_USAGE;
    } else if (rc < 0) {
        rc = dispatch(&app, argc - first, argv + first);
    }
    memset(app.password, 0, sizeof app.password);
    return flush_output(rc);
}
