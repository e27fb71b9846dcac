/* libFuzzer: pool XML (conf/storage_conf.c), with the round-trip property. */
#include "config.h"

#include "conf/storage_conf.h"
#include "tests/fuzz/fuzz-conf.h"

static void *pool_parse(const char *xml, size_t len, GPtrArray **ret_issues)
{
        return pool_def_parse(xml, len, ret_issues);
}

static char *pool_format(const void *def)
{
        return pool_def_format(def);
}

static void pool_free(void *def)
{
        pool_def_free(def);
}

FUZZ_TARGET(pool)
{
        fuzz_conf_one(data, size, pool_parse, pool_format, pool_free, "storagepool.rng");
        return 0;
}
