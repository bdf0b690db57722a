/* rucio-lite: helpers shared by every port user. */
#include "rucio/port.h"

uint64_t rucio_port_deadline(const rucio_port *port, uint32_t timeout_ms)
{
    uint64_t now = port->now_ms(port->ctx);

    /* Saturate instead of wrapping: a wrapped deadline is in the past. */
    if (now > UINT64_MAX - timeout_ms)
        return UINT64_MAX;
    return now + timeout_ms;
}
