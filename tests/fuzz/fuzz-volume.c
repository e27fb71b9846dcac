/* libFuzzer: volume XML (conf/storage_conf.c), with the round-trip property. */
#include "config.h"

#include "conf/storage_conf.h"
#include "tests/fuzz/fuzz-conf.h"

static void *volume_parse(const char *xml, size_t len, GPtrArray **ret_issues)
{
        return vol_def_parse(xml, len, ret_issues);
}

static char *volume_format(const void *def)
{
        return vol_def_format(def);
}

static void volume_free(void *def)
{
        vol_def_free(def);
}

FUZZ_TARGET(volume)
{
        fuzz_conf_one(data, size, volume_parse, volume_format, volume_free, "storagevol.rng");
        return 0;
}
