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
