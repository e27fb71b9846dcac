/* kmod/: the KVM probes (real /dev/kvm where usable), the deep probe's cache,
 * kernel modules against a fake sysfs, and the host checks. */
#include "config.h"

#include "kmod/hostcheck.h"
#include "kmod/kvm_probe.h"
#include "kmod/kvm_probe_priv.h"
#include "kmod/modules.h"
#include "lib/util/error.h"
#include "lib/util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The bound the tests hold the deep probe to: 100 ms plus generous slack. */
#define DEEP_PROBE_BOUND_US (2 * G_USEC_PER_SEC)
/* A module directory with real indexes, to see "available" without a fake .ko. */
#define SOME_MODDIR_GLOB "/lib/modules"

static char *tmpdir_new(void)
{
        g_autoptr(GError) err = NULL;
        char *dir = g_dir_make_tmp("vctl-kmod-XXXXXX", &err);

        g_assert_no_error(err);
        return dir;
}

static void rm_rf(const char *path)
{
        g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
        const char *name;

        if (dir) {
                while ((name = g_dir_read_name(dir))) {
                        g_autofree char *child = g_build_filename(path, name, NULL);

                        if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
                            !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
                                rm_rf(child);
                        else
                                g_unlink(child);
                }
        }
        g_rmdir(path);
}

/* Writes root/rel (creating its directories) with content. */
static void put(const char *root, const char *rel, const char *content)
{
        g_autofree char *path = g_strconcat(root, rel, NULL);
        g_autofree char *dir = g_path_get_dirname(path);

        g_assert_cmpint(vctl_mkdir_p(dir, 0755), ==, 0);
        g_assert_cmpint(vctl_file_write_atomic(path, content, strlen(content), 0644), ==, 0);
}

static void mkdir_under(const char *root, const char *rel)
{
        g_autofree char *path = g_strconcat(root, rel, NULL);

        g_assert_cmpint(vctl_mkdir_p(path, 0755), ==, 0);
}

static guint count_fds(void)
{
        g_autoptr(GDir) dir = g_dir_open("/proc/self/fd", 0, NULL);
        guint n = 0;

        while (dir && g_dir_read_name(dir))
                n++;
        return n;
}

/* NULL when the real /dev/kvm can be used, else why not (for g_test_skip). */
static char *kvm_unusable_why(void)
{
        int fd;

        if (access(KVM_PROBE_DEVICE, F_OK) < 0)
                return g_strdup("/dev/kvm is missing on this host");
        fd = open(KVM_PROBE_DEVICE, O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return g_strdup_printf("cannot open /dev/kvm: %s", g_strerror(errno));
        close(fd);
        return NULL;
}

static void test_exit_names(void)
{
        g_assert_cmpstr(kvm_probe_exit_name(5), ==, "KVM_EXIT_HLT");
        g_assert_cmpstr(kvm_probe_exit_name(8), ==, "KVM_EXIT_SHUTDOWN");
        g_assert_cmpstr(kvm_probe_exit_name(17), ==, "KVM_EXIT_INTERNAL_ERROR");
        g_assert_null(kvm_probe_exit_name(-1));
        g_assert_null(kvm_probe_exit_name(100000));
}

static void test_probe_missing_device(void)
{
        g_autofree char *dir = tmpdir_new();
        g_autofree char *dev = g_build_filename(dir, "kvm", NULL);
        g_autoptr(kvm_probe_result) r = kvm_probe(dev);
        kvm_deep_probe_options o = {.device = dev};
        g_autoptr(kvm_deep_probe_result) d = NULL;

        g_assert_false(r->present);
        g_assert_false(r->accessible);
        g_assert_false(r->usable);
        g_assert_cmpint(r->api_version, ==, -1);
        g_assert_true(g_str_has_suffix(r->reason, "is missing: load kvm_intel or kvm_amd "
                                                  "(modprobe kvm_intel, or modprobe kvm_amd)"));
        g_assert_nonnull(strstr(r->reason, dev));

        d = kvm_deep_probe(&o);
        g_assert_false(d->usable);
        g_assert_false(d->ran_guest);
        g_assert_false(d->from_cache);
        g_assert_nonnull(strstr(d->reason, "is missing: load kvm_intel or kvm_amd"));
        rm_rf(dir);
}

static void test_probe_not_kvm(void)
{
        /* a node that opens but is not KVM: the API version ioctl fails */
        g_autoptr(kvm_probe_result) r = kvm_probe("/dev/null");

        g_assert_true(r->present);
        g_assert_true(r->accessible);
        g_assert_false(r->usable);
        g_assert_nonnull(strstr(r->reason, "KVM_GET_API_VERSION on /dev/null failed"));
}

static void test_probe_permission_denied(void)
{
        g_autofree char *dir = tmpdir_new();
        g_autofree char *dev = g_build_filename(dir, "kvm", NULL);
        g_autofree char *sentence = kvm_probe_open_reason("/dev/kvm", EACCES);

        g_assert_cmpstr(sentence, ==,
                        "permission denied opening /dev/kvm: add the user to group "
                        "kvm (usermod -aG kvm USER, then log in again)");
        put(dir, "/kvm", "");
        g_assert_cmpint(chmod(dev, 0), ==, 0);
        if (geteuid() == 0) {
                g_test_message("root opens a mode-0 node: the sentence alone was checked");
        } else {
                g_autoptr(kvm_probe_result) r = kvm_probe(dev);

                g_assert_true(r->present);
                g_assert_false(r->accessible);
                g_assert_false(r->usable);
                g_assert_true(g_str_has_prefix(r->reason, "permission denied opening "));
        }
        rm_rf(dir);
}

static void test_probe_real(void)
{
        g_autofree char *why = kvm_unusable_why();
        g_autoptr(kvm_probe_result) r = NULL;
        g_autofree char *exts = NULL;

        if (why) {
                g_test_skip(why);
                return;
        }
        r = kvm_probe(NULL);
        g_ptr_array_add(r->extensions, NULL);
        exts = g_strjoinv(" ", (char **)r->extensions->pdata);
        g_ptr_array_remove_index(r->extensions, r->extensions->len - 1);
        g_test_message("KVM probe: usable=%d api=%d nr_vcpus=%d max_vcpus=%d cpuid=%d vendor=%s "
                       "vmx=%d svm=%d reason=%s",
                       r->usable, r->api_version, r->nr_vcpus, r->max_vcpus, r->cpuid_entries,
                       r->vendor ? r->vendor : "(none)", r->cpuid_vmx, r->cpuid_svm,
                       r->reason ? r->reason : "(none)");
        g_test_message("KVM extensions: %s", exts);
        g_assert_true(r->present);
        g_assert_true(r->accessible);
        g_assert_cmpint(r->api_version, ==, KVM_PROBE_API_VERSION);
        g_assert_cmpint(r->nr_vcpus, >, 0);
        g_assert_cmpint(r->max_vcpus, >=, r->nr_vcpus);
        g_assert_cmpint(r->cpuid_entries, >, 0);
        g_assert_nonnull(r->vendor);
        g_assert_cmpuint(strlen(r->vendor), ==, 12);
        g_assert_true(r->usable == (r->reason == NULL));
        if (r->usable)
                g_assert_true(g_ptr_array_find_with_equal_func(r->extensions, "KVM_CAP_USER_MEMORY",
                                                               g_str_equal, NULL));
}

static void test_deep_probe_real(void)
{
        g_autofree char *why = kvm_unusable_why();
        g_autoptr(kvm_deep_probe_result) d = NULL;
        guint before = kvm_deep_probe_run_count();
        guint fds;
        gint64 start;
        gint64 took;

        if (why) {
                g_test_skip(why);
                return;
        }
        fds = count_fds();
        start = g_get_monotonic_time();
        d = kvm_deep_probe(NULL);
        took = g_get_monotonic_time() - start;
        g_assert_cmpuint(count_fds(), ==, fds);
        g_test_message("KVM deep probe: usable=%d exit_reason=%d elapsed=%.1f ms (wall %.1f ms) "
                       "reason=%s",
                       d->usable, d->exit_reason, (double)d->elapsed_us / 1000.0,
                       (double)took / 1000.0, d->reason ? d->reason : "(none)");
        /* the outcome depends on the host; the bound does not */
        g_assert_cmpint(took, <, DEEP_PROBE_BOUND_US);
        g_assert_cmpuint(kvm_deep_probe_run_count(), ==, before + 1);
        g_assert_false(d->from_cache);
        g_assert_true(d->ran_guest);
        if (d->usable) {
                g_assert_null(d->reason);
                g_assert_cmpint(d->exit_reason, ==, 5);
        } else {
                g_assert_nonnull(d->reason);
                g_assert_true(g_str_has_prefix(d->reason, "KVM cannot run a paged guest here: "));
        }
}

static void test_deep_probe_short_timeout(void)
{
        g_autofree char *why = kvm_unusable_why();
        kvm_deep_probe_options o = {.timeout_ms = 1};
        g_autoptr(kvm_deep_probe_result) d = NULL;

        if (why) {
                g_test_skip(why);
                return;
        }
        /* whatever the guest does, 1 ms plus the kick grace is the bound */
        d = kvm_deep_probe(&o);
        g_test_message("KVM deep probe with 1 ms: usable=%d elapsed=%.1f ms reason=%s", d->usable,
                       (double)d->elapsed_us / 1000.0, d->reason ? d->reason : "(none)");
        g_assert_cmpint(d->elapsed_us, <, DEEP_PROBE_BOUND_US);
        if (!d->usable && d->exit_reason == -1 && strstr(d->reason, "did not reach HLT"))
                g_assert_nonnull(strstr(d->reason, "within 1 ms"));
}

static void test_deep_probe_spin(void)
{
        /* a guest that never halts, as on a nested host without working EPT/NPT:
         * the probe kicks it after the timeout and says so */
        g_autofree char *why = kvm_unusable_why();
        g_autofree char *root = tmpdir_new();
        g_autofree char *cache = g_build_filename(root, "probe.cache", NULL);
        kvm_deep_probe_options o = {.spin = TRUE, .cache_path = cache};
        g_autoptr(kvm_deep_probe_result) d = NULL;
        g_autoptr(kvm_deep_probe_result) again = NULL;
        gint64 start, took;
        guint fds = count_fds();

        if (why) {
                g_test_skip(why);
                rm_rf(root);
                return;
        }
        start = g_get_monotonic_time();
        d = kvm_deep_probe(&o);
        took = g_get_monotonic_time() - start;
        /* the kicked vCPU thread came back and everything was closed */
        g_assert_cmpuint(count_fds(), ==, fds);
        g_test_message("KVM deep probe, spinning guest: usable=%d elapsed=%.1f ms reason=%s",
                       d->usable, (double)took / 1000.0, d->reason ? d->reason : "(none)");
        g_assert_false(d->usable);
        g_assert_true(d->ran_guest);
        g_assert_cmpstr(d->reason, ==,
                        "KVM cannot run a paged guest here: the deep probe did not reach HLT "
                        "within 100 ms (the CPU spun in the guest; nested virtualisation without "
                        "working EPT/NPT?)");
        g_assert_cmpint(took, >=, 100 * 1000);
        g_assert_cmpint(took, <, DEEP_PROBE_BOUND_US);

        /* the verdict is cached like any other */
        again = kvm_deep_probe(&o);
        g_assert_true(again->from_cache);
        g_assert_cmpstr(again->reason, ==, d->reason);
        rm_rf(root);
}

static void test_deep_probe_cache(void)
{
        g_autofree char *why = kvm_unusable_why();
        g_autofree char *root = tmpdir_new();
        g_autofree char *cache = g_build_filename(root, "var/lib/vctl/kvm-probe.cache", NULL);
        kvm_deep_probe_options o = {.cache_path = cache, .root = root};
        g_autoptr(kvm_deep_probe_result) first = NULL;
        g_autoptr(kvm_deep_probe_result) second = NULL;
        g_autoptr(kvm_deep_probe_result) third = NULL;
        g_autofree char *content = NULL;
        guint runs;

        if (why) {
                g_test_skip(why);
                rm_rf(root);
                return;
        }
        put(root, "/proc/sys/kernel/random/boot_id", "11111111-2222-3333-4444-555555555555\n");

        runs = kvm_deep_probe_run_count();
        first = kvm_deep_probe(&o);
        g_assert_false(first->from_cache);
        g_assert_cmpuint(kvm_deep_probe_run_count(), ==, runs + 1);
        g_assert_nonnull(strstr(first->key, "boot_id=11111111-2222-3333-4444-555555555555;"));
        g_assert_true(g_file_test(cache, G_FILE_TEST_IS_REGULAR));
        g_assert_cmpint(vctl_file_read_bounded(cache, 65536, &content, NULL), ==, 0);
        g_test_message("cache file:\n%s", content);

        /* same boot, same kernel: served from the file, the guest does not run */
        second = kvm_deep_probe(&o);
        g_assert_true(second->from_cache);
        g_assert_cmpuint(kvm_deep_probe_run_count(), ==, runs + 1);
        g_assert_cmpint(second->usable, ==, first->usable);
        g_assert_cmpstr(second->reason, ==, first->reason);
        g_assert_cmpstr(second->key, ==, first->key);

        /* a new boot: the probe runs again */
        put(root, "/proc/sys/kernel/random/boot_id", "99999999-2222-3333-4444-555555555555\n");
        third = kvm_deep_probe(&o);
        g_assert_false(third->from_cache);
        g_assert_cmpuint(kvm_deep_probe_run_count(), ==, runs + 2);
        g_assert_cmpstr(third->key, !=, first->key);
        rm_rf(root);
}

static void test_deep_probe_cache_file(void)
{
        /* the cache alone, without running anything: a planted answer is served
         * when its key matches, ignored when it does not or when it is garbage */
        g_autofree char *root = tmpdir_new();
        g_autofree char *cache = g_build_filename(root, "probe.cache", NULL);
        g_autofree char *dev = g_build_filename(root, "dev/kvm", NULL);
        g_autofree char *key = NULL;
        g_autofree char *planted = NULL;
        kvm_deep_probe_options o = {.device = dev, .cache_path = cache, .root = root};
        guint runs = kvm_deep_probe_run_count();

        put(root, "/proc/sys/kernel/random/boot_id", "abcdef01-2222-3333-4444-555555555555\n");
        put(root, "/dev/kvm", ""); /* a regular file: opening works, KVM ioctls do not */
        key = kvm_deep_probe_cache_key(root);
        g_assert_true(g_str_has_prefix(key, "boot_id=abcdef01-2222-3333-4444-555555555555;"));
        g_assert_nonnull(strstr(key, ";vctl=" PACKAGE_VERSION));

        planted = g_strdup_printf("[kvm-deep-probe]\nkey=%s\nusable=false\n"
                                  "reason=planted reason\nexit-reason=-1\nelapsed-us=123\n",
                                  key);
        put(root, "/probe.cache", planted);
        {
                g_autoptr(kvm_deep_probe_result) d = kvm_deep_probe(&o);

                g_assert_true(d->from_cache);
                g_assert_false(d->usable);
                g_assert_cmpstr(d->reason, ==, "planted reason");
                g_assert_cmpint(d->elapsed_us, ==, 123);
                g_assert_cmpuint(kvm_deep_probe_run_count(), ==, runs);
        }

        put(root, "/probe.cache",
            "[kvm-deep-probe]\nkey=boot_id=other;release=x;vctl=0\n"
            "usable=true\n");
        {
                g_autoptr(kvm_deep_probe_result) d = kvm_deep_probe(&o);

                g_assert_false(d->from_cache);
                g_assert_false(d->usable);
                g_assert_false(d->ran_guest); /* the fake device is not KVM */
                g_assert_cmpuint(kvm_deep_probe_run_count(), ==, runs + 1);
        }

        put(root, "/probe.cache", "\x01garbage[[[");
        {
                g_autoptr(kvm_deep_probe_result) d = kvm_deep_probe(&o);

                g_assert_false(d->from_cache);
                g_assert_cmpuint(kvm_deep_probe_run_count(), ==, runs + 2);
        }

        /* a failure before the guest ran is not cached: the garbage stays */
        {
                g_autofree char *content = NULL;

                g_assert_cmpint(vctl_file_read_bounded(cache, 65536, &content, NULL), ==, 0);
                g_assert_cmpstr(content, ==, "\x01garbage[[[");
        }

        /* without a boot id, nothing is cached or served */
        {
                g_autofree char *boot_id =
                        g_build_filename(root, "proc/sys/kernel/random/boot_id", NULL);
                g_autofree char *nokey = NULL;

                g_unlink(boot_id);
                nokey = kvm_deep_probe_cache_key(root);
                g_assert_true(g_str_has_prefix(nokey, "boot_id=unknown;"));
        }
        rm_rf(root);
}

/* A fake /sys and /proc: kvm builtin (entry without initstate), kvm_intel loaded
 * with nested=Y, tun builtin without a /sys/module entry, bridge loaded, the
 * rest missing. */
static char *fake_sysfs(void)
{
        char *root = tmpdir_new();

        put(root, "/sys/module/kvm/parameters/halt_poll_ns", "200000\n");
        put(root, "/sys/module/kvm_intel/initstate", "live\n");
        put(root, "/sys/module/kvm_intel/parameters/nested", "Y\n");
        put(root, "/sys/module/bridge/initstate", "live\n");
        put(root, "/sys/module/bridge/version", "2.3\n");
        mkdir_under(root, "/sys/class/misc/tun");
        mkdir_under(root, "/sys/class/misc/kvm");
        put(root, "/dev/net/tun", "");
        put(root, "/proc/cpuinfo",
            "processor\t: 0\nvendor_id\t: GenuineIntel\n"
            "flags\t\t: fpu vme de pse vmx ssse3\n\n"
            "processor\t: 1\nflags\t\t: fpu vme de pse vmx ssse3\n");
        put(root, "/sys/fs/cgroup/cgroup.controllers", "cpu memory pids\n");
        mkdir_under(root, "/sys/kernel/iommu_groups/0");
        return root;
}

static const kmod_modules_entry *module_named(const kmod_modules_report *m, const char *name)
{
        const kmod_modules_entry *e = kmod_modules_find(m, name);

        if (!e)
                g_error("no module entry '%s'", name);
        return e;
}

static void test_modules_fake_sysfs(void)
{
        g_autofree char *root = fake_sysfs();
        g_autofree char *moddir = g_build_filename(root, "lib/modules/0.0-fake", NULL);
        g_autoptr(kmod_modules_report) m = NULL;
        const kmod_modules_entry *e;

        m = kmod_modules_query(root, moddir);
        for (guint i = 0; i < m->entries->len; i++) {
                e = g_ptr_array_index(m->entries, i);
                g_test_message("%-13s %-9s nested=%s (%s)", e->name,
                               kmod_modules_state_to_string(e->state), e->nested ? e->nested : "-",
                               e->evidence);
        }
        g_assert_cmpuint(m->entries->len, ==, g_strv_length((char **)kmod_modules_names));

        e = module_named(m, "kvm");
        g_assert_cmpint(e->state, ==, KMOD_MODULES_BUILTIN);
        g_assert_null(e->nested);
        e = module_named(m, "kvm_intel");
        g_assert_cmpint(e->state, ==, KMOD_MODULES_LOADED);
        g_assert_cmpstr(e->nested, ==, "Y");
        g_assert_nonnull(strstr(e->evidence, "initstate is 'live'"));
        g_assert_cmpint(module_named(m, "kvm_amd")->state, ==, KMOD_MODULES_MISSING);
        g_assert_cmpint(module_named(m, "tun")->state, ==, KMOD_MODULES_BUILTIN);
        g_assert_cmpint(module_named(m, "bridge")->state, ==, KMOD_MODULES_LOADED);
        g_assert_cmpint(module_named(m, "vhost_net")->state, ==, KMOD_MODULES_MISSING);
        g_assert_cmpint(module_named(m, "br_netfilter")->state, ==, KMOD_MODULES_MISSING);
        g_assert_null(kmod_modules_find(m, "nosuch"));
        g_assert_true(kmod_modules_present(m, "kvm"));
        g_assert_true(kmod_modules_present(m, "kvm_intel"));
        g_assert_false(kmod_modules_present(m, "vhost_net"));
        g_assert_cmpstr(kmod_modules_state_to_string(KMOD_MODULES_AVAILABLE), ==, "available");

        /* nothing available: nothing to load, and no root needed for that */
        {
                g_auto(GStrv) loaded = NULL;

                g_assert_cmpint(kmod_modules_load_missing(m, 0, &loaded), ==, 0);
                g_assert_nonnull(loaded);
                g_assert_cmpuint(g_strv_length(loaded), ==, 0);
        }
        rm_rf(root);
}

/* Finds a module directory with libkmod indexes that has tun as a module. */
static char *find_real_moddir(void)
{
        g_autoptr(GDir) dir = g_dir_open(SOME_MODDIR_GLOB, 0, NULL);
        const char *name;

        while (dir && (name = g_dir_read_name(dir))) {
                g_autofree char *moddir = g_build_filename(SOME_MODDIR_GLOB, name, NULL);
                g_autofree char *dep = g_build_filename(moddir, "modules.dep.bin", NULL);
                g_autoptr(kmod_modules_report) m = NULL;
                g_autofree char *root = NULL;

                if (!g_file_test(dep, G_FILE_TEST_EXISTS))
                        continue;
                root = tmpdir_new();
                m = kmod_modules_query(root, moddir);
                rm_rf(root);
                if (module_named(m, "tun")->state == KMOD_MODULES_AVAILABLE)
                        return g_steal_pointer(&moddir);
        }
        return NULL;
}

static void test_modules_available(void)
{
        g_autofree char *moddir = find_real_moddir();
        g_autofree char *root = NULL;
        g_autoptr(kmod_modules_report) m = NULL;
        g_auto(GStrv) would = NULL;
        const kmod_modules_entry *e;

        if (!moddir) {
                g_test_skip("no module directory under /lib/modules has tun as a module");
                return;
        }
        root = fake_sysfs();
        /* tun is a module there: only the marker made it builtin; drop it */
        {
                g_autofree char *marker = g_build_filename(root, "sys/class/misc/tun", NULL);

                g_rmdir(marker);
        }
        m = kmod_modules_query(root, moddir);
        e = module_named(m, "tun");
        g_test_message("tun in %s: %s (%s)", moddir, kmod_modules_state_to_string(e->state),
                       e->evidence);
        g_assert_cmpint(e->state, ==, KMOD_MODULES_AVAILABLE);
        g_assert_nonnull(e->path);
        g_assert_true(g_str_has_suffix(e->path, ".ko") || strstr(e->path, ".ko."));

        /* dry run: tun and whatever else is there, never kvm_amd on this vmx CPU,
         * never br_netfilter; nothing is loaded into the running kernel */
        g_assert_cmpint(kmod_modules_load_missing(m, KMOD_MODULES_LOAD_DRY_RUN, &would), >=, 1);
        g_assert_true(g_strv_contains((const char *const *)would, "tun"));
        g_assert_false(g_strv_contains((const char *const *)would, "kvm_amd"));
        g_assert_false(g_strv_contains((const char *const *)would, "br_netfilter"));
        g_assert_false(g_strv_contains((const char *const *)would, "bridge")); /* loaded */
        g_assert_cmpint(module_named(m, "tun")->state, ==, KMOD_MODULES_AVAILABLE);

        if (geteuid() != 0) {
                g_assert_cmpint(kmod_modules_load_missing(m, 0, NULL), ==, -EPERM);
                g_assert_nonnull(strstr(vctl_error_message(), "run 'modprobe -a"));
                g_assert_nonnull(strstr(vctl_error_message(), " tun"));
                vctl_error_clear();
        }
        rm_rf(root);
}

static void assert_results_well_formed(GPtrArray *results)
{
        g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);

        g_assert_cmpuint(results->len, >=, 10);
        for (guint i = 0; i < results->len; i++) {
                hostcheck_result *r = g_ptr_array_index(results, i);

                g_assert_nonnull(r->name);
                g_assert_nonnull(r->check);
                g_assert_nonnull(r->message);
                g_assert_cmpint(r->status, >=, HOSTCHECK_PASS);
                g_assert_cmpint(r->status, <=, HOSTCHECK_FAIL);
                if (r->status == HOSTCHECK_WARN || r->status == HOSTCHECK_FAIL)
                        g_assert_nonnull(r->hint);
                g_assert_true(g_hash_table_add(names, r->name)); /* unique */
        }
}

static hostcheck_result *find_result(GPtrArray *results, const char *name)
{
        for (guint i = 0; i < results->len; i++) {
                hostcheck_result *r = g_ptr_array_index(results, i);

                if (strcmp(r->name, name) == 0)
                        return r;
        }
        return NULL;
}

static hostcheck_result *result_named(GPtrArray *results, const char *name)
{
        hostcheck_result *r = find_result(results, name);

        if (!r)
                g_error("no host check named '%s'", name);
        return r;
}

static void assert_json_matches(GPtrArray *results)
{
        g_autofree char *json = hostcheck_format_json(results);
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(GError) err = NULL;
        JsonObject *obj, *summary;
        JsonArray *checks;
        gint64 total = 0;

        g_assert_true(json_parser_load_from_data(parser, json, -1, &err));
        g_assert_no_error(err);
        obj = json_node_get_object(json_parser_get_root(parser));
        checks = json_object_get_array_member(obj, "checks");
        g_assert_cmpuint(json_array_get_length(checks), ==, results->len);
        for (guint i = 0; i < results->len; i++) {
                hostcheck_result *r = g_ptr_array_index(results, i);
                JsonObject *c = json_array_get_object_element(checks, i);

                g_assert_cmpstr(json_object_get_string_member(c, "name"), ==, r->name);
                g_assert_cmpstr(json_object_get_string_member(c, "status"), ==,
                                hostcheck_status_to_string(r->status));
                g_assert_cmpstr(json_object_get_string_member(c, "message"), ==, r->message);
                g_assert_true(json_object_has_member(c, "hint"));
        }
        summary = json_object_get_object_member(obj, "summary");
        total = json_object_get_int_member(summary, "pass") +
                json_object_get_int_member(summary, "info") +
                json_object_get_int_member(summary, "warn") +
                json_object_get_int_member(summary, "fail");
        g_assert_cmpint(total, ==, results->len);
}

static void test_hostcheck_fake_host(void)
{
        g_autofree char *root = fake_sysfs();
        g_autofree char *moddir = g_build_filename(root, "lib/modules/0.0-fake", NULL);
        g_autofree char *qemu = g_build_filename(root, "usr/bin/qemu-system-x86_64", NULL);
        hostcheck_options o = {.root = root, .moddir = moddir, .qemu_binary = qemu};
        g_autoptr(GPtrArray) results = NULL;
        g_autofree char *table = NULL;

        put(root, "/usr/bin/qemu-system-x86_64", "#!/bin/sh\n");
        g_assert_cmpint(chmod(qemu, 0755), ==, 0);
        /* no ROOT/dev/kvm: KVM fails, the rest of the fake host passes */
        results = hostcheck_run(&o);
        table = hostcheck_format_table(results);
        g_test_message("fake host:\n%s", table);
        assert_results_well_formed(results);
        assert_json_matches(results);

        g_assert_cmpint(result_named(results, "hardware-virtualization")->status, ==,
                        HOSTCHECK_PASS);
        g_assert_cmpint(result_named(results, "kvm-device")->status, ==, HOSTCHECK_FAIL);
        g_assert_cmpstr(result_named(results, "kvm-device")->hint, ==,
                        "load the module: modprobe kvm_intel");
        g_assert_null(find_result(results, "kvm-access"));
        g_assert_null(find_result(results, "deep-probe"));
        g_assert_cmpint(result_named(results, "kvm-module")->status, ==, HOSTCHECK_PASS);
        g_assert_cmpint(result_named(results, "nested")->status, ==, HOSTCHECK_PASS);
        g_assert_cmpint(result_named(results, "tun-device")->status, ==, HOSTCHECK_PASS);
        g_assert_cmpint(result_named(results, "module-tun")->status, ==, HOSTCHECK_PASS);
        g_assert_cmpint(result_named(results, "module-bridge")->status, ==, HOSTCHECK_PASS);
        g_assert_cmpint(result_named(results, "module-vhost_net")->status, ==, HOSTCHECK_WARN);
        g_assert_cmpint(result_named(results, "qemu-binary")->status, ==, HOSTCHECK_PASS);
        g_assert_cmpint(result_named(results, "cgroup-v2")->status, ==, HOSTCHECK_PASS);
        g_assert_cmpint(result_named(results, "iommu")->status, ==, HOSTCHECK_PASS);
        g_assert_cmpint(hostcheck_worst(results), ==, HOSTCHECK_FAIL);
        g_assert_nonnull(strstr(table, "  QEMU: Checking for hardware virtualization "));
        g_assert_nonnull(strstr(table, ": FAIL ("));
        g_assert_nonnull(strstr(table, "        hint: load the module: modprobe kvm_intel\n"));
        rm_rf(root);
}

static void test_hostcheck_fake_host_bad(void)
{
        /* nothing at all: every hint is there, nested is only information */
        g_autofree char *root = tmpdir_new();
        g_autofree char *moddir = g_build_filename(root, "lib/modules/0.0-fake", NULL);
        g_autofree char *qemu = g_build_filename(root, "nope/qemu-system-x86_64", NULL);
        hostcheck_options o = {.root = root, .moddir = moddir, .qemu_binary = qemu};
        g_autoptr(GPtrArray) results = hostcheck_run(&o);
        hostcheck_result *r;

        assert_results_well_formed(results);
        assert_json_matches(results);
        r = result_named(results, "qemu-binary");
        g_assert_cmpint(r->status, ==, HOSTCHECK_FAIL);
        g_assert_cmpstr(r->hint, ==,
                        "install Debian's qemu-system-x86 (apt-get install "
                        "qemu-system-x86)");
        g_assert_cmpint(result_named(results, "kvm-module")->status, ==, HOSTCHECK_FAIL);
        g_assert_cmpint(result_named(results, "hardware-virtualization")->status, ==,
                        HOSTCHECK_FAIL);
        g_assert_cmpstr(result_named(results, "tun-device")->hint, ==,
                        "load the module: modprobe tun");
        g_assert_cmpint(result_named(results, "module-tun")->status, ==, HOSTCHECK_FAIL);
        g_assert_cmpint(result_named(results, "nested")->status, ==, HOSTCHECK_INFO);
        g_assert_cmpint(result_named(results, "cgroup-v2")->status, ==, HOSTCHECK_FAIL);
        g_assert_cmpint(result_named(results, "iommu")->status, ==, HOSTCHECK_WARN);
        rm_rf(root);
}

static void test_hostcheck_real_host(void)
{
        g_autofree char *root = tmpdir_new();
        g_autofree char *cache = g_build_filename(root, "kvm-probe.cache", NULL);
        hostcheck_options o = {.cache_path = cache};
        g_autoptr(GPtrArray) results = NULL;
        g_autofree char *table = NULL;
        g_autofree char *json = NULL;
        gint64 start = g_get_monotonic_time();

        results = hostcheck_run(&o);
        g_assert_cmpint(g_get_monotonic_time() - start, <, DEEP_PROBE_BOUND_US);
        table = hostcheck_format_table(results);
        json = hostcheck_format_json(results);
        g_test_message("this host:\n%s", table);
        g_test_message("as JSON:\n%s", json);
        assert_results_well_formed(results);
        assert_json_matches(results);
        if (!kvm_unusable_why())
                g_assert_nonnull(find_result(results, "deep-probe"));
        rm_rf(root);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/kmod/kvm/exit-names", test_exit_names);
        g_test_add_func("/kmod/kvm/missing-device", test_probe_missing_device);
        g_test_add_func("/kmod/kvm/not-kvm", test_probe_not_kvm);
        g_test_add_func("/kmod/kvm/permission-denied", test_probe_permission_denied);
        g_test_add_func("/kmod/kvm/probe", test_probe_real);
        g_test_add_func("/kmod/kvm/deep-probe", test_deep_probe_real);
        g_test_add_func("/kmod/kvm/deep-probe-short-timeout", test_deep_probe_short_timeout);
        g_test_add_func("/kmod/kvm/deep-probe-spin", test_deep_probe_spin);
        g_test_add_func("/kmod/kvm/deep-probe-cache", test_deep_probe_cache);
        g_test_add_func("/kmod/kvm/deep-probe-cache-file", test_deep_probe_cache_file);
        g_test_add_func("/kmod/modules/fake-sysfs", test_modules_fake_sysfs);
        g_test_add_func("/kmod/modules/available", test_modules_available);
        g_test_add_func("/kmod/hostcheck/fake-host", test_hostcheck_fake_host);
        g_test_add_func("/kmod/hostcheck/fake-host-bad", test_hostcheck_fake_host_bad);
        g_test_add_func("/kmod/hostcheck/real-host", test_hostcheck_real_host);
        return g_test_run();
}
