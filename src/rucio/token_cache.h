/*
 * rucio-lite (private): the token cache shared with the Python client.
 *
 * Same place and format as rucio-clients (BaseClient._get_auth_tokens,
 * __write_token): the file holds the raw token only;
 *
 *   <tmp>/<user>/.rucio_<user>[@<vo>]/auth_token_for_account_<account>
 *
 * with "auth_token_for_default_account" when no account is set, "@<vo>"
 * only for a VO other than "def", and [client] auth_token_file_path
 * replacing the whole path when set. <tmp> is Python's
 * tempfile.gettempdir() (TMPDIR, TEMP, TMP, /tmp, /var/tmp, /usr/tmp, the
 * working directory: the first writable directory), <user> is
 * getpass.getuser() (LOGNAME, USER, LNAME, USERNAME, the user database).
 * The directory is created with mode 0700 and the file written through a
 * temporary file renamed over it, mode 0600.
 */
#ifndef RUCIO_TOKEN_CACHE_H
#define RUCIO_TOKEN_CACHE_H

#include <stddef.h>

#include "rucio/port.h"

/* The token file path for account (NULL or "" for none) and vo, or the
 * override when it is non-empty. Needs the port's file and environment
 * parts: RUCIO_E_UNSUPPORTED without them. */
rucio_status rucio_token_cache_path(const rucio_port *port,
                                    const char *account, const char *vo,
                                    const char *override, char *out,
                                    size_t cap);

/* Read the cached token (the first line of the file) into token.
 * RUCIO_E_FILE when there is none; an empty file counts as none. */
rucio_status rucio_token_cache_read(const rucio_port *port, const char *path,
                                    char *token, size_t cap);

/* Store token at path, creating its directory (0700) when missing. */
rucio_status rucio_token_cache_write(const rucio_port *port, const char *path,
                                     const char *token);

#endif /* RUCIO_TOKEN_CACHE_H */
