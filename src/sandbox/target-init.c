/*
 * Test target init for the sandbox boots (src/sandbox/boot) and the QEMU boots (src/qemu/boot).
 *
 * It runs as /sbin/init of the new root after the switch, checks that the switch left the
 * system as a real switch_root would, prints one line per check and powers off:
 *
 *     TARGET-INIT CLOCK start_ns=<CLOCK_MONOTONIC> maxrss_kib=<n> children_maxrss_kib=<n> cpu_us=<n>
 *         children_cpu_us=<n>
 *     CHECK <n> <name>: PASS|FAIL <detail>
 *     BOOT-RECORD <the init's JSON record of the boot>
 *     TARGET-INIT DONE
 *
 * The CLOCK line is for the boot benchmark (src/bench/boot-benchmark): the clock is read first
 * thing in main, and maxrss_kib is getrusage's ru_maxrss of this process. Linux keeps in
 * ru_maxrss the peak resident set size of the images that the process replaced with execve(2).
 * So it is the peak of the init that ran as PID 1 before this program, and of the sandbox's own
 * stage that started that init. children_maxrss_kib covers the children that the init waited
 * for, such as fsck. cpu_us and children_cpu_us are the user and system CPU time of the same, which execve(2) keeps
 * too: of every thread the process ever had, and of the waited-for children.
 *
 * Checks that need knowledge from outside (which partition should be the root, which side
 * was requested, whether the initramfs files are really gone, how often this disk was booted)
 * are completed by the harness, which prints "(outside)" lines for them.
 *
 * Build: gcc -static -O2 -o target-init target-init.c (src/sandbox/build-target-init).
 * The binary must be static because the rofs images carry no C library.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* statx(2) mask bits; older C library headers lack the second one. */
#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif

#define PATH_TEXT_MAX 512
#define DETAIL_MAX 4096
#define MOUNTS_MAX 256

/* One line of /proc/self/mountinfo, with the octal escapes (\040 for a space) decoded. */
struct mount_entry {
    unsigned long id;
    unsigned long parent_id;
    unsigned int major;
    unsigned int minor;
    char root[PATH_TEXT_MAX];
    char mount_point[PATH_TEXT_MAX];
    char mount_options[PATH_TEXT_MAX];
    char fs_type[64];
    char source[PATH_TEXT_MAX];
    char super_options[DETAIL_MAX];
};

static struct mount_entry mounts[MOUNTS_MAX];
static int mount_count;
static bool all_passed = true;

/* Paths that src/sandbox/assemble-root puts into the initramfs and that the rofs images lack. */
static const char *const initramfs_paths[] = {
    "/.sandbox-initramfs", /* marker file written only into the initramfs */
    "/manifest-init.jar",
    "/jvm",
    "/lib/jffi",
    "/etc/manifest-init",
    "/bin/busybox",
    "/newroot",
    "/init",
};

/* Appends printf-style text to a fixed buffer and silently truncates at its end. */
static void append(char *buffer, size_t size, const char *format, ...)
{
    size_t used = strlen(buffer);
    if (used + 1 >= size) {
        return;
    }
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(buffer + used, size - used, format, arguments);
    va_end(arguments);
}

/* Prints one check line with write(2) so that no stdio buffer is lost at power-off. */
static void report(int number, const char *name, bool passed, const char *detail)
{
    char line[DETAIL_MAX + 128];
    int length = snprintf(line, sizeof line, "CHECK %d %s: %s %s\n", number, name,
                          passed ? "PASS" : "FAIL", detail);
    if (length > (int) sizeof line - 1) {
        length = sizeof line - 1;
        line[length - 1] = '\n';
    }
    if (write(STDOUT_FILENO, line, length) < 0) {
        /* Nothing else can carry the report, so the exit status must. */
        all_passed = false;
    }
    if (!passed) {
        all_passed = false;
    }
}

static void decode_octal_escapes(char *text)
{
    char *out = text;
    for (char *in = text; *in != '\0'; in++) {
        if (in[0] == '\\' && in[1] >= '0' && in[1] <= '7' && in[2] >= '0' && in[2] <= '7'
                && in[3] >= '0' && in[3] <= '7') {
            *out++ = (char) ((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
            in += 3;
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
}

static void copy_field(char *target, size_t size, const char *field)
{
    snprintf(target, size, "%s", field);
    decode_octal_escapes(target);
}

/*
 * Reads /proc/self/mountinfo into mounts[]. Returns false with errno set when the file cannot be
 * read. The format is documented in proc(5): optional fields end at a lone "-".
 */
static bool read_mountinfo(void)
{
    FILE *file = fopen("/proc/self/mountinfo", "re");
    if (file == NULL) {
        return false;
    }
    mount_count = 0;
    char line[8192];
    while (mount_count < MOUNTS_MAX && fgets(line, sizeof line, file) != NULL) {
        line[strcspn(line, "\n")] = '\0';
        struct mount_entry *entry = &mounts[mount_count];
        memset(entry, 0, sizeof *entry);

        char *save = NULL;
        char *fields[64];
        int count = 0;
        for (char *field = strtok_r(line, " ", &save); field != NULL && count < 64;
                field = strtok_r(NULL, " ", &save)) {
            fields[count++] = field;
        }
        int separator = -1;
        for (int i = 6; i < count; i++) {
            if (strcmp(fields[i], "-") == 0) {
                separator = i;
                break;
            }
        }
        if (count < 10 || separator < 0 || separator + 2 >= count) {
            continue;
        }
        entry->id = strtoul(fields[0], NULL, 10);
        entry->parent_id = strtoul(fields[1], NULL, 10);
        if (sscanf(fields[2], "%u:%u", &entry->major, &entry->minor) != 2) {
            continue;
        }
        copy_field(entry->root, sizeof entry->root, fields[3]);
        copy_field(entry->mount_point, sizeof entry->mount_point, fields[4]);
        copy_field(entry->mount_options, sizeof entry->mount_options, fields[5]);
        copy_field(entry->fs_type, sizeof entry->fs_type, fields[separator + 1]);
        copy_field(entry->source, sizeof entry->source, fields[separator + 2]);
        if (separator + 3 < count) {
            copy_field(entry->super_options, sizeof entry->super_options, fields[separator + 3]);
        }
        mount_count++;
    }
    fclose(file);
    return true;
}

static const struct mount_entry *find_mount_by_id(unsigned long id)
{
    for (int i = 0; i < mount_count; i++) {
        if (mounts[i].id == id) {
            return &mounts[i];
        }
    }
    return NULL;
}

/*
 * Returns the mount ID (the first mountinfo field) of the mount that contains path, or 0 with
 * errno set. statx names the mount actually visible at path, which mountinfo order cannot do
 * reliably when mounts are stacked.
 */
static unsigned long mount_id_of(const char *path)
{
    struct statx status;
    if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &status) != 0) {
        return 0;
    }
    if ((status.stx_mask & STATX_MNT_ID) == 0) {
        errno = ENOTSUP;
        return 0;
    }
    return (unsigned long) status.stx_mnt_id;
}

/*
 * Returns the 64-bit unique mount ID of the mount that contains path (Linux 6.8 and later), or 0
 * with errno set. Unlike the mountinfo ID, which reuses the lowest free number, the unique ID
 * grows with every mount created and is never reused, so it orders mounts by creation time.
 */
static uint64_t unique_mount_id_of(const char *path)
{
    struct statx status;
    if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_MNT_ID_UNIQUE, &status) != 0) {
        return 0;
    }
    if ((status.stx_mask & STATX_MNT_ID_UNIQUE) == 0) {
        errno = ENOTSUP;
        return 0;
    }
    return status.stx_mnt_id;
}

/* Looks up the mount visible at path; on failure writes the reason into detail. */
static const struct mount_entry *mount_at(const char *path, char *detail, size_t size)
{
    unsigned long id = mount_id_of(path);
    if (id == 0) {
        append(detail, size, "statx(%s, STATX_MNT_ID) failed: %s; ", path, strerror(errno));
        return NULL;
    }
    const struct mount_entry *entry = find_mount_by_id(id);
    if (entry == NULL) {
        append(detail, size, "mount ID %lu of %s is missing from /proc/self/mountinfo; ", id, path);
    }
    return entry;
}

/* Whether the comma-separated list contains option exactly. */
static bool has_option(const char *list, const char *option)
{
    size_t length = strlen(option);
    for (const char *start = list; *start != '\0';) {
        const char *end = strchr(start, ',');
        size_t field = end ? (size_t) (end - start) : strlen(start);
        if (field == length && strncmp(start, option, length) == 0) {
            return true;
        }
        if (end == NULL) {
            break;
        }
        start = end + 1;
    }
    return false;
}

/* Copies the value of key=value from a comma-separated list into value, or returns false. */
static bool option_value(const char *list, const char *key, char *value, size_t size)
{
    size_t length = strlen(key);
    for (const char *start = list; *start != '\0';) {
        const char *end = strchr(start, ',');
        size_t field = end ? (size_t) (end - start) : strlen(start);
        if (field > length && strncmp(start, key, length) == 0 && start[length] == '=') {
            snprintf(value, size, "%.*s", (int) (field - length - 1), start + length + 1);
            return true;
        }
        if (end == NULL) {
            break;
        }
        start = end + 1;
    }
    return false;
}

static bool ends_with(const char *text, const char *suffix)
{
    size_t text_length = strlen(text);
    size_t suffix_length = strlen(suffix);
    return text_length >= suffix_length && strcmp(text + text_length - suffix_length, suffix) == 0;
}

/*
 * Lists the open descriptors into detail. Must run before the program opens anything else, so
 * that every descriptor it sees was inherited through exec.
 */
static bool list_open_descriptors(char *detail, size_t size)
{
    DIR *directory = opendir("/proc/self/fd");
    if (directory == NULL) {
        append(detail, size, "cannot open /proc/self/fd: %s", strerror(errno));
        return false;
    }
    int own = dirfd(directory);
    bool only_standard = true;
    append(detail, size, "open:");
    for (struct dirent *entry = readdir(directory); entry != NULL; entry = readdir(directory)) {
        if (entry->d_name[0] == '.') {
            continue;
        }
        int descriptor = atoi(entry->d_name);
        if (descriptor == own) {
            continue;
        }
        char link[64];
        char target[PATH_TEXT_MAX];
        snprintf(link, sizeof link, "/proc/self/fd/%d", descriptor);
        ssize_t length = readlink(link, target, sizeof target - 1);
        target[length < 0 ? 0 : length] = '\0';
        append(detail, size, " %d->%s", descriptor, target);
        if (descriptor > 2) {
            only_standard = false;
        }
    }
    closedir(directory);
    if (!only_standard) {
        append(detail, size, "; expected only 0, 1 and 2 (the init must close or mark close-on-exec"
               " every other descriptor before exec)");
    }
    return only_standard;
}

static void check_pid1_and_root(void)
{
    char detail[DETAIL_MAX] = "";
    bool passed = true;

    pid_t pid = getpid();
    append(detail, sizeof detail, "pid=%d ", (int) pid);
    if (pid != 1) {
        append(detail, sizeof detail, "(expected 1) ");
        passed = false;
    }

    char root_link[PATH_TEXT_MAX];
    ssize_t length = readlink("/proc/1/root", root_link, sizeof root_link - 1);
    if (length < 0) {
        append(detail, sizeof detail, "readlink /proc/1/root failed: %s ", strerror(errno));
        passed = false;
    } else {
        root_link[length] = '\0';
        append(detail, sizeof detail, "/proc/1/root=%s ", root_link);
        if (strcmp(root_link, "/") != 0) {
            append(detail, sizeof detail, "(expected /) ");
            passed = false;
        }
    }

    const struct mount_entry *root = mount_at("/", detail, sizeof detail);
    if (root == NULL) {
        report(1, "pid1-root", false, detail);
        return;
    }
    append(detail, sizeof detail, "source=%s dev=%u:%u type=%s options=%s root=%s mount_id=%lu",
           root->source, root->major, root->minor, root->fs_type, root->mount_options, root->root,
           root->id);
    if (strcmp(root->fs_type, "ext4") != 0) {
        append(detail, sizeof detail, "; type is not ext4");
        passed = false;
    }
    if (!has_option(root->mount_options, "ro")) {
        append(detail, sizeof detail, "; not mounted read-only");
        passed = false;
    }
    /* The root field is the path inside the filesystem that the mount shows. Anything but "/"
       means the root is a bind mount of a subdirectory, not the partition itself. */
    if (strcmp(root->root, "/") != 0) {
        append(detail, sizeof detail, "; mount root field is not /");
        passed = false;
    }

    /* The source must be the block device that contains "/": its device number must match both
       st_dev of "/" and the major:minor field of mountinfo. */
    struct stat root_status;
    struct stat source_status;
    if (stat("/", &root_status) != 0) {
        append(detail, sizeof detail, "; stat / failed: %s", strerror(errno));
        passed = false;
    } else if (stat(root->source, &source_status) != 0) {
        append(detail, sizeof detail, "; stat %s failed: %s", root->source, strerror(errno));
        passed = false;
    } else if (!S_ISBLK(source_status.st_mode)) {
        append(detail, sizeof detail, "; %s is not a block device", root->source);
        passed = false;
    } else if (source_status.st_rdev != root_status.st_dev
            || major(root_status.st_dev) != root->major || minor(root_status.st_dev) != root->minor) {
        append(detail, sizeof detail, "; %s is device %u:%u but / is on %u:%u", root->source,
               major(source_status.st_rdev), minor(source_status.st_rdev),
               major(root_status.st_dev), minor(root_status.st_dev));
        passed = false;
    }
    report(1, "pid1-root", passed, detail);
}

/* Writes a probe file into /etc and reads it back from the overlay's upper directory. */
static bool probe_overlay_upper(const char *upper, char *detail, size_t size)
{
    char name[64];
    char etc_path[PATH_TEXT_MAX];
    char upper_path[PATH_TEXT_MAX];
    char content[64];
    snprintf(name, sizeof name, "target-init-probe.%ld", (long) getpid());
    snprintf(etc_path, sizeof etc_path, "/etc/%s", name);
    snprintf(upper_path, sizeof upper_path, "%s/%s", upper, name);
    snprintf(content, sizeof content, "written through /etc\n");

    int descriptor = open(etc_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (descriptor < 0) {
        append(detail, size, "; cannot create %s: %s", etc_path, strerror(errno));
        return false;
    }
    ssize_t written = write(descriptor, content, strlen(content));
    close(descriptor);
    if (written != (ssize_t) strlen(content)) {
        append(detail, size, "; cannot write %s", etc_path);
        unlink(etc_path);
        return false;
    }

    char read_back[64] = "";
    bool passed = false;
    descriptor = open(upper_path, O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) {
        append(detail, size, "; %s did not appear in %s: %s", name, upper, strerror(errno));
    } else {
        ssize_t length = read(descriptor, read_back, sizeof read_back - 1);
        close(descriptor);
        read_back[length < 0 ? 0 : length] = '\0';
        passed = strcmp(read_back, content) == 0;
        if (passed) {
            append(detail, size, "; probe file appeared in %s", upper);
        } else {
            append(detail, size, "; %s has other content in %s", name, upper);
        }
    }
    if (unlink(etc_path) != 0) {
        append(detail, size, "; cannot remove %s: %s", etc_path, strerror(errno));
        passed = false;
    }
    return passed;
}

static void check_var_and_etc(void)
{
    char detail[DETAIL_MAX] = "";
    bool passed = true;

    const struct mount_entry *var = mount_at("/var", detail, sizeof detail);
    if (var == NULL) {
        passed = false;
    } else {
        append(detail, sizeof detail, "/var: source=%s type=%s options=%s", var->source,
               var->fs_type, var->mount_options);
        if (strcmp(var->mount_point, "/var") != 0) {
            append(detail, sizeof detail, " (no mount at /var; the mount here is at %s)",
                   var->mount_point);
            passed = false;
        }
        if (strcmp(var->fs_type, "ext4") != 0) {
            append(detail, sizeof detail, " (expected ext4)");
            passed = false;
        }
        if (!has_option(var->mount_options, "rw")) {
            append(detail, sizeof detail, " (expected rw)");
            passed = false;
        }
    }

    const struct mount_entry *etc = mount_at("/etc", detail, sizeof detail);
    if (etc == NULL) {
        report(2, "var-etc", false, detail);
        return;
    }
    append(detail, sizeof detail, "; /etc: type=%s mount_point=%s", etc->fs_type, etc->mount_point);
    if (strcmp(etc->fs_type, "overlay") != 0 || strcmp(etc->mount_point, "/etc") != 0) {
        append(detail, sizeof detail, " (expected an overlay mounted at /etc)");
        report(2, "var-etc", false, detail);
        return;
    }

    /* overlayfs shows upperdir as the path string given at mount time. The init mounts the
       overlay before the switch, so the option may read /newroot/var/persist/etc: only its
       tail is compared here, and the probe below checks where writes really go. */
    char upper[PATH_TEXT_MAX] = "";
    if (!option_value(etc->super_options, "upperdir", upper, sizeof upper)) {
        append(detail, sizeof detail, " (no upperdir in %s)", etc->super_options);
        passed = false;
    } else {
        append(detail, sizeof detail, " upperdir=%s", upper);
        if (!ends_with(upper, "/var/persist/etc")) {
            append(detail, sizeof detail, " (expected it to end in /var/persist/etc)");
            passed = false;
        }
    }
    if (!probe_overlay_upper("/var/persist/etc", detail, sizeof detail)) {
        passed = false;
    }
    report(2, "var-etc", passed, detail);
}

/* Returns the position of entry in /proc/self/mountinfo, counted from 0. */
static int mountinfo_position(const struct mount_entry *entry)
{
    return (int) (entry - mounts);
}

/*
 * Checks /dev, /proc, /sys and /run: each must be a mount of the expected type sitting directly
 * on the root mount, and each must have been moved there from the initramfs, not mounted anew.
 *
 * Moved versus mounted anew: the init mounts the API filesystems before the root partition, and
 * MS_MOVE keeps a mount's identity, while a mount made after the switch, or a bind copy of the
 * old one, is a new mount. So an API mount that was created before the root mount can only have
 * reached the new root by being moved. Two records show creation order:
 *  - The unique mount ID (Linux 6.8 and later) grows with every mount created and is never reused.
 *  - The position in /proc/self/mountinfo, which lists a namespace's mounts in the order they were
 *    attached to it. Before 6.8, commit_tree() appends a new mount to the namespace's list, and a
 *    move leaves the mount where it is in the list. From 6.8 on, the list is sorted by unique ID.
 * Where the unique ID exists, both must agree; on older kernels, such as Debian 12's 6.1, the
 * position alone decides. The mountinfo IDs are printed too, but they prove nothing, because the
 * kernel reuses the lowest free number.
 */
static void check_api_mounts(void)
{
    static const struct {
        const char *path;
        const char *type;
    } expected[] = {
        {"/dev", "devtmpfs"},
        {"/proc", "proc"},
        {"/sys", "sysfs"},
        {"/run", "tmpfs"},
    };
    char detail[DETAIL_MAX] = "";
    bool passed = true;

    const struct mount_entry *root = mount_at("/", detail, sizeof detail);
    if (root == NULL) {
        report(3, "api-mounts", false, detail);
        return;
    }
    uint64_t root_unique = unique_mount_id_of("/");
    bool have_unique = root_unique != 0;
    append(detail, sizeof detail, "/: mount_id=%lu position=%d", root->id, mountinfo_position(root));
    if (have_unique) {
        append(detail, sizeof detail, " unique=%llu", (unsigned long long) root_unique);
    } else {
        append(detail, sizeof detail, " (no unique mount ID: %s, it needs Linux 6.8; the mountinfo"
               " position decides)", strerror(errno));
    }

    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        const char *path = expected[i].path;
        append(detail, sizeof detail, "; %s:", path);
        const struct mount_entry *entry = mount_at(path, detail, sizeof detail);
        if (entry == NULL) {
            passed = false;
            continue;
        }
        append(detail, sizeof detail, " type=%s mount_id=%lu parent=%lu position=%d", entry->fs_type,
               entry->id, entry->parent_id, mountinfo_position(entry));
        if (strcmp(entry->mount_point, path) != 0) {
            append(detail, sizeof detail, " (not a mount point; the mount here is at %s)",
                   entry->mount_point);
            passed = false;
            continue;
        }
        if (strcmp(entry->fs_type, expected[i].type) != 0) {
            append(detail, sizeof detail, " (expected %s)", expected[i].type);
            passed = false;
        }
        if (entry->parent_id != root->id) {
            append(detail, sizeof detail, " (parent is not the root mount %lu)", root->id);
            passed = false;
        }
        if (mountinfo_position(entry) > mountinfo_position(root)) {
            append(detail, sizeof detail, " (listed after the root mount, so mounted anew or"
                   " bind-mounted, not moved)");
            passed = false;
        }
        if (have_unique) {
            uint64_t unique = unique_mount_id_of(path);
            append(detail, sizeof detail, " unique=%llu", (unsigned long long) unique);
            if (unique == 0 || unique > root_unique) {
                append(detail, sizeof detail, " (created after the root mount, so mounted anew or"
                       " bind-mounted, not moved)");
                passed = false;
            }
        }
    }
    report(3, "api-mounts", passed, detail);
}

/*
 * Enters another mount namespace and comes back, as perf does, then changes back to the old
 * working directory by path. Writes what happened into detail and returns whether it worked.
 *
 * setns(CLONE_NEWNS) sets root and cwd to the root of the namespace, following mounts stacked on
 * it. After a real switch_root the new root is the topmost mount on the namespace root, so the
 * old path resolves again. After a bare chroot the namespace root is still the initramfs, where
 * the path does not exist.
 */
static bool setns_round_trip(char *detail, size_t size)
{
    static const char *directory = "/var/persist";
    bool passed = false;
    int own_namespace = -1;
    int ready[2] = {-1, -1};
    int release[2] = {-1, -1};
    pid_t child = -1;

    struct stat before;
    struct stat root_before;
    struct stat root_after;
    struct stat after;
    if (chdir(directory) != 0 || stat(".", &before) != 0 || stat("/", &root_before) != 0) {
        append(detail, size, "cannot enter %s: %s", directory, strerror(errno));
        goto out;
    }
    own_namespace = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
    if (own_namespace < 0) {
        append(detail, size, "open /proc/self/ns/mnt failed: %s", strerror(errno));
        goto out;
    }
    if (pipe2(ready, O_CLOEXEC) != 0 || pipe2(release, O_CLOEXEC) != 0) {
        append(detail, size, "pipe2 failed: %s", strerror(errno));
        goto out;
    }

    child = fork();
    if (child < 0) {
        append(detail, size, "fork failed: %s", strerror(errno));
        goto out;
    }
    if (child == 0) {
        /* The child keeps a mount namespace of its own alive until the parent closes the
           release pipe. It must drop its copy of the write end, or it would never see EOF. */
        close(release[1]);
        close(ready[0]);
        char signal = unshare(CLONE_NEWNS) == 0 ? 'y' : 'n';
        if (write(ready[1], &signal, 1) != 1) {
            _exit(2);
        }
        char ignored;
        while (read(release[0], &ignored, 1) > 0) {
        }
        _exit(0);
    }
    close(release[0]);
    release[0] = -1;
    close(ready[1]);
    ready[1] = -1;

    char signal = 'n';
    if (read(ready[0], &signal, 1) != 1 || signal != 'y') {
        append(detail, size, "the helper process could not unshare its mount namespace");
        goto out;
    }

    char child_path[64];
    snprintf(child_path, sizeof child_path, "/proc/%d/ns/mnt", (int) child);
    int child_namespace = open(child_path, O_RDONLY | O_CLOEXEC);
    if (child_namespace < 0) {
        append(detail, size, "open %s failed: %s", child_path, strerror(errno));
        goto out;
    }
    int result = setns(child_namespace, CLONE_NEWNS);
    int saved = errno;
    close(child_namespace);
    if (result != 0) {
        append(detail, size, "setns into the helper's namespace failed: %s", strerror(saved));
        goto out;
    }
    if (setns(own_namespace, CLONE_NEWNS) != 0) {
        append(detail, size, "setns back into our namespace failed: %s", strerror(errno));
        goto out;
    }

    if (stat("/", &root_after) != 0) {
        append(detail, size, "stat / after setns failed: %s", strerror(errno));
        goto out;
    }
    append(detail, size, "root before setns dev=%u:%u ino=%lu, after dev=%u:%u ino=%lu",
           major(root_before.st_dev), minor(root_before.st_dev), (unsigned long) root_before.st_ino,
           major(root_after.st_dev), minor(root_after.st_dev), (unsigned long) root_after.st_ino);
    if (chdir(directory) != 0) {
        append(detail, size, "; chdir %s after the round trip failed: %s (the namespace root is"
               " not the new root, as after a bare chroot)", directory, strerror(errno));
        goto out;
    }
    if (stat(".", &after) != 0 || after.st_dev != before.st_dev || after.st_ino != before.st_ino) {
        append(detail, size, "; %s now names another directory than before", directory);
        goto out;
    }
    append(detail, size, "; chdir %s after the round trip reached the same directory", directory);
    passed = true;

out:
    if (release[1] >= 0) {
        close(release[1]);
    }
    if (child > 0) {
        waitpid(child, NULL, 0);
    }
    int descriptors[] = {own_namespace, ready[0], ready[1], release[0]};
    for (size_t i = 0; i < sizeof descriptors / sizeof descriptors[0]; i++) {
        if (descriptors[i] >= 0) {
            close(descriptors[i]);
        }
    }
    return passed;
}

/*
 * Runs the setns round trip in a child process. A failed round trip leaves the process in the
 * namespace root, the initramfs after a bare chroot, and PID 1 must keep its own root for the
 * later checks.
 */
static void check_setns_round_trip(void)
{
    char detail[DETAIL_MAX] = "";
    int result[2];
    if (pipe2(result, O_CLOEXEC) != 0) {
        snprintf(detail, sizeof detail, "pipe2 failed: %s", strerror(errno));
        report(4, "setns-round-trip", false, detail);
        return;
    }
    pid_t tester = fork();
    if (tester < 0) {
        snprintf(detail, sizeof detail, "fork failed: %s", strerror(errno));
        report(4, "setns-round-trip", false, detail);
        return;
    }
    if (tester == 0) {
        close(result[0]);
        bool passed = setns_round_trip(detail, sizeof detail);
        ssize_t ignored = write(result[1], detail, strlen(detail));
        (void) ignored; /* the parent reports a missing detail as such */
        _exit(passed ? 0 : 1);
    }
    close(result[1]);
    size_t used = 0;
    ssize_t length;
    while (used < sizeof detail - 1
            && (length = read(result[0], detail + used, sizeof detail - 1 - used)) > 0) {
        used += (size_t) length;
    }
    detail[used] = '\0';
    close(result[0]);

    int status = 0;
    if (waitpid(tester, &status, 0) != tester) {
        append(detail, sizeof detail, "; waitpid failed: %s", strerror(errno));
        status = 1;
    }
    report(4, "setns-round-trip", WIFEXITED(status) && WEXITSTATUS(status) == 0, detail);
}

static void check_initramfs_gone(void)
{
    char detail[DETAIL_MAX] = "";
    bool passed = true;
    append(detail, sizeof detail, "looked for");
    for (size_t i = 0; i < sizeof initramfs_paths / sizeof initramfs_paths[0]; i++) {
        struct stat status;
        append(detail, sizeof detail, " %s", initramfs_paths[i]);
        if (lstat(initramfs_paths[i], &status) == 0) {
            append(detail, sizeof detail, " (FOUND)");
            passed = false;
        }
    }
    report(5, "initramfs-gone", passed, detail);
}

static void check_rofs_side(void)
{
    static const char *path = "/etc/rofs-side";
    char detail[DETAIL_MAX] = "";
    char side[128] = "";

    int descriptor = open(path, O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) {
        append(detail, sizeof detail, "cannot open %s: %s", path, strerror(errno));
        report(7, "rofs-side", false, detail);
        return;
    }
    ssize_t length = read(descriptor, side, sizeof side - 1);
    close(descriptor);
    side[length < 0 ? 0 : length] = '\0';
    side[strcspn(side, "\r\n")] = '\0';
    append(detail, sizeof detail, "side=%s", side);
    report(7, "rofs-side", side[0] != '\0', side[0] != '\0' ? detail : "empty /etc/rofs-side");
}

static long long cpu_microseconds(const struct rusage *usage)
{
    return (long long) (usage->ru_utime.tv_sec + usage->ru_stime.tv_sec) * 1000000LL
           + usage->ru_utime.tv_usec + usage->ru_stime.tv_usec;
}

/* Prints the start time, the peak memory and the CPU time of the process for the boot benchmark. */
static void report_clock(const struct timespec *start)
{
    struct rusage self = {0};
    struct rusage children = {0};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    char line[160];
    int length = snprintf(line, sizeof line,
                          "TARGET-INIT CLOCK start_ns=%lld maxrss_kib=%ld children_maxrss_kib=%ld"
                          " cpu_us=%lld children_cpu_us=%lld\n",
                          (long long) start->tv_sec * 1000000000LL + start->tv_nsec, self.ru_maxrss,
                          children.ru_maxrss, cpu_microseconds(&self), cpu_microseconds(&children));
    if (write(STDOUT_FILENO, line, (size_t) length) < 0) {
        all_passed = false;
    }
}

/*
 * Checks that the init's boot record survived the switch in /run, and prints it as one
 * "BOOT-RECORD <json>" line for the tests to read.
 */
static void check_boot_record(void)
{
    static const char *path = "/run/manifest-init/boot.json";
    static char content[65536];
    char detail[DETAIL_MAX] = "";

    int descriptor = open(path, O_RDONLY | O_CLOEXEC);
    if (descriptor < 0) {
        append(detail, sizeof detail, "cannot open %s: %s", path, strerror(errno));
        report(8, "boot-record", false, detail);
        return;
    }
    size_t used = 0;
    ssize_t length;
    while (used < sizeof content - 1
            && (length = read(descriptor, content + used, sizeof content - 1 - used)) > 0) {
        used += (size_t) length;
    }
    close(descriptor);
    content[used] = '\0';
    content[strcspn(content, "\n")] = '\0';
    bool passed = content[0] == '{';
    append(detail, sizeof detail, "%s: %zu bytes%s", path, used, passed ? "" : " (not a JSON object)");
    report(8, "boot-record", passed, detail);
    static const char prefix[] = "BOOT-RECORD ";
    if (write(STDOUT_FILENO, prefix, sizeof prefix - 1) < 0 || write(STDOUT_FILENO, content, strlen(content)) < 0
            || write(STDOUT_FILENO, "\n", 1) < 0) {
        all_passed = false;
    }
}

/*
 * Counts the boots of this disk in a file in /etc, which exists only in the overlay's upper
 * directory on rwfs, so that a second boot of the same disk shows whether /etc changes persist.
 * Reports boots-before=N, the count found (0 on a fresh disk), which the harness compares with
 * the count it expects.
 */
static void check_etc_persists(void)
{
    static const char *path = "/etc/target-init-boots";
    char detail[DETAIL_MAX] = "";
    char text[32] = "";
    unsigned long before = 0;

    int descriptor = open(path, O_RDONLY | O_CLOEXEC);
    if (descriptor >= 0) {
        ssize_t length = read(descriptor, text, sizeof text - 1);
        close(descriptor);
        text[length < 0 ? 0 : length] = '\0';
        char *end = NULL;
        before = strtoul(text, &end, 10);
        if (end == text || (*end != '\n' && *end != '\0')) {
            append(detail, sizeof detail, "%s holds '%s', not a boot count", path, text);
            report(9, "etc-persists", false, detail);
            return;
        }
    } else if (errno != ENOENT) {
        append(detail, sizeof detail, "cannot open %s: %s", path, strerror(errno));
        report(9, "etc-persists", false, detail);
        return;
    }

    snprintf(text, sizeof text, "%lu\n", before + 1);
    descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool written = descriptor >= 0 && write(descriptor, text, strlen(text)) == (ssize_t) strlen(text)
                   && fsync(descriptor) == 0;
    int saved = errno;
    if (descriptor >= 0) {
        close(descriptor);
    }
    append(detail, sizeof detail, "boots-before=%lu", before);
    if (!written) {
        append(detail, sizeof detail, "; cannot write %s: %s", path, strerror(saved));
    } else {
        append(detail, sizeof detail, "; wrote boots=%lu to %s", before + 1, path);
    }
    report(9, "etc-persists", written, detail);
}

int main(void)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);

    /* Check 6 is measured first, before this program opens any descriptor of its own. */
    char descriptors[DETAIL_MAX] = "";
    bool only_standard = list_open_descriptors(descriptors, sizeof descriptors);
    report_clock(&start);

    if (!read_mountinfo()) {
        char detail[DETAIL_MAX];
        snprintf(detail, sizeof detail, "cannot read /proc/self/mountinfo: %s", strerror(errno));
        report(1, "pid1-root", false, detail);
    } else {
        check_pid1_and_root();
        check_var_and_etc();
        check_api_mounts();
    }
    check_setns_round_trip();
    check_initramfs_gone();
    report(6, "only-fds-0-1-2", only_standard, descriptors);
    check_rofs_side();
    check_boot_record();
    check_etc_persists();

    static const char done[] = "TARGET-INIT DONE\n";
    if (write(STDOUT_FILENO, done, sizeof done - 1) < 0) {
        all_passed = false;
    }

    /* Only PID 1 may power off: in a PID namespace this ends the namespace, under QEMU the VM.
       Any other caller (such as a run outside a PID namespace) just exits, so that a mistaken
       run can never power off the machine it runs on. */
    if (getpid() == 1) {
        sync();
        reboot(RB_POWER_OFF);
        fprintf(stderr, "target-init: reboot(RB_POWER_OFF) failed: %s\n", strerror(errno));
    }
    return all_passed ? 0 : 1;
}
