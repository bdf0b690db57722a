/*
 * rucio-lite: a scripted, in-memory port for tests.
 *
 * Each connect() takes the next rucio_script_conn from the caller's array.
 * recv() replays that conversation's server bytes; send() captures what the
 * client wrote. Faults can be placed at any byte offset of either
 * direction: short transfers, would-block, interrupted calls, reset, early
 * end of stream and timeout. Time is a fake clock that only moves when the
 * code under test sleeps or waits into a deadline, so timeout and back-off
 * tests run instantly and can check exact durations.
 *
 * Everything is caller-owned; nothing allocates.
 */
#ifndef RUCIO_PORT_SCRIPT_H
#define RUCIO_PORT_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "rucio/port.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rucio_fault_kind {
    RUCIO_FAULT_SHORT = 1, /* this call transfers at most 1 byte */
    RUCIO_FAULT_AGAIN,     /* this call returns RUCIO_IO_AGAIN (would block) */
    RUCIO_FAULT_EINTR,     /* this call is interrupted: RUCIO_IO_AGAIN with
                              no time passing, as a port that surfaces EINTR */
    RUCIO_FAULT_RESET,     /* RUCIO_IO_ERROR here and on every later call,
                              in both directions */
    RUCIO_FAULT_EOF,       /* recv: RUCIO_IO_EOF here and later;
                              send: RUCIO_IO_ERROR (peer gone) */
    RUCIO_FAULT_TIMEOUT    /* the clock jumps to the deadline: TIMEOUT */
} rucio_fault_kind;

typedef enum rucio_fault_dir {
    RUCIO_FAULT_RECV = 0,
    RUCIO_FAULT_SEND = 1
} rucio_fault_dir;

/* A fault fires at the first call whose transfer would cover byte
 * `offset` of its direction (a call starting at offset included); the
 * transfer is cut so that the fault lands exactly on that byte. One-shot
 * faults (SHORT, AGAIN, EINTR, TIMEOUT) fire once; RESET and EOF stick. */
typedef struct rucio_script_fault {
    rucio_fault_kind kind;
    rucio_fault_dir dir;
    uint64_t offset;
} rucio_script_fault;

#define RUCIO_SCRIPT_MAX_FAULTS 8

/* One scripted connection. Set the inputs; the rest is state. */
typedef struct rucio_script_conn {
    /* inputs */
    const uint8_t *server;      /* bytes the server sends, in order */
    size_t server_len;
    size_t max_recv;            /* 0: no limit; else at most this per recv */
    int hang_at_end;            /* after the script: time out, not EOF */
    rucio_status connect_result; /* RUCIO_OK, or the error connect returns
                                    (RUCIO_E_TIMEOUT first moves the clock
                                    to the deadline) */
    uint8_t *capture;           /* where sent bytes go (may be NULL) */
    size_t capture_cap;         /* bytes beyond it are counted, not kept */
    rucio_script_fault faults[RUCIO_SCRIPT_MAX_FAULTS];
    size_t fault_count;
    /* Request/response turns: NULL means all server bytes are readable at
     * once. Otherwise turns[k] is the length of reply k (the lengths add up
     * to server_len, a reply may be empty) and reply k becomes readable
     * only after reply k-1 was read and the client then sent something,
     * as with a real server. Until then recv waits into its deadline, so a
     * client probing an idle connection sees neither data nor faults. */
    const size_t *turns;
    size_t turn_count;
    /* state */
    size_t server_pos;          /* bytes delivered so far */
    uint64_t sent;              /* bytes the client sent so far */
    uint32_t fired;             /* bit i set: faults[i] has fired */
    size_t turns_released;      /* replies made readable so far */
    size_t release_end;         /* server bytes readable so far */
    uint64_t sent_at_release;   /* client bytes sent when last released */
    int connected;
    int closed;
} rucio_script_conn;

#define RUCIO_SCRIPT_MAX_SLEEPS 16

typedef struct rucio_script_port {
    rucio_port port;            /* pass &sp->port to the code under test */
    rucio_script_conn *conns;
    size_t conn_count;
    size_t next_conn;           /* connects so far */
    uint64_t now_ms;            /* fake monotonic clock */
    int64_t wall_seconds;       /* fake wall clock */
    uint32_t sleeps[RUCIO_SCRIPT_MAX_SLEEPS]; /* durations slept, in order */
    size_t sleep_count;         /* stops at the array size; the clock not */
    char last_host[256];        /* host and port of the last connect */
    uint16_t last_port;
    /* environment part (used when port.env is set to the script's) */
    const char *const *env;     /* "NAME=value" strings, NULL-terminated */
    unsigned long uid;
    const char *user_name;      /* NULL: unknown */
    const char *home;           /* NULL: unknown; also the home of the user
                                   named user_name, no other user is known */
    uint32_t rng;               /* deterministic random state */
} rucio_script_port;

/* Set up sp over conns[0..count). The fake clocks start at 1000 ms and
 * wall time 1700000000. The file part is NULL and the environment part
 * is the script's own (an empty environment unless sp->env is set). */
void rucio_script_port_init(rucio_script_port *sp, rucio_script_conn *conns,
                            size_t count);

/* Reset a conversation's state so it can be replayed. */
void rucio_script_conn_reset(rucio_script_conn *c);

/* Append a fault to c (at most RUCIO_SCRIPT_MAX_FAULTS). */
void rucio_script_add_fault(rucio_script_conn *c, rucio_fault_kind kind,
                            rucio_fault_dir dir, uint64_t offset);

#ifdef __cplusplus
}
#endif

#endif /* RUCIO_PORT_SCRIPT_H */
