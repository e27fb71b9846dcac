/* qemu_confine's plan (which files a confined QEMU needs handed over, and
 * which it cannot reach at all) and the <owner> records of status files.
 * No root needed: the plan only reads modes, for a made-up user. */
#include "config.h"

#include "driver/qemu/qemu_confine.h"
#include "driver/qemu/qemu_status.h"
#include "lib/util/error.h"
#include "lib/vctl.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const qemu_confine_user fake = {.uid = 54321, .gid = 54321};

static char *make_file(const char *dir, const char *name, mode_t mode)
{
        char *p = g_build_filename(dir, name, NULL);

        g_assert_true(g_file_set_contents(p, "x", 1, NULL));
        g_assert_cmpint(g_chmod(p, mode), ==, 0);
        return p;
}

static domain_def *def_for(const char *disk, const char *cdrom, const char *kernel)
{
        g_autofree char *xml = g_strdup_printf(
                "<domain type='qemu'><name>c1</name><memory unit='MiB'>64</memory>"
                "<os><type arch='x86_64' machine='pc'>hvm</type><kernel>%s</kernel></os>"
                "<devices><disk type='file' device='disk'><driver name='qemu' type='raw'/>"
                "<source file='%s'/><target dev='vda' bus='virtio'/></disk>"
                "<disk type='file' device='cdrom'><source file='%s'/>"
                "<target dev='hdc' bus='ide'/><readonly/></disk></devices></domain>",
                kernel, disk, cdrom);
        domain_def *def = domain_def_parse(xml, strlen(xml), NULL);

        if (!def)
                g_error("%s", vctl_error_message());
        return def;
}

static void test_plan(void)
{
        g_autofree char *dir = g_dir_make_tmp("vctl-confine-XXXXXX", NULL);
        g_autofree char *disk = NULL, *iso = NULL, *kernel = NULL, *priv = NULL;
        g_autofree char *hidden = NULL;
        g_autoptr(GPtrArray) owners =
                g_ptr_array_new_with_free_func((GDestroyNotify)qemu_owner_free);
        g_autoptr(domain_def) def = NULL;
        const qemu_owner *o;

        g_assert_cmpint(g_chmod(dir, 0755), ==, 0);
        disk = make_file(dir, "disk.img", 0640);   /* others: nothing: handed over */
        iso = make_file(dir, "install.iso", 0444); /* read-only and readable: left alone */
        kernel = make_file(dir, "vmlinuz", 0600);  /* read-only, not readable: handed over */
        def = def_for(disk, iso, kernel);
        g_assert_cmpint(qemu_confine_plan("c1", def, FALSE, &fake, owners), ==, 0);
        g_assert_cmpuint(owners->len, ==, 2);
        o = g_ptr_array_index(owners, 0);
        g_assert_cmpstr(o->path, ==, disk);
        g_assert_cmpuint(o->uid, ==, getuid());
        g_assert_cmpuint(o->mode, ==, 0640);
        g_assert_cmpuint(o->as_uid, ==, fake.uid);
        g_assert_cmpuint(o->as_gid, ==, fake.gid);
        g_assert_cmpuint(o->as_mode, ==, 0640);
        o = g_ptr_array_index(owners, 1);
        g_assert_cmpstr(o->path, ==, kernel);
        g_assert_cmpuint(o->as_mode, ==, 0600);
        /* planning changes nothing */
        {
                struct stat st;

                g_assert_cmpint(g_stat(disk, &st), ==, 0);
                g_assert_cmpuint(st.st_uid, ==, getuid());
        }

        /* a read-only owner mode is widened for a writable disk */
        g_assert_cmpint(g_chmod(disk, 0400), ==, 0);
        g_ptr_array_set_size(owners, 0);
        g_assert_cmpint(qemu_confine_plan("c1", def, FALSE, &fake, owners), ==, 0);
        o = g_ptr_array_index(owners, 0);
        g_assert_cmpuint(o->mode, ==, 0400);
        g_assert_cmpuint(o->as_mode, ==, 0600);

        /* a directory on the way that denies search: refused, naming it */
        priv = g_build_filename(dir, "private", NULL);
        g_assert_cmpint(g_mkdir(priv, 0700), ==, 0);
        hidden = make_file(priv, "disk.img", 0600);
        domain_def_free(def);
        def = def_for(hidden, iso, kernel);
        g_ptr_array_set_size(owners, 0);
        vctl_error_clear();
        g_assert_cmpint(qemu_confine_plan("c1", def, FALSE, &fake, owners), ==, -1);
        g_assert_nonnull(strstr(vctl_error_message(), "domain 'c1'"));
        g_assert_nonnull(strstr(vctl_error_message(), "cannot reach"));
        g_assert_nonnull(strstr(vctl_error_message(), priv));
        g_assert_nonnull(strstr(vctl_error_message(), "chmod o+x"));

        g_unlink(hidden);
        g_rmdir(priv);
        g_unlink(disk);
        g_unlink(iso);
        g_unlink(kernel);
        g_rmdir(dir);
}

static void test_plan_chardevs(void)
{
        g_autofree char *dir = g_dir_make_tmp("vctl-confine-XXXXXX", NULL);
        g_autofree char *log = g_build_filename(dir, "serial.log", NULL);
        g_autofree char *sock = g_build_filename(dir, "agent.sock", NULL);
        g_autofree char *xml = NULL;
        g_autoptr(GPtrArray) owners =
                g_ptr_array_new_with_free_func((GDestroyNotify)qemu_owner_free);
        g_autoptr(domain_def) def = NULL;
        const qemu_owner *o;

        g_assert_cmpint(g_chmod(dir, 0755), ==, 0);
        xml = g_strdup_printf("<domain type='qemu'><name>c2</name><memory unit='MiB'>64</memory>"
                              "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>"
                              "<serial type='file'><source path='%s'/><target port='0'/></serial>"
                              "<channel type='unix'><source mode='bind' path='%s'/>"
                              "<target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
                              "</devices></domain>",
                              log, sock);
        def = domain_def_parse(xml, strlen(xml), NULL);
        if (!def)
                g_error("%s", vctl_error_message());
        /* the serial's file does not exist: created at grant, then handed over;
         * the agent's socket needs a directory vctl-qemu may write */
        vctl_error_clear();
        g_assert_cmpint(qemu_confine_plan("c2", def, FALSE, &fake, owners), ==, -1);
        g_assert_nonnull(strstr(vctl_error_message(), "cannot create the socket"));
        g_assert_nonnull(strstr(vctl_error_message(), sock));
        g_assert_nonnull(strstr(vctl_error_message(), "is not writable for it"));
        g_assert_cmpuint(owners->len, ==, 1);
        o = g_ptr_array_index(owners, 0);
        g_assert_cmpstr(o->path, ==, log);
        g_assert_true(o->create);
        g_assert_cmpuint(o->mode, ==, 0600);
        g_assert_cmpuint(o->uid, ==, geteuid());
        g_assert_false(g_file_test(log, G_FILE_TEST_EXISTS));

        g_assert_cmpint(g_chmod(dir, 0777), ==, 0);
        g_ptr_array_set_size(owners, 0);
        g_assert_cmpint(qemu_confine_plan("c2", def, FALSE, &fake, owners), ==, 0);
        g_assert_cmpuint(owners->len, ==, 1);
        g_rmdir(dir);
}

static void test_status_owners(void)
{
        const char *xml = "<domain type='qemu'><name>c1</name>"
                          "<uuid>5c2b3a9e-7d1f-4e0a-9b6c-000000000054</uuid>"
                          "<memory unit='MiB'>64</memory>"
                          "<os><type arch='x86_64' machine='pc'>hvm</type></os></domain>";
        g_autoptr(qemu_status) s = g_new0(qemu_status, 1);
        g_autoptr(qemu_status) back = NULL;
        g_autofree char *doc = NULL;
        g_autofree char *bad = NULL;
        g_auto(GStrv) parts = NULL;
        qemu_owner *o = g_new0(qemu_owner, 1), *o2;
        const qemu_owner *b;

        s->state = VCTL_DOMAIN_RUNNING;
        s->reason = 1;
        s->pid = 4242;
        s->start_time = 99;
        s->monitor = g_strdup("/run/vctl/qemu/c1/monitor.sock");
        s->id = 3;
        s->live = domain_def_parse(xml, strlen(xml), NULL);
        g_assert_nonnull(s->live);
        s->owners = g_ptr_array_new_with_free_func((GDestroyNotify)qemu_owner_free);
        o->path = g_strdup("/var/lib/vctl/images/a b&c.img");
        o->uid = 0;
        o->gid = 6;
        o->mode = 0640;
        o->as_uid = 998;
        o->as_gid = 997;
        o->as_mode = 0660;
        g_ptr_array_add(s->owners, o);

        doc = qemu_status_format(s);
        g_assert_nonnull(doc);
        g_assert_nonnull(strstr(doc, "<owner path='/var/lib/vctl/images/a b&amp;c.img' uid='0' "
                                     "gid='6' mode='0640' as-uid='998' as-gid='997' "
                                     "as-mode='0660'/>"));
        back = qemu_status_parse(doc, strlen(doc), "test");
        g_assert_nonnull(back);
        g_assert_cmpuint(back->owners->len, ==, 1);
        b = g_ptr_array_index(back->owners, 0);
        g_assert_cmpstr(b->path, ==, "/var/lib/vctl/images/a b&c.img");
        g_assert_cmpuint(b->gid, ==, 6);
        g_assert_cmpuint(b->mode, ==, 0640);
        g_assert_cmpuint(b->as_uid, ==, 998);
        g_assert_cmpuint(b->as_mode, ==, 0660);

        /* a status file of a vctld before confinement has no owners */
        g_ptr_array_set_size(s->owners, 0);
        g_free(doc);
        doc = qemu_status_format(s);
        g_clear_pointer(&back, qemu_status_free);
        back = qemu_status_parse(doc, strlen(doc), "test");
        g_assert_nonnull(back);
        g_assert_cmpuint(back->owners->len, ==, 0);

        /* a broken record is an error naming the file, not a guess */
        o2 = g_new0(qemu_owner, 1);
        o2->path = g_strdup("/img");
        o2->mode = 0600;
        g_ptr_array_add(s->owners, o2);
        g_free(doc);
        doc = qemu_status_format(s);
        parts = g_strsplit(doc, "mode='0", 2);
        bad = g_strjoinv("mode='9", parts);
        g_assert_null(qemu_status_parse(bad, strlen(bad), "broken.xml"));
        g_assert_nonnull(strstr(vctl_error_message(), "broken.xml"));
        g_assert_nonnull(strstr(vctl_error_message(), "<owner>"));
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/qemu/confine/plan", test_plan);
        g_test_add_func("/qemu/confine/plan-chardevs", test_plan_chardevs);
        g_test_add_func("/qemu/confine/status-owners", test_status_owners);
        return g_test_run();
}
