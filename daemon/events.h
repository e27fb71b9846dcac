/* Domain lifecycle events: per-client callback registrations with the driver,
 * delivered as DOMAIN_EVENT_CALLBACK_LIFECYCLE messages. */
#pragma once

#include "daemon/client.h"
#include "driver/driver.h"

/* Main thread. dom NULL: every domain. Only eventID 0 (lifecycle) exists. */
int events_register(vctld_client *cl, int event_id, const drv_domain *dom, int *ret_callback_id);
int events_deregister(vctld_client *cl, int callback_id);
/* Drops every registration of cl (on CONNECT_CLOSE and disconnect). */
void events_clear(vctld_client *cl);

/* Network lifecycle events (NETWORK_EVENT_LIFECYCLE); net NULL: every
 * network. Same callback ID space and limits as the domain ones. */
typedef struct drv_network drv_network;
int events_network_register(vctld_client *cl, int event_id, const drv_network *net,
                            int *ret_callback_id);
int events_network_deregister(vctld_client *cl, int callback_id);
