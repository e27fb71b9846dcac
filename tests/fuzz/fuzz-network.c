/* libFuzzer: network XML (conf/network_conf.c), with the round-trip property. */
#include "config.h"

#include "conf/network_conf.h"
#include "tests/fuzz/fuzz-conf.h"

static void *network_parse(const char *xml, size_t len, GPtrArray **ret_issues)
{
        return network_def_parse(xml, len, ret_issues);
}

static char *network_format(const void *def)
{
        return network_def_format(def);
}

static void network_free(void *def)
{
        network_def_free(def);
}

FUZZ_TARGET(network)
{
        fuzz_conf_one(data, size, network_parse, network_format, network_free, "network.rng");
        return 0;
}
