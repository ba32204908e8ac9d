// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoserctl: khoserctl status.
 */
#include "ctl.h"

/* ---------------------------------------------------------------- status */

/* Why KHO is off, when something says why (NULL otherwise). */
static const char *disabled_reason(const struct kho_info *k)
{
	if (k->enabled != 0)
		return NULL;
	if (k->compiled == 0)
		return "not compiled in (CONFIG_KEXEC_HANDOVER is not set)";
	if (k->log.scratch_failed)
		return "no scratch memory: KHO disabled itself at boot";
	if (k->cmdline_on == 0)
		return "not enabled on the command line (kho=on)";
	return "unknown";
}

static void print_status_json(const struct kho_info *k,
			      const struct khoser_info *m,
			      const struct modfile *mf)
{
	char h[sizeof(m->holders)], *save = NULL, *t;
	int i;

	json_open(NULL);
	json_int("schema", JSON_SCHEMA);
	json_string("kernel", where.krel);
	json_open("kho");
	json_bool("compiled", k->compiled);
	json_bool("enabled", k->enabled);
	json_string("source", k->how);
	json_bool("boot", k->boot);
	json_bool("cmdline", k->cmdline_on);
	json_string("disabled_reason", disabled_reason(k));
	if (k->areas < 0) {
		json_null("scratch");
	} else {
		json_open("scratch");
		json_int("areas", k->areas);
		json_uint("bytes", k->scratch);
		json_close();
	}
	json_close();

	json_open("khoser");
	json_bool("loaded", m->loaded);
	json_string("state", m->loaded ? m->state : NULL);
	json_string("version", m->loaded && m->version[0] ? m->version : NULL);
	json_bool("kho_api", m->loaded ? m->kho_api : -1);
	if (m->refcnt < 0)
		json_null("refcnt");
	else
		json_int("refcnt", m->refcnt);
	json_array("holders");
	scopy(h, sizeof(h), m->holders);
	for (t = strtok_r(h, " ", &save); t; t = strtok_r(NULL, " ", &save))
		json_string(NULL, t);
	json_close();
	if (!mf->found) {
		json_null("module");
	} else {
		json_open("module");
		json_string("path", mf->path);
		json_string("version", mf->version[0] ? mf->version : NULL);
		json_bool("kho_api", mf->kho_api);
		json_string("signer", mf->signer[0] ? mf->signer : NULL);
		json_close();
	}
	json_close();

	json_bool("objects_readable", objs_readable);
	json_int("outgoing", count_objs("out"));
	json_int("incoming", count_objs("in"));
	json_array("objects");
	for (i = 0; i < nobjs; i++) {
		const struct object *o = &objs[i];

		json_open(NULL);
		json_string("dir", o->dir);
		json_string("name", o->name);
		json_string("kind", o->kind);
		json_string("compat", o->compat);
		json_uint("size", o->size);
		json_uint("blocks", o->blocks);
		json_uint("entries", o->entries);
		json_string("state", o->state);
		json_close();
	}
	json_close();
	json_close();
	json_end();
}

static const char *yes_no(int v)
{
	return v < 0 ? "unknown" : v ? "yes" : "no";
}

static void print_status_table(const struct kho_info *k,
			       const struct khoser_info *m,
			       const struct modfile *mf)
{
	const char *why = disabled_reason(k);
	int i;

	printf("%-18s %s\n", "kernel", where.krel);
	printf("%-18s %s (%s)%s%s%s\n", "KHO enabled", yes_no(k->enabled),
	       k->how, k->cmdline_on == 1 ? ", kho=on" : "",
	       why ? ": " : "", why ? why : "");
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
		       mf->kho_api < 0 ? "?" : yes_no(mf->kho_api),
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

#define STATUS_USAGE "usage: khoserctl [OPTIONS] status [--json]\n" \
	"  KHO state, the khoser module and the objects handed over.\n" \
	"  --json   one JSON document (fields: khoserctl(8))\n"

int cmd_status(int argc, char **argv)
{
	struct kho_info k;
	struct khoser_info m;
	struct modfile mf;
	bool json = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (sub_option("status", argv[i], STATUS_USAGE))
			continue;
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			usage_error("status: unknown argument '%s'", argv[i]);
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
