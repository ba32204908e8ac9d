// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoserctl: what a live update with khoser would find on this system.
 *
 *	khoserctl [OPTIONS] status [--json]
 *	khoserctl [OPTIONS] doctor [--target RELEASE]
 *	khoserctl [OPTIONS] load [--test] [--dry-run]
 *
 * Everything is read from sysfs, debugfs, procfs and the module tree of
 * the kernel; --root (or --sysfs, --debugfs, --procfs) points at another
 * tree, so the tests run on fixtures. Modules are found, inspected and
 * loaded through libkmod.
 */
#include "ctl.h"

/* ------------------------------------------------------------------ load */

/* The dkms command that (re)builds khoser for the kernel. */
static const char *dkms_hint(void)
{
	const char *v = khoser_dkms_version();

	return v ? text("dkms install --force khoser/%s -k %s", v, where.krel) :
		   "apt install khoser-dkms";
}

static const char *load_hint(int err)
{
	switch (err) {
	case EPERM:
		return geteuid() ? "run as root" :
		       "refused: with lockdown or Secure Boot only signed modules load (doctor)";
	case EKEYREJECTED:
	case ENOKEY:
	case EBADMSG:
		return "signature refused: is the key that signed it enrolled? (khoserctl doctor)";
	case ENOEXEC:
		return text("built for another kernel? rebuild: %s", dkms_hint());
	case ENOENT:
		return "unknown symbol or missing dependency: see dmesg";
	case EINVAL:
		return "invalid parameters or symbol versions: see dmesg";
	case ENOMEM:
		return "out of memory";
	default:
		return "see the kernel log (dmesg)";
	}
}

static int load_one(const char *name, bool dry_run)
{
	struct kmod_ctx *ctx;
	struct kmod_list *list = NULL;
	struct kmod_module *mod;
	char state[16];
	int err;

	if (read_text(mkpath("%s/module/%s/initstate", where.sys, name), state,
		      sizeof(state)) >= 0) {
		printf("%s: already loaded (%s)\n", name, state);
		return 0;
	}
	ctx = kmod_for(where.krel);
	if (kmod_module_new_from_lookup(ctx, name, &list) < 0 || !list) {
		const char *v = khoser_dkms_version();

		fprintf(stderr,
			"%s: %s: no module for kernel %s in %s/lib/modules/%s\n"
			"%s: %s\n",
			prog, name, where.krel, where.root, where.krel, prog,
			!v ? "install khoser-dkms (apt install khoser-dkms)" :
			strcmp(name, "khoser") ?
			text("install khoser-test-dkms, or: dkms install khoser-test/%s -k %s",
			     v, where.krel) :
			text("build it: dkms install khoser/%s -k %s", v,
			     where.krel));
		kmod_unref(ctx);
		return 1;
	}
	mod = kmod_module_get_module(list);
	kmod_module_unref_list(list);
	if (dry_run) {
		printf("%s: would load %s\n", name,
		       kmod_module_get_path(mod) ?: "(built in)");
		kmod_module_unref(mod);
		kmod_unref(ctx);
		return 0;
	}
	err = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
	if (err < 0) {
		fprintf(stderr, "%s: %s: cannot load %s: %s\n%s: %s\n", prog,
			name, kmod_module_get_path(mod) ?: name,
			strerror(-err), prog, load_hint(-err));
		kmod_module_unref(mod);
		kmod_unref(ctx);
		return 1;
	}
	printf("%s: loaded %s\n", name, kmod_module_get_path(mod) ?: name);
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return 0;
}

#define LOAD_USAGE "usage: khoserctl [OPTIONS] load [--test] [--dry-run]\n" \
	"  Load khoser (and with --test the khoser_test companion) through\n" \
	"  libkmod; --dry-run only says which files would be loaded.\n"

static int cmd_load(int argc, char **argv)
{
	bool test = false, dry_run = false;
	int i, err;

	for (i = 1; i < argc; i++) {
		if (sub_option("load", argv[i], LOAD_USAGE))
			continue;
		if (!strcmp(argv[i], "--test"))
			test = true;
		else if (!strcmp(argv[i], "--dry-run"))
			dry_run = true;
		else
			usage_error("load: unknown argument '%s'", argv[i]);
	}
	err = load_one("khoser", dry_run);
	if (!err && test)
		err = load_one("khoser_test", dry_run);
	return err;
}

/* ------------------------------------------------------------------ main */

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: khoserctl [OPTIONS] COMMAND [ARGS]\n"
		"commands:\n"
		"  status [--json]                   KHO state, khoser module, preserved objects\n"
		"  doctor [--json] [--target REL]    would a live update with khoser work? (exit 0: yes)\n"
		"  load [--test] [--dry-run]         load khoser (and khoser_test) through libkmod\n"
		"  COMMAND --help                    a command's own usage\n"
		"options:\n"
		"  --root DIR      read DIR/sys, DIR/sys/kernel/debug, DIR/proc, DIR/boot,\n"
		"                  DIR/lib/modules, DIR/etc/dkms, DIR/var/lib/dkms, DIR/usr/src,\n"
		"                  DIR/usr/share/doc and the kernel log DIR/dev/kmsg instead of /...\n"
		"  --sysfs DIR  --debugfs DIR  --procfs DIR  --kmsg FILE   override one of them\n"
		"  --kernel REL    kernel release (default: PROCFS/sys/kernel/osrelease)\n"
		"  -V, --version   -h, --help\n"
		"exit status: 0 ok, 1 error or problem found, 2 usage error\n");
}

static void set_dir(char *dst, const char *src)
{
	size_t n;

	if (snprintf(dst, PATH_MAX, "%s", src) >= PATH_MAX)
		usage_error("path too long: %s", src);
	n = strlen(dst);
	while (n > 0 && dst[n - 1] == '/')
		dst[--n] = '\0';
}

static int run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "debugfs", required_argument, NULL, 'd' },
		{ "procfs", required_argument, NULL, 'p' },
		{ "kmsg", required_argument, NULL, 'm' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sys = NULL, *dbg = NULL, *proc = NULL, *krel = NULL;
	const char *kmsg = NULL;
	struct utsname u;
	int c;

	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			set_dir(where.root, optarg);
			break;
		case 's':
			sys = optarg;
			break;
		case 'd':
			dbg = optarg;
			break;
		case 'p':
			proc = optarg;
			break;
		case 'm':
			kmsg = optarg;
			break;
		case 'k':
			krel = optarg;
			break;
		case 'V':
			print_version();
			return 0;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}
	set_dir(where.sys, sys ?: mkpath("%s/sys", where.root));
	set_dir(where.debug, dbg ?: mkpath("%s/kernel/debug", where.sys));
	set_dir(where.proc, proc ?: mkpath("%s/proc", where.root));
	set_dir(where.kmsg, kmsg ?: mkpath("%s/dev/kmsg", where.root));
	where.live = !strcmp(where.sys, "/sys");
	if (!krel && read_text(mkpath("%s/sys/kernel/osrelease", where.proc),
			       where.krel, sizeof(where.krel)) > 0)
		krel = where.krel;
	if (!krel) {
		if (uname(&u))
			die("uname: %s", strerror(errno));
		krel = u.release;
	}
	if (krel != where.krel)
		scopy(where.krel, sizeof(where.krel), krel);

	if (optind >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	argv += optind;
	argc -= optind;
	if (!strcmp(argv[0], "status"))
		return cmd_status(argc, argv);
	if (!strcmp(argv[0], "doctor"))
		return cmd_doctor(argc, argv);
	if (!strcmp(argv[0], "load"))
		return cmd_load(argc, argv);
	fprintf(stderr, "%s: unknown command '%s'\n", prog, argv[0]);
	print_usage(stderr);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
	return finish_output(run(argc, argv));
}
