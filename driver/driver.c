/* The driver table's shared pieces: domain handles and URI dispatch. */
#include "config.h"

#include "driver/driver.h"
#include "driver/driver_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

drv_domain *drv_domain_new(const char *name, const unsigned char uuid[VCTL_UUID_LEN], int id)
{
        drv_domain *dom = g_new0(drv_domain, 1);

        dom->name = g_strdup(name);
        memcpy(dom->uuid, uuid, VCTL_UUID_LEN);
        dom->id = id;
        return dom;
}

drv_domain *drv_domain_copy(const drv_domain *dom)
{
        if (!dom)
                return NULL;
        return drv_domain_new(dom->name, dom->uuid, dom->id);
}

void drv_domain_free(drv_domain *dom)
{
        if (!dom)
                return;
        g_free(dom->name);
        g_free(dom);
}

int drv_check_flags(unsigned int flags, unsigned int supported, const char *what)
{
        if (flags & ~supported)
                return vctl_error_set(
                        VCTL_ERR_INVALID_ARG, VCTL_FROM_DOMAIN,
                        /* TRANSLATORS: %s is what was asked: "starting a domain", ... */
                        _("unsupported flags (0x%x) in %s"), flags & ~supported, what);
        return 0;
}

char *drv_uri_scheme(const char *uri)
{
        const char *colon;
        size_t len;

        if (!uri)
                return NULL;
        colon = strchr(uri, ':');
        if (!colon || colon == uri)
                return NULL;
        len = strcspn(uri, "+:");
        return g_ascii_strdown(uri, (gssize)len);
}

char *drv_uri_path(const char *uri)
{
        g_autoptr(GUri) parsed = g_uri_parse(uri, G_URI_FLAGS_NON_DNS, NULL);

        if (!parsed)
                return NULL;
        return g_strdup(g_uri_get_path(parsed));
}

char *drv_xml_add_domain_id(const char *xml, int id)
{
        const char *insert = NULL;

        if (g_str_has_prefix(xml, "<domain type='")) {
                insert = strchr(xml + strlen("<domain type='"), '\'');
                if (insert)
                        insert++;
        }
        if (!insert && g_str_has_prefix(xml, "<domain"))
                insert = xml + strlen("<domain");
        if (!insert)
                return g_strdup(xml);
        return g_strdup_printf("%.*s id='%d'%s", (int)(insert - xml), xml, id, insert);
}

const vctl_driver *vctl_driver_for_uri(const char *uri)
{
        g_autofree char *scheme = drv_uri_scheme(uri);

        if (scheme && g_str_equal(scheme, "qemu"))
                return &vctl_qemu_driver;
        if (scheme && g_str_equal(scheme, "test"))
                return &vctl_test_driver;
        vctl_error_set(VCTL_ERR_NO_CONNECT, VCTL_FROM_NONE,
                       _("no driver for URI '%s' (vctl serves qemu:///system, qemu:///session and "
                         "test:///default)"),
                       uri ? uri : "");
        return NULL;
}

domain_def *drv_domain_def_copy(const domain_def *def)
{
        g_autofree char *xml = domain_def_format(def);

        if (!xml) {
                vctl_error_set(VCTL_ERR_INTERNAL_ERROR, VCTL_FROM_DOMAIN,
                               _("cannot format the definition of domain '%s'"), def->name);
                return NULL;
        }
        return domain_def_parse(xml, strlen(xml), NULL);
}
