// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser_consumer: a small out-of-tree driver that keeps its own state
 * across kexec with khoser, built only through the installed package's
 * khoser.mk. Its "device table" is a set of records that change every
 * boot; a header says which generation the table is at and checks it.
 *
 * Every boot it preserves its table in two block sets published in
 * khoser's named root ("kc-hdr": one header entry, "kc-recs": the records),
 * under the composite compatible string "khoser_consumer-v1;khoser-block-v1"
 * (khoser_compat_build()).
 * It has no parameter to say which boot it is in: in a KHO boot it looks
 * both up, verifies them completely, adopts the table and moves it to the
 * next generation; in any other boot it makes a new table. It says one
 * verdict line per KHO boot:
 *
 *	khoser_consumer: PASS <n> checks, generation <g>
 *	khoser_consumer: FAIL <what>
 *
 * and then preserves the table in every boot ("preserved <n> records,
 * generation <g>"). A KHO boot whose previous kernel handed no table over
 * (it ran without this driver) says so and starts a new one; a table that
 * does not verify is FAIL, and a new one is started too: the driver keeps
 * working, without the old state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/errno.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <khoser/khoser.h>

#define KC_OWN		"khoser_consumer-v1"
#define KC_HDR_NAME	"kc-hdr"
#define KC_RECS_NAME	"kc-recs"
#define KC_MAGIC	0x6b637461626c6531ULL	/* "kctable1" */
/* Entries to grow a set of @e for @n: two blocks more than needed. */
#define KC_AHEAD(e, n)	((n) + 2 * KHOSER_BLOCK_CAPACITY(sizeof(e)))

/* The serialized layouts are this driver's ABI: fixed width, packed. */
struct kc_hdr {
	__le64 magic;
	__le64 seed;
	__le64 generation;
	__le64 nrecs;
	__le64 csum;
} __packed;

struct kc_rec {
	__le64 id;
	__le64 value;
	__le64 generation;
} __packed;

static unsigned int nrecs = 3000;
module_param(nrecs, uint, 0444);
MODULE_PARM_DESC(nrecs, "records in a freshly created table");

/* The live table. */
static u64 seed, generation;
static u64 *values;
static unsigned int count;
static u64 checks;

/* Composite compatible string: this driver's version, then the formats. */
static char kc_compat[KHOSER_COMPAT_LEN];

static struct khoser_block_set hdr_set =
	KHOSER_BLOCK_SET_INIT(hdr_set, sizeof(struct kc_hdr));
static struct khoser_block_set rec_set =
	KHOSER_BLOCK_SET_INIT(rec_set, sizeof(struct kc_rec));
static bool published;

static u64 kc_value(u64 s, u64 id)
{
	u64 x = s ^ (id * 0x9e3779b97f4a7c15ULL);

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static u64 kc_csum(u64 csum, const struct kc_rec *r)
{
	csum ^= le64_to_cpu(r->id) + 0x9e3779b97f4a7c15ULL + (csum << 6);
	csum ^= le64_to_cpu(r->value) + (csum >> 2);
	csum ^= le64_to_cpu(r->generation) * 0xbf58476d1ce4e5b9ULL;
	return csum;
}

static void kc_unpublish(void)
{
	if (published) {
		khoser_unpublish(KC_RECS_NAME);
		khoser_unpublish(KC_HDR_NAME);
		published = false;
	}
	khoser_block_set_destroy(&rec_set);
	khoser_block_set_destroy(&hdr_set);
}

/*
 * Hand the live table to the next kernel. As a driver whose state changes
 * until kexec would, it publishes both sets first, then grows them ahead
 * (more blocks than the table needs) and fills them: the seal at kexec
 * releases the blocks left empty, and the next boot checks that none was
 * handed over.
 */
static int kc_preserve(void)
{
	struct khoser_block_set_it it;
	struct kc_hdr *h;
	struct kc_rec *r;
	u64 csum = 0;
	unsigned int i;
	int err;

	khoser_block_set_init(&hdr_set, sizeof(*h));
	khoser_block_set_init(&rec_set, sizeof(*r));
	err = khoser_block_set_publish(&rec_set, KC_RECS_NAME, kc_compat);
	if (err)
		goto out;
	err = khoser_block_set_publish(&hdr_set, KC_HDR_NAME, kc_compat);
	if (err) {
		khoser_unpublish(KC_RECS_NAME);
		goto out;
	}
	published = true;
	err = khoser_block_set_grow(&hdr_set, KC_AHEAD(*h, 1));
	if (!err)
		err = khoser_block_set_grow(&rec_set, KC_AHEAD(*r, count));
	if (err)
		goto out;

	khoser_block_set_it_init(&it, &rec_set);
	for (i = 0; i < count; i++) {
		r = khoser_block_set_it_reserve_entry(&it);
		if (!r) {
			err = -ENOSPC;
			goto out;
		}
		r->id = cpu_to_le64(i);
		r->value = cpu_to_le64(values[i]);
		r->generation = cpu_to_le64(generation);
		csum = kc_csum(csum, r);
	}
	khoser_block_set_it_init(&it, &hdr_set);
	h = khoser_block_set_it_reserve_entry(&it);
	if (!h) {
		err = -ENOSPC;
		goto out;
	}
	h->magic = cpu_to_le64(KC_MAGIC);
	h->seed = cpu_to_le64(seed);
	h->generation = cpu_to_le64(generation);
	h->nrecs = cpu_to_le64(count);
	h->csum = cpu_to_le64(csum);
	pr_info("preserved %u records, generation %llu\n", count, generation);
	return 0;
out:
	kc_unpublish();
	return err;
}

/* Blocks in the chain behind @bs, through the block headers (the ABI). */
static u64 kc_chain_blocks(const struct khoser_block_set *bs)
{
	const struct khoser_block_hdr *b;
	u64 pa = khoser_block_set_head_pa(bs), n = 0;

	for (; pa; pa = b->next, n++)
		b = phys_to_virt(pa);
	return n;
}

/* Look up and verify what the previous kernel handed over; adopt it. */
static int kc_restore(char *why, size_t len)
{
	struct khoser_block_set in_hdr, in_recs;
	struct khoser_block_set_it it;
	const struct kc_hdr *h;
	const struct kc_rec *r;
	u64 csum = 0, n, i;
	int err;

	khoser_block_set_init(&in_hdr, sizeof(*h));
	khoser_block_set_init(&in_recs, sizeof(*r));
	err = khoser_block_set_lookup(&in_hdr, KC_HDR_NAME, kc_compat);
	if (err) {
		snprintf(why, len, "lookup %s: error %d", KC_HDR_NAME, err);
		return err;
	}
	err = khoser_block_set_lookup(&in_recs, KC_RECS_NAME, kc_compat);
	if (err) {
		snprintf(why, len, "lookup %s: error %d", KC_RECS_NAME, err);
		if (err == -ENOENT)
			err = -EBADMSG;	/* a header without its records */
		goto out;
	}
	checks += 2;

	err = -EBADMSG;
	khoser_block_set_it_init(&it, &in_hdr);
	h = khoser_block_set_it_read_entry(&it);
	if (khoser_block_set_entries(&in_hdr) != 1 || !h ||
	    le64_to_cpu(h->magic) != KC_MAGIC) {
		snprintf(why, len, "header: bad magic or entry count");
		goto out;
	}
	n = le64_to_cpu(h->nrecs);
	if (n != khoser_block_set_entries(&in_recs) || n > UINT_MAX) {
		snprintf(why, len, "header says %llu records, set has %llu", n,
			 khoser_block_set_entries(&in_recs));
		goto out;
	}
	checks++;
	/* Grown ahead, sealed at kexec: no empty block was handed over. */
	if (kc_chain_blocks(&in_hdr) != 1 ||
	    kc_chain_blocks(&in_recs) !=
	    DIV_ROUND_UP(n, KHOSER_BLOCK_CAPACITY(sizeof(*r)))) {
		snprintf(why, len, "chains of %llu and %llu blocks for 1 and %llu entries",
			 kc_chain_blocks(&in_hdr), kc_chain_blocks(&in_recs), n);
		goto out;
	}
	checks++;
	seed = le64_to_cpu(h->seed);
	generation = le64_to_cpu(h->generation);

	kfree(values);
	values = kcalloc(n, sizeof(*values), GFP_KERNEL);
	if (!values && n) {
		err = -ENOMEM;
		snprintf(why, len, "no memory for %llu records", n);
		goto out;
	}
	khoser_block_set_it_init(&it, &in_recs);
	for (i = 0; i < n; i++) {
		r = khoser_block_set_it_read_entry(&it);
		if (!r || le64_to_cpu(r->id) != i ||
		    le64_to_cpu(r->generation) != generation ||
		    le64_to_cpu(r->value) != kc_value(seed + generation, i)) {
			snprintf(why, len, "record %llu differs", i);
			goto out;
		}
		values[i] = le64_to_cpu(r->value);
		csum = kc_csum(csum, r);
		checks++;
	}
	if (csum != le64_to_cpu(h->csum)) {
		snprintf(why, len, "table checksum differs");
		goto out;
	}
	checks++;
	count = n;
	err = 0;
out:
	/* Adopted into "values": give the preserved pages back. */
	khoser_block_set_destroy(&in_recs);
	khoser_block_set_destroy(&in_hdr);
	return err;
}

/* A new table, of nrecs records (kc_advance() fills it). */
static void kc_new_table(void)
{
	kfree(values);
	values = NULL;
	seed = get_random_u64();
	generation = 0;
	count = nrecs;
}

/* Move the table to the next generation: every record changes. */
static int kc_advance(void)
{
	unsigned int i;

	generation++;
	if (!values) {
		values = kcalloc(count, sizeof(*values), GFP_KERNEL);
		if (!values && count)
			return -ENOMEM;
	}
	for (i = 0; i < count; i++)
		values[i] = kc_value(seed + generation, i);
	return 0;
}

static int __init kc_init(void)
{
	static const char * const formats[] = { KHOSER_BLOCK_COMPAT };
	char why[96] = "";
	int err;

	err = khoser_compat_build(kc_compat, sizeof(kc_compat), KC_OWN, formats,
				  ARRAY_SIZE(formats));
	if (err < 0) {
		pr_err("FAIL compatible string: error %d\n", err);
		return err;
	}
	if (!khoser_is_enabled()) {
		/* Still a working driver, just without state across kexec. */
		pr_info("KHO unavailable: state will not survive kexec\n");
		return 0;
	}
	if (khoser_is_kho_boot()) {
		err = kc_restore(why, sizeof(why));
		if (!err)
			pr_info("PASS %llu checks, generation %llu\n", checks,
				generation);
		else if (err == -ENOENT)
			pr_info("no table handed over by the previous kernel: a new one\n");
		else
			pr_err("FAIL %s\n", why);
		if (err)
			kc_new_table();	/* keep running, without old state */
	} else {
		kc_new_table();
	}
	err = kc_advance();
	if (!err)
		err = kc_preserve();
	if (err)
		pr_err("FAIL preserve: error %d\n", err);
	return 0;
}

static void __exit kc_exit(void)
{
	kc_unpublish();
	kfree(values);
}

module_init(kc_init);
module_exit(kc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("khoser consumer example: a table kept across kexec");
