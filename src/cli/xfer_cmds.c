/*
 * rucio-lite command-line tool: put, get and delete through a signed URL
 * (rucio/transfer.h), for a URL from `rucio-lite signurl` or any other
 * signer. They never talk to the Rucio server.
 *
 * put and get print one line on stdout when the file moved:
 *     <bytes> adler32:<8 hex> md5:<32 hex>
 * the checksums of the bytes that went over the wire, as Rucio records
 * them. delete prints nothing. The URL is a credential for its lifetime:
 * it is never printed, not even in an error.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "rucio/transfer.h"
#include "xfer.h"

/* The command's words (options are refused before a command runs, by
 * cli_check_arguments; "--" lets a file name start with "-"): exactly
 * count of them, else a usage error naming what is needed. Every word
 * is set, to "" when missing, so that no path reads an unset one. */
static int take_words(const cli_command *cmd, int argc, char **argv,
                      const char **words, int count, const char *needs)
{
    int i, n = 0, dashes = 0;

    for (i = 0; i < count; i++)
        words[i] = "";
    for (i = 1; i < argc; i++) {
        if (!dashes && strcmp(argv[i], "--") == 0) {
            dashes = 1;
            continue;
        }
        if (n == count)
            return cli_usage_error(cmd, needs);
        words[n++] = argv[i];
    }
    return n == count ? 0 : cli_usage_error(cmd, needs);
}

/* Checked before any file is opened or created: a URL the library would
 * refuse must not cost a temporary file. */
static int check_url(const cli_command *cmd, const char *url)
{
    rucio_url parsed;

    if (rucio_url_parse(url, strlen(url), &parsed) == RUCIO_OK)
        return 0;
    return cli_usage_error(cmd, "URL is not an absolute http or https URL");
}

static void print_result(const rucio_transfer_result *r)
{
    printf("%llu adler32:%s md5:%s\n", (unsigned long long)r->bytes,
           r->adler32, r->md5);
}

/* ---- put -------------------------------------------------------------------- */

/* The file's own failure explains an aborted transfer better than the
 * library can (it only knows that the source stopped it). */
static int put_outcome(rucio_client *client, xfer_file_source *file,
                       rucio_status st, const rucio_transfer_result *r)
{
    int rc = xfer_source_report(file);

    if (rc)
        return rc;
    if (st != RUCIO_OK)
        return cli_report(client);
    rc = xfer_source_unchanged(file);
    if (rc)
        return rc;
    print_result(r);
    return CLI_EXIT_OK;
}

int cli_cmd_put(rucio_client *client, int argc, char **argv)
{
    const cli_command *cmd = cli_find_command("put");
    const char *words[2] = {NULL, NULL};
    xfer_file_source file;
    xfer_progress bar;
    rucio_http_source body;
    rucio_transfer_options opt;
    rucio_transfer_result result;
    rucio_status st;
    int rc;

    rc = take_words(cmd, argc, argv, words, 2, "needs a URL and a FILE");
    if (!rc)
        rc = check_url(cmd, words[0]);
    if (!rc)
        rc = xfer_source_open(&file, words[1], &body);
    if (rc)
        return rc;
    xfer_progress_options(&bar, &opt);
    memset(&result, 0, sizeof result);
    st = rucio_transfer_put(client, words[0], &body, &opt, &result);
    xfer_progress_finish(&bar);
    rc = put_outcome(client, &file, st, &result);
    xfer_source_close(&file);
    return rc;
}

/* ---- get -------------------------------------------------------------------- */

/* A body of another length than the storage stated is refused even if
 * the connection did not notice (the library checks framing; this is
 * the size the object has). */
static int size_mismatch(const rucio_transfer_result *r)
{
    if (!r->total || r->bytes == r->total)
        return 0;
    fprintf(stderr, "rucio-lite: the storage sent %llu bytes of an object "
                    "of %llu; nothing was kept\n",
            (unsigned long long)r->bytes, (unsigned long long)r->total);
    return CLI_EXIT_VERIFY;
}

/* Nothing stays behind unless every byte arrived and is on disk. The
 * file's own failure (a full disk) explains an aborted transfer better
 * than the library can. */
static int get_outcome(rucio_client *client, xfer_file_sink *file,
                       rucio_status st, const rucio_transfer_result *r)
{
    int rc;

    if (st != RUCIO_OK) {
        xfer_sink_discard(file);
        rc = xfer_sink_report(file);
        return rc ? rc : cli_report(client);
    }
    rc = size_mismatch(r);
    if (rc) {
        xfer_sink_discard(file);
        return rc;
    }
    if (xfer_sink_commit(file) != 0)
        return xfer_sink_report(file);
    print_result(r);
    return CLI_EXIT_OK;
}

int cli_cmd_get(rucio_client *client, int argc, char **argv)
{
    const cli_command *cmd = cli_find_command("get");
    const char *words[2] = {NULL, NULL};
    xfer_file_sink file;
    xfer_progress bar;
    rucio_http_sink sink;
    rucio_transfer_options opt;
    rucio_transfer_result result;
    rucio_status st;
    int rc;

    rc = take_words(cmd, argc, argv, words, 2, "needs a URL and a FILE");
    if (!rc)
        rc = check_url(cmd, words[0]);
    if (!rc)
        rc = xfer_sink_open(&file, words[1], &sink);
    if (rc)
        return rc;
    xfer_progress_options(&bar, &opt);
    memset(&result, 0, sizeof result);
    st = rucio_transfer_get(client, words[0], &sink, &opt, &result);
    xfer_progress_finish(&bar);
    return get_outcome(client, &file, st, &result);
}

/* ---- delete ----------------------------------------------------------------- */

int cli_cmd_delete(rucio_client *client, int argc, char **argv)
{
    const cli_command *cmd = cli_find_command("delete");
    const char *url = "";
    int rc;

    rc = take_words(cmd, argc, argv, &url, 1, "needs exactly one URL");
    if (!rc)
        rc = check_url(cmd, url);
    if (rc)
        return rc;
    if (rucio_transfer_delete(client, url, NULL) != RUCIO_OK)
        return cli_report(client);
    return CLI_EXIT_OK;
}
