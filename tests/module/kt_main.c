// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoser_test: preserve deterministic data in a normal boot, verify every
 * byte in a KHO boot, re-preserve for the next hop, log an inventory of both
 * (kt_inv.c) and say one verdict in every KHO boot:
 *
 *	khoser_test: PASS <n> objects verified (<b> bytes), <r> refused as
 *		     expected, <a> API results checked
 *	khoser_test: FAIL <what, where>
 *
 * (one line), also readable from /sys/kernel/debug/khoser_test/verdict.
 *
 * Loaded without parameters it finds out what to do: a boot that is not a
 * KHO boot is hop 1 and preserves (with a random seed); a KHO boot looks up
 * the run header the previous boot handed over (kt_hdr.c), takes its hop
 * number, seed and sizes from it, verifies every object it lists and
 * preserves them all again, so any number of hops works. The harness gives
 * hop=, hops= and seed= (which the header, when there is one, must agree
 * with); hops= makes boot @hops the last, which only verifies, and hop= adds
 * one generation set per boot after the first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/random.h>
#include <linux/reboot.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "kt.h"

ulong kt_seed;
module_param_named(seed, kt_seed, ulong, 0444);
MODULE_PARM_DESC(seed, "content seed (default 0: random in hop 1, then the one handed over)");

int kt_hop;
module_param_named(hop, kt_hop, int, 0444);
MODULE_PARM_DESC(hop, "this boot's number, 1 for the first (default 0: 1 unless a KHO boot, else the previous boot's plus one, from what it handed over)");

int kt_hops;
module_param_named(hops, kt_hops, int, 0444);
MODULE_PARM_DESC(hops, "boots in the run: boot <hops> only verifies (default 0: every boot re-preserves)");

/* One new generation set per boot after the first: with hop= given. */
bool kt_gens;

int kt_ver = KT_VERSION;
module_param_named(ver, kt_ver, int, 0444);
MODULE_PARM_DESC(ver, "own version in the composite compatible string (default: the build's)");

/*
 * 2: block sets in khoser-block-v2 (most with a CRC, block orders 0 to the
 * largest) and every compatible string naming khoser-block-v2; 1: all as a
 * companion before v2 wrote it, strings and bytes, for an older kernel.
 */
int kt_write_format = 2;
module_param_named(write_format, kt_write_format, int, 0444);
MODULE_PARM_DESC(write_format, "block format written: 2 (default; khoser-block-v2) or 1 (khoser-block-v1, for an older khoser)");

static char *mode = "normal";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "normal, corrupt (damage objects at reboot), off, or mismatch (expect a newer build to refuse this data)");

static bool bench;
module_param(bench, bool, 0444);
MODULE_PARM_DESC(bench, "run the benchmarks instead of the checks");

enum kt_mode kt_mode;
char kt_fail[160];
static char verdict[224];
static struct dentry *dir;

void kt_failf(const char *fmt, ...)
{
	va_list ap;

	if (kt_fail[0])
		return;		/* the first failure is the one reported */
	va_start(ap, fmt);
	vsnprintf(kt_fail, sizeof(kt_fail), fmt, ap);
	va_end(ap);
}

/**
 * kt_compat_fmt - the compatible string of an object of this companion
 * @buf:       where to write it
 * @len:       size of @buf
 * @ver:       own version
 * @block_ver: the block format it names: 1, 2, or KT_BLOCK_ANY for a
 *             lookup that accepts every version this build reads
 *             ("khoser-block-v1,2")
 *
 * Every object's string names the block format (sparse arrays too: the
 * companion's objects share one string shape): khoser-block-v1 from a
 * companion before v2, and from this one with write_format=1, so that such
 * a companion reads what this one writes.
 */
void kt_compat_fmt(char *buf, size_t len, int ver, unsigned int block_ver)
{
	const char *block = block_ver == 2 ? KHOSER_BLOCK_COMPAT_V2 :
			    KHOSER_BLOCK_COMPAT;
	char own[32], *p;

	snprintf(own, sizeof(own), KT_OWNER "-v%d", ver);
	if (khoser_compat_build(buf, len, own, &block, 1) < 0) {
		buf[0] = '\0';
		return;
	}
	if (block_ver != KT_BLOCK_ANY)
		return;
	/* "khoser-block-v1" -> "khoser-block-v1,2" (an expected string). */
	p = strstr(buf, KHOSER_BLOCK_COMPAT);
	if (!p || strlen(buf) + 3 > len)
		return;
	p += strlen(KHOSER_BLOCK_COMPAT);
	memmove(p + 2, p, strlen(p) + 1);
	memcpy(p, ",2", 2);
}

/**
 * kt_compat - the string of a khoser-block-v1 object (benchmarks, API checks)
 * @buf: where to write it
 * @len: size of @buf
 * @ver: own version
 */
void kt_compat(char *buf, size_t len, int ver)
{
	kt_compat_fmt(buf, len, ver, 1);
}

u64 kt_word(u64 tag, u64 idx, u32 w)
{
	u64 x = kt_seed * 0x9e3779b97f4a7c15ULL + tag * 0xff51afd7ed558ccdULL +
		idx * 0xbf58476d1ce4e5b9ULL + w * 0x94d049bb133111ebULL + 1;

	x ^= x >> 31;
	x *= 0xd6e8feb86659fd93ULL;
	x ^= x >> 32;
	return x;
}

void kt_fill(void *entry, u32 esz, u64 tag, u64 idx)
{
	u8 *p = entry;
	u32 i;
	u64 w;

	for (i = 0; i < esz; i += 8) {
		w = kt_word(tag, idx, i / 8);
		memcpy(p + i, &w, min_t(u32, esz - i, 8));
	}
}

bool kt_verify(const void *entry, u32 esz, u64 tag, u64 idx)
{
	const u8 *p = entry;
	u32 i;
	u64 w;

	for (i = 0; i < esz; i += 8) {
		w = kt_word(tag, idx, i / 8);
		if (memcmp(p + i, &w, min_t(u32, esz - i, 8)))
			return false;
	}
	return true;
}

static int verdict_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s\n", verdict);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(verdict);

static int kt_reboot(struct notifier_block *nb, unsigned long action,
		     void *data)
{
	int nb_blk, nb_struct;

	if (kt_mode != KT_CORRUPT || kt_hop != 1)
		return NOTIFY_DONE;
	nb_blk = kt_block_damage();
	nb_struct = nb_blk < 0 ? nb_blk : kt_struct_damage();
	if (nb_blk < 0 || nb_struct < 0)
		pr_err("damage: could not apply\n");
	else
		pr_info("damaged %d objects at reboot for the next kernel\n",
			nb_blk + nb_struct);
	return NOTIFY_DONE;
}

/* After khoser's own hook, which seals published sets. */
static struct notifier_block reboot_nb = {
	.notifier_call = kt_reboot,
	.priority = -100,
};

static void say(void)
{
	kt_say_verdict(verdict, sizeof(verdict));
	pr_info("%s\n", verdict);
}

/*
 * Which hop this is and what to check: from the run header the previous
 * boot handed over (kt_hdr.c) when hop= is not given, and checked against
 * it when it is. Sets kt_hop and kt_seed; in a KHO boot without hop= the
 * sizes too. Returns false when this boot has nothing to verify although it
 * is a KHO boot (kt_fail says so): it then preserves afresh, as hop 1.
 */
static bool kt_resolve(bool kho_boot, bool auto_hop)
{
	const struct kt_hdr_ser *h = NULL;
	struct kt_conf conf;
	bool was_corrupt, is_corrupt;
	u32 prev;
	int err;

	if (!kho_boot) {
		if (auto_hop)
			kt_hop = 1;
		else if (kt_hop != 1)
			kt_failf("hop %d is not a KHO boot", kt_hop);
		if (!kt_seed)
			kt_seed = get_random_u64() ?: 1;
		pr_info("hop %d, not a KHO boot: preserving, seed %#lx\n", kt_hop,
			kt_seed);
		return true;
	}
	err = kt_hdr_find();
	if (err && err != -ENOENT)
		return true;	/* kt_fail says what */
	if (!err)
		h = kt_hdr_in();
	if (!h && !auto_hop) {
		/* The harness's hop=, after a companion before the header. */
		pr_info("hop %d, a KHO boot without %s: hop and seed from the parameters\n",
			kt_hop, KT_HDR_NAME);
		return true;
	}
	if (!h) {
		kt_failf("a KHO boot, but the previous kernel handed over no %s: nothing to verify",
			 KT_HDR_NAME);
		kt_hop = 1;
		if (!kt_seed)
			kt_seed = get_random_u64() ?: 1;
		return false;
	}
	prev = le32_to_cpu(h->hop);
	if (auto_hop)
		kt_hop = prev + 1;
	else if (kt_hop != prev + 1)
		kt_failf("hop=%d given, but hop %u wrote what was handed over",
			 kt_hop, prev);
	if (!kt_seed)
		kt_seed = le64_to_cpu(h->seed);
	else if (kt_seed != le64_to_cpu(h->seed))
		kt_failf("seed=%#lx given, but hop %u wrote with seed %#llx",
			 kt_seed, prev, le64_to_cpu(h->seed));
	if (auto_hop) {
		kt_hdr_conf(&conf);
		kt_block_set_conf(&conf);
		kt_struct_set_conf(&conf);
	}
	was_corrupt = le32_to_cpu(h->flags) & KT_HDR_F_CORRUPT;
	is_corrupt = kt_mode == KT_CORRUPT;
	if (kt_hop == 2 && was_corrupt != is_corrupt)
		kt_failf("hop 1 ran %s mode=corrupt, this boot %s",
			 was_corrupt ? "in" : "not in",
			 was_corrupt ? "does not" : "does");
	pr_info("hop %d, a KHO boot: hop %u handed over %u objects with seed %#lx, checking them\n",
		kt_hop, prev, le32_to_cpu(h->nobjs), kt_seed);
	return true;
}

static int __init kt_init(void)
{
	u64 objs = 0, entries = 0, bytes = 0;
	bool kho_boot, auto_hop, handed;
	char of[16] = "";
	int err;

	if (!strcmp(mode, "corrupt"))
		kt_mode = KT_CORRUPT;
	else if (!strcmp(mode, "off"))
		kt_mode = KT_OFF;
	else if (!strcmp(mode, "mismatch"))
		kt_mode = KT_MISMATCH;
	else if (strcmp(mode, "normal"))
		return -EINVAL;
	if (kt_write_format != 1 && kt_write_format != 2)
		return -EINVAL;
	if (kt_hop < 0 || kt_hops < 0)
		return -EINVAL;

	dir = debugfs_create_dir("khoser_test", NULL);
	debugfs_create_file("verdict", 0444, dir, NULL, &verdict_fops);

	if (!khoser_is_enabled()) {
		if (kt_mode != KT_OFF)
			kt_failf("KHO unavailable but mode %s", mode);
		else
			kt_api_unavailable();
		say();
		return 0;
	}
	if (kt_mode == KT_OFF)
		kt_failf("KHO available in mode off");
	kho_boot = khoser_is_kho_boot();
	auto_hop = !kt_hop;
	if (bench) {
		if (auto_hop)
			kt_hop = kho_boot ? 2 : 1;
		kt_bench();
		if (kho_boot || kt_fail[0])
			say();
		return register_reboot_notifier(&reboot_nb);
	}

	kt_gens = !auto_hop;
	handed = kt_resolve(kho_boot, auto_hop);
	if (kho_boot && handed && !kt_fail[0]) {
		if (kt_mode == KT_MISMATCH)
			(void)(kt_block_mismatch() || kt_struct_mismatch());
		else
			(void)(kt_block_verify() || kt_struct_verify());
	}
	/* Copying forward verifies what it copies (kt_block_preserve()). */
	if (!kt_last_hop() && (!kt_fail[0] || !handed) &&
	    !(kho_boot && kt_mode == KT_MISMATCH)) {
		err = kt_block_preserve();
		if (!err)
			err = kt_struct_preserve();
		if (!err)
			err = kt_hdr_publish();
		if (err && !kt_fail[0])
			kt_failf("preserve: error %d", err);
		kt_inv_totals(&objs, &entries, &bytes);
		if (kt_hops)
			snprintf(of, sizeof(of), " of %d", kt_hops);
		if (!err)
			pr_info("handing over %llu objects, %llu entries, %llu bytes for hop %d%s\n",
				objs, entries, bytes, kt_hop + 1, of);
	}
	if (kho_boot && !kt_fail[0])
		kt_hdr_check();
	if (kho_boot || kt_fail[0])
		say();
	return register_reboot_notifier(&reboot_nb);
}

static void __exit kt_exit(void)
{
	unregister_reboot_notifier(&reboot_nb);
	if (bench)
		kt_bench_cleanup();
	kt_hdr_cleanup();
	kt_block_cleanup();
	kt_struct_cleanup();
	debugfs_remove_recursive(dir);
}

module_init(kt_init);
module_exit(kt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("khoser companion test module");
