/* The libvirt-compatible domain (guest) definition: parse, format, free.
 *
 * The structs below are what the drivers work on; every enum has a
 * NULL-terminated table of its XML spellings (domain_*_names), indexed by
 * the enum value. Where a value may be absent, value 0 means "not set" and
 * its spelling is "". Sizes are in KiB; "has_" flags and -1 mark optional
 * numbers. Parts vctl keeps but does not interpret (metadata, device
 * addresses, controller children, TPMs) are held as XML text. */
#pragma once

#include <glib.h>

#include "lib/util/uuid.h"

#define DOMAIN_MAX_VCPUS         4096
#define DOMAIN_MAX_BOOT_DEVS     4
#define DOMAIN_MAX_MEMORY_BYTES  (16ULL << 40) /* 16 TiB */
#define DOMAIN_MAX_MEMORY_SLOTS  255
#define DOMAIN_MAX_BACKING_DEPTH 16
#define DOMAIN_MAX_BOOT_ORDER    1000
#define DOMAIN_RNG_PATH          "/dev/urandom"

typedef enum { DOMAIN_VIRT_KVM, DOMAIN_VIRT_QEMU, DOMAIN_VIRT_TEST } domain_virt_type;
extern const char *const domain_virt_type_names[];

/* An optional yes/no (or on/off) attribute. */
typedef enum { DOMAIN_TRI_ABSENT, DOMAIN_TRI_YES, DOMAIN_TRI_NO } domain_tristate;

/* ---- top level ---- */

typedef enum {
        DOMAIN_PLACEMENT_NONE,
        DOMAIN_PLACEMENT_STATIC,
        DOMAIN_PLACEMENT_AUTO
} domain_placement;
extern const char *const domain_placement_names[];

typedef enum { DOMAIN_FIRMWARE_NONE, DOMAIN_FIRMWARE_BIOS, DOMAIN_FIRMWARE_EFI } domain_firmware;
extern const char *const domain_firmware_names[];

typedef enum {
        DOMAIN_BOOT_FD,
        DOMAIN_BOOT_HD,
        DOMAIN_BOOT_CDROM,
        DOMAIN_BOOT_NETWORK
} domain_boot_dev;
extern const char *const domain_boot_dev_names[];

typedef enum { DOMAIN_LOADER_NONE, DOMAIN_LOADER_ROM, DOMAIN_LOADER_PFLASH } domain_loader_type;
extern const char *const domain_loader_type_names[];

typedef struct domain_os {
        domain_firmware firmware;
        char *type; /* "hvm" */
        char *arch; /* NULL: the host's */
        char *machine;
        domain_boot_dev boot[DOMAIN_MAX_BOOT_DEVS];
        size_t nboot;
        domain_tristate bootmenu;
        gboolean has_bootmenu_timeout;
        unsigned int bootmenu_timeout; /* ms */
        char *kernel, *initrd, *cmdline;
        char *loader; /* path; NULL with loader_type set is <loader type=.../> */
        gboolean has_loader;
        domain_tristate loader_readonly, loader_secure;
        domain_loader_type loader_type;
        gboolean has_nvram;
        char *nvram;          /* path, may be NULL */
        char *nvram_template; /* may be NULL */
} domain_os;

/* A feature flag: absent, <f/>, <f state='on'/>, <f state='off'/>. */
typedef enum {
        DOMAIN_FEATURE_ABSENT,
        DOMAIN_FEATURE_PRESENT,
        DOMAIN_FEATURE_ON,
        DOMAIN_FEATURE_OFF
} domain_feature;

typedef struct domain_features {
        gboolean present; /* <features> was written */
        domain_feature acpi, apic, pae, hap, vmport, smm;
} domain_features;

typedef enum {
        DOMAIN_CPU_MODE_NONE,
        DOMAIN_CPU_MODE_CUSTOM,
        DOMAIN_CPU_MODE_HOST_MODEL,
        DOMAIN_CPU_MODE_HOST_PASSTHROUGH,
        DOMAIN_CPU_MODE_MAXIMUM
} domain_cpu_mode;
extern const char *const domain_cpu_mode_names[];
typedef enum {
        DOMAIN_CPU_MATCH_NONE,
        DOMAIN_CPU_MATCH_MINIMUM,
        DOMAIN_CPU_MATCH_EXACT,
        DOMAIN_CPU_MATCH_STRICT
} domain_cpu_match;
extern const char *const domain_cpu_match_names[];
typedef enum {
        DOMAIN_CPU_CHECK_NONE_SET,
        DOMAIN_CPU_CHECK_NONE,
        DOMAIN_CPU_CHECK_PARTIAL,
        DOMAIN_CPU_CHECK_FULL
} domain_cpu_check;
extern const char *const domain_cpu_check_names[];
typedef enum {
        DOMAIN_CPU_FALLBACK_NONE,
        DOMAIN_CPU_FALLBACK_ALLOW,
        DOMAIN_CPU_FALLBACK_FORBID
} domain_cpu_fallback;
extern const char *const domain_cpu_fallback_names[];
typedef enum {
        DOMAIN_CPU_POLICY_FORCE,
        DOMAIN_CPU_POLICY_REQUIRE,
        DOMAIN_CPU_POLICY_OPTIONAL,
        DOMAIN_CPU_POLICY_DISABLE,
        DOMAIN_CPU_POLICY_FORBID
} domain_cpu_policy;
extern const char *const domain_cpu_policy_names[];

typedef struct domain_cpu_feature {
        domain_cpu_policy policy;
        char *name;
} domain_cpu_feature;

typedef struct domain_cpu {
        domain_cpu_mode mode;
        domain_cpu_match match;
        domain_cpu_check check;
        domain_tristate migratable;
        char *model;
        domain_cpu_fallback fallback;
        gboolean has_topology;
        unsigned int sockets, dies, cores, threads; /* dies 0: not written */
        GPtrArray *features;                        /* of domain_cpu_feature */
} domain_cpu;

typedef enum { DOMAIN_CLOCK_UTC, DOMAIN_CLOCK_LOCALTIME } domain_clock_offset;
extern const char *const domain_clock_offset_names[];
typedef enum {
        DOMAIN_TIMER_RTC,
        DOMAIN_TIMER_PIT,
        DOMAIN_TIMER_HPET,
        DOMAIN_TIMER_KVMCLOCK,
        DOMAIN_TIMER_TSC,
        DOMAIN_TIMER_HYPERVCLOCK
} domain_timer_name;
extern const char *const domain_timer_name_names[];
typedef enum {
        DOMAIN_TICK_NONE,
        DOMAIN_TICK_DELAY,
        DOMAIN_TICK_CATCHUP,
        DOMAIN_TICK_MERGE,
        DOMAIN_TICK_DISCARD
} domain_tickpolicy;
extern const char *const domain_tickpolicy_names[];
typedef enum {
        DOMAIN_TRACK_NONE,
        DOMAIN_TRACK_BOOT,
        DOMAIN_TRACK_GUEST,
        DOMAIN_TRACK_WALL
} domain_timer_track;
extern const char *const domain_timer_track_names[];

typedef struct domain_timer {
        domain_timer_name name;
        domain_tickpolicy tickpolicy;
        domain_tristate present;
        domain_timer_track track; /* rtc only */
} domain_timer;

typedef struct domain_clock {
        gboolean present;
        domain_clock_offset offset;
        GPtrArray *timers; /* of domain_timer */
} domain_clock;

typedef enum {
        DOMAIN_LIFECYCLE_NONE,
        DOMAIN_LIFECYCLE_DESTROY,
        DOMAIN_LIFECYCLE_RESTART,
        DOMAIN_LIFECYCLE_PRESERVE,
        DOMAIN_LIFECYCLE_RENAME_RESTART,
        DOMAIN_LIFECYCLE_COREDUMP_DESTROY,
        DOMAIN_LIFECYCLE_COREDUMP_RESTART
} domain_lifecycle;
extern const char *const domain_lifecycle_names[];

/* ---- devices ---- */

typedef enum { DOMAIN_DISK_FILE, DOMAIN_DISK_BLOCK, DOMAIN_DISK_VOLUME } domain_disk_type;
extern const char *const domain_disk_type_names[];
typedef enum {
        DOMAIN_DISK_DEVICE_DISK,
        DOMAIN_DISK_DEVICE_CDROM,
        DOMAIN_DISK_DEVICE_FLOPPY,
        DOMAIN_DISK_DEVICE_LUN
} domain_disk_device;
extern const char *const domain_disk_device_names[];
typedef enum {
        DOMAIN_DISK_BUS_NONE,
        DOMAIN_DISK_BUS_IDE,
        DOMAIN_DISK_BUS_SCSI,
        DOMAIN_DISK_BUS_VIRTIO,
        DOMAIN_DISK_BUS_USB,
        DOMAIN_DISK_BUS_SATA,
        DOMAIN_DISK_BUS_FDC
} domain_disk_bus;
extern const char *const domain_disk_bus_names[];
typedef enum {
        DOMAIN_DISK_FORMAT_NONE,
        DOMAIN_DISK_FORMAT_RAW,
        DOMAIN_DISK_FORMAT_QCOW2
} domain_disk_format;
extern const char *const domain_disk_format_names[];
typedef enum {
        DOMAIN_DISK_CACHE_NONE_SET,
        DOMAIN_DISK_CACHE_DEFAULT,
        DOMAIN_DISK_CACHE_NONE,
        DOMAIN_DISK_CACHE_WRITETHROUGH,
        DOMAIN_DISK_CACHE_WRITEBACK,
        DOMAIN_DISK_CACHE_DIRECTSYNC,
        DOMAIN_DISK_CACHE_UNSAFE
} domain_disk_cache;
extern const char *const domain_disk_cache_names[];
typedef enum {
        DOMAIN_DISK_DISCARD_NONE,
        DOMAIN_DISK_DISCARD_UNMAP,
        DOMAIN_DISK_DISCARD_IGNORE
} domain_disk_discard;
extern const char *const domain_disk_discard_names[];
typedef enum {
        DOMAIN_DISK_IO_NONE,
        DOMAIN_DISK_IO_NATIVE,
        DOMAIN_DISK_IO_THREADS,
        DOMAIN_DISK_IO_URING
} domain_disk_io;
extern const char *const domain_disk_io_names[];

/* One layer of a disk's backing chain. An empty <backingStore/> (the chain
 * ends here) is a layer with empty set. */
typedef struct domain_backing {
        gboolean empty;
        domain_disk_type type; /* file or block */
        domain_disk_format format;
        char *path;
        struct domain_backing *next; /* NULL: not written */
} domain_backing;

typedef struct domain_disk {
        domain_disk_type type;
        domain_disk_device device;
        gboolean has_driver;
        gboolean driver_qemu; /* name='qemu' */
        domain_disk_format format;
        domain_disk_cache cache;
        domain_disk_discard discard;
        domain_disk_io io;
        char *path;          /* file= or dev=; NULL for an empty cdrom */
        char *pool, *volume; /* type volume */
        domain_backing *backing;
        char *dst; /* target dev, "vda" */
        domain_disk_bus bus;
        gboolean readonly, shareable;
        char *serial;
        unsigned int boot_order; /* 0: none */
        char *address;           /* verbatim <address/> or NULL */
} domain_disk;

typedef enum {
        DOMAIN_CTRL_IDE,
        DOMAIN_CTRL_FDC,
        DOMAIN_CTRL_SCSI,
        DOMAIN_CTRL_SATA,
        DOMAIN_CTRL_USB,
        DOMAIN_CTRL_CCID,
        DOMAIN_CTRL_VIRTIO_SERIAL,
        DOMAIN_CTRL_PCI
} domain_controller_type;
extern const char *const domain_controller_type_names[];

typedef struct domain_controller {
        domain_controller_type type;
        int index;           /* -1: not written */
        char *model;         /* checked against the type's models; NULL: default */
        int ports;           /* -1: not written */
        int vectors;         /* -1: not written */
        GPtrArray *children; /* verbatim child elements (master, target, address, ...) */
} domain_controller;

typedef enum {
        DOMAIN_NET_NETWORK,
        DOMAIN_NET_BRIDGE,
        DOMAIN_NET_USER,
        DOMAIN_NET_DIRECT,
        DOMAIN_NET_ETHERNET
} domain_net_type;
extern const char *const domain_net_type_names[];
typedef enum {
        DOMAIN_MACVTAP_NONE,
        DOMAIN_MACVTAP_VEPA,
        DOMAIN_MACVTAP_BRIDGE,
        DOMAIN_MACVTAP_PRIVATE,
        DOMAIN_MACVTAP_PASSTHROUGH
} domain_macvtap_mode;
extern const char *const domain_macvtap_mode_names[];
typedef enum {
        DOMAIN_NET_MODEL_NONE,
        DOMAIN_NET_MODEL_VIRTIO,
        DOMAIN_NET_MODEL_E1000,
        DOMAIN_NET_MODEL_E1000E,
        DOMAIN_NET_MODEL_RTL8139,
        DOMAIN_NET_MODEL_NE2K_PCI,
        DOMAIN_NET_MODEL_PCNET,
        DOMAIN_NET_MODEL_VMXNET3
} domain_net_model;
extern const char *const domain_net_model_names[];

typedef struct domain_net {
        domain_net_type type;
        char *network; /* type network */
        char *bridge;  /* type bridge */
        char *dev;     /* type direct: host device */
        domain_macvtap_mode mode;
        unsigned char mac[6];
        domain_net_model model;
        char *target_dev;
        domain_tristate link_up; /* <link state='up|down'/> */
        unsigned int boot_order;
        char *address;
} domain_net;

typedef enum { DOMAIN_CHR_SERIAL, DOMAIN_CHR_CONSOLE, DOMAIN_CHR_CHANNEL } domain_chr_kind;
typedef enum {
        DOMAIN_CHR_PTY,
        DOMAIN_CHR_FILE,
        DOMAIN_CHR_UNIX,
        DOMAIN_CHR_NULL,
        DOMAIN_CHR_SPICEVMC
} domain_chr_type;
extern const char *const domain_chr_type_names[];
typedef enum {
        DOMAIN_CHR_MODE_NONE,
        DOMAIN_CHR_MODE_BIND,
        DOMAIN_CHR_MODE_CONNECT
} domain_chr_mode;
extern const char *const domain_chr_mode_names[];
typedef enum {
        DOMAIN_CHR_TARGET_NONE,
        DOMAIN_CHR_TARGET_ISA_SERIAL,
        DOMAIN_CHR_TARGET_USB_SERIAL,
        DOMAIN_CHR_TARGET_PCI_SERIAL,
        DOMAIN_CHR_TARGET_SERIAL,
        DOMAIN_CHR_TARGET_VIRTIO
} domain_chr_target;
extern const char *const domain_chr_target_names[];

typedef struct domain_chr {
        domain_chr_kind kind;
        domain_chr_type type;
        gboolean has_source;
        char *path;           /* file or unix socket */
        domain_chr_mode mode; /* unix */
        domain_chr_target target_type;
        int target_port;    /* -1: not written */
        char *target_name;  /* channel: "org.qemu.guest_agent.0" */
        char *target_model; /* serial: <model name='isa-serial'/> */
        char *address;
} domain_chr;

typedef enum { DOMAIN_INPUT_TABLET, DOMAIN_INPUT_MOUSE, DOMAIN_INPUT_KEYBOARD } domain_input_type;
extern const char *const domain_input_type_names[];
typedef enum {
        DOMAIN_INPUT_BUS_NONE,
        DOMAIN_INPUT_BUS_USB,
        DOMAIN_INPUT_BUS_PS2,
        DOMAIN_INPUT_BUS_VIRTIO
} domain_input_bus;
extern const char *const domain_input_bus_names[];

typedef struct domain_input {
        domain_input_type type;
        domain_input_bus bus;
        char *address;
} domain_input;

typedef enum { DOMAIN_GRAPHICS_VNC, DOMAIN_GRAPHICS_SPICE } domain_graphics_type;
extern const char *const domain_graphics_type_names[];
typedef enum {
        DOMAIN_LISTEN_ADDRESS,
        DOMAIN_LISTEN_NETWORK,
        DOMAIN_LISTEN_NONE
} domain_listen_type;
extern const char *const domain_listen_type_names[];

typedef struct domain_listen {
        domain_listen_type type;
        char *address; /* type address */
        char *network; /* type network */
} domain_listen;

typedef struct domain_graphics {
        domain_graphics_type type;
        gboolean has_port, has_tls_port;
        int port, tls_port; /* -1: pick one */
        domain_tristate autoport;
        char *listen; /* the listen='' attribute */
        char *keymap;
        GPtrArray *listens; /* of domain_listen */
        GPtrArray *extra;   /* spice: verbatim <image>, <jpeg>, <streaming>, ... */
} domain_graphics;

typedef enum {
        DOMAIN_VIDEO_NONE_SET,
        DOMAIN_VIDEO_VGA,
        DOMAIN_VIDEO_CIRRUS,
        DOMAIN_VIDEO_QXL,
        DOMAIN_VIDEO_VIRTIO,
        DOMAIN_VIDEO_BOCHS,
        DOMAIN_VIDEO_RAMFB,
        DOMAIN_VIDEO_NONE
} domain_video_model;
extern const char *const domain_video_model_names[];

typedef struct domain_video {
        domain_video_model model;
        unsigned int vram, ram, vgamem, heads; /* KiB, KiB, KiB, count; 0: not written */
        gboolean primary;
        char *acceleration; /* verbatim */
        char *address;
} domain_video;

typedef enum {
        DOMAIN_SOUND_SB16,
        DOMAIN_SOUND_ES1370,
        DOMAIN_SOUND_PCSPK,
        DOMAIN_SOUND_AC97,
        DOMAIN_SOUND_ICH6,
        DOMAIN_SOUND_ICH9,
        DOMAIN_SOUND_USB,
        DOMAIN_SOUND_ICH7
} domain_sound_model;
extern const char *const domain_sound_model_names[];

typedef struct domain_sound {
        domain_sound_model model;
        char *address;
} domain_sound;

typedef enum { DOMAIN_BALLOON_VIRTIO, DOMAIN_BALLOON_NONE } domain_balloon_model;
extern const char *const domain_balloon_model_names[];

typedef struct domain_memballoon {
        domain_balloon_model model;
        char *address;
} domain_memballoon;

typedef struct domain_rng {
        char *path; /* always DOMAIN_RNG_PATH; NULL when not written */
        char *address;
} domain_rng;

typedef enum {
        DOMAIN_WATCHDOG_I6300ESB,
        DOMAIN_WATCHDOG_IB700,
        DOMAIN_WATCHDOG_DIAG288
} domain_watchdog_model;
extern const char *const domain_watchdog_model_names[];
typedef enum {
        DOMAIN_WATCHDOG_ACTION_NONE_SET,
        DOMAIN_WATCHDOG_ACTION_RESET,
        DOMAIN_WATCHDOG_ACTION_SHUTDOWN,
        DOMAIN_WATCHDOG_ACTION_POWEROFF,
        DOMAIN_WATCHDOG_ACTION_PAUSE,
        DOMAIN_WATCHDOG_ACTION_NONE,
        DOMAIN_WATCHDOG_ACTION_DUMP,
        DOMAIN_WATCHDOG_ACTION_INJECT_NMI
} domain_watchdog_action;
extern const char *const domain_watchdog_action_names[];

typedef struct domain_watchdog {
        domain_watchdog_model model;
        domain_watchdog_action action;
        char *address;
} domain_watchdog;

typedef struct domain_redirdev {
        char *address; /* bus='usb' type='spicevmc' is the only kind */
} domain_redirdev;

typedef struct domain_devices {
        char *emulator;
        GPtrArray *disks;       /* of domain_disk */
        GPtrArray *controllers; /* of domain_controller */
        GPtrArray *nets;        /* of domain_net */
        GPtrArray *serials;     /* of domain_chr */
        GPtrArray *consoles;    /* of domain_chr */
        GPtrArray *channels;    /* of domain_chr */
        GPtrArray *inputs;      /* of domain_input */
        GPtrArray *tpms;        /* of char *, verbatim <tpm> */
        GPtrArray *graphics;    /* of domain_graphics */
        GPtrArray *sounds;      /* of domain_sound */
        GPtrArray *videos;      /* of domain_video */
        GPtrArray *redirdevs;   /* of domain_redirdev */
        domain_watchdog *watchdog;
        domain_memballoon *memballoon;
        GPtrArray *rngs; /* of domain_rng */
} domain_devices;

typedef struct domain_def domain_def;
struct domain_def {
        domain_virt_type virt_type;
        char *name;
        unsigned char uuid[VCTL_UUID_LEN];
        char *title;
        char *description;
        char *metadata; /* verbatim <metadata> or NULL */

        unsigned long long max_memory_kib; /* 0: no <maxMemory> */
        unsigned int max_memory_slots;
        unsigned long long memory_kib;
        unsigned long long current_memory_kib; /* == memory_kib when not written */

        unsigned int vcpus;
        unsigned int vcpus_current; /* == vcpus when not written */
        gboolean has_vcpus_current;
        domain_placement vcpu_placement;

        domain_os os;
        domain_features features;
        gboolean has_cpu;
        domain_cpu cpu;
        domain_clock clock;
        domain_lifecycle on_poweroff, on_reboot, on_crash;
        gboolean has_pm;
        domain_tristate pm_suspend_to_mem, pm_suspend_to_disk;

        domain_devices devices;
};

/* The spelling of an enum value in its names table ("" for unknown). */
const char *domain_enum_name(const char *const *names, int value);

/* Parses with conf_parse_document(); NULL on failure with the last error
 * set and, when ret_issues is not NULL, every issue handed over. */
domain_def *domain_def_parse(const char *xml, size_t len, GPtrArray **ret_issues);
/* libvirt-style XML: 2-space indent, single quotes, trailing newline. */
char *domain_def_format(const domain_def *def);
void domain_def_free(domain_def *def);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(domain_def, domain_def_free)
