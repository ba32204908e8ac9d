// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser_test run header: with its objects every boot hands over one more,
 * "kt-hdr", that says which hop wrote them, with which seed and size
 * parameters, and lists them all by name (struct kt_hdr_ser). A KHO boot
 * finds it first: loaded without parameters, the companion takes its hop
 * number, seed and sizes from it; with hop= given (the harness), the
 * header must agree. After the checks every object it lists must have been
 * verified or refused in this boot, or the verdict is FAIL.
 *
 * The header is not an inventory object (no "preserved"/"verified" line,
 * not in the verdict's count): it describes the others. It is a
 * khoser-block-v1 set of one entry, whatever write_format says, under its
 * own compatible string, so every build of the companion reads it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/byteorder.h>
#include "kt.h"

#define KT_HDR_COMPAT	"khoser_test_hdr-v1;" KHOSER_BLOCK_COMPAT

static_assert(sizeof(struct kt_hdr_ser) <= KHOSER_BLOCK_MAX_ENTRY);

/* What the previous boot handed over, and which of it this boot saw. */
static struct kt_hdr_ser in;
static bool have_in;
static DECLARE_BITMAP(seen, KT_HDR_OBJS);

/* What this boot hands over. */
static char out_names[KT_HDR_OBJS][KHOSER_NAME_LEN];
static unsigned int nout;
static bool out_overflow;
static struct khoser_block_set out_set;
static bool out_used, out_published;

/* A header from an untrusted previous kernel: every field in range. */
static const char *hdr_bad(const struct kt_hdr_ser *h)
{
	unsigned int i, n = le32_to_cpu(h->nobjs);

	if (le64_to_cpu(h->magic) != KT_HDR_MAGIC)
		return "bad magic";
	if (le32_to_cpu(h->layout) != KT_HDR_LAYOUT)
		return "unknown layout";
	if (!le32_to_cpu(h->hop) || le32_to_cpu(h->hop) > 1000000)
		return "hop out of range";
	if (!le64_to_cpu(h->seed))
		return "seed 0";
	if ((le32_to_cpu(h->flags) & ~KT_HDR_F_CORRUPT) || h->reserved)
		return "unknown flags";
	if (n > KT_HDR_OBJS || le32_to_cpu(h->nbase) > KT_CONF_BASE)
		return "more objects than a header holds";
	for (i = 0; i < le32_to_cpu(h->nbase); i++)
		if (!le32_to_cpu(h->esizes[i]) ||
		    le32_to_cpu(h->esizes[i]) > KHOSER_BLOCK_MAX_ENTRY)
			return "entry size out of range";
	if (le32_to_cpu(h->vbuf_mb) > 4096)
		return "vbuf size out of range";
	for (i = 0; i < n; i++)
		if (strnlen(h->names[i], KHOSER_NAME_LEN) == KHOSER_NAME_LEN ||
		    khoser_name_valid(h->names[i]))
			return "malformed object name";
	return NULL;
}

/**
 * kt_hdr_find - look up the run header the previous boot handed over
 *
 * Copies it and gives its block back at once.
 *
 * Return: 0 when found (kt_hdr_in() gives it); -ENOENT when there is none
 * (a previous boot without the companion, or one before the header);
 * another errno, with kt_fail set, when it is there but cannot be used.
 */
int kt_hdr_find(void)
{
	struct khoser_block_set set;
	struct khoser_block_set_it it;
	const struct kt_hdr_ser *h;
	const char *bad = NULL;
	int err;

	khoser_block_set_init(&set, sizeof(*h));
	err = khoser_block_set_lookup(&set, KT_HDR_NAME, KT_HDR_COMPAT);
	if (err == -ENOENT)
		return err;
	if (err) {
		kt_failf("%s: lookup error %d", KT_HDR_NAME, err);
		return err;
	}
	khoser_block_set_it_init(&it, &set);
	h = khoser_block_set_it_read_entry(&it);
	if (!h || khoser_block_set_entries(&set) != 1)
		bad = "not one entry";
	else
		bad = hdr_bad(h);
	if (!bad)
		memcpy(&in, h, sizeof(in));
	khoser_block_set_destroy(&set);
	khoser_release(KT_HDR_NAME);
	if (bad) {
		kt_failf("%s: %s", KT_HDR_NAME, bad);
		return -EBADMSG;
	}
	have_in = true;
	return 0;
}

/**
 * kt_hdr_in - the run header found by kt_hdr_find()
 *
 * Return: the header, or NULL when none was found.
 */
const struct kt_hdr_ser *kt_hdr_in(void)
{
	return have_in ? &in : NULL;
}

/**
 * kt_hdr_conf - the size parameters of the boot that wrote the header
 * @conf: filled from the header found
 */
void kt_hdr_conf(struct kt_conf *conf)
{
	unsigned int i;

	memset(conf, 0, sizeof(*conf));
	conf->nbase = le32_to_cpu(in.nbase);
	for (i = 0; i < conf->nbase; i++) {
		conf->esizes[i] = le32_to_cpu(in.esizes[i]);
		conf->counts[i] = le32_to_cpu(in.counts[i]);
	}
	conf->dense = le32_to_cpu(in.dense);
	conf->vbuf_mb = le32_to_cpu(in.vbuf_mb);
}

static int in_index(const char *name)
{
	unsigned int i;

	for (i = 0; i < le32_to_cpu(in.nobjs); i++)
		if (!strcmp(in.names[i], name))
			return i;
	return -1;
}

/**
 * kt_hdr_lists - whether the previous boot handed over @name
 * @name: object name
 *
 * Return: true when the header lists @name, or when there is no header (a
 * companion before it: everything the parameters name is expected).
 */
bool kt_hdr_lists(const char *name)
{
	return !have_in || in_index(name) >= 0;
}

/**
 * kt_hdr_seen - note that @name was verified or refused in this boot
 * @name: object name
 */
void kt_hdr_seen(const char *name)
{
	int i;

	if (!have_in)
		return;
	i = in_index(name);
	if (i >= 0)
		set_bit(i, seen);
}

/**
 * kt_hdr_add - list @name in the header this boot hands over
 * @name: object name, published for the next kernel
 */
void kt_hdr_add(const char *name)
{
	if (nout == KT_HDR_OBJS) {
		out_overflow = true;
		return;
	}
	strscpy_pad(out_names[nout], name, KHOSER_NAME_LEN);
	nout++;
}

/**
 * kt_hdr_check - everything the header lists was verified or refused
 *
 * Return: the number of objects listed, or -EBADMSG (kt_fail names the
 * first one this boot did not check).
 */
int kt_hdr_check(void)
{
	unsigned int i, n;

	if (!have_in)
		return 0;
	n = le32_to_cpu(in.nobjs);
	for (i = 0; i < n; i++) {
		if (!test_bit(i, seen)) {
			kt_failf("%s: handed over by hop %u (%s), not checked",
				 in.names[i], le32_to_cpu(in.hop), KT_HDR_NAME);
			return -EBADMSG;
		}
	}
	pr_info("%s: all %u objects hop %u listed were checked\n", KT_HDR_NAME,
		n, le32_to_cpu(in.hop));
	return n;
}

/**
 * kt_hdr_publish - hand this boot's header over, listing what it published
 *
 * Call after every object is published (kt_hdr_add() for each).
 *
 * Return: 0 or an errno.
 */
int kt_hdr_publish(void)
{
	struct kt_conf bc, sc;
	struct khoser_block_set_it it;
	struct kt_hdr_ser *h;
	unsigned int i;
	int err;

	if (out_overflow)
		return -E2BIG;
	kt_block_conf(&bc);
	kt_struct_conf(&sc);
	khoser_block_set_init(&out_set, sizeof(*h));
	out_used = true;
	err = khoser_block_set_grow(&out_set, 1);
	if (err)
		return err;
	khoser_block_set_it_init(&it, &out_set);
	h = khoser_block_set_it_reserve_entry(&it);
	if (!h)
		return -ENOSPC;
	memset(h, 0, sizeof(*h));
	h->magic = cpu_to_le64(KT_HDR_MAGIC);
	h->layout = cpu_to_le32(KT_HDR_LAYOUT);
	h->hop = cpu_to_le32(kt_hop);
	h->seed = cpu_to_le64(kt_seed);
	if (kt_mode == KT_CORRUPT && kt_hop == 1)
		h->flags = cpu_to_le32(KT_HDR_F_CORRUPT);
	h->nobjs = cpu_to_le32(nout);
	h->nbase = cpu_to_le32(bc.nbase);
	for (i = 0; i < bc.nbase; i++) {
		h->esizes[i] = cpu_to_le32(bc.esizes[i]);
		h->counts[i] = cpu_to_le32(bc.counts[i]);
	}
	h->dense = cpu_to_le32(sc.dense);
	h->vbuf_mb = cpu_to_le32(sc.vbuf_mb);
	memcpy(h->names, out_names, sizeof(out_names));
	err = khoser_block_set_publish(&out_set, KT_HDR_NAME,
				       KT_HDR_COMPAT);
	if (err)
		return err;
	out_published = true;
	pr_info("%s: hop %d hands over %u objects, seed %#lx\n", KT_HDR_NAME,
		kt_hop, nout, kt_seed);
	return 0;
}

/**
 * kt_hdr_cleanup - withdraw and free the outgoing header (module unload)
 */
void kt_hdr_cleanup(void)
{
	if (out_published)
		khoser_unpublish(KT_HDR_NAME);
	out_published = false;
	if (out_used)
		khoser_block_set_destroy(&out_set);
	out_used = false;
	nout = 0;
	out_overflow = false;
}
