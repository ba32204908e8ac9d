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
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libkmod.h>

#ifndef KHOSERCTL_VERSION
#define KHOSERCTL_VERSION "0.1.0"
#endif

#define EFI_GLOBAL_GUID "8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define MAX_OBJS 256

/* Format checking: src/user/Makefile defines __printf(a, b). */
#ifndef __printf
#define __printf(a, b)
#endif

/* Remedies, one per problem. */
#define FIX_CONFIG	"boot a kernel with CONFIG_KEXEC_HANDOVER=y (Debian's stock ones lack it)"
#define FIX_GRUB	"add kho=on to GRUB_CMDLINE_LINUX (/etc/default/grub), update-grub, reboot"
#define FIX_ACTIVE	"see the kernel log for KHO errors; scratch may not fit: kho_scratch="
#define FIX_DEBUGFS	"mount -t debugfs none /sys/kernel/debug, or khoserctl load"
#define FIX_SCRATCH	"reserve KHO scratch memory with kho_scratch= on the command line"
#define FIX_NOAPI	"build khoser against headers with the 7.1+ KHO API (a KHO kernel)"
#define FIX_KEXEC_FILE	"boot a kernel with CONFIG_KEXEC_FILE=y"
#define FIX_KEXEC_OFF	"reboot without kernel.kexec_load_disabled=1 (sysctl.d)"
#define FIX_KEXEC_LIMIT	"raise kernel.kexec_load_limit_reboot (-1: no limit)"
#define FIX_KEXEC_PERM	"run as root (CAP_SYS_BOOT)"
#define FIX_SIGN	"dkms remove + install khoser (DKMS signs it), then enroll its key: " \
			"mokutil --import /var/lib/dkms/mok.pub, reboot"
#define FIX_CONFIG_FILE	"install /boot/config-RELEASE, or enable CONFIG_IKCONFIG_PROC"

/* Where to look; all absolute, without a trailing slash ("" for /). */
static struct {
	char root[PATH_MAX];
	char sys[PATH_MAX];
	char debug[PATH_MAX];
	char proc[PATH_MAX];
	char krel[256];
	bool live;		/* the running system, not a fixture */
} where;

static const char *prog = "khoserctl";

static void die(const char *fmt, ...) __printf(1, 2);
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* Format a path into a static ring of buffers (a few live at once). */
static const char *mkpath(const char *fmt, ...) __printf(1, 2);
static const char *mkpath(const char *fmt, ...)
{
	static char ring[8][PATH_MAX];
	static unsigned int next;
	char *buf = ring[next++ % 8];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		die("file name too long: %s", buf);
	return buf;
}

/* Like path(), for messages: truncates instead of failing. */
static const char *text(const char *fmt, ...) __printf(1, 2);
static const char *text(const char *fmt, ...)
{
	static char ring[4][1024];
	static unsigned int next;
	char *buf = ring[next++ % 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(ring[0]), fmt, ap);
	va_end(ap);
	return buf;
}

/* Copy a string, truncating to fit @len bytes with its NUL. */
static void scopy(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static bool exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Read a small file, trailing whitespace removed. Returns length or -1. */
static int read_text(const char *p, char *buf, size_t len)
{
	FILE *f = fopen(p, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ' ||
		     buf[n - 1] == '\t'))
		n--;
	buf[n] = '\0';
	return (int)n;
}

/* A sysfs boolean ("Y"/"N"/"1"/"0"): 1, 0, or -1 when unreadable. */
static int read_bool(const char *p)
{
	char buf[16];

	if (read_text(p, buf, sizeof(buf)) < 1)
		return -1;
	return buf[0] == 'Y' || buf[0] == 'y' || buf[0] == '1';
}

/* ------------------------------------------------------------------ JSON */

static void json_str(const char *s)
{
	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static const char *json_bool(int v)
{
	return v < 0 ? "null" : v ? "true" : "false";
}

/* ------------------------------------------------------------ the kernel */

/* Kernel command line, read once. */
static const char *kernel_cmdline(void)
{
	static char buf[4096];
	static bool done;

	if (!done) {
		if (read_text(mkpath("%s/cmdline", where.proc), buf,
			      sizeof(buf)) < 0)
			buf[0] = '\0';
		done = true;
	}
	return buf;
}

/* Value of kernel parameter @name on the command line, or NULL. */
static const char *cmdline_param(const char *name, char *val, size_t len)
{
	const char *p = kernel_cmdline();
	size_t n = strlen(name);

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, name, n) && p[n] == '=') {
			size_t i = 0;

			p += n + 1;
			while (p[i] && p[i] != ' ' && i + 1 < len) {
				val[i] = p[i];
				i++;
			}
			val[i] = '\0';
			return val;
		}
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

static int str_true(const char *v)
{
	return !strcmp(v, "on") || !strcmp(v, "1") || !strcmp(v, "y") ||
	       !strcmp(v, "Y") || !strcmp(v, "yes") || !strcmp(v, "true");
}

/* Kernel config, from /proc/config.gz or /boot/config-RELEASE. */
static struct {
	char *text;
	char source[PATH_MAX];
	bool loaded;
} kconfig;

/* Read what @f gives into kconfig.text. */
static void slurp(FILE *f)
{
	char buf[8192];
	size_t size = 0, cap = 0, n;

	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (size + n + 1 > cap) {
			cap = (size + n + 1) * 2;
			kconfig.text = realloc(kconfig.text, cap);
			if (!kconfig.text)
				die("out of memory");
		}
		memcpy(kconfig.text + size, buf, n);
		size += n;
	}
	if (kconfig.text)
		kconfig.text[size] = '\0';
}

/* /proc/config.gz through gzip -dc. */
static void slurp_gz(const char *file)
{
	int fds[2], status;
	pid_t pid;
	FILE *f;

	if (pipe(fds))
		return;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (!pid) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp("gzip", "gzip", "-dc", file, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (f) {
		slurp(f);
		fclose(f);
	} else {
		close(fds[0]);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		free(kconfig.text);
		kconfig.text = NULL;
	}
}

static void load_config(void)
{
	const char *plain[2];
	unsigned int i;
	FILE *f;

	if (kconfig.loaded)
		return;
	kconfig.loaded = true;
	scopy(kconfig.source, sizeof(kconfig.source),
	      mkpath("%s/config.gz", where.proc));
	if (exists(kconfig.source)) {
		slurp_gz(kconfig.source);
		if (kconfig.text)
			return;
	}
	plain[0] = mkpath("%s/boot/config-%s", where.root, where.krel);
	plain[1] = mkpath("%s/lib/modules/%s/build/.config", where.root,
			  where.krel);
	for (i = 0; i < 2; i++) {
		f = fopen(plain[i], "re");
		if (!f)
			continue;
		scopy(kconfig.source, sizeof(kconfig.source), plain[i]);
		slurp(f);
		fclose(f);
		return;
	}
}

/*
 * A kernel option: 'y', 'm', 'n' (not set), or '?' without a config.
 */
static char config_opt(const char *opt)
{
	const char *p;
	size_t n = strlen(opt);

	load_config();
	if (!kconfig.text)
		return '?';
	for (p = kconfig.text; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, opt, n) && p[n] == '=')
			return p[n + 1];
	}
	return 'n';
}

/* ------------------------------------------------------------- KHO state */

struct kho_info {
	int enabled;		/* 1, 0, -1 unknown */
	const char *how;	/* what said so */
	int boot;		/* 1, 0, -1 unknown */
	int cmdline_on;		/* kho=on (or default on in the config) */
	int areas;		/* scratch areas, -1 unknown */
	unsigned long long scratch;	/* bytes */
};

struct khoser_info {
	int loaded;		/* 1, 0 */
	char state[16];
	char version[32];
	int refcnt;
	char holders[512];	/* space-separated */
	int kho_enabled;	/* khoser's own view, -1 unknown */
	int kho_boot;
	int kho_api;		/* loaded build: 1, 0, -1 unknown */
};

struct object {
	char dir[8];
	char name[64];
	char kind[16];
	char compat[256];
	unsigned long long size, blocks, entries;
	char state[32];
};

static struct object objs[MAX_OBJS];
static int nobjs;
static int objs_readable;	/* -1 khoser not loaded, 0 unreadable, 1 */

static void read_scratch(struct kho_info *k)
{
	char buf[1024], *p, *end;

	k->areas = -1;
	k->scratch = 0;
	if (read_text(mkpath("%s/kho/out/scratch_len", where.debug), buf,
		      sizeof(buf)) < 0)
		return;
	k->areas = 0;
	for (p = buf; *p; p = end) {
		unsigned long long v = strtoull(p, &end, 0);

		if (end == p)
			break;
		k->scratch += v;
		k->areas++;
	}
}

static void read_khoser(struct khoser_info *m)
{
	const char *mod = mkpath("%s/module/khoser", where.sys);
	char buf[64];
	DIR *d;
	struct dirent *e;

	memset(m, 0, sizeof(*m));
	m->kho_enabled = -1;
	m->kho_boot = -1;
	m->kho_api = -1;
	m->refcnt = -1;
	if (where.live) {
		/* The running system: ask libkmod. */
		struct kmod_ctx *ctx = kmod_new(NULL, NULL);
		struct kmod_module *km = NULL;
		struct kmod_list *l, *h;

		if (ctx && !kmod_module_new_from_name(ctx, "khoser", &km)) {
			int st = kmod_module_get_initstate(km);

			if (st >= 0) {
				m->loaded = 1;
				scopy(m->state, sizeof(m->state), kmod_module_initstate_str(st));
				m->refcnt = kmod_module_get_refcnt(km);
				h = kmod_module_get_holders(km);
				kmod_list_foreach(l, h) {
					struct kmod_module *hm =
						kmod_module_get_module(l);
					size_t n = strlen(m->holders);

					snprintf(m->holders + n,
						 sizeof(m->holders) - n, "%s%s",
						 n ? " " : "",
						 kmod_module_get_name(hm));
					kmod_module_unref(hm);
				}
				kmod_module_unref_list(h);
			}
			kmod_module_unref(km);
		}
		kmod_unref(ctx);
	} else if (read_text(mkpath("%s/initstate", mod), m->state,
			     sizeof(m->state)) >= 0) {
		/* A fixture: the same files libkmod reads. */
		m->loaded = 1;
		if (read_text(mkpath("%s/refcnt", mod), buf, sizeof(buf)) > 0)
			m->refcnt = atoi(buf);
		d = opendir(mkpath("%s/holders", mod));
		while (d && (e = readdir(d))) {
			size_t n = strlen(m->holders);

			if (e->d_name[0] == '.')
				continue;
			snprintf(m->holders + n, sizeof(m->holders) - n,
				 "%s%s", n ? " " : "", e->d_name);
		}
		if (d)
			closedir(d);
	}
	if (!m->loaded)
		return;
	if (read_text(mkpath("%s/version", mod), m->version,
		      sizeof(m->version)) < 0)
		m->version[0] = '\0';
	m->kho_enabled = read_bool(mkpath("%s/parameters/kho_enabled", mod));
	m->kho_boot = read_bool(mkpath("%s/parameters/kho_boot", mod));
	if (read_text(mkpath("%s/khoser/status", where.debug), buf,
		      sizeof(buf)) >= 0) {
		char *p = strstr(buf, "kho_api\t");

		if (p)
			m->kho_api = atoi(p + 8);
	}
}

static void read_kho(struct kho_info *k, const struct khoser_info *m)
{
	char val[32];

	k->cmdline_on = cmdline_param("kho", val, sizeof(val)) ?
			str_true(val) :
			config_opt("CONFIG_KEXEC_HANDOVER_ENABLE_DEFAULT") == 'y';
	read_scratch(k);
	k->enabled = -1;
	k->boot = -1;
	k->how = "unknown";
	if (m->loaded && m->kho_enabled >= 0) {
		k->enabled = m->kho_enabled;
		k->boot = m->kho_boot;
		k->how = "khoser";
		/* khoser says no also when it was built without the API. */
		if (!k->enabled && m->kho_api == 0 &&
		    is_dir(mkpath("%s/kho", where.debug))) {
			k->enabled = 1;
			k->how = "debugfs";
			k->boot = is_dir(mkpath("%s/kho/in", where.debug));
		}
	} else if (is_dir(mkpath("%s/kho", where.debug))) {
		/* KHO's debugfs exists only when it is enabled. */
		k->enabled = 1;
		k->boot = is_dir(mkpath("%s/kho/in", where.debug));
		k->how = "debugfs";
	} else if (config_opt("CONFIG_KEXEC_HANDOVER") == 'n') {
		k->enabled = 0;
		k->boot = 0;
		k->how = "config";
	} else if (!k->cmdline_on) {
		k->enabled = 0;
		k->boot = 0;
		k->how = "cmdline";
	}
}

/* Parse debugfs khoser/objects: a header line, then tab-separated rows. */
static void read_objects(const struct khoser_info *m)
{
	char line[1024];
	FILE *f;

	nobjs = 0;
	if (!m->loaded) {
		objs_readable = -1;
		return;
	}
	f = fopen(mkpath("%s/khoser/objects", where.debug), "re");
	objs_readable = !!f;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && nobjs < MAX_OBJS) {
		struct object *o = &objs[nobjs];
		char *field[8], *save = NULL, *t;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		for (t = strtok_r(line, "\t", &save); t && n < 8;
		     t = strtok_r(NULL, "\t", &save))
			field[n++] = t;
		if (n != 8 || (strcmp(field[0], "in") && strcmp(field[0], "out")))
			continue;	/* the header, or something unknown */
		scopy(o->dir, sizeof(o->dir), field[0]);
		scopy(o->name, sizeof(o->name), field[1]);
		scopy(o->kind, sizeof(o->kind), field[2]);
		scopy(o->compat, sizeof(o->compat), field[3]);
		o->size = strtoull(field[4], NULL, 0);
		o->blocks = strtoull(field[5], NULL, 0);
		o->entries = strtoull(field[6], NULL, 0);
		scopy(o->state, sizeof(o->state), field[7]);
		nobjs++;
	}
	fclose(f);
}

static int count_objs(const char *dir)
{
	int i, n = 0;

	for (i = 0; i < nobjs; i++)
		n += !strcmp(objs[i].dir, dir);
	return n;
}

/* --------------------------------------------------------------- modules */

static void kmod_quiet(void *data, int priority, const char *file, int line,
		       const char *fn, const char *format, va_list args)
{
}

/* libkmod context for kernel @krel's module tree under --root. */
static struct kmod_ctx *kmod_for(const char *krel)
{
	static const char *const conf[] = {
		"/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d",
		"/lib/modprobe.d",
	};
	char confs[4][PATH_MAX];
	const char *cp[5];
	struct kmod_ctx *ctx;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		snprintf(confs[i], sizeof(confs[i]), "%s%s", where.root,
			 conf[i]);
		cp[i] = confs[i];
	}
	cp[4] = NULL;
	ctx = kmod_new(mkpath("%s/lib/modules/%s", where.root, krel), cp);
	if (!ctx)
		die("libkmod: cannot create a context");
	kmod_set_log_fn(ctx, kmod_quiet, NULL);
	return ctx;
}

struct modfile {
	bool found;
	char path[PATH_MAX];
	char version[32];
	char vermagic[128];
	char kho_api[8];	/* "yes", "no", "" */
	char signer[128];	/* "" when unsigned */
	char depends[256];
};

/* Look up module @name for kernel @krel and read its modinfo. */
static bool find_module(const char *krel, const char *name,
			struct modfile *mf)
{
	struct kmod_ctx *ctx = kmod_for(krel);
	struct kmod_list *list = NULL, *l, *info = NULL;
	struct kmod_module *mod = NULL;
	const char *p;

	memset(mf, 0, sizeof(*mf));
	if (kmod_module_new_from_lookup(ctx, name, &list) < 0 || !list)
		goto out;
	mod = kmod_module_get_module(list);
	p = kmod_module_get_path(mod);
	if (!p)
		goto out;
	mf->found = true;
	scopy(mf->path, sizeof(mf->path), p);
	if (kmod_module_get_info(mod, &info) < 0)
		goto out;
	kmod_list_foreach(l, info) {
		const char *k = kmod_module_info_get_key(l);
		const char *v = kmod_module_info_get_value(l);

		if (!v)
			continue;
		if (!strcmp(k, "version"))
			scopy(mf->version, sizeof(mf->version), v);
		else if (!strcmp(k, "vermagic"))
			scopy(mf->vermagic, sizeof(mf->vermagic), v);
		else if (!strcmp(k, "kho_api"))
			scopy(mf->kho_api, sizeof(mf->kho_api), v);
		else if (!strcmp(k, "signer"))
			scopy(mf->signer, sizeof(mf->signer), v);
		else if (!strcmp(k, "depends"))
			scopy(mf->depends, sizeof(mf->depends), v);
	}
	kmod_module_info_free_list(info);
out:
	if (mod)
		kmod_module_unref(mod);
	kmod_module_unref_list(list);
	kmod_unref(ctx);
	return mf->found;
}

/* ---------------------------------------------------------------- status */

static void print_status_json(const struct kho_info *k,
			      const struct khoser_info *m,
			      const struct modfile *mf)
{
	int i;

	printf("{\"kernel\": ");
	json_str(where.krel);
	printf(", \"kho\": {\"enabled\": %s, \"source\": ",
	       json_bool(k->enabled));
	json_str(k->how);
	printf(", \"boot\": %s, \"cmdline\": %s, \"scratch\": ",
	       json_bool(k->boot), json_bool(k->cmdline_on));
	if (k->areas < 0)
		printf("null");
	else
		printf("{\"areas\": %d, \"bytes\": %llu}", k->areas,
		       k->scratch);
	printf("}, \"khoser\": {\"loaded\": %s", json_bool(m->loaded));
	printf(", \"state\": ");
	json_str(m->loaded ? m->state : NULL);
	printf(", \"version\": ");
	json_str(m->loaded && m->version[0] ? m->version : NULL);
	printf(", \"kho_api\": %s, \"refcnt\": ", json_bool(m->kho_api));
	if (m->refcnt < 0)
		printf("null");
	else
		printf("%d", m->refcnt);
	printf(", \"holders\": [");
	if (m->holders[0]) {
		char h[sizeof(m->holders)], *save = NULL, *t;
		bool first = true;

		scopy(h, sizeof(h), m->holders);
		for (t = strtok_r(h, " ", &save); t;
		     t = strtok_r(NULL, " ", &save)) {
			printf("%s", first ? "" : ", ");
			json_str(t);
			first = false;
		}
	}
	printf("], \"module\": ");
	if (!mf->found) {
		printf("null");
	} else {
		printf("{\"path\": ");
		json_str(mf->path);
		printf(", \"version\": ");
		json_str(mf->version[0] ? mf->version : NULL);
		printf(", \"kho_api\": ");
		json_str(mf->kho_api[0] ? mf->kho_api : NULL);
		printf(", \"signer\": ");
		json_str(mf->signer[0] ? mf->signer : NULL);
		printf("}");
	}
	printf("}, \"outgoing\": %d, \"incoming\": %d, \"objects\": [",
	       count_objs("out"), count_objs("in"));
	for (i = 0; i < nobjs; i++) {
		const struct object *o = &objs[i];

		printf("%s{\"dir\": ", i ? ", " : "");
		json_str(o->dir);
		printf(", \"name\": ");
		json_str(o->name);
		printf(", \"kind\": ");
		json_str(o->kind);
		printf(", \"compat\": ");
		json_str(o->compat);
		printf(", \"size\": %llu, \"blocks\": %llu, \"entries\": %llu, \"state\": ",
		       o->size, o->blocks, o->entries);
		json_str(o->state);
		printf("}");
	}
	printf("]}\n");
}

static const char *yes_no(int v)
{
	return v < 0 ? "unknown" : v ? "yes" : "no";
}

static void print_status_table(const struct kho_info *k,
			       const struct khoser_info *m,
			       const struct modfile *mf)
{
	int i;

	printf("%-18s %s\n", "kernel", where.krel);
	printf("%-18s %s (%s)%s\n", "KHO enabled", yes_no(k->enabled), k->how,
	       k->cmdline_on ? ", kho=on" : "");
	printf("%-18s %s\n", "KHO boot", yes_no(k->boot));
	if (k->areas < 0)
		printf("%-18s %s\n", "scratch", "unknown (no debugfs kho/out)");
	else
		printf("%-18s %d areas, %llu MiB\n", "scratch", k->areas,
		       k->scratch >> 20);
	if (m->loaded)
		printf("%-18s loaded (%s), version %s, KHO API %s%s%s\n",
		       "khoser", m->state, m->version[0] ? m->version : "?",
		       yes_no(m->kho_api), m->holders[0] ? ", used by " : "",
		       m->holders);
	else
		printf("%-18s not loaded\n", "khoser");
	if (mf->found)
		printf("%-18s %s (version %s, KHO API %s, %s)\n", "module file",
		       mf->path, mf->version[0] ? mf->version : "?",
		       mf->kho_api[0] ? mf->kho_api : "?",
		       mf->signer[0] ? "signed" : "unsigned");
	else
		printf("%-18s none for %s\n", "module file", where.krel);
	if (objs_readable < 0) {
		printf("%-18s khoser not loaded\n", "objects");
		return;
	}
	if (!objs_readable) {
		printf("%-18s unreadable (debugfs not mounted, or not root)\n",
		       "objects");
		return;
	}
	printf("%-18s %d outgoing, %d incoming\n", "objects",
	       count_objs("out"), count_objs("in"));
	if (!nobjs)
		return;
	printf("\n%-4s %-20s %-6s %-40s %6s %7s %9s %s\n", "DIR", "NAME",
	       "KIND", "COMPAT", "SIZE", "BLOCKS", "ENTRIES", "STATE");
	for (i = 0; i < nobjs; i++) {
		const struct object *o = &objs[i];

		printf("%-4s %-20s %-6s %-40s %6llu %7llu %9llu %s\n", o->dir,
		       o->name, o->kind, o->compat, o->size, o->blocks,
		       o->entries, o->state);
	}
}

static int cmd_status(int argc, char **argv)
{
	struct kho_info k;
	struct khoser_info m;
	struct modfile mf;
	bool json = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			die("status: unknown argument '%s'", argv[i]);
	}
	read_khoser(&m);
	read_kho(&k, &m);
	read_objects(&m);
	find_module(where.krel, "khoser", &mf);
	if (json)
		print_status_json(&k, &m, &mf);
	else
		print_status_table(&k, &m, &mf);
	return 0;
}

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

static int cmd_doctor(int argc, char **argv)
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

/* ------------------------------------------------------------------ load */

static const char *load_hint(int err)
{
	switch (err) {
	case EPERM:
		return geteuid() ? "run as root" :
		       "refused: with lockdown or Secure Boot only signed modules load (doctor)";
	case EKEYREJECTED:
	case ENOKEY:
	case EBADMSG:
		return "signature refused: " FIX_SIGN;
	case ENOEXEC:
		return "built for another kernel? rebuild: dkms install --force khoser";
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
		fprintf(stderr,
			"%s: %s: no module for kernel %s in %s/lib/modules/%s\n"
			"%s: is khoser-dkms installed and built for it? %s\n",
			prog, name, where.krel, where.root, where.krel, prog,
			text("(dkms status khoser; dkms autoinstall -k %s)",
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

static int cmd_load(int argc, char **argv)
{
	bool test = false, dry_run = false;
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--test"))
			test = true;
		else if (!strcmp(argv[i], "--dry-run"))
			dry_run = true;
		else
			die("load: unknown argument '%s'", argv[i]);
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
		"  status [--json]            KHO state, khoser module, preserved objects\n"
		"  doctor [--target RELEASE]  would a live update with khoser work? (exit 0: yes)\n"
		"  load [--test] [--dry-run]  load khoser (and khoser_test) through libkmod\n"
		"options:\n"
		"  --root DIR      read DIR/sys, DIR/sys/kernel/debug, DIR/proc, DIR/boot,\n"
		"                  DIR/lib/modules and DIR/var/lib/dkms instead of /...\n"
		"  --sysfs DIR  --debugfs DIR  --procfs DIR   override one of them\n"
		"  --kernel REL    kernel release (default: PROCFS/sys/kernel/osrelease)\n"
		"  --version, --help\n");
}

static void set_dir(char *dst, const char *src)
{
	size_t n;

	if (snprintf(dst, PATH_MAX, "%s", src) >= PATH_MAX)
		die("path too long: %s", src);
	n = strlen(dst);
	while (n > 0 && dst[n - 1] == '/')
		dst[--n] = '\0';
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "debugfs", required_argument, NULL, 'd' },
		{ "procfs", required_argument, NULL, 'p' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sys = NULL, *dbg = NULL, *proc = NULL, *krel = NULL;
	struct utsname u;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
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
		case 'k':
			krel = optarg;
			break;
		case 'V':
			printf("khoserctl %s\n", KHOSERCTL_VERSION);
			return 0;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	set_dir(where.sys, sys ?: mkpath("%s/sys", where.root));
	set_dir(where.debug, dbg ?: mkpath("%s/kernel/debug", where.sys));
	set_dir(where.proc, proc ?: mkpath("%s/proc", where.root));
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
		return 2;
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
	return 2;
}
