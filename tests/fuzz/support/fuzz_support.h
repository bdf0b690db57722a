/*
 * Shared pieces of the libFuzzer targets (test code: it may allocate).
 *
 *   - FUZZ_CHECK: an invariant that must hold for every input; a failure
 *     names the line and aborts, which libFuzzer reports as a crash;
 *   - a reader that takes bytes off the front of the input, so that one
 *     input can carry several fields (lengths, flags, split points);
 *   - a fake port whose file part serves the fuzz input as the content of
 *     chosen paths and whose environment is a list of NAME=value strings.
 *     Its network part refuses every connection, so nothing leaves.
 */
#ifndef FUZZ_SUPPORT_H
#define FUZZ_SUPPORT_H

#include <stddef.h>
#include <stdint.h>

#include "rucio/port.h"

#define FUZZ_CHECK(cond) \
    ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))

void fuzz_fail(const char *file, int line, const char *what);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- taking the input apart --------------------------------------------- */

typedef struct fuzz_input {
    const uint8_t *data;
    size_t len;
} fuzz_input;

/* The next byte (0 once the input is used up). */
uint8_t fuzz_byte(fuzz_input *in);

/* Up to n bytes off the front (fewer at the end). */
const uint8_t *fuzz_bytes(fuzz_input *in, size_t n, size_t *out_n);

/* Bytes up to (not including) the next 0xff byte, or to the end: a field
 * separator that mutations can insert and remove cheaply. */
const uint8_t *fuzz_field(fuzz_input *in, size_t *out_n);

/* A malloc'd NUL-terminated copy of data[0..n) (ASan sees overreads). */
char *fuzz_strndup(const uint8_t *data, size_t n);

/* ---- the fake port --------------------------------------------------------- */

#define FUZZ_MAX_FILES 4
#define FUZZ_MAX_DIRS 4
#define FUZZ_MAX_ENV 8

typedef struct fuzz_port {
    rucio_port port;          /* pass &fp->port; ctx is fp itself */
    rucio_port_fs fs;
    rucio_port_env env_part;
    const char *file_path[FUZZ_MAX_FILES]; /* served with the content below */
    const uint8_t *file_data;
    size_t file_len;
    unsigned file_mode;       /* reported by stat (0600 by default) */
    const char *dir_path[FUZZ_MAX_DIRS];   /* writable directories */
    const char *env[FUZZ_MAX_ENV + 1];     /* "NAME=value", NULL-terminated */
    size_t env_count;
    unsigned long uid;
    /* read_private_file refuses listed files with this problem (FINE:
     * serves them) */
    rucio_file_problem private_problem;
    size_t reads;             /* read_file calls that returned data */
    size_t writes;            /* write_file_atomic calls */
} fuzz_port;

/* No files, no environment, uid 1000. */
void fuzz_port_init(fuzz_port *fp);

/* Serve data[0..len) as the content of path (the strings must outlive
 * the port). */
void fuzz_port_add_file(fuzz_port *fp, const char *path);
void fuzz_port_set_content(fuzz_port *fp, const uint8_t *data, size_t len);
void fuzz_port_add_dir(fuzz_port *fp, const char *path);

/* Add "NAME=value" (kept as given; ignored when the list is full). */
void fuzz_port_add_env(fuzz_port *fp, const char *entry);

/* ---- checks shared by several targets ------------------------------------- */

/* Nonzero when s[0..n) is well-formed UTF-8 (RFC 3629), checked here
 * independently of the library's own decoder. */
int fuzz_utf8_valid(const uint8_t *s, size_t n);

#endif /* FUZZ_SUPPORT_H */
