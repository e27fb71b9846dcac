/* The test driver's private pieces, shared by its files. */
#pragma once

#include "driver/console.h"
#include "driver/domain_event.h"
#include "driver/domain_list.h"
#include "driver/driver.h"

/* The one in-memory hypervisor of the process, alive while connections are. */
typedef struct test_state {
        int refs; /* under the driver's global lock */
        domain_list *domains;
        domain_event_registry *events;
        drv_consoles *consoles; /* open console sessions */
} test_state;

struct drv_conn {
        test_state *st;
};

/* test_host.c */
extern const char test_driver_default_domain_xml[];
char *test_driver_capabilities(void);
/* arch, virttype NULL or "": x86_64, test */
char *test_driver_domain_capabilities(const char *arch, const char *virttype);
void test_driver_node_info(vctl_node_info *ret_info);

/* test_driver.c */
domain_def *test_driver_parse(const char *xml);

/* test_lifecycle.c */
int test_driver_start_locked(test_state *st, domain_obj *obj, unsigned int flags,
                             domain_event_queue *q);
int test_driver_create(drv_conn *conn, drv_domain *dom, unsigned int flags);
drv_domain *test_driver_create_xml(drv_conn *conn, const char *xml, unsigned int flags);
int test_driver_destroy(drv_conn *conn, const drv_domain *dom, unsigned int flags);
int test_driver_shutdown(drv_conn *conn, const drv_domain *dom, unsigned int flags);
int test_driver_reboot(drv_conn *conn, const drv_domain *dom, unsigned int flags);
int test_driver_reset(drv_conn *conn, const drv_domain *dom, unsigned int flags);
int test_driver_suspend(drv_conn *conn, const drv_domain *dom);
int test_driver_resume(drv_conn *conn, const drv_domain *dom);

/* test_console.c */
int test_driver_open_console(drv_conn *conn, const drv_domain *dom, const char *dev_name,
                             unsigned int flags, int *ret_fd);
