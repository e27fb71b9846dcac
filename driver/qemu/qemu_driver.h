/* The QEMU driver's private pieces, shared by its files. */
#pragma once

#include "driver/driver.h"
#include "driver/qemu/qemu_command.h"

/* qemu_host.c: what the host offers */
/* Sets the cache locations (STATE_DIR/qemu-caps.json, RUN_DIR/qemu/kvm-probe.cache),
 * runs the KVM deep probe and learns QEMU's capabilities. 0 or -1. */
int qemu_host_init(const vctl_paths *paths);
void qemu_host_cleanup(void);
/* A copy of the host's capabilities for the QEMU binary in PATH, current for
 * its mtime, with the KVM verdict; NULL with the last error set when QEMU is
 * not installed. */
qemu_caps *qemu_host_get_caps(void);
/* QEMU's version as major * 1,000,000 + minor * 1,000 + micro, learned from
 * `qemu-system-x86_64 --version`; 0 when QEMU is not installed. */
unsigned long long qemu_host_version(void);
/* the capabilities document of the host */
char *qemu_host_capabilities(void);
int qemu_host_node_info(vctl_node_info *ret_info);
/* Parses "QEMU emulator version 7.2.9 (...)"; 0 when it cannot. */
unsigned long long qemu_host_parse_version(const char *text);
