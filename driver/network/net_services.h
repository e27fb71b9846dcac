/* What a started network runs besides its bridge: the nftables table that
 * vctl owns for it (nat, route, isolated; generated rules fed to `nft -f -`)
 * and its dnsmasq (generated configuration, unprivileged). */
#pragma once

#include "conf/network_conf.h"

#include <sys/types.h>

/* The table of the network on bridge: "vctl-BRIDGE" in family ip. */
char *net_nft_table_name(const char *bridge);
/* The ruleset text creating that table for def on bridge, or NULL when the
 * network needs no rules (open, bridge mode, no IPv4 subnet). */
char *net_nft_rules(const network_def *def, const char *bridge);
/* Loads rules with `nft -f -` (0 or -1 with the error from nft). */
int net_nft_apply(const char *rules, const char *network);
/* Deletes table (ip family); a missing table is not an error. */
int net_nft_delete(const char *table);

/* The dnsmasq configuration of def on bridge: DHCP ranges and static
 * hosts, DNS host entries (host-record), domain, lease and pid files. */
char *net_dnsmasq_config(const network_def *def, const char *bridge, const char *pid_file,
                         const char *lease_file, const char *user);
/* Starts dnsmasq with conf_file (it daemonizes and writes pid_file); returns
 * its pid or -1 with the last error set (dnsmasq's own message included). */
pid_t net_dnsmasq_start(const char *conf_file, const char *pid_file, const char *network);
/* The pid in pid_file when that process is a dnsmasq started with conf_file,
 * else 0. */
pid_t net_dnsmasq_find(const char *pid_file, const char *conf_file);
/* SIGTERM (then SIGKILL) to pid, bounded waits. */
void net_dnsmasq_stop(pid_t pid);
/* The user dnsmasq runs as: "dnsmasq" when it exists, else "nobody". */
const char *net_dnsmasq_user(void);
