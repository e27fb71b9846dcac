/* Shared by the qemu_command*.c files: the argv under construction. */
#pragma once

#include "driver/qemu/qemu_command.h"

typedef struct qemu_cmd {
        const domain_def *def;
        const qemu_caps *caps;
        const qemu_launch *launch;
        GPtrArray *args;
        gboolean q35;
        gboolean kvm;
        gboolean per_device_boot; /* some device has <boot order> */
        gboolean usb;             /* a USB controller provides bus usb.0 */
        gboolean spice;
        gboolean scsi;          /* scsi0 exists */
        gboolean sata_added;    /* pc: sata0 was added for SATA disks */
        gboolean vserial;       /* virtio-serial0 exists */
        unsigned int usb_port;  /* last USB port handed out */
        unsigned int node;      /* last libvirt-N node number */
        unsigned int taps;      /* tap fds used */
        unsigned int serial_nr; /* virtio-serial port numbers handed out */
} qemu_cmd;

void qemu_cmd_add(qemu_cmd *c, const char *arg);
void qemu_cmd_addf(qemu_cmd *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Sets the last error "domain 'NAME': ..." and returns -1. */
int qemu_cmd_refuse(const qemu_cmd *c, int code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* A value for QEMU's key=value syntax: commas doubled. */
char *qemu_cmd_kv(const char *s);
/* Appends "key":"value" (JSON-escaped) with a leading comma unless first. */
void qemu_cmd_json_str(GString *s, const char *key, const char *value);

/* qemu_command_disk.c */
int qemu_command_controllers(qemu_cmd *c);
int qemu_command_firmware(qemu_cmd *c, GString *machine);
int qemu_command_disks(qemu_cmd *c);

/* qemu_command_devices.c */
int qemu_command_nets(qemu_cmd *c);
int qemu_command_chardevs(qemu_cmd *c);
int qemu_command_inputs(qemu_cmd *c);
int qemu_command_graphics(qemu_cmd *c);
int qemu_command_videos(qemu_cmd *c);
int qemu_command_sounds(qemu_cmd *c);
int qemu_command_misc(qemu_cmd *c);
