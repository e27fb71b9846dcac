/* The QEMU command line of a domain, as a pure function of its definition,
 * the host's capabilities and the per-start runtime bits: no file is opened,
 * no port probed, so the same inputs always give the same argv (tested
 * against golden tests/data/qemu-args/NAME.args files).
 *
 * Syntax is QEMU 7.2's as libvirt 9 writes it: -blockdev in JSON, -device in
 * key=value form, -accel, -action. Choices where libvirt decides at start:
 *  - PCI addresses are left to QEMU (no addr= anywhere); pcie-root-port
 *    controllers are created empty on pcie.0 for later hotplug.
 *  - <graphics type='vnc' autoport> becomes "-vnc ADDR:0,to=100": QEMU takes
 *    the first free display in 5900-6000; the driver reads it with query-vnc.
 *    Spice has no such option, so an auto port comes in launch->spice_port.
 *  - <os><boot dev> becomes "-boot order=..."; <boot order> on devices becomes
 *    bootindex= with "-boot strict=on" (the two never mix, as libvirt refuses).
 *  - host-passthrough needs KVM (refused with TCG, suggesting mode='maximum');
 *    host-model is "host" with KVM and "max" with TCG (no model expansion).
 *  - Taps get "vhost=off": vhost needs an fd for /dev/vhost-net the driver
 *    does not open yet.
 *  - Ignored: verbatim <address>/<target> children of devices and controllers,
 *    kvmclock/tsc/hyperv timers, apic/pae/hap features (QEMU's defaults). */
#pragma once

#include <glib.h>

#include "conf/domain_conf.h"

typedef struct qemu_caps {     /* what the host and binary offer (probed elsewhere) */
        char *binary;          /* "/usr/bin/qemu-system-x86_64" */
        unsigned int version;  /* 7002000 for 7.2.0 */
        gboolean kvm_usable;   /* the kmod deep probe passed */
        char *kvm_reason;      /* why not, when !kvm_usable */
        GPtrArray *machines;   /* of char *: "pc", "q35", "pc-q35-7.2", ...; NULL: not checked */
        GPtrArray *canonical;  /* of char *: what machines[i] aliases, ""; may be NULL */
        GPtrArray *cpu_models; /* of char *; NULL or empty: not checked */
} qemu_caps;

typedef struct qemu_launch { /* per-start runtime bits decided by the driver */
        char *monitor_path;  /* QMP unix socket path */
        char *run_dir;       /* the domain's own runtime directory: agent sockets */
        GArray *tap_fds;     /* of int: one per <interface type='network'|'bridge'>, in order */
        int spice_port;      /* picked by the driver for spice autoport; 0: none */
        gboolean sandbox;    /* -sandbox on,obsolete=deny,...: a confined QEMU (qemu_confine.h) */
} qemu_launch;

void qemu_caps_free(qemu_caps *caps); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemu_caps, qemu_caps_free)

/* argv for QEMU (NULL-terminated, g_strfreev), or NULL with the last error set
 * (VCTL_ERR_CONFIG_UNSUPPORTED for what vctl or the host cannot run,
 * VCTL_ERR_OPERATION_INVALID for what the driver must resolve first, such as
 * storage volumes) naming the domain and the cause. */
char **qemu_command_build(const domain_def *def, const qemu_caps *caps, const qemu_launch *launch);
