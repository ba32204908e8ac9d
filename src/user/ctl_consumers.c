// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoserctl doctor: the modules that depend on khoser, found through
 * modules.dep and DKMS, and whether their symbol versions still match
 * khoser's exports (a consumer built against another khoser is stale).
 */
#include "ctl.h"

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
void check_consumers(const char *krel, const struct modfile *mf)
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
