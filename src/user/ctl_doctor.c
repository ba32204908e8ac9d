// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoserctl: khoserctl doctor: would a live update with khoser work here?
 *
 * Findings come in the order of cause: the kernel's config, its command
 * line, KHO's own state, kexec, the khoser module, module signing, the
 * consumers. A check that depends on one that already failed is reported
 * as skipped, with the cause, instead of with a remedy that cannot work.
 */
#include "ctl.h"

enum verdict { V_OK, V_NOTE, V_PROBLEM, V_SKIP };

static const char *const verdict_tag[] = { "ok", "note", "PROBLEM", "skipped" };
static const char *const verdict_json[] = { "ok", "note", "problem", "skipped" };

struct finding {
	enum verdict v;
	const char *stage;
	char kernel[64];
	char what[24];
	char text[512];
	char remedy[512];
};

static struct finding *findings;
static int nfindings, problems, notes;
static const char *stage;	/* the stage checks are in now */
static const char *fkrel;	/* the kernel they are about */

static void add(enum verdict v, const char *what, const char *remedy,
		const char *fmt, ...) __printf(4, 5);
static void add(enum verdict v, const char *what, const char *remedy,
		const char *fmt, ...)
{
	static int cap;
	struct finding *f;
	va_list ap;

	if (nfindings == cap) {
		cap = cap ? cap * 2 : 32;
		findings = realloc(findings, cap * sizeof(*findings));
		if (!findings)
			die("out of memory");
	}
	f = &findings[nfindings++];
	memset(f, 0, sizeof(*f));
	f->v = v;
	f->stage = stage;
	scopy(f->kernel, sizeof(f->kernel), fkrel);
	scopy(f->what, sizeof(f->what), what);
	va_start(ap, fmt);
	vsnprintf(f->text, sizeof(f->text), fmt, ap);
	va_end(ap);
	if (remedy)
		scopy(f->remedy, sizeof(f->remedy), remedy);
	problems += v == V_PROBLEM;
	notes += v == V_NOTE;
}

#define OK(what, ...)		add(V_OK, what, NULL, __VA_ARGS__)
#define NOTE(what, remedy, ...)	add(V_NOTE, what, remedy, __VA_ARGS__)
#define PROBLEM(what, remedy, ...) add(V_PROBLEM, what, remedy, __VA_ARGS__)
#define SKIP(what, ...)		add(V_SKIP, what, NULL, __VA_ARGS__)

/* What the checks found out that later ones depend on. */
struct facts {
	struct kho_info k;
	struct khoser_info m;
	int modules;		/* loadable modules: 1, 0, -1 unknown */
	bool kexec_file_off;	/* CONFIG_KEXEC_FILE is not set */
	int enforce;		/* only signed modules load: 1, 0 */
};

/* ----------------------------------------------------------- the kernel */

static void check_config(struct facts *f)
{
	char c = config_opt("CONFIG_KEXEC_HANDOVER");

	stage = "config";
	if (c == '?')
		NOTE("kernel config", FIX_CONFIG_FILE,
		     "not found (no /proc/config.gz, /boot/config-%s)",
		     where.krel);
	else if (c == 'y')
		OK("kernel config", "CONFIG_KEXEC_HANDOVER=y (%s)",
		   kconfig.source);
	else
		PROBLEM("kernel config", FIX_CONFIG,
			"CONFIG_KEXEC_HANDOVER is not set (%s): this kernel has no KHO",
			kconfig.source);

	f->modules = modules_supported();
	if (f->modules == 0)
		PROBLEM("modules", FIX_MODULES,
			"CONFIG_MODULES is not set: this kernel cannot load khoser");
	else if (f->modules == 1)
		OK("modules", "loadable modules supported");

	if (config_opt("CONFIG_KEXEC_FILE") == 'n') {
		f->kexec_file_off = true;
		PROBLEM("kexec_file_load", FIX_KEXEC_FILE,
			"CONFIG_KEXEC_FILE is not set");
	}
}

static void check_cmdline(const struct facts *f)
{
	const struct kho_info *k = &f->k;
	char val[64];

	stage = "cmdline";
	if (k->compiled == 0) {
		SKIP("kho=on", "KHO is not compiled into this kernel (see kernel config)");
		return;
	}
	if (k->cmdline_given && k->cmdline_on == 1)
		OK("kho=on", "on the kernel command line");
	else if (k->cmdline_given)
		PROBLEM("kho=on", FIX_GRUB, "KHO is turned off on the command line (kho=%s)",
			cmdline_param("kho", val, sizeof(val)) ? val : "?");
	else if (k->cmdline_on == 1)
		OK("kho=on", "not given, KHO is on by default in this kernel");
	else if (k->cmdline_on == 0)
		PROBLEM("kho=on", FIX_GRUB, "KHO is not enabled on the command line");
	else
		NOTE("kho=on", NULL, "cannot tell: no kernel command line or config");
}

#define SCRATCH_SIZES	"kho_scratch=LOWMEM,GLOBAL,PERNODE (e.g. kho_scratch=64M,512M,64M)"
#define SCRATCH_SCALE	"a smaller scale than the default 200% (e.g. kho_scratch=100%)"
#define SCRATCH_LOW	"; the lowmem area must fit below 4 GiB"
#define GRUB_STEPS	"in GRUB_CMDLINE_LINUX (/etc/default/grub); update-grub; reboot"

/* Remedy for KHO that disabled itself for want of scratch memory. */
static const char *scratch_remedy(const struct kho_info *k)
{
	char val[64];
	const char *cur = cmdline_param("kho_scratch", val, sizeof(val));

	return text("give KHO scratch sizes that fit this machine: %s or %s%s%s%s, %s",
		    SCRATCH_SIZES, SCRATCH_SCALE,
		    cur ? "; now kho_scratch=" : "", cur ? cur : "",
		    strstr(k->log.failure, "lowmem") ? SCRATCH_LOW : "",
		    GRUB_STEPS);
}

static void check_kho(const struct facts *f)
{
	const struct kho_info *k = &f->k;

	stage = "kho";
	if (k->compiled == 0) {
		SKIP("KHO active", "KHO is not compiled into this kernel");
		return;
	}
	if (k->enabled == 0 && k->log.scratch_failed) {
		PROBLEM("KHO active", scratch_remedy(k),
			"no: %s (kernel log: \"%s\"%s%s%s)",
			"KHO disabled itself at boot, it could not reserve its scratch memory",
			k->log.failure[0] ? k->log.failure : k->log.disabled,
			k->log.scratch[0] ? ", after \"" : "", k->log.scratch,
			k->log.scratch[0] ? "\"" : "");
		return;
	}
	if (k->enabled == 0 && k->cmdline_on == 0) {
		SKIP("KHO active", "not requested (see kho=on)");
		return;
	}
	if (k->enabled == 0) {
		PROBLEM("KHO active", FIX_ACTIVE, "no, although requested (%s)",
			k->how);
		return;
	}
	if (k->enabled < 0) {
		NOTE("KHO active", FIX_DEBUGFS,
		     "cannot tell: no debugfs kho/, khoser not loaded%s",
		     k->log.read ? "" : ", kernel log unreadable");
		return;
	}
	OK("KHO active", "yes (%s)%s", k->how,
	   k->boot == 1 ? ", this boot came through a KHO kexec" : "");
	if (k->areas > 0)
		OK("scratch", "%d areas, %llu MiB reserved", k->areas,
		   k->scratch >> 20);
	else if (k->areas == 0)
		PROBLEM("scratch", scratch_remedy(k),
			"no KHO scratch memory reserved");
}

static void check_kexec(const struct facts *f)
{
	char c = config_opt("CONFIG_KEXEC_FILE");
	char buf[32];
	long r;
	int e;

	stage = "kexec";
	if (f->kexec_file_off)
		return;		/* reported with the config */
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

/* ------------------------------------------------------------- signing */

/*
 * Secure Boot (EFI variable), lockdown, sig_enforce: do modules need a
 * signature the kernel trusts?
 */
static void check_secure(struct facts *f)
{
	unsigned char sb[8];
	char buf[128], *l, *r;
	int sig = read_bool(mkpath("%s/module/module/parameters/sig_enforce",
				 where.sys));
	FILE *fp;
	size_t n = 0;

	stage = "signing";
	f->enforce = sig == 1;
	fp = fopen(mkpath("%s/firmware/efi/efivars/SecureBoot-" EFI_GLOBAL_GUID,
			  where.sys), "re");
	if (fp) {
		n = fread(sb, 1, sizeof(sb), fp);
		fclose(fp);
	}
	if (n == 5 && sb[4] == 1) {
		f->enforce = 1;
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
			f->enforce = 1;
			NOTE("lockdown", NULL,
			     "%s: only signed modules load, kexec only boots signed kernels",
			     l);
		}
	} else if (fs_mounted("securityfs") == 1) {
		OK("lockdown", "none (securityfs is mounted, no lockdown LSM)");
	} else if (config_opt("CONFIG_SECURITY_LOCKDOWN_LSM") == 'n') {
		OK("lockdown", "none (CONFIG_SECURITY_LOCKDOWN_LSM is not set)");
	} else {
		NOTE("lockdown", FIX_SECURITYFS,
		     "cannot tell: securityfs is not mounted");
	}
	if (sig == 1)
		NOTE("sig_enforce", NULL, "module.sig_enforce: only signed modules load");
}

/*
 * Is the DER certificate @cert among the X.509 entries of the EFI
 * signature lists in file @var (an efivarfs file: 4 bytes of attributes
 * first, or a mok-variables copy without them)? 1, 0, -1 unreadable.
 */
static int esl_has(const char *var, bool attrs, const unsigned char *cert,
		   size_t clen)
{
	static const unsigned char x509_guid[16] = {
		0xa1, 0x59, 0xc0, 0xa5, 0xe4, 0x94, 0xa7, 0x4a,
		0x87, 0xb5, 0xab, 0x15, 0x5c, 0x2b, 0xf0, 0x72,
	};
	size_t len, off = attrs ? 4 : 0;
	unsigned char *d = read_file(var, &len);
	int found = 0;

	if (!d)
		return -1;
	while (!found && off + 28 <= len) {
		const unsigned char *l = d + off;
		unsigned int lsize = l[16] | l[17] << 8 | l[18] << 16 |
				     (unsigned int)l[19] << 24;
		unsigned int hsize = l[20] | l[21] << 8 | l[22] << 16 |
				     (unsigned int)l[23] << 24;
		unsigned int ssize = l[24] | l[25] << 8 | l[26] << 16 |
				     (unsigned int)l[27] << 24;
		size_t e;

		if (lsize < 28 || off + lsize > len)
			break;
		if (!memcmp(l, x509_guid, 16) && ssize > 16) {
			for (e = 28 + hsize; e + ssize <= lsize; e += ssize)
				if (ssize - 16 == clen &&
				    !memcmp(l + e + 16, cert, clen))
					found = 1;
		}
		off += lsize;
	}
	free(d);
	return found;
}

/*
 * Where the DER certificate @cert is known to firmware and shim: "MokListRT",
 * "db", "MokNew" (enrollment pending), or NULL; *@readable tells whether
 * any of them could be read at all.
 */
static const char *cert_enrolled(const unsigned char *cert, size_t clen,
				 bool *readable)
{
	static const char *const vars[] = {
		"MokListRT-" SHIM_LOCK_GUID, "MokListRT1-" SHIM_LOCK_GUID,
		"MokListRT2-" SHIM_LOCK_GUID, "db-" DB_GUID,
		"MokNew-" SHIM_LOCK_GUID,
	};
	unsigned int i;
	int r;

	*readable = false;
	/* The kernel's copy of shim's lists (5.10+), without attributes. */
	r = esl_has(mkpath("%s/firmware/efi/mok-variables/MokListRT", where.sys),
		    false, cert, clen);
	*readable |= r >= 0;
	if (r > 0)
		return "MokListRT";
	for (i = 0; i < ARRAY_SIZE(vars); i++) {
		r = esl_has(mkpath("%s/firmware/efi/efivars/%s", where.sys,
				   vars[i]), true, cert, clen);
		*readable |= r >= 0;
		if (r > 0)
			return text("%.*s", (int)(strchr(vars[i], '-') - vars[i]),
				    vars[i]);
	}
	return NULL;
}

/* khoser.ko for @krel signed, and by a key the kernel trusts? */
static void check_signature(const struct facts *f, const struct modfile *mf)
{
	const char *cert = dkms_conf_value("mok_certificate",
					   "/var/lib/dkms/mok.pub");
	const char *v = khoser_dkms_version();
	const char *where_known;
	unsigned char *der;
	size_t dlen;
	bool readable;

	stage = "signing";
	if (!mf->signer[0]) {
		if (f->enforce)
			PROBLEM("module signing",
				text("%s: dkms remove khoser/%s -k %s && %s; %s %s, reboot",
				     "have DKMS sign it (with the kernel's sign-file and its key)",
				     v ?: "VERSION", fkrel,
				     text("dkms install khoser/%s -k %s", v ?: "VERSION", fkrel),
				     "then enroll the key: mokutil --import", cert),
				"%s is unsigned and this kernel only loads signed modules",
				mf->path);
		else
			OK("module signing", "unsigned (not needed here)");
		return;
	}
	if (!f->enforce) {
		OK("module signing", "signed by \"%s\"", mf->signer);
		return;
	}
	der = read_file(mkpath("%s%s", where.root, cert), &dlen);
	if (!der) {
		NOTE("module signing", NULL,
		     "signed by \"%s\"; cannot check that its key is enrolled: %s %s",
		     mf->signer, "no DKMS certificate", cert);
		return;
	}
	where_known = cert_enrolled(der, dlen, &readable);
	free(der);
	if (where_known && !strcmp(where_known, "MokNew"))
		PROBLEM("module signing", FIX_MOK_PENDING,
			"signed by \"%s\"; DKMS's certificate %s is waiting to be enrolled",
			mf->signer, cert);
	else if (where_known)
		OK("module signing", "signed by \"%s\"; DKMS's certificate %s is enrolled (%s)",
		   mf->signer, cert, where_known);
	else if (!readable)
		NOTE("module signing", NULL, "signed by \"%s\"; %s", mf->signer,
		     "cannot read the EFI key lists (MokListRT, db) to check its key");
	else
		PROBLEM("module signing",
			text("mokutil --import %s %s", cert, FIX_MOK_IMPORT),
			"signed by \"%s\", but DKMS's certificate %s is not enrolled %s",
			mf->signer, cert,
			"(not in MokListRT or db): the kernel will refuse khoser");
}

/* ------------------------------------------------------------- modules */

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

struct dependent {
	char name[64];
	char path[PATH_MAX];
};

/* Modules in kernel @krel's modules.dep that depend on khoser.ko. */
static int khoser_dependents(const char *krel, struct dependent *out, int max)
{
	char line[4096];
	FILE *fp = fopen(mkpath("%s/lib/modules/%s/modules.dep", where.root,
				krel), "re");
	int n = 0;

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp) && n < max) {
		char *colon = strchr(line, ':'), *base, *dot;

		if (!colon || !deps_khoser(colon + 1))
			continue;
		*colon = '\0';
		if (line[0] == '/')
			scopy(out[n].path, PATH_MAX, mkpath("%s%s", where.root, line));
		else
			scopy(out[n].path, PATH_MAX,
			      mkpath("%s/lib/modules/%s/%s", where.root, krel, line));
		base = strrchr(line, '/');
		base = base ? base + 1 : line;
		dot = strstr(base, ".ko");
		if (dot)
			*dot = '\0';
		scopy(out[n++].name, sizeof(out[0].name), base);
	}
	fclose(fp);
	return n;
}

static bool in_list(const struct dependent *d, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(d[i].name, name))
			return true;
	return false;
}

/* The DKMS module/version that installed module @name for @krel, or NULL. */
static const char *dkms_owner(const char *krel, const char *name)
{
	static char mv[512];
	char dkms[PATH_MAX], mod[128];
	DIR *d, *dv, *da;
	struct dirent *e, *v, *a;

	scopy(dkms, sizeof(dkms), mkpath("%s/var/lib/dkms", where.root));
	d = opendir(dkms);
	mv[0] = '\0';
	while (d && !mv[0] && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		scopy(mod, sizeof(mod), e->d_name);
		dv = opendir(mkpath("%s/%s", dkms, mod));
		while (dv && !mv[0] && (v = readdir(dv))) {
			if (v->d_name[0] < '0' || v->d_name[0] > '9')
				continue;
			da = opendir(mkpath("%s/%s/%s/%s", dkms, mod, v->d_name, krel));
			while (da && !mv[0] && (a = readdir(da))) {
				const char *dir = mkpath("%s/%s/%s/%s/%s/module", dkms,
							 mod, v->d_name, krel, a->d_name);

				if (a->d_name[0] != '.' &&
				    (exists(mkpath("%s/%s.ko", dir, name)) ||
				     exists(mkpath("%s/%s.ko.xz", dir, name)) ||
				     exists(mkpath("%s/%s.ko.zst", dir, name)) ||
				     exists(mkpath("%s/%s.ko.gz", dir, name))))
					snprintf(mv, sizeof(mv), "%s/%s", mod, v->d_name);
			}
			if (da)
				closedir(da);
		}
		if (dv)
			closedir(dv);
	}
	if (d)
		closedir(d);
	return mv[0] ? mv : NULL;
}

struct crc {
	char name[64];
	unsigned long long crc;
};

/* khoser's exports with their CRCs (CONFIG_MODVERSIONS), from its .ko. */
static int khoser_crcs(struct kmod_ctx *ctx, const char *path, struct crc **out)
{
	struct kmod_module *km;
	struct kmod_list *list = NULL, *l;
	int n = 0, cap = 0;

	*out = NULL;
	if (kmod_module_new_from_path(ctx, path, &km) < 0)
		return 0;
	if (kmod_module_get_symbols(km, &list) >= 0) {
		kmod_list_foreach(l, list) {
			unsigned long long crc = kmod_module_symbol_get_crc(l);

			if (!crc || crc == (unsigned long long)-1)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				*out = realloc(*out, cap * sizeof(**out));
				if (!*out)
					die("out of memory");
			}
			scopy((*out)[n].name, sizeof((*out)[n].name),
			      kmod_module_symbol_get_symbol(l));
			(*out)[n++].crc = crc;
		}
		kmod_module_symbols_free_list(list);
	}
	kmod_module_unref(km);
	return n;
}

/*
 * The first khoser symbol module @path was linked against with another
 * CRC than khoser's (written to @sym, @was, @now): it would not load.
 */
static bool stale(struct kmod_ctx *ctx, const char *path, const struct crc *c,
		  int nc, char *sym, size_t len, unsigned long long *was,
		  unsigned long long *now)
{
	struct kmod_module *km;
	struct kmod_list *list = NULL, *l;
	bool found = false;
	int i;

	if (kmod_module_new_from_path(ctx, path, &km) < 0)
		return false;
	if (kmod_module_get_versions(km, &list) >= 0) {
		kmod_list_foreach(l, list) {
			const char *s = kmod_module_version_get_symbol(l);
			unsigned long long crc = kmod_module_version_get_crc(l);

			for (i = 0; !found && i < nc; i++)
				if (!strcmp(s, c[i].name) && crc != c[i].crc) {
					scopy(sym, len, s);
					*was = crc;
					*now = c[i].crc;
					found = true;
				}
			if (found)
				break;
		}
		kmod_module_versions_free_list(list);
	}
	kmod_module_unref(km);
	return found;
}

/* DKMS modules whose dkms.conf says BUILD_DEPENDS=khoser. */
static void check_dkms_consumers(const char *krel, int *nconsumers)
{
	char dkms[PATH_MAX], line[512];
	DIR *d, *dv;
	struct dirent *e, *v;
	const char *remedy;

	scopy(dkms, sizeof(dkms), mkpath("%s/var/lib/dkms", where.root));
	d = opendir(dkms);
	while (d && (e = readdir(d))) {
		char mod[256];

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "khoser") ||
		    !strcmp(e->d_name, "khoser-test"))
			continue;
		scopy(mod, sizeof(mod), e->d_name);
		dv = opendir(mkpath("%s/%s", dkms, mod));
		while (dv && (v = readdir(dv))) {
			FILE *fp;
			bool dep = false;

			if (v->d_name[0] == '.')
				continue;
			fp = fopen(mkpath("%s/%s/%s/source/dkms.conf", dkms,
					  mod, v->d_name), "re");
			while (fp && fgets(line, sizeof(line), fp))
				if (!strncmp(line, "BUILD_DEPENDS", 13) &&
				    strstr(line, "khoser"))
					dep = true;
			if (fp)
				fclose(fp);
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

#define MAX_DEPENDENTS 64

/* Consumers: through dkms, this kernel's and other kernels' modules.dep. */
static void check_consumers(const char *krel, const struct modfile *mf)
{
	struct dependent *here, *other;
	struct kmod_ctx *ctx = kmod_for(krel);
	struct crc *crcs;
	unsigned long long was, now;
	int nhere, nother, ncrc, i, nconsumers = 0;
	char sym[64];
	const char *owner;
	struct dirent *e;
	DIR *d;

	stage = "consumers";
	here = calloc(2 * MAX_DEPENDENTS, sizeof(*here));
	if (!here)
		die("out of memory");
	other = here + MAX_DEPENDENTS;
	ncrc = khoser_crcs(ctx, mf->path, &crcs);
	check_dkms_consumers(krel, &nconsumers);
	nhere = khoser_dependents(krel, here, MAX_DEPENDENTS);
	for (i = 0; i < nhere; i++) {
		if (!strcmp(here[i].name, "khoser_test"))
			continue;
		nconsumers++;
		if (ncrc && stale(ctx, here[i].path, crcs, ncrc, sym, sizeof(sym),
				  &was, &now)) {
			owner = dkms_owner(krel, here[i].name);
			PROBLEM("consumer",
				owner ? text("dkms remove %s -k %s && dkms install %s -k %s",
					     owner, krel, owner, krel) :
				text("rebuild %s against this khoser (%s%s, through khoser.mk)",
				     here[i].name, "make KERNELRELEASE=", krel),
				"%s is stale: built against another khoser (%s: CRC 0x%08llx, %s 0x%08llx); %s",
				here[i].name, sym, was, "khoser has", now,
				"it will not load (\"disagrees about version of symbol\")");
			continue;
		}
		OK("consumer", "%s built for %s%s", here[i].name, krel,
		   ncrc ? ", symbol versions match" : "");
	}
	d = opendir(mkpath("%s/lib/modules", where.root));
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, krel))
			continue;
		nother = khoser_dependents(e->d_name, other, MAX_DEPENDENTS);
		for (i = 0; i < nother; i++) {
			if (!strcmp(other[i].name, "khoser_test") ||
			    in_list(here, nhere, other[i].name))
				continue;
			PROBLEM("consumer",
				text("rebuild %s for %s (make KERNELRELEASE=%s, %s)",
				     other[i].name, krel, krel, "or its DKMS package"),
				"%s is built for %s but not for %s", other[i].name,
				e->d_name, krel);
			nconsumers++;
		}
	}
	if (d)
		closedir(d);
	if (!nconsumers)
		NOTE("consumers", NULL,
		     "no module using khoser is built for any kernel");
	free(crcs);
	free(here);
	kmod_unref(ctx);
}

/*
 * Whether kernel @krel came from a distribution package (then a headers
 * package exists): its package's documentation directory is installed.
 */
static bool packaged_kernel(const char *krel)
{
	static const char *const pkgs[] = {
		"linux-image-", "linux-binary-", "linux-modules-",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pkgs); i++)
		if (exists(mkpath("%s/usr/share/doc/%s%s", where.root, pkgs[i],
				  krel)) ||
		    exists(mkpath("%s/usr/share/doc/%s%s-unsigned", where.root,
				  pkgs[i], krel)))
			return true;
	return false;
}

/* khoser, its signature and its consumers for kernel @krel. */
static void check_modules(const struct facts *f, const char *krel)
{
	const char *remedy, *v = khoser_dkms_version();
	struct modfile mf;

	fkrel = krel;
	stage = "module";
	if (f->modules == 0) {
		SKIP("khoser module", "this kernel cannot load modules (see modules)");
		return;
	}
	if (!find_module(krel, "khoser", &mf)) {
		if (!is_dir(mkpath("%s/lib/modules/%s/build", where.root, krel)))
			remedy = packaged_kernel(krel) ?
				text("apt install linux-headers-%s%s (%s)", krel,
				     v ? "" : " khoser-dkms",
				     "khoser-dkms then builds for it") :
				text("%s /lib/modules/%s/build %s%s",
				     "give DKMS this kernel's build tree at", krel,
				     "(make modules_prepare in it), then: ",
				     v ? text("dkms install khoser/%s -k %s", v, krel) :
				     "apt install khoser-dkms");
		else if (v)
			remedy = text("dkms install khoser/%s -k %s", v, krel);
		else
			remedy = "apt install khoser-dkms";
		PROBLEM("khoser module", remedy, "not built for %s", krel);
		return;
	}
	if (mf.kho_api == 0 && f->k.compiled == 0 && !strcmp(krel, where.krel))
		OK("khoser module", "%s, version %s, %s", mf.path,
		   mf.version[0] ? mf.version : "?",
		   "built without the KHO API (this kernel has none)");
	else if (mf.kho_api == 0)
		PROBLEM("khoser module", FIX_NOAPI,
			"%s was built without a usable KHO API", mf.path);
	else
		OK("khoser module", "%s, version %s%s", mf.path,
		   mf.version[0] ? mf.version : "?",
		   exists(mkpath("%s/var/lib/dkms/khoser", where.root)) ?
		   ", dkms" : "");
	check_signature(f, &mf);
	check_consumers(krel, &mf);
}

static void check_loaded(const struct facts *f)
{
	const struct khoser_info *m = &f->m;

	fkrel = where.krel;
	stage = "module";
	if (f->modules == 0)
		return;
	if (m->loaded && m->kho_api == 0 && f->k.compiled != 0)
		PROBLEM("khoser build", FIX_NOAPI,
			"the loaded khoser was built without a usable KHO API");
	if (m->loaded)
		OK("khoser loaded", "version %s", m->version);
	else
		NOTE("khoser loaded", "khoserctl load", "not loaded");
}

/* -------------------------------------------------------------- output */

/* Findings in the order of cause, each kernel's together (stable). */
static int stage_rank(const char *s)
{
	static const char *const order[] = {
		"config", "cmdline", "kho", "kexec", "module", "signing",
		"consumers",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(order); i++)
		if (!strcmp(s, order[i]))
			return i;
	return i;
}

static void sort_findings(void)
{
	struct finding t;
	int i, j;

	/* Insertion sort: few findings, and it keeps equal ones in order. */
	for (i = 1; i < nfindings; i++) {
		t = findings[i];
		for (j = i; j > 0; j--) {
			const struct finding *p = &findings[j - 1];
			int pt = !!strcmp(p->kernel, where.krel);
			int tt = !!strcmp(t.kernel, where.krel);

			if (pt < tt || (pt == tt && stage_rank(p->stage) <=
						    stage_rank(t.stage)))
				break;
			findings[j] = findings[j - 1];
		}
		findings[j] = t;
	}
}

static void print_table(const char *target)
{
	const char *last = where.krel;
	int i;

	printf("khoserctl doctor: kernel %s\n", where.krel);
	for (i = 0; i < nfindings; i++) {
		const struct finding *f = &findings[i];

		if (strcmp(f->kernel, last)) {
			printf("target kernel %s:\n", f->kernel);
			last = f->kernel;
		}
		printf("%-8s %-16s %s\n", verdict_tag[f->v], f->what, f->text);
		if (f->remedy[0])
			printf("%-8s %-16s remedy: %s\n", "", "", f->remedy);
	}
	if (problems)
		printf("doctor: %d problem%s: a live update with khoser would fail\n",
		       problems, problems == 1 ? "" : "s");
	else
		printf("doctor: no problems (%d note%s): a live update should work\n",
		       notes, notes == 1 ? "" : "s");
}

static void print_json(const char *target)
{
	int i;

	json_open(NULL);
	json_int("schema", JSON_SCHEMA);
	json_string("kernel", where.krel);
	json_string("target", target);
	json_bool("ready", !problems);
	json_int("problems", problems);
	json_int("notes", notes);
	json_array("findings");
	for (i = 0; i < nfindings; i++) {
		const struct finding *f = &findings[i];

		json_open(NULL);
		json_string("kernel", f->kernel);
		json_string("stage", f->stage);
		json_string("check", f->what);
		json_string("status", verdict_json[f->v]);
		json_string("text", f->text);
		json_string("remedy", f->remedy[0] ? f->remedy : NULL);
		json_close();
	}
	json_close();
	json_close();
	json_end();
}

#define DOCTOR_USAGE "usage: khoserctl [OPTIONS] doctor [--json] [--target RELEASE]\n" \
	"  Would a live update with khoser work here? Exit 0 only if so.\n" \
	"  --target RELEASE  also check the kernel a live update would boot\n" \
	"  --json            one JSON document (fields: khoserctl(8))\n"

int cmd_doctor(int argc, char **argv)
{
	struct facts f;
	const char *target = NULL;
	bool json = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (sub_option("doctor", argv[i], DOCTOR_USAGE))
			continue;
		if (!strcmp(argv[i], "--target") && i + 1 < argc)
			target = argv[++i];
		else if (!strncmp(argv[i], "--target=", 9))
			target = argv[i] + 9;
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else
			usage_error("doctor: unknown argument '%s'", argv[i]);
	}
	memset(&f, 0, sizeof(f));
	fkrel = where.krel;
	read_khoser(&f.m);
	read_kho(&f.k, &f.m);
	check_config(&f);
	check_cmdline(&f);
	check_kho(&f);
	check_kexec(&f);
	if (f.modules != 0)
		check_secure(&f);
	check_modules(&f, where.krel);
	check_loaded(&f);
	if (target && strcmp(target, where.krel))
		check_modules(&f, target);
	sort_findings();
	if (json)
		print_json(target);
	else
		print_table(target);
	return problems ? EXIT_PROBLEM : 0;
}
