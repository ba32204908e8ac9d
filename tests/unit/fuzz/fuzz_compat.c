// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the compatible-string parser and matcher.
 *
 * Input: [flags][expected]\0[found]\0[component] (missing parts are ""),
 * or with flag bit 1 the three strings generated from the bytes after
 * the flags out of the grammar's pieces (bases, versions, sets, sorted or
 * not, the odd stray byte), so that matching strings are common.
 * Every answer of src/compatible.c is compared with a plain reference
 * written from the grammar (include/khoser/abi/compatible.h): validity of
 * published and expected strings, matching with and without a dependency
 * base, khoser_compat_version() and khoser_compat_add(); any disagreement,
 * crash or sanitizer report fails.
 */
#include "../shim/kshim.h"
#include <khoser/khoser.h>
#include "../../../src/common.h"

#define DEP KHOSER_BLOCK_BASE

struct rcomp {
	char base[KHOSER_COMPAT_LEN];
	unsigned long v[KHOSER_COMPAT_MAX_VERSIONS];
	int nv;
};

static bool ref_base(const char *b)
{
	bool start = true;

	for (; *b; b++) {
		if (*b == '-') {
			if (start)
				return false;
			start = true;
		} else if ((*b >= 'a' && *b <= 'z') || (*b >= '0' && *b <= '9') ||
			   *b == '_') {
			start = false;
		} else {
			return false;
		}
	}
	return !start;
}

/* Versions "1,2,3" of one component into @c; false when malformed. */
static bool ref_versions(char *q, bool sets, struct rcomp *c)
{
	char *comma;
	size_t dl;
	unsigned long v;

	c->nv = 0;
	for (;;) {
		comma = strchr(q, ',');
		if (comma)
			*comma = '\0';
		dl = strlen(q);
		if (!dl || dl > 9 || strspn(q, "0123456789") != dl ||
		    (dl > 1 && q[0] == '0'))
			return false;
		v = strtoul(q, NULL, 10);
		if (c->nv == (sets ? KHOSER_COMPAT_MAX_VERSIONS : 1) ||
		    (c->nv && v <= c->v[c->nv - 1]))
			return false;
		c->v[c->nv++] = v;
		if (!comma)
			return true;
		q = comma + 1;
	}
}

/* The components of @s, or -1 when malformed. */
static int ref_parse(const char *s, bool sets, struct rcomp *c)
{
	char tmp[KHOSER_COMPAT_LEN], *p, *semi, *dv;
	int n = 0;

	if (!*s || strlen(s) > KHOSER_COMPAT_MAX)
		return -1;
	strcpy(tmp, s);
	for (p = tmp; ; p = semi + 1) {
		semi = strchr(p, ';');
		if (semi)
			*semi = '\0';
		if (n == KHOSER_COMPAT_MAX_PARTS)
			return -1;
		/* The last "-v" splits base and versions. */
		dv = NULL;
		for (char *k = p; (k = strstr(k, "-v")); k++)
			dv = k;
		if (!dv || dv == p)
			return -1;
		*dv = '\0';
		strcpy(c[n].base, p);
		if (!ref_base(c[n].base) || !ref_versions(dv + 2, sets, &c[n]))
			return -1;
		if (n >= 2 && strcmp(c[n - 1].base, c[n].base) >= 0)
			return -1;
		if (n >= 1 && !strcmp(c[0].base, c[n].base))
			return -1;
		n++;
		if (!semi)
			return n;
	}
}

static bool ref_accepts(const struct rcomp *e, unsigned long v)
{
	int i;

	for (i = 0; i < e->nv; i++)
		if (e->v[i] == v)
			return true;
	return false;
}

static bool ref_known(const struct rcomp *f)
{
	char s[KHOSER_COMPAT_LEN + 16];
	const char *fmt;
	unsigned int i;

	snprintf(s, sizeof(s), "%s-v%lu", f->base, f->v[0]);
	for (i = 0; (fmt = khoser_compat_format(i)); i++)
		if (!strcmp(fmt, s))
			return true;
	return false;
}

static const struct rcomp *ref_find(const struct rcomp *c, int n,
				    const char *base)
{
	int i;

	for (i = 1; i < n; i++)
		if (!strcmp(c[i].base, base))
			return &c[i];
	return NULL;
}

/* 0, -EINVAL (expected malformed) or -EPROTO, as khoser_compat_match(). */
static int ref_match(const char *exp, const char *found, const char *dep)
{
	static struct rcomp e[KHOSER_COMPAT_MAX_PARTS], f[KHOSER_COMPAT_MAX_PARTS];
	const struct rcomp *o;
	int ne, nf, i;

	ne = ref_parse(exp, true, e);
	if (ne < 0)
		return -EINVAL;
	nf = ref_parse(found, false, f);
	if (nf < 0 || strcmp(e[0].base, f[0].base) ||
	    !ref_accepts(&e[0], f[0].v[0]))
		return -EPROTO;
	for (i = 1; i < ne; i++) {
		o = ref_find(f, nf, e[i].base);
		if (o ? !ref_accepts(&e[i], o->v[0]) :
		    !(dep && !strcmp(e[i].base, dep) && ref_accepts(&e[i], 1)))
			return -EPROTO;
	}
	for (i = 1; i < nf; i++)
		if (!ref_find(e, ne, f[i].base) &&
		    !(dep && !strcmp(f[i].base, dep) && ref_known(&f[i])))
			return -EPROTO;
	return 0;
}

static const char * const bases[] = {
	"mydrv", "a", "ab", "ab-c", "abc", "x_1", "khoser-block",
	"khoser-sarray", "khoser-vbuf", "khoser-root", "khoser-block-v1",
};
static const char * const versions[] = {
	"0", "1", "2", "3", "9", "10", "999999999", "1234567890", "01", "",
};

struct gen {
	const u8 *p, *end;
};

static unsigned int next(struct gen *g)
{
	return g->p < g->end ? *g->p++ : 0;
}

static int by_base(const void *a, const void *b)
{
	return strcmp(*(const char * const *)a, *(const char * const *)b);
}

/* A string of 1 to 5 components; @sets: up to 3 versions each. */
static void generate(struct gen *g, char *out, size_t size, bool sets)
{
	const char *pick[5];
	unsigned int n = 1 + next(g) % 5, i, k, nv, c;
	size_t len = 0;

	for (i = 0; i < n; i++)
		pick[i] = bases[next(g) % ARRAY_SIZE(bases)];
	if (next(g) & 1)
		qsort(pick + 1, n - 1, sizeof(pick[0]), by_base);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		len += snprintf(out + len, size - len, "%s%s-v", i ? ";" : "",
				pick[i]);
		nv = sets ? 1 + next(g) % 3 : 1;
		for (k = 0; k < nv && len < size; k++) {
			c = next(g);
			len += snprintf(out + len, size - len, "%s%s",
					k ? "," : "",
					versions[c % ARRAY_SIZE(versions)]);
		}
		if (len >= size) {
			out[size - 1] = '\0';
			return;
		}
		c = next(g);
		if (c >= 0xf8 && len + 1 < size) {
			out[len++] = (char)next(g);	/* a stray byte */
			out[len] = '\0';
		}
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct rcomp c[KHOSER_COMPAT_MAX_PARTS], t[KHOSER_COMPAT_MAX_PARTS];
	char in[3][KHOSER_COMPAT_LEN + 8], buf[KHOSER_COMPAT_LEN];
	const char *exp = in[0], *found = in[1], *comp = in[2];
	size_t pos = 1, k, l;
	unsigned long ver, v2;
	int n, r, i;

	if (!size)
		return 0;
	if (data[0] & 2) {
		struct gen g = { data + 1, data + size };

		generate(&g, in[0], sizeof(in[0]), true);
		generate(&g, in[1], sizeof(in[1]), false);
		generate(&g, in[2], sizeof(in[2]), false);
		/* The component: one of them, or the first's base. */
		if (next(&g) & 1)
			in[2][strcspn(in[2], ";")] = '\0';
		else
			*strstr(in[2], "-v") = '\0';
	} else {
		for (k = 0; k < 3; k++) {
			l = 0;
			while (pos < size && data[pos] && l < sizeof(in[k]) - 1)
				in[k][l++] = data[pos++];
			in[k][l] = '\0';
			pos++;
		}
	}
	/* Flag bit 0: take the found string as expected (reflexive checks). */
	if (data[0] & 1)
		exp = found;

	/* Validity. */
	n = ref_parse(found, false, c);
	if ((khoser_compat_valid(found) == 0) != (n >= 0))
		abort();
	if ((khoser_compat_valid_expected(exp) == 0) !=
	    (ref_parse(exp, true, t) >= 0))
		abort();
	if (n >= 0 && (khoser_compat_valid_expected(found) ||
		       khoser_compat_check("fz", found, found)))
		abort();

	/* Known formats; a valid string rebuilt from its components. */
	if (n >= 0) {
		char comps[KHOSER_COMPAT_MAX_PARTS][KHOSER_COMPAT_LEN + 16];
		const char *fmts[KHOSER_COMPAT_MAX_PARTS];
		bool known = true;

		for (i = 0; i < n; i++) {
			snprintf(comps[i], sizeof(comps[i]), "%s-v%lu",
				 c[i].base, c[i].v[0]);
			fmts[i] = comps[n - 1 - i];	/* reversed: build sorts */
			if (!strncmp(c[i].base, "khoser-", 7) && !ref_known(&c[i]))
				known = false;
		}
		if ((khoser_compat_known(found) == 0) != known)
			abort();
		r = khoser_compat_build(buf, sizeof(buf), comps[0], fmts, n - 1);
		if (r != (int)strlen(found) || strcmp(buf, found))
			abort();
	} else if (khoser_compat_known(found) != -EINVAL) {
		abort();
	}

	/* Matching, with and without the dependency base. */
	if (khoser_compat_check("fz", exp, found) != ref_match(exp, found, NULL))
		abort();
	if (khoser_compat_match("fz", exp, found, DEP) !=
	    ref_match(exp, found, DEP))
		abort();

	/* The version of a base (the component's text as the base). */
	r = khoser_compat_version(found, comp, &ver);
	if (n < 0 || !ref_base(comp) || strlen(comp) > KHOSER_COMPAT_MAX) {
		if (r != -EINVAL)
			abort();
	} else {
		for (i = 0; i < n && strcmp(c[i].base, comp); i++)
			;
		if (i == n ? r != -ENOENT : r || ver != c[i].v[0])
			abort();
	}

	/* Adding a component keeps the string valid and every version. */
	r = khoser_compat_add(buf, sizeof(buf), found, comp);
	if (r >= 0) {
		if (n < 0 || (size_t)r != strlen(buf) || khoser_compat_valid(buf))
			abort();
		for (i = 0; i < n; i++)
			if (khoser_compat_version(buf, c[i].base, &ver) ||
			    ver != c[i].v[0])
				abort();
		if (ref_parse(comp, false, t) != 1 ||
		    khoser_compat_version(buf, t[0].base, &v2) || v2 != t[0].v[0])
			abort();
	} else if (r != -EINVAL && r != -EEXIST && r != -ENOSPC) {
		abort();
	}
	return 0;
}
