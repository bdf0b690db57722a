/*
 * rucio-lite command-line tool: the global options.
 *
 * Names, short forms and meanings are those of the Python `rucio`
 * command (its current click version and the argparse one before it), so
 * that scripts carry over; rucio-lite's older spellings stay as aliases.
 * A global option may come before or after the command, as with `rucio`
 * ("rucio-lite whoami -a root"); the command keeps its own options.
 *
 * Long names must be spelled out (no abbreviations, as click): a prefix
 * that matched one option today could match two tomorrow.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum option_id {
    G_HOST, G_AUTH_HOST, G_ACCOUNT, G_AUTH_STRATEGY, G_USER, G_PASSWORD,
    G_PASSWORD_FILE, G_CERT, G_KEY, G_PROXY, G_SSH_KEY, G_CA, G_VO,
    G_TIMEOUT, G_USER_AGENT, G_CONFIG, G_INSECURE, G_ROBOT, G_VERBOSE,
    G_QUIET, G_HELP, G_VERSION
};

typedef struct global_option {
    const char *name; /* the long name, without "--" */
    char letter;      /* the short form, 0 when there is none */
    int takes_value;
    enum option_id id;
} global_option;

/* Several names per meaning: the rucio name first, then the aliases. */
static const global_option options[] = {
    {"hostname", 'H', 1, G_HOST},
    {"host", 0, 1, G_HOST},
    {"auth-host", 0, 1, G_AUTH_HOST},
    {"account", 'a', 1, G_ACCOUNT},
    {"issuer", 0, 1, G_ACCOUNT},
    {"auth-strategy", 'S', 1, G_AUTH_STRATEGY},
    {"auth-type", 0, 1, G_AUTH_STRATEGY},
    {"user", 'u', 1, G_USER},
    {"password", 0, 1, G_PASSWORD},
    {"password-file", 0, 1, G_PASSWORD_FILE},
    {"certificate", 0, 1, G_CERT},
    {"client-key", 0, 1, G_KEY},
    {"proxy", 0, 1, G_PROXY},
    {"ssh-key", 0, 1, G_SSH_KEY},
    {"ca-certificate", 0, 1, G_CA},
    {"vo", 0, 1, G_VO},
    {"timeout", 'T', 1, G_TIMEOUT},
    {"user-agent", 'U', 1, G_USER_AGENT},
    {"config", 0, 1, G_CONFIG},
    {"insecure", 0, 0, G_INSECURE},
    {"robot", 'R', 0, G_ROBOT},
    {"verbose", 'v', 0, G_VERBOSE},
    {"quiet", 'q', 0, G_QUIET},
    {"help", 'h', 0, G_HELP},
    {"version", 0, 0, G_VERSION},
};

#define OPTION_COUNT (sizeof options / sizeof options[0])

static const global_option *find_long(const char *arg, size_t len)
{
    size_t i;

    for (i = 0; i < OPTION_COUNT; i++)
        if (strlen(options[i].name) == len &&
            strncmp(options[i].name, arg, len) == 0)
            return &options[i];
    return NULL;
}

static const global_option *find_short(char letter)
{
    size_t i;

    for (i = 0; i < OPTION_COUNT; i++)
        if (options[i].letter && options[i].letter == letter)
            return &options[i];
    return NULL;
}

/* The first line of a file, without its line ending. A line that does
 * not fit is refused rather than cut: a cut password fails obscurely. */
static int read_password(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "r");
    const char *problem = NULL;
    size_t len;

    if (!f) {
        fprintf(stderr, "rucio-lite: cannot read the password file %s\n",
                path);
        return 0;
    }
    if (!fgets(out, (int)cap, f))
        problem = "is empty";
    else if ((len = strlen(out)) == cap - 1 && out[len - 1] != '\n' &&
             fgetc(f) != EOF)
        problem = "has a first line longer than rucio-lite accepts";
    (void)fclose(f); /* read only: nothing to lose */
    if (problem) {
        memset(out, 0, cap);
        fprintf(stderr, "rucio-lite: the password file %s %s\n", path,
                problem);
        return 0;
    }
    out[strcspn(out, "\r\n")] = '\0';
    return 1;
}

/* --password: copied, then blanked in argv so that later process listings
 * no longer show it (earlier ones did: --password-file is the safe way). */
static int take_password(char *value, char *out, size_t cap)
{
    size_t len = strlen(value);

    if (len >= cap) {
        fprintf(stderr, "rucio-lite: --password is longer than rucio-lite "
                        "accepts\n");
        return 0;
    }
    memcpy(out, value, len + 1);
    memset(value, 0, len);
    return 1;
}

/* Seconds as milliseconds, rounded up: a tiny timeout must stay a tiny
 * timeout, never become 0 (which the library reads as its default). */
static int parse_timeout(const char *text, uint32_t *out_ms)
{
    char *end = NULL;
    double s = strtod(text, &end);
    double ms;

    if (!*text || *end || !(s > 0) || s > 86400.0)
        return 0;
    ms = s * 1000.0;
    *out_ms = (uint32_t)ms;
    if ((double)*out_ms < ms)
        (*out_ms)++;
    return 1;
}

/* Options whose value is a path or a name, straight into the options. */
static int apply_string(cli *app, enum option_id id, const char *value)
{
    rucio_client_options *o = &app->opt;

    switch (id) {
    case G_HOST: o->rucio_host = value; break;
    case G_AUTH_HOST: o->auth_host = value; break;
    case G_ACCOUNT: o->account = value; break;
    case G_AUTH_STRATEGY: o->auth_type = value; break;
    case G_USER: o->username = value; break;
    case G_CERT: o->client_cert = value; break;
    case G_KEY: o->client_key = value; break;
    case G_PROXY: o->client_proxy = value; break;
    case G_SSH_KEY: o->ssh_private_key = value; break;
    case G_CA: o->ca_cert = value; break;
    case G_VO: o->vo = value; break;
    case G_USER_AGENT: o->user_agent = value; break;
    case G_CONFIG: o->config_path = value; break;
    default: return 0;
    }
    return 1;
}

/* The value of an option that takes none: never NULL, so that no
 * branch of apply has to guess. */
static char no_value[1];

/* Apply one option; -1 to go on, else an exit code (help and version
 * end the run with 0). */
static int apply(cli *app, const global_option *g, char *value)
{
    if (apply_string(app, g->id, value))
        return -1;
    switch (g->id) {
    case G_PASSWORD:
        if (!take_password(value, app->password, sizeof app->password))
            return CLI_EXIT_USAGE;
        app->opt.password = app->password;
        return -1;
    case G_PASSWORD_FILE:
        if (!read_password(value, app->password, sizeof app->password))
            return CLI_EXIT_ERROR;
        app->opt.password = app->password;
        return -1;
    case G_TIMEOUT:
        if (!parse_timeout(value, &app->opt.timeout_ms)) {
            fprintf(stderr, "rucio-lite: --timeout needs seconds > 0\n");
            return CLI_EXIT_USAGE;
        }
        app->opt.call_timeout_ms = app->opt.timeout_ms; /* the whole command */
        return -1;
    case G_INSECURE: app->opt.insecure = 1; return -1;
    case G_ROBOT: return -1; /* rucio-lite prints no sizes to format */
    case G_VERBOSE: app->verbose++; return -1;
    case G_QUIET: app->quiet = 1; return -1;
    case G_HELP: cli_print_help(); return CLI_EXIT_OK;
    case G_VERSION: cli_print_version(); return CLI_EXIT_OK;
    default: return CLI_EXIT_ERROR; /* every id is handled above */
    }
}

static int missing_value(const char *spelled)
{
    fprintf(stderr, "rucio-lite: option '%s' needs a value; see rucio-lite "
                    "--help\n", spelled);
    return CLI_EXIT_USAGE;
}

/* "--name" or "--name=value" at argv[*i]. */
static int take_long(cli *app, int argc, char **argv, int *i,
                     const global_option *g)
{
    char *eq = strchr(argv[*i], '=');

    if (!g->takes_value && eq) {
        fprintf(stderr, "rucio-lite: option '--%s' takes no value\n",
                g->name);
        return CLI_EXIT_USAGE;
    }
    if (!g->takes_value)
        return apply(app, g, no_value);
    if (eq)
        return apply(app, g, eq + 1);
    if (*i + 1 >= argc)
        return missing_value(argv[*i]);
    return apply(app, g, argv[++*i]);
}

/* "-vv", "-a root", "-aroot": letters in a row, the one that takes a
 * value ending the group. */
static int take_short(cli *app, int argc, char **argv, int *i)
{
    const char *arg = argv[*i];
    size_t k;

    for (k = 1; arg[k]; k++) {
        const global_option *g = find_short(arg[k]);
        int rc;

        if (!g->takes_value) {
            rc = apply(app, g, no_value);
        } else if (arg[k + 1]) {
            return apply(app, g, argv[*i] + k + 1);
        } else {
            char spelled[3] = {'-', arg[k], '\0'};

            if (*i + 1 >= argc)
                return missing_value(spelled);
            return apply(app, g, argv[++*i]);
        }
        if (rc >= 0)
            return rc;
    }
    return -1;
}

/* Nonzero when every letter of a short group up to the first one taking
 * a value is a global option (and not the command's -h). */
static int is_short_group(const char *arg, int after_command)
{
    size_t k;

    if (arg[0] != '-' || arg[1] == '-' || !arg[1])
        return 0;
    for (k = 1; arg[k]; k++) {
        const global_option *g = find_short(arg[k]);

        if (!g || (after_command && g->id == G_HELP))
            return 0;
        if (g->takes_value)
            return 1;
    }
    return 1;
}

static const global_option *long_option(const char *arg, int after_command)
{
    const global_option *g;

    if (strncmp(arg, "--", 2) != 0 || !arg[2])
        return NULL;
    g = find_long(arg + 2, strcspn(arg + 2, "="));
    return g && after_command && g->id == G_HELP ? NULL : g;
}

/* argv[*i] if it is a global option: applied, *i on its last word. */
static int take_global(cli *app, int argc, char **argv, int *i,
                       int after_command, int *taken)
{
    const global_option *g = long_option(argv[*i], after_command);

    *taken = 1;
    if (g)
        return take_long(app, argc, argv, i, g);
    if (is_short_group(argv[*i], after_command))
        return take_short(app, argc, argv, i);
    *taken = 0;
    return -1;
}

static int unknown_option(const char *arg)
{
    fprintf(stderr, "rucio-lite: unknown option '%.*s'; see rucio-lite "
                    "--help\n", (int)strcspn(arg, "="), arg);
    return CLI_EXIT_USAGE;
}

int cli_parse_before_command(cli *app, int argc, char **argv, int *out_index)
{
    int i, rc, taken;

    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        rc = take_global(app, argc, argv, &i, 0, &taken);
        if (!taken)
            return unknown_option(argv[i]);
        if (rc >= 0)
            return rc;
    }
    *out_index = i;
    return -1;
}

/* A command option that takes a value: the word after it is that value,
 * never a global option ("--rse -v" is an RSE named "-v"). */
static int command_takes_value(const cli_command *cmd, const char *arg)
{
    const char *o = cli_command_option(cmd, arg);

    return o && o[strlen(o) - 1] == '=' && !strchr(arg, '=');
}

int cli_parse_after_command(cli *app, const cli_command *cmd, int *argc,
                            char **argv)
{
    int i, kept = 1, rc, taken;

    for (i = 1; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[kept++] = argv[i++];
            break;
        }
        rc = take_global(app, *argc, argv, &i, 1, &taken);
        if (taken && rc >= 0)
            return rc;
        if (taken)
            continue;
        argv[kept++] = argv[i];
        if (command_takes_value(cmd, argv[i]) && i + 1 < *argc)
            argv[kept++] = argv[++i];
    }
    *argc = kept;
    argv[kept] = NULL;
    return -1;
}
