/* In-process connections: the driver table of driver/driver.h called
 * directly, its events handed to the connection's dispatcher thread. */
#include "config.h"

#include "lib/local.h"

#include "lib/libvctl_priv.h"
#include "lib/util/error.h"

int local_open(vctl_conn *conn)
{
        const vctl_driver *driver = vctl_driver_for_uri(conn->uri->name);

        if (!driver)
                return -1;
        conn->drv = driver->open(conn->uri->name, conn->flags);
        if (!conn->drv)
                return -1;
        conn->driver = driver;
        return 0;
}

void local_close(vctl_conn *conn)
{
        if (!conn->driver)
                return;
        /* the driver drops this connection's callbacks (and their references) */
        conn->driver->close(conn->drv);
        conn->drv = NULL;
}

/* In the thread that made the change, after the driver let go of its locks. */
static void local_event_fn(const drv_domain *dom, int event, int detail, void *opaque)
{
        event_push_local(opaque, dom, event, detail);
}

int local_event_register(vctl_conn *conn, const drv_domain *dom, conn_callback *cb)
{
        int id;

        event_callback_ref(cb);
        id = conn->driver->event_register(conn->drv, dom, local_event_fn, cb,
                                          (GDestroyNotify)event_callback_unref);
        if (id < 0)
                event_callback_unref(cb);
        return id;
}

int local_event_deregister(vctl_conn *conn, int id)
{
        return conn->driver->event_deregister(conn->drv, id);
}
