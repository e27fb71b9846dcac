#include "config.h"

#include "conf.h"
#include "domain_conf.h"
#include "network_conf.h"
#include "storage_conf.h"
#include "xml.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <string.h>

const char *conf_kind_name(conf_kind kind)
{
        switch (kind) {
        case CONF_KIND_DOMAIN:
                return N_("domain");
        case CONF_KIND_NETWORK:
                return N_("network");
        case CONF_KIND_POOL:
                return N_("storage pool");
        case CONF_KIND_VOLUME:
                return N_("storage volume");
        case CONF_KIND_UNKNOWN:
                break;
        }
        return N_("unknown");
}

static conf_kind kind_from_root(const char *root)
{
        if (strcmp(root, "domain") == 0)
                return CONF_KIND_DOMAIN;
        if (strcmp(root, "network") == 0)
                return CONF_KIND_NETWORK;
        if (strcmp(root, "pool") == 0)
                return CONF_KIND_POOL;
        if (strcmp(root, "volume") == 0)
                return CONF_KIND_VOLUME;
        return CONF_KIND_UNKNOWN;
}

/* The root element's name and the text of its <name> child, when readable. */
static int peek(conf_ctx *ctx, const char *xml, size_t len, char **ret_root, char **ret_name)
{
        xmlDoc *doc = conf_xml_read(ctx, xml, len);
        xmlNode *root;

        if (!doc)
                return -EINVAL;
        root = xmlDocGetRootElement(doc);
        if (!root) {
                conf_err(ctx, NULL, _("the document has no root element"));
                xmlFreeDoc(doc);
                return -EINVAL;
        }
        *ret_root = g_strdup((const char *)root->name);
        for (xmlNode *c = root->children; c; c = c->next) {
                if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "name") == 0) {
                        xmlChar *text = xmlNodeGetContent(c);

                        *ret_name = g_strstrip(g_strdup((const char *)text));
                        xmlFree(text);
                        break;
                }
        }
        if (kind_from_root(*ret_root) == CONF_KIND_UNKNOWN)
                conf_err(ctx, root,
                         _("the root element <%s> is not a definition vctl knows (expected "
                           "<domain>, <network>, <pool> or <volume>)"),
                         *ret_root);
        xmlFreeDoc(doc);
        return conf_failed(ctx) ? -EINVAL : 0;
}

int conf_validate(const char *xml, size_t len, conf_kind *ret_kind, char **ret_name,
                  GPtrArray **ret_issues)
{
        conf_ctx ctx;
        g_autofree char *root = NULL;
        g_autofree char *peeked_name = NULL;
        GPtrArray *issues = NULL;
        char *name = NULL;
        conf_kind kind;

        *ret_kind = CONF_KIND_UNKNOWN;
        *ret_name = NULL;
        conf_ctx_init(&ctx, "definition");
        if (peek(&ctx, xml, len, &root, &peeked_name) < 0) {
                *ret_issues = g_steal_pointer(&ctx.issues);
                conf_ctx_clear(&ctx);
                return -EINVAL;
        }
        conf_ctx_clear(&ctx);
        kind = kind_from_root(root);

        switch (kind) {
        case CONF_KIND_DOMAIN: {
                domain_def *def = domain_def_parse(xml, len, &issues);

                if (def)
                        name = g_strdup(def->name);
                domain_def_free(def);
                break;
        }
        case CONF_KIND_NETWORK: {
                network_def *def = network_def_parse(xml, len, &issues);

                if (def)
                        name = g_strdup(def->name);
                network_def_free(def);
                break;
        }
        case CONF_KIND_POOL: {
                pool_def *def = pool_def_parse(xml, len, &issues);

                if (def)
                        name = g_strdup(def->name);
                pool_def_free(def);
                break;
        }
        case CONF_KIND_VOLUME: {
                vol_def *def = vol_def_parse(xml, len, &issues);

                if (def)
                        name = g_strdup(def->name);
                vol_def_free(def);
                break;
        }
        case CONF_KIND_UNKNOWN:
                break;
        }
        *ret_kind = kind;
        /* an invalid definition is still named by what its <name> says */
        *ret_name = name ? name : (peeked_name && *peeked_name ? g_steal_pointer(&peeked_name) : NULL);
        *ret_issues = issues;
        return issues->len > 0 ? -EINVAL : 0;
}
