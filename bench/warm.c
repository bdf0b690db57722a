/*
 * warm: COUNT signed URLs on one client (one connection, kept alive), for
 * the benchmark's warm figures (bench/bench.py).
 *
 *   warm COUNT RSE SERVICE OPERATION LIFETIME URL
 *
 * Settings come from the environment and rucio.cfg, as for any caller.
 * Prints the last signed URL and "calls=<n>" on stdout; on the first
 * failure prints the error on stderr and exits 1. Uses only the public
 * headers, as an application would.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>

#include "rucio/rucio.h"

#define SIGNED_URL_CAP 8192

typedef struct bench_state {
    rucio_port port;
    rucio_client_options opt;
    rucio_client client;
    char signed_url[SIGNED_URL_CAP];
} bench_state;

static int fail(const rucio_client *client, const char *what)
{
    const rucio_error *e = rucio_client_last_error(client);

    fprintf(stderr, "warm: %s: %s (http %d, %s): %s\n", what,
            rucio_strerror(e->status), e->http_status,
            e->exception_class[0] ? e->exception_class : "-", e->message);
    return 1;
}

/* argv[0..4]: RSE SERVICE OPERATION LIFETIME URL. */
static int sign_many(bench_state *s, long count, char **argv)
{
    int64_t lifetime = strtoll(argv[3], NULL, 10);
    long i;

    for (i = 0; i < count; i++) {
        if (rucio_get_signed_url(&s->client, argv[0], argv[1], argv[2], argv[4],
                                 lifetime, s->signed_url,
                                 sizeof s->signed_url) != RUCIO_OK)
            return fail(&s->client, "signurl");
    }
    printf("%s\ncalls=%ld\n", s->signed_url, count);
    return 0;
}

int main(int argc, char **argv)
{
    static bench_state s; /* the client is large: not on the stack */
    long count;
    int rc;

    if (argc != 7 || (count = strtol(argv[1], NULL, 10)) <= 0) {
        fprintf(stderr, "usage: warm COUNT RSE SERVICE OPERATION LIFETIME URL\n");
        return 2;
    }
    rucio_client_options_default(&s.opt);
    rucio_port_posix_init(&s.port);
    s.opt.port = &s.port;
    s.opt.script = "bench-warm";
    if (rucio_client_init(&s.client, &s.opt) != RUCIO_OK) {
        rc = fail(&s.client, "init");
        rucio_client_free(&s.client);
        return rc;
    }
    rc = sign_many(&s, count, argv + 2);
    rucio_client_free(&s.client);
    return rc;
}
