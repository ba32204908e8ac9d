// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoserctl: khoserctl doctor: would a live update with khoser work here?.
 */
#include "khoserctl.h"

/* ---------------------------------------------------------------- doctor */

static int problems, notes;

static void report(const char *tag, const char *what, const char *remedy,
		   const char *fmt, ...) __printf(4, 5);
static void report(const char *tag, const char *what, const char *remedy,
		   const char *fmt, ...)
{
	va_list ap;

	printf("%-8s %-16s ", tag, what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (remedy)
		printf("%-8s %-16s remedy: %s\n", "", "", remedy);
}

#define OK(what, ...)	report("ok", what, NULL, __VA_ARGS__)
#define NOTE(what, remedy, ...) \
	do { notes++; report("note", what, remedy, __VA_ARGS__); } while (0)
#define PROBLEM(what, remedy, ...) \
	do { problems++; report("PROBLEM", what, remedy, __VA_ARGS__); } \
	while (0)

static void doctor_config(void)
{
	char c = config_opt("CONFIG_KEXEC_HANDOVER");

	if (c == '?')
		NOTE("kernel config", FIX_CONFIG_FILE,
		     "not found (no /proc/config.gz, /boot/config-%s)",
		     where.krel);
	else if (c == 'y')
		OK("kernel config", "CONFIG_KEXEC_HANDOVER=y (%s)",
		   kconfig.source);
	else
		PROBLEM("kernel config", FIX_CONFIG,
			"CONFIG_KEXEC_HANDOVER is not set (%s)",
			kconfig.source);
}

static void doctor_kho(const struct kho_info *k, const struct khoser_info *m)
{
	char val[32];

	if (cmdline_param("kho", val, sizeof(val)) && str_true(val))
		OK("kho=on", "on the kernel command line");
	else if (k->enabled == 1 || k->cmdline_on)
		OK("kho=on", "not given, KHO is on by default in this kernel");
	else
		PROBLEM("kho=on", FIX_GRUB, "KHO is not enabled on the command line");

	if (k->enabled == 1)
		OK("KHO active", "yes (%s)%s", k->how,
		   k->boot == 1 ? ", this boot came through a KHO kexec" : "");
	else if (k->enabled == 0 && k->cmdline_on)
		PROBLEM("KHO active", FIX_ACTIVE,
			"no, although requested (%s)", k->how);
	else if (k->enabled < 0)
		NOTE("KHO active", FIX_DEBUGFS,
		     "cannot tell: no debugfs kho/ and khoser not loaded");

	if (k->areas > 0)
		OK("scratch", "%d areas, %llu MiB reserved", k->areas,
		   k->scratch >> 20);
	else if (k->enabled == 1 && k->areas == 0)
		PROBLEM("scratch", FIX_SCRATCH,
			"no KHO scratch memory reserved");

	if (m->loaded && m->kho_enabled == 0 && m->kho_api == 0)
		PROBLEM("khoser build", FIX_NOAPI,
			"the loaded khoser was built without a usable KHO API");
}

static void doctor_kexec(void)
{
	char c = config_opt("CONFIG_KEXEC_FILE");
	char buf[32];
	long r;
	int e;

	if (c == 'n') {
		PROBLEM("kexec_file_load", FIX_KEXEC_FILE,
			"CONFIG_KEXEC_FILE is not set");
		return;
	}
	if (read_text(mkpath("%s/sys/kernel/kexec_load_disabled", where.proc),
		      buf, sizeof(buf)) > 0 && buf[0] == '1') {
		PROBLEM("kexec_file_load", FIX_KEXEC_OFF,
			"disabled by kernel.kexec_load_disabled=1");
		return;
	}
	if (read_text(mkpath("%s/sys/kernel/kexec_load_limit_reboot", where.proc),
		      buf, sizeof(buf)) > 0 && !strcmp(buf, "0")) {
		PROBLEM("kexec_file_load", FIX_KEXEC_LIMIT,
			"kexec loads used up: kernel.kexec_load_limit_reboot=0");
		return;
	}
	if (!where.live) {
		OK("kexec_file_load", "configured (%s)",
		   c == 'y' ? "CONFIG_KEXEC_FILE=y" : "config unknown");
		return;
	}
	/* Probe: no fd, no flags (nothing is loaded or unloaded). */
	r = syscall(SYS_kexec_file_load, -1, -1, 0UL, "", 0UL);
	e = errno;
	if (r < 0 && e == EBADF)
		OK("kexec_file_load", "usable (probe: EBADF for a bad fd)");
	else if (r < 0 && e == EPERM)
		PROBLEM("kexec_file_load", FIX_KEXEC_PERM, "not permitted (EPERM)");
	else
		PROBLEM("kexec_file_load", FIX_KEXEC_FILE,
			"unavailable: probe returned %ld (%s)", r, strerror(e));
}

/* Secure Boot (EFI variable) and lockdown; 1 when modules must be signed. */
static int doctor_secure(void)
{
	unsigned char sb[8];
	char buf[128], *l, *r;
	int sig = read_bool(mkpath("%s/module/module/parameters/sig_enforce",
				 where.sys));
	int enforce = sig == 1;
	FILE *f;
	size_t n = 0;

	f = fopen(mkpath("%s/firmware/efi/efivars/SecureBoot-" EFI_GLOBAL_GUID,
			 where.sys), "re");
	if (f) {
		n = fread(sb, 1, sizeof(sb), f);
		fclose(f);
	}
	if (n == 5 && sb[4] == 1) {
		enforce = 1;
		NOTE("Secure Boot", NULL,
		     "on: modules must be signed by a key the kernel trusts (MOK)");
	} else if (n == 5 || is_dir(mkpath("%s/firmware/efi", where.sys))) {
		OK("Secure Boot", "off");
	} else {
		OK("Secure Boot", "not an EFI boot");
	}

	if (read_text(mkpath("%s/kernel/security/lockdown", where.sys), buf,
		      sizeof(buf)) > 0) {
		l = strchr(buf, '[');
		r = l ? strchr(l, ']') : NULL;
		if (l && r) {
			*r = '\0';
			l++;
		} else {
			l = buf;
		}
		if (!strcmp(l, "none")) {
			OK("lockdown", "none");
		} else {
			enforce = 1;
			NOTE("lockdown", NULL,
			     "%s: only signed modules load, kexec only boots signed kernels",
			     l);
		}
	} else if (is_dir(mkpath("%s/kernel/security", where.sys))) {
		OK("lockdown", "no lockdown LSM");
	} else {
		OK("lockdown", "no securityfs (no lockdown LSM, or not mounted)");
	}
	if (sig == 1 && !enforce)
		enforce = 1;
	return enforce;
}

/* Whether a modules.dep dependency list names khoser.ko (maybe compressed). */
static bool deps_khoser(char *deps)
{
	char *save = NULL, *t, *base;

	for (t = strtok_r(deps, " \t\n", &save); t;
	     t = strtok_r(NULL, " \t\n", &save)) {
		base = strrchr(t, '/');
		base = base ? base + 1 : t;
		if (!strcmp(base, "khoser.ko") || !strncmp(base, "khoser.ko.", 10))
			return true;
	}
	return false;
}

/* Modules in kernel @krel's modules.dep that depend on khoser.ko. */
static int khoser_dependents(const char *krel, char names[][64], int max)
{
	char line[4096];
	FILE *f = fopen(mkpath("%s/lib/modules/%s/modules.dep", where.root,
			       krel), "re");
	int n = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && n < max) {
		char *colon = strchr(line, ':'), *base, *dot;

		if (!colon || !deps_khoser(colon + 1))
			continue;
		*colon = '\0';
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		dot = strstr(base, ".ko");
		if (dot)
			*dot = '\0';
		scopy(names[n++], 64, base);
	}
	fclose(f);
	return n;
}

static bool in_list(char names[][64], int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* DKMS modules whose dkms.conf says BUILD_DEPENDS=khoser. */
static void doctor_dkms_consumers(const char *krel, int *nconsumers)
{
	const char *dkms = mkpath("%s/var/lib/dkms", where.root);
	DIR *d = opendir(dkms), *dv;
	struct dirent *e, *v;
	const char *remedy;
	char line[512];

	while (d && (e = readdir(d))) {
		char mod[256];

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "khoser"))
			continue;
		scopy(mod, sizeof(mod), e->d_name);
		dv = opendir(mkpath("%s/%s", dkms, mod));
		while (dv && (v = readdir(dv))) {
			FILE *f;
			bool dep = false;

			if (v->d_name[0] == '.')
				continue;
			f = fopen(mkpath("%s/%s/%s/source/dkms.conf", dkms,
					 mod, v->d_name), "re");
			while (f && fgets(line, sizeof(line), f))
				if (!strncmp(line, "BUILD_DEPENDS", 13) &&
				    strstr(line, "khoser"))
					dep = true;
			if (f)
				fclose(f);
			if (!dep)
				continue;
			(*nconsumers)++;
			if (is_dir(mkpath("%s/%s/%s/%s", dkms, mod,
					  v->d_name, krel))) {
				OK("consumer", "%s %s (dkms) built for %s", mod,
				   v->d_name, krel);
				continue;
			}
			remedy = text("dkms install %s/%s -k %s", mod,
				      v->d_name, krel);
			PROBLEM("consumer", remedy,
				"%s %s (dkms) is not built for %s", mod,
				v->d_name, krel);
		}
		if (dv)
			closedir(dv);
	}
	if (d)
		closedir(d);
}

/* khoser and its consumers built for kernel @krel? */
static void doctor_modules(const char *krel, int enforce)
{
	char here[64][64], other[64][64];
	const char *remedy;
	int nhere, nother, i, nconsumers = 0;
	struct modfile mf;
	struct dirent *e;
	DIR *d;

	if (!find_module(krel, "khoser", &mf)) {
		if (!is_dir(mkpath("%s/lib/modules/%s/build", where.root, krel)))
			remedy = text("apt install linux-headers-%s (khoser-dkms builds for it)",
				      krel);
		else if (is_dir(mkpath("%s/var/lib/dkms/khoser", where.root)))
			remedy = text("dkms autoinstall -k %s", krel);
		else
			remedy = "apt install khoser-dkms";
		PROBLEM("khoser module", remedy, "not built for %s", krel);
		return;
	}
	if (!strcmp(mf.kho_api, "no")) {
		PROBLEM("khoser module", FIX_NOAPI,
			"%s was built without a usable KHO API", mf.path);
	} else {
		OK("khoser module", "%s, version %s%s", mf.path,
		   mf.version[0] ? mf.version : "?",
		   exists(mkpath("%s/var/lib/dkms/khoser", where.root)) ?
		   ", dkms" : "");
	}
	if (enforce && !mf.signer[0])
		PROBLEM("module signing", FIX_SIGN,
			"%s is unsigned and this kernel only loads signed modules",
			mf.path);
	else if (mf.signer[0])
		OK("module signing", "signed by \"%s\"", mf.signer);

	/* Consumers: through dkms, and through other kernels' modules.dep. */
	doctor_dkms_consumers(krel, &nconsumers);
	nhere = khoser_dependents(krel, here, 64);
	for (i = 0; i < nhere; i++) {
		if (!strcmp(here[i], "khoser_test"))
			continue;
		nconsumers++;
		OK("consumer", "%s built for %s", here[i], krel);
	}
	d = opendir(mkpath("%s/lib/modules", where.root));
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, krel))
			continue;
		nother = khoser_dependents(e->d_name, other, 64);
		for (i = 0; i < nother; i++) {
			if (!strcmp(other[i], "khoser_test") ||
			    in_list(here, nhere, other[i]))
				continue;
			remedy = text("rebuild %s with KDIR=/lib/modules/%s/build (or dkms)",
				      other[i], krel);
			PROBLEM("consumer", remedy,
				"%s is built for %s but not for %s", other[i],
				e->d_name, krel);
			nconsumers++;
		}
	}
	if (d)
		closedir(d);
	if (!nconsumers)
		NOTE("consumers", NULL,
		     "no module using khoser is built for any kernel");
}

int cmd_doctor(int argc, char **argv)
{
	struct kho_info k;
	struct khoser_info m;
	const char *target = NULL;
	int i, enforce;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--target") && i + 1 < argc)
			target = argv[++i];
		else
			die("doctor: unknown argument '%s'", argv[i]);
	}
	read_khoser(&m);
	read_kho(&k, &m);
	printf("khoserctl doctor: kernel %s\n", where.krel);
	doctor_config();
	doctor_kho(&k, &m);
	doctor_kexec();
	enforce = doctor_secure();
	doctor_modules(where.krel, enforce);
	if (m.loaded)
		OK("khoser loaded", "version %s", m.version);
	else
		NOTE("khoser loaded", "khoserctl load", "not loaded");
	if (target && strcmp(target, where.krel)) {
		printf("target kernel %s:\n", target);
		doctor_modules(target, enforce);
	}
	if (problems)
		printf("doctor: %d problem%s: a live update with khoser would fail\n",
		       problems, problems == 1 ? "" : "s");
	else
		printf("doctor: no problems (%d note%s): a live update should work\n",
		       notes, notes == 1 ? "" : "s");
	return problems ? 1 : 0;
}
