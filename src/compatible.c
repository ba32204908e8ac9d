// SPDX-License-Identifier: GPL-2.0-only
/*
 * Composite compatible strings: "<own>-v<N>;<format>-v<N>;..." with the
 * owner first and the formats after it sorted by base name, each base once.
 *
 * DOC: compatible strings
 *
 * "Compatible" here is about data formats (include/khoser/compatible.h);
 * kernel-version adaptation is src/compat/. Pure string work: no state, no
 * locks, callable from any context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <khoser/abi/block.h>
#include <khoser/abi/sarray.h>
#include <khoser/abi/vbuf.h>
#include <khoser/compatible.h>

/* Every format this build of khoser reads and writes. */
static const char * const formats[] = {
	KHOSER_BLOCK_COMPAT,
	KHOSER_BLOCK_COMPAT_V2,
	KHOSER_ROOT_COMPAT,
	KHOSER_SARRAY_COMPAT,
	KHOSER_VBUF_COMPAT,
};

#define FORMAT_PREFIX "khoser-"
#define VERSION_DIGITS 9

struct part {
	const char *base;
	size_t blen;
	unsigned long ver;
};

/* Order of two bases: as strcmp() on the base names. */
static int base_cmp(const struct part *a, const struct part *b)
{
	int r = memcmp(a->base, b->base, min(a->blen, b->blen));

	if (r)
		return r;
	return a->blen < b->blen ? -1 : a->blen > b->blen;
}

/* Parse one component "<base>-v<digits>" of length @len. */
static int parse_part(const char *s, size_t len, struct part *p)
{
	size_t i, vpos = 0, digits;
	bool word_start = true;

	for (i = len; i >= 2; i--) {
		if (s[i - 2] == '-' && s[i - 1] == 'v') {
			vpos = i;
			break;
		}
	}
	if (vpos < 3)
		return -EINVAL;
	digits = len - vpos;
	if (!digits || digits > VERSION_DIGITS ||
	    (digits > 1 && s[vpos] == '0'))
		return -EINVAL;
	p->ver = 0;
	for (i = vpos; i < len; i++) {
		if (!isdigit(s[i]))
			return -EINVAL;
		p->ver = p->ver * 10 + (s[i] - '0');
	}
	p->base = s;
	p->blen = vpos - 2;
	for (i = 0; i < p->blen; i++) {
		if (s[i] == '-') {
			if (word_start)
				return -EINVAL;
			word_start = true;
		} else if (islower(s[i]) || isdigit(s[i]) || s[i] == '_') {
			word_start = false;
		} else {
			return -EINVAL;
		}
	}
	return word_start ? -EINVAL : 0;
}

/* Split and check a whole composite string. Returns the count or -EINVAL. */
static int parse(const char *s, struct part *parts)
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
		    parse_part(s + start, i - start, &parts[n]))
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

/**
 * khoser_compat_valid - check a composite compatible string
 * @compat: the string
 *
 * Valid: 1 to %KHOSER_COMPAT_MAX characters, 1 to %KHOSER_COMPAT_MAX_PARTS
 * components "<base>-v<version>" joined by ';', the formats after the first
 * (owner) component sorted by base, no base twice.
 *
 * Context: Any context.
 * Return: 0 when valid, -EINVAL otherwise.
 */
int khoser_compat_valid(const char *compat)
{
	struct part parts[KHOSER_COMPAT_MAX_PARTS];

	return parse(compat, parts) < 0 ? -EINVAL : 0;
}
EXPORT_SYMBOL_GPL(khoser_compat_valid);

/**
 * khoser_compat_build - compose a composite compatible string
 * @buf:      output buffer
 * @len:      size of @buf
 * @own:      the owner's component, e.g. "mydrv-v2"
 * @formats:  format components, e.g. %KHOSER_BLOCK_COMPAT, in any order;
 *            exact duplicates are dropped
 * @nformats: number of @formats
 *
 * Context: Any context.
 * Return: the string length; -EINVAL on a bad component, or one base with two
 * versions; -ENOSPC when @buf (or %KHOSER_COMPAT_MAX) is too small.
 */
int khoser_compat_build(char *buf, size_t len, const char *own,
			const char * const *formats, unsigned int nformats)
{
	struct part parts[KHOSER_COMPAT_MAX_PARTS], tmp;
	unsigned int n = 1, i, j;
	size_t out = 0, need;

	if (!own || parse_part(own, strlen(own), &parts[0]))
		return -EINVAL;
	for (i = 0; i < nformats; i++) {
		if (!formats[i] ||
		    parse_part(formats[i], strlen(formats[i]), &tmp))
			return -EINVAL;
		/* Insert sorted; equal base: same version dropped, else bad. */
		for (j = 1; j < n; j++)
			if (base_cmp(&tmp, &parts[j]) <= 0)
				break;
		if (j < n && !base_cmp(&tmp, &parts[j])) {
			if (tmp.ver != parts[j].ver)
				return -EINVAL;
			continue;
		}
		if (!base_cmp(&tmp, &parts[0]))
			return -EINVAL;
		if (n == KHOSER_COMPAT_MAX_PARTS)
			return -ENOSPC;
		memmove(&parts[j + 1], &parts[j], (n - j) * sizeof(parts[0]));
		parts[j] = tmp;
		n++;
	}
	for (i = 0; i < n; i++) {
		need = snprintf(buf ? buf + out : NULL,
				buf && out < len ? len - out : 0,
				"%s%.*s-v%lu", i ? ";" : "",
				(int)parts[i].blen, parts[i].base, parts[i].ver);
		out += need;
	}
	if (out >= len || out > KHOSER_COMPAT_MAX) {
		if (buf && len)
			buf[0] = '\0';
		return -ENOSPC;
	}
	return out;
}
EXPORT_SYMBOL_GPL(khoser_compat_build);

/**
 * khoser_compat_check - compare an expected compatible string with a found one
 * @name:     object name, for the log line
 * @expected: the string this driver understands
 * @found:    the string the previous kernel published
 *
 * On a mismatch, logs one line naming the first component that differs, e.g.
 * "mydrv: khoser-block: expected v2, found v1".
 *
 * Context: Any context.
 * Return: 0 when identical; -EPROTO on a mismatch or a malformed @found;
 * -EINVAL when @expected is malformed.
 */
int khoser_compat_check(const char *name, const char *expected,
			const char *found)
{
	struct part e[KHOSER_COMPAT_MAX_PARTS], f[KHOSER_COMPAT_MAX_PARTS];
	int ne, nf, i = 1, j = 1, c;

	ne = parse(expected, e);
	if (ne < 0) {
		pr_err("%s: invalid expected compatible string\n", name);
		return -EINVAL;
	}
	if (found && !strcmp(expected, found))
		return 0;
	nf = parse(found, f);
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
	if (e[0].ver != f[0].ver) {
		pr_err("%s: %.*s: expected v%lu, found v%lu\n", name,
		       (int)e[0].blen, e[0].base, e[0].ver, f[0].ver);
		return -EPROTO;
	}
	while (i < ne || j < nf) {
		c = i == ne ? 1 : j == nf ? -1 : base_cmp(&e[i], &f[j]);
		if (c < 0) {
			pr_err("%s: %.*s: expected v%lu, not present\n", name,
			       (int)e[i].blen, e[i].base, e[i].ver);
			return -EPROTO;
		}
		if (c > 0) {
			pr_err("%s: %.*s: not expected, found v%lu\n", name,
			       (int)f[j].blen, f[j].base, f[j].ver);
			return -EPROTO;
		}
		if (e[i].ver != f[j].ver) {
			pr_err("%s: %.*s: expected v%lu, found v%lu\n", name,
			       (int)e[i].blen, e[i].base, e[i].ver, f[j].ver);
			return -EPROTO;
		}
		i++;
		j++;
	}
	/* Same components, different text: cannot happen for valid strings. */
	pr_err("%s: compatible strings differ\n", name);
	return -EPROTO;
}
EXPORT_SYMBOL_GPL(khoser_compat_check);

/**
 * khoser_compat_known - check that every khoser format named is built in
 * @compat: a valid composite compatible string
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
	size_t k, flen;
	const char *s;

	n = parse(compat, parts);
	if (n < 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (parts[i].blen < plen ||
		    memcmp(parts[i].base, FORMAT_PREFIX, plen))
			continue;
		s = parts[i].base;
		flen = strcspn(s, ";");
		for (k = 0; k < ARRAY_SIZE(formats); k++)
			if (strlen(formats[k]) == flen &&
			    !memcmp(formats[k], s, flen))
				break;
		if (k == ARRAY_SIZE(formats))
			return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(khoser_compat_known);

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

/**
 * khoser_compat_version - the version of one component of a string
 * @compat: a composite compatible string
 * @base:   the component's base name, e.g. %KHOSER_BLOCK_BASE
 * @ver:    its version, on success
 *
 * Context: Any context.
 * Return: 0; -ENOENT when no component has that base; -EINVAL when
 * @compat is malformed.
 */
int khoser_compat_version(const char *compat, const char *base,
			  unsigned long *ver)
{
	struct part parts[KHOSER_COMPAT_MAX_PARTS];
	size_t blen = strlen(base);
	int n, i;

	n = parse(compat, parts);
	if (n < 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (parts[i].blen == blen && !memcmp(parts[i].base, base, blen)) {
			*ver = parts[i].ver;
			return 0;
		}
	}
	return -ENOENT;
}
EXPORT_SYMBOL_GPL(khoser_compat_version);
