/* The deep KVM probe: run a tiny 64-bit paged guest and check what it did.
 *
 * /dev/kvm answering its ioctls does not mean guests run: on a nested host
 * without working EPT/NPT, KVM_RUN spins forever in the guest. So the probe
 * does what a booting kernel does: starting in 32-bit protected mode with the
 * CPUID KVM offers, it enables PAE, loads CR3, sets EFER.LME, turns on paging,
 * jumps into 64-bit code and on to a higher-half address (2 MiB pages), then
 * stores, loads, adds, runs a loop of a few million instructions and halts — on
 * a thread of its own that is kicked with a signal after a deadline.
 *
 * The loop is there because a KVM that answers everything correctly may still
 * not run guest code on the CPU: a paravirtual KVM without VT-x/AMD-V (PVM,
 * "kvm_pvm") runs an ordinary guest's kernel code through KVM's instruction
 * emulator, a thousand times slower than the hardware. A handful of
 * instructions then halts in a millisecond, yet a real kernel's decompressor
 * needs minutes, and QEMU guests seem to hang at boot. The loop takes about
 * 1 ms on the CPU and seconds when emulated, so such a host misses the
 * deadline; where the kicked guest stopped tells how far it got. */
#include "config.h"

#include "kmod/kvm_probe.h"
#include "kmod/kvm_probe_priv.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Guest physical layout, all inside one 2 MiB slot at address 0. */
#define GUEST_MEM_SIZE  0x200000ULL
#define GUEST_PML4      0x1000ULL
#define GUEST_PDPT      0x2000ULL
#define GUEST_PD        0x3000ULL
#define GUEST_GDT       0x4000ULL
#define GUEST_CODE32    0x5000ULL /* entry: 32-bit protected mode, paging off */
#define GUEST_CODE64    0x5100ULL /* first 64-bit code, still identity-mapped */
#define GUEST_CODE      0x5200ULL /* the work, run at GUEST_HIGH + GUEST_CODE */
#define GUEST_DATA      0x6000ULL
#define GUEST_STACK_TOP 0x8000ULL
#define GUEST_PDPT_HIGH 0x9000ULL
/* Where x86-64 Linux runs its kernel text: PML4[511], PDPT[510]. */
#define GUEST_HIGH 0xffffffff80000000ULL
/* Where QEMU puts them: just below 4 GiB, outside guest RAM. */
#define GUEST_TSS_ADDR      0xfffbd000ULL
#define GUEST_IDENTITY_ADDR 0xfffbc000ULL

#define GUEST_MAGIC 0x1122334455667788ULL
/* The loop in guest_code: 4 instructions an iteration, about 1 ms on the CPU
 * (0.3 ns an iteration on a 2020s server), several seconds when emulated. */
#define GUEST_LOOP_ITERATIONS   0x400000U
#define GUEST_LOOP_INSNS        4
#define GUEST_LOOP_COUNT_OFFSET 35 /* the imm32 of "mov ecx, N" in guest_code */
#define GUEST_LOOP_START        41 /* offsets of the loop's first instruction, */
#define GUEST_LOOP_END          53 /* and of the HLT after it, in guest_code */
/* Below this a guest runs on an instruction emulator, not on the CPU: the CPU
 * does billions a second, KVM's emulator a few million. */
#define EMULATED_INSNS_PER_SEC 100000000ULL
#define GUEST_LOOP_SUM         ((guint64)GUEST_LOOP_ITERATIONS * (GUEST_LOOP_ITERATIONS + 1) / 2)

#define PTE_P  (1ULL << 0)
#define PTE_RW (1ULL << 1)
#define PTE_PS (1ULL << 7)

#define CR0_PE   (1ULL << 0)
#define CR0_ET   (1ULL << 4)
#define CR0_PG   (1ULL << 31)
#define CR4_PAE  (1ULL << 5)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)

/* After the deadline, how long to keep kicking before giving the thread up. */
#define KICK_GRACE_US   (1000 * 1000)
#define KICK_PERIOD_US  (10 * 1000)
#define CACHE_MAX_BYTES (64 * 1024)
#define CACHE_GROUP     "kvm-deep-probe"
#define REASON_PREFIX   "KVM cannot run a paged guest here: "

/* 32-bit: enable PAE, CR3 = PML4, EFER.LME, paging; far jump to 64-bit code. */
static const guint8 guest_code32[] = {
        0x0f, 0x20, 0xe0,                         /* mov eax, cr4 */
        0x83, 0xc8, 0x20,                         /* or eax, CR4_PAE */
        0x0f, 0x22, 0xe0,                         /* mov cr4, eax */
        0xb8, 0x00, 0x10, 0x00, 0x00,             /* mov eax, GUEST_PML4 */
        0x0f, 0x22, 0xd8,                         /* mov cr3, eax */
        0xb9, 0x80, 0x00, 0x00, 0xc0,             /* mov ecx, MSR_EFER */
        0x0f, 0x32,                               /* rdmsr */
        0x0d, 0x00, 0x01, 0x00, 0x00,             /* or eax, EFER_LME */
        0x0f, 0x30,                               /* wrmsr */
        0x0f, 0x20, 0xc0,                         /* mov eax, cr0 */
        0x0d, 0x00, 0x00, 0x00, 0x80,             /* or eax, CR0_PG */
        0x0f, 0x22, 0xc0,                         /* mov cr0, eax */
        0xea, 0x00, 0x51, 0x00, 0x00, 0x08, 0x00, /* ljmp 0x8:GUEST_CODE64 */
};

/* 64-bit, identity-mapped: on to the higher half. */
static const guint8 guest_code64[] = {
        0x48, 0xb8, 0x00, 0x52, 0x00, 0x80, 0xff, 0xff, 0xff, 0xff, /* mov rax, HIGH+CODE */
        0xff, 0xe0,                                                 /* jmp rax */
};

/* mov rax, MAGIC; mov rdi, HIGH+DATA; mov [rdi], rax; mov rbx, [rdi]; add rbx, 1;
 * mov [rdi+8], rbx; then rdx = N + (N-1) + ... + 1, stored to [rdi+16] on every
 * iteration; hlt */
static const guint8 guest_code[] = {
        0x48, 0xb8, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* mov rax, imm64 */
        0x48, 0xbf, 0x00, 0x60, 0x00, 0x80, 0xff, 0xff, 0xff, 0xff, /* mov rdi, HIGH+DATA */
        0x48, 0x89, 0x07,                                           /* mov [rdi], rax */
        0x48, 0x8b, 0x1f,                                           /* mov rbx, [rdi] */
        0x48, 0x83, 0xc3, 0x01,                                     /* add rbx, 1 */
        0x48, 0x89, 0x5f, 0x08,                                     /* mov [rdi+8], rbx */
        0xb9, 0x00, 0x00, 0x00, 0x00, /* 34: mov ecx, GUEST_LOOP_ITERATIONS (set by guest_build) */
        0x31, 0xd2,                   /* 39: xor edx, edx */
        0x48, 0x01, 0xca,             /* 41: loop: add rdx, rcx */
        0x48, 0x89, 0x57, 0x10,       /* 44: mov [rdi+16], rdx */
        0x48, 0xff, 0xc9,             /* 48: dec rcx */
        0x75, 0xf4,                   /* 51: jnz loop */
        0xf4,                         /* 53: hlt */
};
G_STATIC_ASSERT(sizeof(guest_code) == GUEST_LOOP_END + 1);

static guint run_count;

guint kvm_deep_probe_run_count(void)
{
        return g_atomic_int_get(&run_count);
}

/* The VM outlives this call when a vCPU thread will not come back: whoever
 * drops the last reference closes the descriptors and unmaps the memory. */
typedef struct probe_vm {
        gint refs;
        int kvm_fd, vm_fd, vcpu_fd;
        guint8 *mem;
        struct kvm_run *run;
        size_t run_size;
        GMutex lock;
        GCond cond;
        gboolean done;
        int run_ret;   /* 0 or -errno from KVM_RUN */
        gint64 run_us; /* how long KVM_RUN took */
} probe_vm;

static probe_vm *probe_vm_new(void)
{
        probe_vm *vm = g_new0(probe_vm, 1);

        vm->refs = 1;
        vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = -1;
        vm->mem = MAP_FAILED;
        vm->run = MAP_FAILED;
        g_mutex_init(&vm->lock);
        g_cond_init(&vm->cond);
        return vm;
}

static void probe_vm_unref(probe_vm *vm)
{
        if (!vm || !g_atomic_int_dec_and_test(&vm->refs))
                return;
        if (vm->run != MAP_FAILED)
                munmap(vm->run, vm->run_size);
        if (vm->vcpu_fd >= 0)
                close(vm->vcpu_fd);
        if (vm->vm_fd >= 0)
                close(vm->vm_fd);
        if (vm->kvm_fd >= 0)
                close(vm->kvm_fd);
        if (vm->mem != MAP_FAILED)
                munmap(vm->mem, GUEST_MEM_SIZE);
        g_mutex_clear(&vm->lock);
        g_cond_clear(&vm->cond);
        g_free(vm);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(probe_vm, probe_vm_unref)

/* A real-time signal whose only job is to interrupt KVM_RUN (it returns -EINTR). */
static int kick_signal(void)
{
        return SIGRTMIN + 4;
}

static void kick_handler(int sig)
{
}

static gpointer install_kick_handler(gpointer data)
{
        struct sigaction sa, old;

        /* never take over a signal somebody else already handles */
        if (sigaction(kick_signal(), NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
            !(old.sa_flags & SA_SIGINFO)) {
                memset(&sa, 0, sizeof(sa));
                sa.sa_handler = kick_handler;
                sigemptyset(&sa.sa_mask);
                sa.sa_flags = 0; /* no SA_RESTART: KVM_RUN must come back */
                sigaction(kick_signal(), &sa, NULL);
        }
        return NULL;
}

static void *vcpu_thread(void *data)
{
        probe_vm *vm = data;
        sigset_t set;
        gint64 start;
        int r;

        sigfillset(&set);
        pthread_sigmask(SIG_BLOCK, &set, NULL);
        sigemptyset(&set);
        sigaddset(&set, kick_signal());
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);

        start = g_get_monotonic_time();
        r = ioctl(vm->vcpu_fd, KVM_RUN, 0);
        g_mutex_lock(&vm->lock);
        vm->run_ret = r < 0 ? -errno : 0;
        vm->run_us = g_get_monotonic_time() - start;
        vm->done = TRUE;
        g_cond_broadcast(&vm->cond);
        g_mutex_unlock(&vm->lock);
        probe_vm_unref(vm);
        return NULL;
}

static void write_u64(guint8 *mem, guint64 gpa, guint64 value)
{
        memcpy(mem + gpa, &value, sizeof(value));
}

static guint64 read_u64(const guint8 *mem, guint64 gpa)
{
        guint64 value;

        memcpy(&value, mem + gpa, sizeof(value));
        return value;
}

static void guest_build(guint8 *mem, gboolean spin)
{
        /* the first 2 MiB twice: identity (PML4[0] -> PDPT[0]) and at GUEST_HIGH
         * (PML4[511] -> PDPT_HIGH[510]), both to PD[0] = a 2 MiB page at 0 */
        write_u64(mem, GUEST_PML4, GUEST_PDPT | PTE_P | PTE_RW);
        write_u64(mem, GUEST_PML4 + 511 * 8, GUEST_PDPT_HIGH | PTE_P | PTE_RW);
        write_u64(mem, GUEST_PDPT, GUEST_PD | PTE_P | PTE_RW);
        write_u64(mem, GUEST_PDPT_HIGH + 510 * 8, GUEST_PD | PTE_P | PTE_RW);
        write_u64(mem, GUEST_PD, 0 | PTE_P | PTE_RW | PTE_PS);
        /* GDT: null, 64-bit code (0x8), data (0x10), 32-bit code (0x18) */
        write_u64(mem, GUEST_GDT, 0);
        write_u64(mem, GUEST_GDT + 8, 0x00af9a000000ffffULL);
        write_u64(mem, GUEST_GDT + 16, 0x00cf92000000ffffULL);
        write_u64(mem, GUEST_GDT + 24, 0x00cf9a000000ffffULL);
        memcpy(mem + GUEST_CODE32, guest_code32, sizeof(guest_code32));
        memcpy(mem + GUEST_CODE64, guest_code64, sizeof(guest_code64));
        memcpy(mem + GUEST_CODE, guest_code, sizeof(guest_code));
        memcpy(mem + GUEST_CODE + GUEST_LOOP_COUNT_OFFSET, &(guint32){GUEST_LOOP_ITERATIONS},
               sizeof(guint32));
        if (spin)
                memcpy(mem + GUEST_CODE, "\xeb\xfe", 2); /* jmp . */
}

static void segment_flat(struct kvm_segment *seg, guint16 selector, gboolean code32)
{
        memset(seg, 0, sizeof(*seg));
        seg->base = 0;
        seg->limit = 0xffffffff;
        seg->selector = selector;
        seg->present = 1;
        seg->dpl = 0;
        seg->s = 1;
        seg->g = 1;
        seg->db = 1;
        seg->type = code32 ? 11 /* execute/read, accessed */ : 3 /* read/write, accessed */;
}

/* Sets *ret_reason (without the prefix) on failure. */
static int vcpu_setup(probe_vm *vm, char **ret_reason)
{
        struct kvm_sregs sregs;
        struct kvm_regs regs;

        if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0) {
                *ret_reason = g_strdup_printf("KVM_GET_SREGS failed: %s", g_strerror(errno));
                return -1;
        }
        /* 32-bit protected mode without paging, as a boot loader hands over;
         * the guest switches to long mode itself */
        segment_flat(&sregs.cs, 0x18, TRUE);
        segment_flat(&sregs.ds, 0x10, FALSE);
        sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
        sregs.gdt.base = GUEST_GDT;
        sregs.gdt.limit = 4 * 8 - 1;
        sregs.cr3 = 0;
        sregs.cr4 = 0;
        sregs.cr0 = CR0_PE | CR0_ET;
        sregs.efer = 0;
        if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0) {
                *ret_reason = g_strdup_printf("KVM_SET_SREGS (protected mode) failed: %s",
                                              g_strerror(errno));
                return -1;
        }
        memset(&regs, 0, sizeof(regs));
        regs.rip = GUEST_CODE32;
        regs.rsp = GUEST_STACK_TOP;
        regs.rflags = 0x2;
        if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0) {
                *ret_reason = g_strdup_printf("KVM_SET_REGS failed: %s", g_strerror(errno));
                return -1;
        }
        return 0;
}

/* Creates the VM, its memory and its vCPU; sets *ret_reason on failure. */
static int vm_setup(probe_vm *vm, gboolean spin, char **ret_reason)
{
        struct kvm_userspace_memory_region region;
        g_autofree struct kvm_cpuid2 *cpuid = NULL;
        int mmap_size;

        vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
        if (vm->vm_fd < 0) {
                *ret_reason = g_strdup_printf("KVM_CREATE_VM failed: %s", g_strerror(errno));
                return -1;
        }
        /* the fd KVM hands out may lack close-on-exec on old kernels */
        (void)fcntl(vm->vm_fd, F_SETFD, FD_CLOEXEC);
        /* VMX needs these pages below 4 GiB before the first vCPU; SVM ignores them */
        if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_TSS_ADDR) > 0 &&
            ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)GUEST_TSS_ADDR) < 0) {
                *ret_reason = g_strdup_printf("KVM_SET_TSS_ADDR failed: %s", g_strerror(errno));
                return -1;
        }
        if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0) {
                guint64 addr = GUEST_IDENTITY_ADDR;

                if (ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &addr) < 0) {
                        *ret_reason = g_strdup_printf("KVM_SET_IDENTITY_MAP_ADDR failed: %s",
                                                      g_strerror(errno));
                        return -1;
                }
        }

        vm->mem = mmap(NULL, GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (vm->mem == MAP_FAILED) {
                *ret_reason = g_strdup_printf("cannot map %llu bytes of guest memory: %s",
                                              GUEST_MEM_SIZE, g_strerror(errno));
                return -1;
        }
        guest_build(vm->mem, spin);
        memset(&region, 0, sizeof(region));
        region.slot = 0;
        region.guest_phys_addr = 0;
        region.memory_size = GUEST_MEM_SIZE;
        region.userspace_addr = (guint64)(uintptr_t)vm->mem;
        if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
                *ret_reason =
                        g_strdup_printf("KVM_SET_USER_MEMORY_REGION failed: %s", g_strerror(errno));
                return -1;
        }

        vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
        if (vm->vcpu_fd < 0) {
                *ret_reason = g_strdup_printf("KVM_CREATE_VCPU failed: %s", g_strerror(errno));
                return -1;
        }
        (void)fcntl(vm->vcpu_fd, F_SETFD, FD_CLOEXEC);
        /* without a CPUID that says long mode, the guest's EFER.LME write faults */
        cpuid = kvm_probe_supported_cpuid(vm->kvm_fd);
        if (!cpuid) {
                *ret_reason =
                        g_strdup_printf("KVM_GET_SUPPORTED_CPUID failed: %s", g_strerror(errno));
                return -1;
        }
        if (ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0) {
                *ret_reason = g_strdup_printf("KVM_SET_CPUID2 failed: %s", g_strerror(errno));
                return -1;
        }
        mmap_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
        if (mmap_size < (int)sizeof(struct kvm_run)) {
                *ret_reason = g_strdup_printf("KVM_GET_VCPU_MMAP_SIZE failed: %s",
                                              mmap_size < 0 ? g_strerror(errno) : "size too small");
                return -1;
        }
        vm->run_size = (size_t)mmap_size;
        vm->run = mmap(NULL, vm->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
        if (vm->run == MAP_FAILED) {
                *ret_reason = g_strdup_printf("cannot map the vCPU's kvm_run area: %s",
                                              g_strerror(errno));
                return -1;
        }
        return vcpu_setup(vm, ret_reason);
}

/* Runs the vCPU on its own thread for at most timeout_us (+ the kick grace).
 * Returns TRUE when the thread came back; *ret_timed_out when it had to be kicked. */
static gboolean vm_run_bounded(probe_vm *vm, gint64 timeout_us, gboolean *ret_timed_out,
                               char **ret_reason)
{
        static GOnce handler_once = G_ONCE_INIT;
        pthread_t thread;
        gint64 deadline;
        gboolean done;
        int r;

        g_once(&handler_once, install_kick_handler, NULL);
        *ret_timed_out = FALSE;
        g_atomic_int_inc(&vm->refs); /* the thread's reference */
        r = pthread_create(&thread, NULL, vcpu_thread, vm);
        if (r != 0) {
                g_atomic_int_dec_and_test(&vm->refs);
                *ret_reason = g_strdup_printf("cannot start the vCPU thread: %s", g_strerror(r));
                return FALSE;
        }

        deadline = g_get_monotonic_time() + timeout_us;
        g_mutex_lock(&vm->lock);
        while (!vm->done && g_cond_wait_until(&vm->cond, &vm->lock, deadline))
                ;
        if (!vm->done) {
                gint64 give_up = g_get_monotonic_time() + KICK_GRACE_US;

                *ret_timed_out = TRUE;
                /* immediate_exit covers a kick that lands just before KVM_RUN starts */
                __atomic_store_n(&vm->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
                while (!vm->done && g_get_monotonic_time() < give_up) {
                        pthread_kill(thread, kick_signal());
                        g_cond_wait_until(&vm->cond, &vm->lock,
                                          g_get_monotonic_time() + KICK_PERIOD_US);
                }
        }
        done = vm->done;
        g_mutex_unlock(&vm->lock);

        if (done) {
                pthread_join(thread, NULL);
        } else {
                /* KVM_RUN ignored every kick: leave the thread its reference and go */
                pthread_detach(thread);
                log_warning(_("the KVM probe's vCPU thread did not come back; leaving it behind"));
        }
        return done;
}

static char *exit_reason_sentence(const struct kvm_run *run)
{
        const char *name = kvm_probe_exit_name((int)run->exit_reason);
        g_autofree char *detail = NULL;

        switch (run->exit_reason) {
        case KVM_EXIT_FAIL_ENTRY:
                detail = g_strdup_printf(
                        ", hardware entry failure reason 0x%llx",
                        (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
                break;
        case KVM_EXIT_INTERNAL_ERROR:
                detail = g_strdup_printf(", suberror %u", run->internal.suberror);
                break;
        case KVM_EXIT_SHUTDOWN:
                detail = g_strdup(", a triple fault");
                break;
        default:
                break;
        }
        return g_strdup_printf(REASON_PREFIX "the deep probe exited with reason %u (%s%s)",
                               run->exit_reason, name ? name : "unknown", detail ? detail : "");
}

/* Why a guest that was kicked after timeout_ms had not halted: where it
 * stopped tells a guest that spun from one that crawled through its loop. */
static char *timeout_sentence(probe_vm *vm, guint timeout_ms)
{
        const guint64 loop_start = GUEST_HIGH + GUEST_CODE + GUEST_LOOP_START;
        const guint64 loop_end = GUEST_HIGH + GUEST_CODE + GUEST_LOOP_END;
        struct kvm_regs regs;
        guint64 done, insns_per_sec;

        if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0 || regs.rip < loop_start ||
            regs.rip > loop_end || regs.rcx > GUEST_LOOP_ITERATIONS)
                return g_strdup_printf(REASON_PREFIX
                                       "the deep probe did not reach HLT within %u ms (the CPU "
                                       "spun in the guest; nested virtualisation without working "
                                       "EPT/NPT?)",
                                       timeout_ms);

        done = GUEST_LOOP_ITERATIONS - regs.rcx;
        insns_per_sec = done * GUEST_LOOP_INSNS * G_USEC_PER_SEC / (guint64)MAX(vm->run_us, 1);
        if (insns_per_sec < EMULATED_INSNS_PER_SEC)
                return g_strdup_printf(
                        REASON_PREFIX
                        "the deep probe did not reach HLT within %u ms because KVM "
                        "emulates the guest's instructions in software instead of "
                        "running them on the CPU: its loop got through %" G_GUINT64_FORMAT
                        " of %u iterations, about %.1f million instructions a "
                        "second, where the CPU runs the whole loop "
                        "in about 1 ms (a paravirtual KVM without VT-x/AMD-V, such "
                        "as PVM?); QEMU guests would take many minutes to boot and "
                        "look hung, so vctl uses TCG",
                        timeout_ms, done, GUEST_LOOP_ITERATIONS, (double)insns_per_sec / 1e6);
        /* fast enough, the deadline was just too short for the loop */
        return g_strdup_printf(REASON_PREFIX "the deep probe did not reach HLT within %u ms (its "
                                             "loop was at %" G_GUINT64_FORMAT " of %u iterations)",
                               timeout_ms, done, GUEST_LOOP_ITERATIONS);
}

static void deep_probe_run(const char *device, guint timeout_ms, gboolean spin,
                           kvm_deep_probe_result *res)
{
        g_autoptr(probe_vm) vm = probe_vm_new();
        g_autofree char *why = NULL;
        gboolean timed_out = FALSE;
        struct kvm_sregs sregs;
        struct kvm_regs regs;
        guint64 stored, summed, looped;

        g_atomic_int_inc(&run_count);
        vm->kvm_fd = kvm_probe_open(device, &res->reason);
        if (vm->kvm_fd < 0)
                return;
        kvm_probe_check_api(vm->kvm_fd, device, &res->reason);
        if (res->reason)
                return;
        if (vm_setup(vm, spin, &why) < 0) {
                res->reason = g_strconcat(REASON_PREFIX, why, NULL);
                return;
        }

        if (!vm_run_bounded(vm, (gint64)timeout_ms * 1000, &timed_out, &why)) {
                if (why) {
                        res->reason = g_strconcat(REASON_PREFIX, why, NULL);
                        return;
                }
                res->ran_guest = TRUE;
                res->reason = g_strdup_printf(
                        REASON_PREFIX "the deep probe did not reach HLT within %u ms and KVM_RUN "
                                      "ignored every kick (the CPU spun in the guest; nested "
                                      "virtualisation without working EPT/NPT?)",
                        timeout_ms);
                return;
        }
        res->ran_guest = TRUE;
        if (timed_out && (vm->run_ret == -EINTR || vm->run->exit_reason == KVM_EXIT_INTR)) {
                res->reason = timeout_sentence(vm, timeout_ms);
                return;
        }
        if (vm->run_ret < 0) {
                res->reason = g_strdup_printf(REASON_PREFIX "KVM_RUN failed: %s",
                                              g_strerror(-vm->run_ret));
                return;
        }
        res->exit_reason = (int)vm->run->exit_reason;
        if (vm->run->exit_reason != KVM_EXIT_HLT) {
                res->reason = exit_reason_sentence(vm->run);
                return;
        }

        if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0) {
                res->reason =
                        g_strdup_printf(REASON_PREFIX "KVM_GET_REGS failed: %s", g_strerror(errno));
                return;
        }
        if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0) {
                res->reason = g_strdup_printf(REASON_PREFIX "KVM_GET_SREGS failed: %s",
                                              g_strerror(errno));
                return;
        }
        if (!(sregs.efer & EFER_LMA) || !(sregs.cr0 & CR0_PG) || !(sregs.cr4 & CR4_PAE)) {
                res->reason = g_strdup_printf(
                        REASON_PREFIX "the deep probe halted outside long mode (efer 0x%llx, "
                                      "cr0 0x%llx, cr4 0x%llx)",
                        (unsigned long long)sregs.efer, (unsigned long long)sregs.cr0,
                        (unsigned long long)sregs.cr4);
                return;
        }
        stored = read_u64(vm->mem, GUEST_DATA);
        summed = read_u64(vm->mem, GUEST_DATA + 8);
        looped = read_u64(vm->mem, GUEST_DATA + 16);
        if (stored != GUEST_MAGIC || summed != GUEST_MAGIC + 1 || regs.rbx != GUEST_MAGIC + 1 ||
            regs.rax != GUEST_MAGIC || looped != GUEST_LOOP_SUM || regs.rdx != GUEST_LOOP_SUM ||
            regs.rcx != 0 || regs.rip != GUEST_HIGH + GUEST_CODE + sizeof(guest_code)) {
                res->reason = g_strdup_printf(
                        REASON_PREFIX "the deep probe halted but its work is wrong (memory "
                                      "0x%llx/0x%llx/0x%llx, rbx 0x%llx, rdx 0x%llx, rip 0x%llx)",
                        (unsigned long long)stored, (unsigned long long)summed,
                        (unsigned long long)looped, (unsigned long long)regs.rbx,
                        (unsigned long long)regs.rdx, (unsigned long long)regs.rip);
                return;
        }
        res->usable = TRUE;
}

static char *read_boot_id(const char *root)
{
        g_autofree char *path =
                g_strconcat(root ? root : "", "/proc/sys/kernel/random/boot_id", NULL);
        g_autofree char *data = NULL;

        if (vctl_file_read_bounded(path, 128, &data, NULL) < 0) {
                vctl_error_clear();
                return NULL;
        }
        g_strstrip(data);
        if (!*data || strpbrk(data, ";\n"))
                return NULL;
        return g_steal_pointer(&data);
}

char *kvm_deep_probe_cache_key(const char *root)
{
        g_autofree char *boot_id = read_boot_id(root);
        struct utsname u;

        if (uname(&u) < 0)
                g_strlcpy(u.release, "unknown", sizeof(u.release));
        return g_strdup_printf("boot_id=%s;release=%s;vctl=%s", boot_id ? boot_id : "unknown",
                               u.release, PACKAGE_VERSION);
}

static gboolean cache_usable_key(const char *key)
{
        /* without a boot id the next boot would believe this one */
        return !g_str_has_prefix(key, "boot_id=unknown;");
}

static kvm_deep_probe_result *cache_read(const char *path, const char *key)
{
        g_autofree char *data = NULL;
        g_autoptr(GKeyFile) kf = g_key_file_new();
        g_autofree char *stored_key = NULL;
        g_autoptr(GError) err = NULL;
        kvm_deep_probe_result *res;
        size_t len;

        if (vctl_file_read_bounded(path, CACHE_MAX_BYTES, &data, &len) < 0) {
                vctl_error_clear();
                return NULL;
        }
        if (!g_key_file_load_from_data(kf, data, len, G_KEY_FILE_NONE, &err)) {
                log_debug("ignoring the KVM probe cache '%s': %s", path, err->message);
                return NULL;
        }
        stored_key = g_key_file_get_string(kf, CACHE_GROUP, "key", NULL);
        if (!stored_key || strcmp(stored_key, key) != 0)
                return NULL;

        res = g_new0(kvm_deep_probe_result, 1);
        res->usable = g_key_file_get_boolean(kf, CACHE_GROUP, "usable", &err);
        if (err) {
                kvm_deep_probe_result_free(res);
                return NULL;
        }
        res->reason = g_key_file_get_string(kf, CACHE_GROUP, "reason", NULL);
        if (!res->usable && !res->reason) {
                kvm_deep_probe_result_free(res);
                return NULL;
        }
        res->exit_reason = g_key_file_get_integer(kf, CACHE_GROUP, "exit-reason", NULL);
        res->elapsed_us = g_key_file_get_int64(kf, CACHE_GROUP, "elapsed-us", NULL);
        res->ran_guest = TRUE;
        res->from_cache = TRUE;
        res->key = g_strdup(key);
        return res;
}

static void cache_write(const char *path, const kvm_deep_probe_result *res)
{
        g_autoptr(GKeyFile) kf = g_key_file_new();
        g_autofree char *dir = g_path_get_dirname(path);
        g_autofree char *data = NULL;
        gsize len;

        g_key_file_set_string(kf, CACHE_GROUP, "key", res->key);
        g_key_file_set_boolean(kf, CACHE_GROUP, "usable", res->usable);
        if (res->reason)
                g_key_file_set_string(kf, CACHE_GROUP, "reason", res->reason);
        g_key_file_set_integer(kf, CACHE_GROUP, "exit-reason", res->exit_reason);
        g_key_file_set_int64(kf, CACHE_GROUP, "elapsed-us", res->elapsed_us);
        data = g_key_file_to_data(kf, &len, NULL);
        if (vctl_mkdir_p(dir, 0755) < 0 || vctl_file_write_atomic(path, data, len, 0644) < 0) {
                log_warning(_("cannot cache the KVM probe result: %s"), vctl_error_message());
                vctl_error_clear();
        }
}

kvm_deep_probe_result *kvm_deep_probe(const kvm_deep_probe_options *opts)
{
        static const kvm_deep_probe_options defaults;
        const char *device;
        guint timeout_ms;
        g_autofree char *key = NULL;
        kvm_deep_probe_result *res;
        gboolean use_cache;
        gint64 start;
        struct stat st;

        if (!opts)
                opts = &defaults;
        device = opts->device ? opts->device : KVM_PROBE_DEVICE;
        timeout_ms = opts->timeout_ms ? opts->timeout_ms : KVM_DEEP_PROBE_TIMEOUT_MS;
        key = kvm_deep_probe_cache_key(opts->root);
        use_cache = opts->cache_path && cache_usable_key(key);

        /* a cached answer is only good while the device is still there */
        if (use_cache && stat(device, &st) == 0 && (res = cache_read(opts->cache_path, key))) {
                log_debug("KVM deep probe served from '%s'", opts->cache_path);
                return res;
        }

        res = g_new0(kvm_deep_probe_result, 1);
        res->exit_reason = -1;
        res->key = g_steal_pointer(&key);
        start = g_get_monotonic_time();
        deep_probe_run(device, timeout_ms, opts->spin, res);
        res->elapsed_us = g_get_monotonic_time() - start;
        log_debug("KVM deep probe: %s (%" G_GINT64_FORMAT " us)",
                  res->usable ? "usable" : res->reason, res->elapsed_us);

        /* only a guest that really ran says something that holds until the next boot */
        if (use_cache && res->ran_guest)
                cache_write(opts->cache_path, res);
        return res;
}

void kvm_deep_probe_result_free(kvm_deep_probe_result *result)
{
        if (!result)
                return;
        g_free(result->reason);
        g_free(result->key);
        g_free(result);
}
