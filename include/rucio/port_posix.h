/*
 * rucio-lite: the POSIX port (Linux, BSD, macOS).
 *
 * BSD sockets with getaddrinfo (IPv4 and IPv6, each address in turn),
 * non-blocking connect with a deadline, poll-based send and receive
 * deadlines, EINTR retried, no SIGPIPE, TCP_NODELAY; clock_gettime;
 * getrandom; files and environment from libc. It keeps no state, so
 * port->ctx is NULL and one port may serve any number of clients.
 */
#ifndef RUCIO_PORT_POSIX_H
#define RUCIO_PORT_POSIX_H

#include "rucio/port.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fill *port with the POSIX functions, including files and environment. */
void rucio_port_posix_init(rucio_port *port);

/* The file and environment parts alone, for ports that borrow them. */
const rucio_port_fs *rucio_port_posix_fs(void);
const rucio_port_env *rucio_port_posix_env(void);

#ifdef __cplusplus
}
#endif

#endif /* RUCIO_PORT_POSIX_H */
