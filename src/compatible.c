// SPDX-License-Identifier: GPL-2.0-only
/*
 * Composite compatible strings: "<own>-v<N>;<format>-v<N>;..." with the
 * owner first and the formats after it sorted by base name, each base once.
 * An expected string (a lookup's) may give a set of versions per component,
 * "<base>-v<N>,<M>,...". The grammar is DOC "composite compatible strings".
 *
 * DOC: compatible strings
 *
 * "Compatible" here is about data formats (khoser_compat_build() and the
 * rest);
 * kernel-version adaptation is src/compat/. Pure string work: no state, no
 * locks, callable from any context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <khoser/abi/block.h>
#include <khoser/abi/sarray.h>
#include <khoser/abi/vbuf.h>
#include <khoser/compatible.h>
#include "common.h"

/* Every format this build of khoser reads and writes. */
static const char * const formats[] = {
	KHOSER_BLOCK_COMPAT,
	KHOSER_BLOCK_COMPAT_V2,
	KHOSER_ROOT_COMPAT,
	KHOSER_SARRAY_COMPAT,
	KHOSER_VBUF_COMPAT,
};

#define FORMAT_PREFIX "khoser-"

/**
 * struct part - one parsed component
 * @base: the base name, not terminated
 * @blen: its length; the version text starts at @base + @blen + 2
 * @vlen: length of the version text ("2", or "1,2" in an expected string)
 * @nver: versions in the text: 1, or up to %KHOSER_COMPAT_MAX_VERSIONS
 * @ver:  the version, or the lowest of a set
 */
struct part {
	const char *base;
	u16 blen;
	u16 vlen;
	u32 nver;
	unsigned long ver;
};

/* The version text of @p. */
static const char *vtext(const struct part *p)
{
	return p->base + p->blen + 2;
}

/* Order of two bases: as strcmp() on the base names. */
static int base_cmp(const struct part *a, const struct part *b)
{
	int r = memcmp(a->base, b->base, min(a->blen, b->blen));

	if (r)
		return r;
	return a->blen < b->blen ? -1 : a->blen > b->blen;
}

/* @p has base @base (terminated). */
static bool base_is(const struct part *p, const char *base)
{
	return strlen(base) == p->blen && !memcmp(p->base, base, p->blen);
}

/*
 * ASCII only: the kernel's islower() also takes Latin-1 letters (0xdf to
 * 0xff), which the grammar does not allow.
 */
static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || is_digit(c) || c == '_';
}

/*
 * Parse one version "0" or [1-9][0-9]* (at most KHOSER_COMPAT_VERSION_DIGITS
 * digits) at @s, up to @end or a ','. Returns its length, or 0 when bad.
 */
static size_t parse_version(const char *s, const char *end, unsigned long *ver)
{
	size_t n = 0;

	*ver = 0;
	while (s + n < end && s[n] != ',') {
		if (!is_digit(s[n]) || n == KHOSER_COMPAT_VERSION_DIGITS ||
		    (n == 1 && s[0] == '0'))
			return 0;
		*ver = *ver * 10 + (s[n] - '0');
		n++;
	}
	return n;
}

/* @ver is one of the versions @p lists. */
static bool part_accepts(const struct part *p, unsigned long ver)
{
	const char *s = vtext(p), *end = s + p->vlen;
	unsigned long v;
	size_t n;

	while (s < end) {
		n = parse_version(s, end, &v);
		if (v == ver)
			return true;
		s += n + 1;
	}
	return false;
}

/* @s, @len characters: words of [a-z0-9_] joined by single '-'. */
static bool base_valid(const char *s, size_t len)
{
	bool word_start = true;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '-') {
			if (word_start)
				return false;
			word_start = true;
		} else if (is_word_char(s[i])) {
			word_start = false;
		} else {
			return false;
		}
	}
	return !word_start;
}

/*
 * Parse one component "<base>-v<version>" of length @len; with @sets,
 * "<base>-v<version>,<version>..." too (ascending, at most
 * KHOSER_COMPAT_MAX_VERSIONS).
 */
static int parse_part(const char *s, size_t len, struct part *p, bool sets)
{
	const char *v, *end = s + len;
	size_t i, vpos = 0, n;
	unsigned long ver, last = 0;

	if (len > KHOSER_COMPAT_MAX)
		return -EINVAL;
	for (i = len; i >= 2; i--) {
		if (s[i - 2] == '-' && s[i - 1] == 'v') {
			vpos = i;
			break;
		}
	}
	if (vpos < 3)
		return -EINVAL;
	p->base = s;
	p->blen = vpos - 2;
	p->vlen = len - vpos;
	p->nver = 0;
	for (v = s + vpos; ; v += n + 1) {
		n = parse_version(v, end, &ver);
		if (!n || (p->nver && ver <= last) ||
		    p->nver == (sets ? KHOSER_COMPAT_MAX_VERSIONS : 1))
			return -EINVAL;
		if (!p->nver)
			p->ver = ver;
		last = ver;
		p->nver++;
		if (v + n == end)
			break;
	}
	return base_valid(s, p->blen) ? 0 : -EINVAL;
}

/*
 * Split and check a whole composite string; version sets only with @sets.
 * Returns the count or -EINVAL.
 */
static int parse(const char *s, struct part *parts, bool sets)
{
	size_t len, start = 0, i;
	unsigned int n = 0;

	if (!s)
		return -EINVAL;
	len = strnlen(s, KHOSER_COMPAT_LEN);
	if (!len || len > KHOSER_COMPAT_MAX)
		return -EINVAL;
	for (i = 0; i <= len; i++) {
		if (i < len && s[i] != ';')
			continue;
		if (n == KHOSER_COMPAT_MAX_PARTS ||
		    parse_part(s + start, i - start, &parts[n], sets))
			return -EINVAL;
		/* Formats sorted, strictly (so each base once), none = owner. */
		if (n >= 2 && base_cmp(&parts[n - 1], &parts[n]) >= 0)
			return -EINVAL;
		if (n >= 1 && !base_cmp(&parts[0], &parts[n]))
			return -EINVAL;
		n++;
		start = i + 1;
	}
	return n;
}

/* Write @n components into @buf: the length, or -ENOSPC (@buf then ""). */
static int emit(char *buf, size_t len, const struct part *parts,
		unsigned int n)
{
	size_t out = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		out += snprintf(buf ? buf + out : NULL,
				buf && out < len ? len - out : 0,
				"%s%.*s-v%.*s", i ? ";" : "",
				(int)parts[i].blen, parts[i].base,
				(int)parts[i].vlen, vtext(&parts[i]));
	if (out >= len || out > KHOSER_COMPAT_MAX) {
		if (buf && len)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return out;
}

/* @p, one version, is a format of this build. */
static bool format_known(const struct part *p)
{
	unsigned int k;
	struct part q;

	for (k = 0; k < ARRAY_SIZE(formats); k++)
		if (!parse_part(formats[k], strlen(formats[k]), &q, false) &&
		    !base_cmp(p, &q) && p->ver == q.ver)
			return true;
	return false;
}

/**
 * khoser_compat_valid - check a composite compatible string to publish
 * @compat: the string
 *
 * Valid: 1 to %KHOSER_COMPAT_MAX characters, 1 to %KHOSER_COMPAT_MAX_PARTS
 * components "<base>-v<version>" joined by ';', the formats after the first
 * (owner) component sorted by base, no base twice; one version per
 * component (the grammar: DOC "composite compatible strings").
 *
 * Context: Any context.
 * Return: 0 when valid, -EINVAL otherwise (a version set included).
 */
int khoser_compat_valid(const char *compat)
{
	struct part parts[KHOSER_COMPAT_MAX_PARTS];

	return parse(compat, parts, false) < 0 ? -EINVAL : 0;
}
EXPORT_SYMBOL_GPL(khoser_compat_valid);

/**
 * khoser_compat_valid_expected - check a compatible string to look up with
 * @compat: the string
 *
 * As khoser_compat_valid(), but a component may list the versions it
 * accepts: "mydrv-v1,2;khoser-block-v1,2". A set holds 2 to
 * %KHOSER_COMPAT_MAX_VERSIONS versions, strictly ascending.
 *
 * Context: Any context.
 * Return: 0 when valid, -EINVAL otherwise.
 */
int khoser_compat_valid_expected(const char *compat)
{
	struct part parts[KHOSER_COMPAT_MAX_PARTS];

	return parse(compat, parts, true) < 0 ? -EINVAL : 0;
}
EXPORT_SYMBOL_GPL(khoser_compat_valid_expected);

/*
 * Insert format @tmp into @parts (*@n of them, owner first, formats sorted)
 * in sorted position. Returns 0 (also when the same component is there);
 * -EEXIST when another version of its base is; -EINVAL when it has the
 * owner's base; -ENOSPC when the string has the most components already.
 */
static int insert_part(struct part *parts, unsigned int *n,
		       const struct part *tmp)
{
	unsigned int j;

	if (!base_cmp(tmp, &parts[0]))
		return -EINVAL;
	for (j = 1; j < *n; j++)
		if (base_cmp(tmp, &parts[j]) <= 0)
			break;
	if (j < *n && !base_cmp(tmp, &parts[j]))
		return tmp->ver == parts[j].ver ? 0 : -EEXIST;
	if (*n == KHOSER_COMPAT_MAX_PARTS)
		return -ENOSPC;
	memmove(&parts[j + 1], &parts[j], (*n - j) * sizeof(parts[0]));
	parts[j] = *tmp;
	(*n)++;
	return 0;
}

/**
 * khoser_compat_build - compose a composite compatible string
 * @buf:      output buffer
 * @len:      size of @buf
 * @own:      the owner's component, e.g. "mydrv-v2"
 * @formats:  format components, e.g. %KHOSER_BLOCK_COMPAT, in any order;
 *            exact duplicates are dropped
 * @nformats: number of @formats
 *
 * Builds a string to publish: one version per component, no sets.
 *
 * Context: Any context.
 * Return: the string length; -EINVAL on a bad component (a version set
 * included), or one base with two versions; -ENOSPC when @buf (or
 * %KHOSER_COMPAT_MAX) is too small.
 */
int khoser_compat_build(char *buf, size_t len, const char *own,
			const char * const *formats, unsigned int nformats)
{
	struct part parts[KHOSER_COMPAT_MAX_PARTS], tmp;
	unsigned int n = 1, i;
	int err;

	if (!own || parse_part(own, strlen(own), &parts[0], false))
		return -EINVAL;
	for (i = 0; i < nformats; i++) {
		if (!formats[i] ||
		    parse_part(formats[i], strlen(formats[i]), &tmp, false))
			return -EINVAL;
		err = insert_part(parts, &n, &tmp);
		if (err)
			return err == -EEXIST ? -EINVAL : err;
	}
	return emit(buf, len, parts, n);
}
EXPORT_SYMBOL_GPL(khoser_compat_build);

/* One line for a component whose found version @e does not accept. */
static int mismatch(const char *name, const struct part *e, unsigned long ver,
		    const char *how)
{
	pr_err("%s: %.*s: expected v%.*s, found v%lu%s\n", name,
	       (int)e->blen, e->base, (int)e->vlen, vtext(e), ver, how);
	return -EPROTO;
}

/**
 * khoser_compat_match - compare an expected compatible string with a found one
 * @name:     object name, for the log line
 * @expected: the string the caller understands (version sets allowed)
 * @found:    the string the previous kernel published
 * @dep_base: NULL, or the base of the format the payload is built on (a
 *            &struct khoser_kind's dep_base)
 *
 * As khoser_compat_check(); besides, a component of base @dep_base that
 * @found names and @expected does not is accepted when this build knows
 * that format, and one that @expected names and @found does not is taken
 * as v1 (the implicit version).
 *
 * Context: Any context.
 * Return: as khoser_compat_check().
 */
int khoser_compat_match(const char *name, const char *expected,
			const char *found, const char *dep_base)
{
	struct part e[KHOSER_COMPAT_MAX_PARTS], f[KHOSER_COMPAT_MAX_PARTS];
	int ne, nf, i = 1, j = 1, c;

	ne = parse(expected, e, true);
	if (ne < 0) {
		pr_err("%s: invalid expected compatible string\n", name);
		return -EINVAL;
	}
	nf = parse(found, f, false);
	if (nf < 0) {
		pr_err("%s: malformed compatible string in handed-over data\n",
		       name);
		return -EPROTO;
	}
	if (base_cmp(&e[0], &f[0])) {
		pr_err("%s: owner %.*s expected, found %.*s\n", name,
		       (int)e[0].blen, e[0].base, (int)f[0].blen, f[0].base);
		return -EPROTO;
	}
	if (!part_accepts(&e[0], f[0].ver))
		return mismatch(name, &e[0], f[0].ver, "");
	while (i < ne || j < nf) {
		c = i == ne ? 1 : j == nf ? -1 : base_cmp(&e[i], &f[j]);
		if (c < 0 && dep_base && base_is(&e[i], dep_base)) {
			/* The dependency, not named: its implicit v1. */
			if (!part_accepts(&e[i], 1))
				return mismatch(name, &e[i], 1, " (implied)");
			i++;
			continue;
		}
		if (c < 0) {
			pr_err("%s: %.*s: expected v%.*s, not present\n", name,
			       (int)e[i].blen, e[i].base, (int)e[i].vlen,
			       vtext(&e[i]));
			return -EPROTO;
		}
		if (c > 0 && dep_base && base_is(&f[j], dep_base) &&
		    format_known(&f[j])) {
			/* khoser's own metadata, in a format it reads. */
			j++;
			continue;
		}
		if (c > 0) {
			pr_err("%s: %.*s: not expected, found v%lu\n", name,
			       (int)f[j].blen, f[j].base, f[j].ver);
			return -EPROTO;
		}
		if (!part_accepts(&e[i], f[j].ver))
			return mismatch(name, &e[i], f[j].ver, "");
		i++;
		j++;
	}
	return 0;
}

/**
 * khoser_compat_check - compare an expected compatible string with a found one
 * @name:     object name, for the log line
 * @expected: the string this driver understands; a component may list
 *            several versions ("khoser-block-v1,2"), any of which matches
 * @found:    the string the previous kernel published (one version each)
 *
 * The two must name the same owner and the same formats; each found
 * version must be one that @expected lists (for a single version: equal).
 * On a mismatch, logs one line naming the first component that differs,
 * e.g. "mydrv: khoser-block: expected v1,2, found v3".
 *
 * Context: Any context.
 * Return: 0 when they match; -EPROTO on a mismatch or a malformed @found
 * (a version set in it included); -EINVAL when @expected is malformed.
 */
int khoser_compat_check(const char *name, const char *expected,
			const char *found)
{
	return khoser_compat_match(name, expected, found, NULL);
}
EXPORT_SYMBOL_GPL(khoser_compat_check);

/**
 * khoser_compat_known - check that every khoser format named is built in
 * @compat: a valid composite compatible string (one version per component)
 *
 * Components whose base starts with "khoser-" must match, version included,
 * a format of this build (see khoser_compat_format()).
 *
 * Context: Any context.
 * Return: 0; -EINVAL when @compat is malformed or names an unknown format.
 */
int khoser_compat_known(const char *compat)
{
	struct part parts[KHOSER_COMPAT_MAX_PARTS];
	const size_t plen = sizeof(FORMAT_PREFIX) - 1;
	int n, i;

	n = parse(compat, parts, false);
	if (n < 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (parts[i].blen < plen ||
		    memcmp(parts[i].base, FORMAT_PREFIX, plen))
			continue;
		if (!format_known(&parts[i]))
			return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_compat_known);

/**
 * khoser_compat_version - the version a compatible string gives a base
 * @compat: a composite compatible string as published (one version per
 *          component), e.g. from khoser_incoming_compat()
 * @base:   a base name, e.g. %KHOSER_BLOCK_BASE or the owner's "mydrv"
 * @ver:    the version, on success; may be NULL to test presence only
 *
 * Context: Any context.
 * Return: 0; -ENOENT when no component has base @base; -EINVAL when
 * @compat (a version set in it included) or @base is malformed.
 */
int khoser_compat_version(const char *compat, const char *base,
			  unsigned long *ver)
{
	struct part parts[KHOSER_COMPAT_MAX_PARTS];
	size_t blen;
	int n, i;

	n = parse(compat, parts, false);
	blen = base ? strnlen(base, KHOSER_COMPAT_LEN) : 0;
	if (n < 0 || blen > KHOSER_COMPAT_MAX || !base_valid(base, blen))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (base_is(&parts[i], base)) {
			if (ver)
				*ver = parts[i].ver;
			return 0;
		}
	}
	return -ENOENT;
}
EXPORT_SYMBOL_GPL(khoser_compat_version);

/**
 * khoser_compat_add - a compatible string with one more format component
 * @buf:    output buffer
 * @len:    size of @buf
 * @compat: a valid string to publish
 * @comp:   one component "<base>-v<version>", not of the owner's base
 *
 * Writes @compat with @comp inserted in sorted position; @compat unchanged
 * when it names @comp already.
 *
 * Context: Any context.
 * Return: the string length; -EEXIST when @compat names another version of
 * @comp's base; -EINVAL when @compat or @comp is malformed or @comp has the
 * owner's base; -ENOSPC when the result does not fit @buf (then "") or the
 * grammar's limits.
 */
int khoser_compat_add(char *buf, size_t len, const char *compat,
		      const char *comp)
{
	struct part parts[KHOSER_COMPAT_MAX_PARTS], tmp;
	unsigned int n;
	int ret;

	ret = parse(compat, parts, false);
	if (ret < 0 || !comp ||
	    parse_part(comp, strnlen(comp, KHOSER_COMPAT_LEN), &tmp, false))
		return -EINVAL;
	n = ret;
	ret = insert_part(parts, &n, &tmp);
	if (ret == -ENOSPC && buf && len)
		buf[0] = '\0';
	return ret ? ret : emit(buf, len, parts, n);
}

/**
 * khoser_compat_format - the compatible strings of this build's formats
 * @idx: 0, 1, ... until NULL is returned
 *
 * Context: Any context.
 * Return: the @idx-th format's compatible string, or NULL past the last.
 */
const char *khoser_compat_format(unsigned int idx)
{
	return idx < ARRAY_SIZE(formats) ? formats[idx] : NULL;
}
EXPORT_SYMBOL_GPL(khoser_compat_format);
