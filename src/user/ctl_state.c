// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoserctl: KHO and khoser state from sysfs/debugfs, and modules through libkmod.
 */
#include "ctl.h"

/* ------------------------------------------------------------- KHO state */

struct object *objs;
int nobjs;
int objs_readable;

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

void read_khoser(struct khoser_info *m)
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

/*
 * Whether KHO is on, and what said so. Only evidence counts: khoser's own
 * view, KHO's debugfs (present only while KHO is enabled), the kernel log
 * (KHO disabling itself), the config, the command line. What none of them
 * tells stays unknown (-1).
 */
void read_kho(struct kho_info *k, const struct khoser_info *m)
{
	char val[32], c = config_opt("CONFIG_KEXEC_HANDOVER");
	bool debugfs = is_dir(mkpath("%s/kho", where.debug));
	bool dbg_mounted;

	k->compiled = c == 'y' ? 1 : c == '?' ? -1 : 0;
	k->cmdline_given = cmdline_param("kho", val, sizeof(val));
	if (k->cmdline_given)
		k->cmdline_on = str_true(val);
	else if (config_opt("CONFIG_KEXEC_HANDOVER_ENABLE_DEFAULT") == 'y')
		k->cmdline_on = 1;
	else if (cmdline_known() && c != '?')
		k->cmdline_on = 0;
	else
		k->cmdline_on = -1;
	read_scratch(k);
	read_kho_log(&k->log);
	k->enabled = -1;
	k->boot = -1;
	k->how = "unknown";
	dbg_mounted = debugfs || fs_mounted("debugfs") == 1;
	if (m->loaded && m->kho_enabled >= 0) {
		k->enabled = m->kho_enabled;
		k->boot = m->kho_boot;
		k->how = "khoser";
		/* khoser says no also when it was built without the API. */
		if (!k->enabled && m->kho_api == 0 && debugfs) {
			k->enabled = 1;
			k->how = "debugfs";
			k->boot = is_dir(mkpath("%s/kho/in", where.debug));
		}
	} else if (debugfs) {
		/* KHO's debugfs exists only when it is enabled. */
		k->enabled = 1;
		k->boot = is_dir(mkpath("%s/kho/in", where.debug));
		k->how = "debugfs";
	} else if (k->compiled == 0) {
		k->enabled = 0;
		k->boot = 0;
		k->how = "config";
	} else if (k->log.scratch_failed) {
		k->enabled = 0;
		k->boot = 0;
		k->how = "kernel log";
	} else if (k->cmdline_on == 0) {
		k->enabled = 0;
		k->boot = 0;
		k->how = "cmdline";
	} else if (dbg_mounted && k->compiled == 1 &&
		   config_opt("CONFIG_KEXEC_HANDOVER_DEBUGFS") == 'y') {
		/* Compiled in with its debugfs, debugfs mounted, no kho/. */
		k->enabled = 0;
		k->boot = 0;
		k->how = "debugfs";
	}
}

/* Parse debugfs khoser/objects: a header line, then tab-separated rows. */
void read_objects(const struct khoser_info *m)
{
	char line[1024];
	int cap = 0;
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
	while (fgets(line, sizeof(line), f)) {
		struct object *o;
		char *field[8], *save = NULL, *t;
		int n = 0;

		line[strcspn(line, "\n")] = '\0';
		for (t = strtok_r(line, "\t", &save); t && n < 8;
		     t = strtok_r(NULL, "\t", &save))
			field[n++] = t;
		if (n != 8 || (strcmp(field[0], "in") && strcmp(field[0], "out")))
			continue;	/* the header, or something unknown */
		if (nobjs == cap) {
			cap = cap ? cap * 2 : 64;
			objs = realloc(objs, cap * sizeof(*objs));
			if (!objs)
				die("out of memory");
		}
		o = &objs[nobjs];
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

int count_objs(const char *dir)
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

/*
 * libkmod context for kernel @krel's module tree under --root. On the
 * running system libkmod reads its default modprobe.d directories; a
 * fixture tree (--root and friends) is read without configuration.
 */
struct kmod_ctx *kmod_for(const char *krel)
{
	static const char *const none[] = { NULL };
	struct kmod_ctx *ctx;

	ctx = kmod_new(mkpath("%s/lib/modules/%s", where.root, krel),
		       where.root[0] ? none : NULL);
	if (!ctx)
		die("libkmod: cannot create a context");
	kmod_set_log_fn(ctx, kmod_quiet, NULL);
	return ctx;
}

/* Look up module @name for kernel @krel and read its modinfo. */
bool find_module(const char *krel, const char *name,
		 struct modfile *mf)
{
	struct kmod_ctx *ctx = kmod_for(krel);
	struct kmod_list *list = NULL, *l, *info = NULL;
	struct kmod_module *mod = NULL;
	const char *p;

	memset(mf, 0, sizeof(*mf));
	mf->kho_api = -1;
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
			mf->kho_api = !strcmp(v, "yes") ? 1 :
				      !strcmp(v, "no") ? 0 : -1;
		else if (!strcmp(k, "signer"))
			scopy(mf->signer, sizeof(mf->signer), v);
		else if (!strcmp(k, "sig_key"))
			scopy(mf->sig_key, sizeof(mf->sig_key), v);
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

/*
 * A setting of DKMS's framework configuration (/etc/dkms/framework.conf,
 * then framework.conf.d/\*.conf, the last one wins, as DKMS reads them), or
 * @def. Only plain assignments are understood (var=value, quoted or not).
 */
const char *dkms_conf_value(const char *var, const char *def)
{
	static char val[PATH_MAX];
	const char *dir = mkpath("%s/etc/dkms/framework.conf.d", where.root);
	struct dirent **names = NULL;
	char files[65][PATH_MAX], line[PATH_MAX + 64];
	size_t n = strlen(var);
	int nf = 0, nn, i;
	bool found = false;

	scopy(files[nf++], PATH_MAX,
	      mkpath("%s/etc/dkms/framework.conf", where.root));
	nn = scandir(dir, &names, NULL, alphasort);
	for (i = 0; i < nn; i++) {
		size_t l = strlen(names[i]->d_name);

		if (nf < 65 && l > 5 &&
		    !strcmp(names[i]->d_name + l - 5, ".conf"))
			scopy(files[nf++], PATH_MAX,
			      mkpath("%s/%s", dir, names[i]->d_name));
		free(names[i]);
	}
	free(names);
	for (i = 0; i < nf; i++) {
		FILE *f = fopen(files[i], "re");

		while (f && fgets(line, sizeof(line), f)) {
			char *p = line + strspn(line, " \t"), *e;

			if (strncmp(p, var, n) || p[n] != '=')
				continue;
			p += n + 1;
			p[strcspn(p, "\n")] = '\0';
			if (*p == '"' || *p == '\'') {
				e = strchr(p + 1, *p);
				if (e)
					*e = '\0';
				p++;
			} else {
				p[strcspn(p, " \t#")] = '\0';
			}
			scopy(val, sizeof(val), p);
			found = true;
		}
		if (f)
			fclose(f);
	}
	return found && val[0] ? val : def;
}

/*
 * The newest khoser version DKMS can build: sources installed by
 * khoser-dkms (/usr/src/khoser-VERSION/dkms.conf) or added to DKMS's tree;
 * NULL when there is none.
 */
const char *khoser_dkms_version(void)
{
	static char best[64];
	char dirs[2][PATH_MAX];
	struct dirent *e;
	unsigned int i;
	DIR *d;

	best[0] = '\0';
	scopy(dirs[0], PATH_MAX, mkpath("%s/usr/src", where.root));
	scopy(dirs[1], PATH_MAX, mkpath("%s/var/lib/dkms/khoser", where.root));
	for (i = 0; i < 2; i++) {
		d = opendir(dirs[i]);
		while (d && (e = readdir(d))) {
			const char *v = e->d_name;

			if (i == 0) {
				if (strncmp(v, "khoser-", 7) || v[7] < '0' ||
				    v[7] > '9' ||
				    !exists(mkpath("%s/%s/dkms.conf", dirs[i], v)))
					continue;
				v += 7;
			} else if (v[0] < '0' || v[0] > '9' ||
				   !exists(mkpath("%s/%s/source", dirs[i], v))) {
				continue;
			}
			if (strverscmp(v, best) > 0)
				scopy(best, sizeof(best), v);
		}
		if (d)
			closedir(d);
	}
	return best[0] ? best : NULL;
}
