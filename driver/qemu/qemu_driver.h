/* The QEMU driver's private pieces, shared by its files. */
#pragma once

#include "driver/driver.h"

/* qemu_host.c: what the host offers */
/* QEMU's version as major * 1,000,000 + minor * 1,000 + micro, learned once
 * from `qemu-system-x86_64 --version`; 0 when QEMU is not installed. */
unsigned long long qemu_host_version(void);
/* the capabilities document of the host */
char *qemu_host_capabilities(void);
int qemu_host_node_info(vctl_node_info *ret_info);
/* Parses "QEMU emulator version 7.2.9 (...)"; 0 when it cannot. */
unsigned long long qemu_host_parse_version(const char *text);
