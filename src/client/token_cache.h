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
 *
 * The cache may sit in a shared /tmp where another user can plant names
 * first, so it is reached only through the port's private-file functions
 * (rucio_port_fs.read_private_file / write_private_file): the file must be
 * a regular file of ours, and the directory holding it (plus <tmp>/<user>
 * for the default layout) ours and not writable by group or others. A
 * refused directory means no cache at all: the caller warns and goes on
 * with the token in memory only.
 */
#ifndef RUCIO_TOKEN_CACHE_H
#define RUCIO_TOKEN_CACHE_H

#include <stddef.h>

#include "rucio/port.h"

/* The token file path for account (NULL or "" for none) and vo, or the
 * override when it is non-empty. Needs the port's file and environment
 * parts: RUCIO_E_UNSUPPORTED without them. */
rucio_status rl_token_cache_path(const rucio_port *port,
                                 const char *account, const char *vo,
                                 const char *override, char *out,
                                 size_t cap);

/* Directories above the token file that must be private: 2 for the
 * default layout (<user>/.rucio_<user>[@<vo>]/<file>), else 1. */
unsigned rl_token_cache_private_dirs(const char *path);

/* Read the cached token (the first line of the file) into token.
 * RUCIO_E_FILE when there is none; an empty file counts as none. *check
 * (may be NULL) tells a missing cache (RUCIO_FILE_MISSING, or FINE for an
 * empty one) from a refused file or directory. */
rucio_status rl_token_cache_read(const rucio_port *port, const char *path,
                                 char *token, size_t cap,
                                 rucio_file_check *check);

/* Store token at path, creating missing directories with mode 0700;
 * nothing is written through a refused directory (see *check). */
rucio_status rl_token_cache_write(const rucio_port *port, const char *path,
                                  const char *token,
                                  rucio_file_check *check);

/* For a warning about a refused private file (never its content): how
 * much of path names what check->level points at (0 the file, 1 its
 * directory, ...), and why it was refused ("is owned by another user"). */
size_t rl_private_path_len(const char *path, unsigned level);
const char *rl_file_problem_text(const rucio_file_check *check);

#endif /* RUCIO_TOKEN_CACHE_H */
