/* libFuzzer: QEMU's monitor output as the QMP client parses it
 * (driver/qemu/qmp.c): greeting, replies to three waiting commands, events,
 * over reads of a size the first byte sets. */
#include "config.h"

#include "tests/fuzz/fuzz.h"
#include "driver/qemu/qmp_priv.h"

static void fuzz_qmp_event(qmp *mon, const char *event, JsonObject *data, gint64 timestamp_us,
                           void *opaque)
{
        unsigned int *events = opaque;

        FUZZ_ASSERT(event != NULL && data != NULL && timestamp_us >= 0);
        (*events)++;
}

FUZZ_TARGET(qmp)
{
        unsigned int events = 0;
        int r;

        fuzz_init_once();
        if (size < 1)
                return 0;
        r = qmp_parse_feed("fuzz", data + 1, size - 1, data[0], 3, fuzz_qmp_event, &events);
        FUZZ_ASSERT(r <= 3);
        return 0;
}
