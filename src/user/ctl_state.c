// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoserctl: KHO and khoser state from sysfs/debugfs, and modules through libkmod.
 */
#include "khoserctl.h"

/* ------------------------------------------------------------- KHO state */

struct object objs[MAX_OBJS];
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

void read_kho(struct kho_info *k, const struct khoser_info *m)
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
void read_objects(const struct khoser_info *m)
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

/* libkmod context for kernel @krel's module tree under --root. */
struct kmod_ctx *kmod_for(const char *krel)
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

/* Look up module @name for kernel @krel and read its modinfo. */
bool find_module(const char *krel, const char *name,
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
