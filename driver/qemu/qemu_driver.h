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

/* qemu_domcaps.c: the <domainCapabilities> document */
/* The UEFI firmware files that exist under root (NULL: /), as paths
 * without root; a GPtrArray of char *. */
GPtrArray *qemu_domcaps_firmware(const char *root);
/* libvirt's <domainCapabilities> of caps for a guest of emulatorbin, arch,
 * machine and virttype (each NULL or "": the default), firmware listing the
 * loader paths; NULL with the last error set for what the host cannot run
 * (virttype 'kvm' where the probe found KVM unusable, an unknown machine). */
char *qemu_domcaps_format(const qemu_caps *caps, const GPtrArray *firmware, const char *emulatorbin,
                          const char *arch, const char *machine, const char *virttype);

/* qemu_modules.c: the kernel modules guests need */
/* Loads kvm_*, tun, bridge and vhost_net where they are available and not
 * loaded (never br_netfilter), reading /sys, /proc and the module directory
 * under root (NULL or "": /; moddir NULL: ROOT/lib/modules/`uname -r`).
 * Logs what it loaded at info level and a failure at warning level.
 * *ret_loaded (may be NULL) gets the names loaded, or to load with
 * KMOD_MODULES_LOAD_DRY_RUN. Returns how many, or a negative errno. */
int qemu_modules_load(const char *root, const char *moddir, unsigned int flags, char ***ret_loaded);
