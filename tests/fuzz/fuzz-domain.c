/* libFuzzer: domain XML (conf/domain_conf.c), with the round-trip property. */
#include "config.h"

#include "conf/domain_conf.h"
#include "tests/fuzz/fuzz-conf.h"

static void *domain_parse(const char *xml, size_t len, GPtrArray **ret_issues)
{
        return domain_def_parse(xml, len, ret_issues);
}

static char *domain_format(const void *def)
{
        return domain_def_format(def);
}

static void domain_free(void *def)
{
        domain_def_free(def);
}

FUZZ_TARGET(domain)
{
        fuzz_conf_one(data, size, domain_parse, domain_format, domain_free, "domain.rng");
        return 0;
}
