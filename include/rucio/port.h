/*
 * rucio-lite: the port interface.
 *
 * The library reaches the platform only through a rucio_port: a table of
 * function pointers over one opaque context, filled by the integrator and
 * owned by the caller (nothing here is global). The library never blocks
 * except inside these functions, and every blocking call carries an
 * absolute deadline on the port's own monotonic clock.
 *
 * The table has three parts:
 *   - network, time and randomness: required;
 *   - files (rucio_port_fs): optional, NULL on a platform without a
 *     filesystem; rucio.cfg and the token cache then need the caller to
 *     pass everything explicitly and tokens live in memory only;
 *   - environment and user identity (rucio_port_env): optional, NULL when
 *     there are no environment variables.
 *
 * port/posix/ implements all three for Linux and other POSIX systems;
 * port/test/ is a scripted in-memory transport for the unit tests.
 * docs/porting.md explains how to write another one.
 */
#ifndef RUCIO_PORT_H
#define RUCIO_PORT_H

#include <stddef.h>
#include <stdint.h>

#include "rucio/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A port-defined connection handle (a file descriptor on POSIX). */
typedef intptr_t rucio_socket;
#define RUCIO_SOCKET_INVALID ((rucio_socket)-1)

/* Result of one send or receive. A call with len 0 transfers nothing and
 * returns RUCIO_IO_DATA with *out_n 0 (never EOF). */
typedef enum rucio_io {
    RUCIO_IO_DATA = 0, /* *out_n > 0 bytes were transferred */
    RUCIO_IO_AGAIN,    /* nothing transferred yet (would block or was
                          interrupted); call again, the deadline holds */
    RUCIO_IO_TIMEOUT,  /* the deadline passed with nothing transferred */
    RUCIO_IO_EOF,      /* receive only: orderly end of stream from the peer */
    RUCIO_IO_ERROR     /* connection failed (reset, ...); only close remains */
} rucio_io;

/* What the file part reports about a path. */
typedef enum rucio_file_type {
    RUCIO_FILE_NONE = 0, /* does not exist */
    RUCIO_FILE_REGULAR,
    RUCIO_FILE_DIRECTORY,
    RUCIO_FILE_OTHER
} rucio_file_type;

typedef struct rucio_file_info {
    rucio_file_type type;
    unsigned mode;     /* permission bits, e.g. 0600 */
    int writable;      /* nonzero if the caller may write (create in) it */
    int owned;         /* nonzero if the effective user owns it */
    uint64_t size;
} rucio_file_info;

/* Why read_private_file or write_private_file refused a path. */
typedef enum rucio_file_problem {
    RUCIO_FILE_FINE = 0,
    RUCIO_FILE_MISSING,     /* the file or a checked directory is absent */
    RUCIO_FILE_LINK,        /* a symbolic link, or a file with more than
                               one hard link */
    RUCIO_FILE_WRONG_TYPE,  /* a FIFO, device, socket or directory where a
                               regular file belongs, or a directory that is
                               not one */
    RUCIO_FILE_OTHER_OWNER, /* owned by another user than the effective one */
    RUCIO_FILE_SHARED,      /* a directory writable by group or others */
    RUCIO_FILE_TOO_LARGE,   /* more bytes than the caller's buffer */
    RUCIO_FILE_FAILED       /* anything else (permission, I/O, name too
                               long) */
} rucio_file_problem;

/* Where and why: level 0 is the file itself, 1 its directory, 2 the
 * directory above that, and so on. */
typedef struct rucio_file_check {
    rucio_file_problem problem;
    unsigned level;
} rucio_file_check;

/*
 * Optional file access. Paths are NUL-terminated. Each function returns
 * RUCIO_OK or RUCIO_E_FILE (RUCIO_E_NO_SPACE when a buffer is too small).
 */
typedef struct rucio_port_fs {
    /* Fill *out; a missing path is RUCIO_OK with type RUCIO_FILE_NONE. */
    rucio_status (*stat)(void *ctx, const char *path, rucio_file_info *out);

    /* Read a whole file into buf (no terminator added). A file larger than
     * cap is RUCIO_E_NO_SPACE and buf is left unspecified. */
    rucio_status (*read_file)(void *ctx, const char *path, char *buf,
                              size_t cap, size_t *out_len);

    /* Replace path atomically with data: write a temporary file with the
     * given mode in the same directory, then rename it over path. On
     * failure path is left as it was. */
    rucio_status (*write_file_atomic)(void *ctx, const char *path,
                                      const void *data, size_t len,
                                      unsigned mode);

    /* Create one directory with exactly the given mode, whatever the
     * umask. An existing directory is RUCIO_OK and left as it is. */
    rucio_status (*make_dir)(void *ctx, const char *path, unsigned mode);

    /* Current working directory, NUL-terminated, for making paths absolute. */
    rucio_status (*get_cwd)(void *ctx, char *buf, size_t cap);

    /*
     * Private files: the token cache and bearer tokens, which may sit in a
     * directory other users can write (a shared /tmp). Both functions may
     * be NULL; the library then uses no token cache file and no bearer
     * token file (never a weaker check).
     *
     * The file itself (level 0) must be a regular file owned by the
     * effective user with one link: a symbolic link is not followed and a
     * FIFO never blocks. Each of the private_dirs directories right above
     * it (levels 1 .. private_dirs) must be a directory that is not a
     * symbolic link, owned by the effective user and not writable by
     * group or others; each is checked once opened and then used to reach
     * the next, so a directory swapped between check and use is caught.
     * Directories above those are followed as usual.
     *
     * Both return RUCIO_OK, RUCIO_E_NO_SPACE (read: the file is larger
     * than cap) or RUCIO_E_FILE, and describe a refusal in *check (which
     * may be NULL; problem RUCIO_FILE_FINE on success).
     */
    rucio_status (*read_private_file)(void *ctx, const char *path,
                                      unsigned private_dirs, char *buf,
                                      size_t cap, size_t *out_len,
                                      rucio_file_check *check);

    /* Replace path atomically with data, mode exactly 0600: a new
     * temporary file in the checked directory, renamed over path there.
     * Missing private directories are created with mode exactly 0700
     * whatever the umask (their parents must exist). On failure path is
     * left as it was. */
    rucio_status (*write_private_file)(void *ctx, const char *path,
                                       unsigned private_dirs,
                                       const void *data, size_t len,
                                       rucio_file_check *check);

    /*
     * CA files and directories, which may be far larger than any buffer
     * of the library (a system bundle is about 200 KB). Both may be NULL:
     * CA files and directories are then refused with a clear error, and
     * CA certificates in memory still work.
     *
     * read_file_at reads up to cap bytes of path from byte offset into buf
     * (*out_len 0 at the end of the file). list_dir calls fn(user, name)
     * for every entry of the directory path but "." and "..", in any
     * order, until fn returns nonzero.
     */
    rucio_status (*read_file_at)(void *ctx, const char *path,
                                 uint64_t offset, uint8_t *buf, size_t cap,
                                 size_t *out_len);
    rucio_status (*list_dir)(void *ctx, const char *path,
                             int (*fn)(void *user, const char *name),
                             void *user);
} rucio_port_fs;

/* Optional environment and user identity. */
typedef struct rucio_port_env {
    /* Value of an environment variable, or NULL when it is not set. The
     * pointer stays valid until the environment changes. */
    const char *(*get)(void *ctx, const char *name);

    /* Effective user id (for /tmp/x509up_u<uid> and bt_u<uid>). */
    unsigned long (*effective_uid)(void *ctx);

    /* Login name of the real user from the user database (used when no
     * LOGNAME/USER/LNAME/USERNAME is set). RUCIO_E_PORT if unknown. */
    rucio_status (*user_name)(void *ctx, char *buf, size_t cap);

    /* Home directory of a named user (for "~user"), or of the current user
     * when name is NULL (used when HOME is not set). */
    rucio_status (*user_home)(void *ctx, const char *name, char *buf,
                              size_t cap);
} rucio_port_env;

typedef struct rucio_port {
    void *ctx; /* passed to every function below */

    /* Resolve host (a name or an IPv4/IPv6 literal without brackets) and
     * connect to the first address that accepts before deadline_ms.
     * RUCIO_E_DNS, RUCIO_E_CONNECT or RUCIO_E_TIMEOUT on failure. */
    rucio_status (*connect)(void *ctx, const char *host, uint16_t port,
                            uint64_t deadline_ms, rucio_socket *out_sock);

    /* Send up to len bytes; a short send is normal. */
    rucio_io (*send)(void *ctx, rucio_socket sock, const uint8_t *buf,
                     size_t len, uint64_t deadline_ms, size_t *out_n);

    /* Receive up to len bytes; waits until data, end of stream, an error
     * or the deadline. */
    rucio_io (*recv)(void *ctx, rucio_socket sock, uint8_t *buf, size_t len,
                     uint64_t deadline_ms, size_t *out_n);

    /* Close a socket returned by connect. Never fails. */
    void (*close)(void *ctx, rucio_socket sock);

    /* Monotonic milliseconds since an arbitrary origin; never goes back. */
    uint64_t (*now_ms)(void *ctx);

    /* Wall-clock seconds since the Unix epoch (token expiry, signatures). */
    int64_t (*wall_seconds)(void *ctx);

    /* Sleep for ms milliseconds (retry back-off). */
    void (*sleep_ms)(void *ctx, uint32_t ms);

    /* Fill buf with cryptographically strong random bytes (seeds TLS). */
    rucio_status (*random)(void *ctx, uint8_t *buf, size_t len);

    const rucio_port_fs *fs;   /* NULL: no filesystem */
    const rucio_port_env *env; /* NULL: no environment */

    /* Optional (NULL: messages say only "connection failed" and the
     * like). Called right after connect returned the failure st, on the
     * same thread and before any other port call: a constant text naming
     * the cause as the platform saw it, e.g. "connection refused",
     * "network unreachable", "host unreachable", "timed out" or "name not
     * resolved" (never NULL; static, never freed, no user data). It keeps
     * the port stateless: the POSIX port derives the text from st and the
     * thread's errno, which its connect leaves set to the cause. A port
     * that wraps another's connect (for example to change the address)
     * keeps this member as it is. */
    const char *(*connect_error)(void *ctx, rucio_status st);
} rucio_port;

/* Deadline helper: now + timeout, saturating (timeout 0 means "now"). */
uint64_t rucio_port_deadline(const rucio_port *port, uint32_t timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* RUCIO_PORT_H */
