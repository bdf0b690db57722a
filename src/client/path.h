/*
 * rucio-lite (private): file paths the way Python's client treats them.
 *
 * rl_expand_path is BaseClient._expand_path: strip, then
 * os.path.expandvars, os.path.expanduser and os.path.abspath (POSIX
 * rules). rl_path_absolute is os.path.abspath alone (tempfile uses it).
 *
 * The environment comes from port->env and the working directory from
 * port->fs->get_cwd; port itself may be NULL. Without an environment no
 * variable is known and "~" stays as it is. Without a working directory
 * (no fs part, or no get_cwd) a relative path cannot be made absolute: it
 * is only normalised ("a/./b/../c" -> "a/c", "" -> "."), so the result
 * stays relative. Python has no such case.
 *
 * out must hold the result and its NUL; while working, the variable
 * names, the home directory and the working directory are fetched into
 * the part of out not yet used, so a buffer only just large enough for
 * the result may give RUCIO_E_NO_SPACE. On any failure out holds "".
 */
#ifndef RUCIO_PATH_H
#define RUCIO_PATH_H

#include <stddef.h>

#include "rucio/port.h"
#include "rucio/status.h"

/*
 * Expand `in` as Python's client does:
 *   - surrounding whitespace (Python's, see pyspace.h) is stripped; an
 *     empty result is returned as "" with no further step;
 *   - "$NAME" (NAME = [A-Za-z0-9_]+) and "${NAME}" (NAME = anything but
 *     '}') are replaced by the variable's value; an unknown variable, a
 *     '$' followed by anything else and a "${" without '}' stay as
 *     written; a value is not expanded again;
 *   - then a leading "~" (up to the first '/') becomes $HOME, else the
 *     current user's home (port->env->user_home(NULL)); "~user" becomes
 *     that user's home; trailing '/' of the home are dropped; an unknown
 *     user leaves the path as it is;
 *   - then as rl_path_absolute.
 * RUCIO_OK, RUCIO_E_NO_SPACE, RUCIO_E_INVALID_ARG (NULL in or out), or the
 * error get_cwd returned (Python raises when os.getcwd() fails).
 */
rucio_status rl_expand_path(const rucio_port *port, const char *in,
                            char *out, size_t cap);

/*
 * os.path.abspath(path): a relative path is joined to the working
 * directory, then normalised as posixpath.normpath does: "." and empty
 * components go, ".." removes the component before it (never above the
 * root), and a path starting with exactly two slashes keeps both (POSIX
 * leaves "//" implementation-defined); three or more become one.
 * Same results as rl_expand_path.
 */
rucio_status rl_path_absolute(const rucio_port *port, const char *path,
                              char *out, size_t cap);

#endif /* RUCIO_PATH_H */
