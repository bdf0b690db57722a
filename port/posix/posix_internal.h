/*
 * rucio-lite: functions shared between the files of the POSIX port.
 * Not installed; the public entry points are in rucio/port_posix.h.
 */
#ifndef RUCIO_POSIX_INTERNAL_H
#define RUCIO_POSIX_INTERNAL_H

#include "rucio/port.h"

/* net.c: sockets with deadlines. */
rucio_status rl_posix_connect(void *ctx, const char *host, uint16_t port,
                              uint64_t deadline_ms, rucio_socket *out_sock);
rucio_io rl_posix_send(void *ctx, rucio_socket sock, const uint8_t *buf,
                       size_t len, uint64_t deadline_ms, size_t *out_n);
rucio_io rl_posix_recv(void *ctx, rucio_socket sock, uint8_t *buf,
                       size_t len, uint64_t deadline_ms, size_t *out_n);
void rl_posix_close(void *ctx, rucio_socket sock);
/* The cause of the connect that has just failed (port.h connect_error). */
const char *rl_posix_connect_error(void *ctx, rucio_status st);

/* system.c: the monotonic clock (also used for the socket deadlines) and
 * random bytes (also used for temporary file names). */
uint64_t rl_posix_now_ms(void *ctx);
rucio_status rl_posix_random(void *ctx, uint8_t *buf, size_t len);

#endif /* RUCIO_POSIX_INTERNAL_H */
