// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoserctl: khoserctl status.
 */
#include "khoserctl.h"

/* ---------------------------------------------------------------- status */

static void print_status_json(const struct kho_info *k,
			      const struct khoser_info *m,
			      const struct modfile *mf)
{
	int i;

	printf("{\"kernel\": ");
	json_str(where.krel);
	printf(", \"kho\": {\"enabled\": %s, \"source\": ",
	       json_bool(k->enabled));
	json_str(k->how);
	printf(", \"boot\": %s, \"cmdline\": %s, \"scratch\": ",
	       json_bool(k->boot), json_bool(k->cmdline_on));
	if (k->areas < 0)
		printf("null");
	else
		printf("{\"areas\": %d, \"bytes\": %llu}", k->areas,
		       k->scratch);
	printf("}, \"khoser\": {\"loaded\": %s", json_bool(m->loaded));
	printf(", \"state\": ");
	json_str(m->loaded ? m->state : NULL);
	printf(", \"version\": ");
	json_str(m->loaded && m->version[0] ? m->version : NULL);
	printf(", \"kho_api\": %s, \"refcnt\": ", json_bool(m->kho_api));
	if (m->refcnt < 0)
		printf("null");
	else
		printf("%d", m->refcnt);
	printf(", \"holders\": [");
	if (m->holders[0]) {
		char h[sizeof(m->holders)], *save = NULL, *t;
		bool first = true;

		scopy(h, sizeof(h), m->holders);
		for (t = strtok_r(h, " ", &save); t;
		     t = strtok_r(NULL, " ", &save)) {
			printf("%s", first ? "" : ", ");
			json_str(t);
			first = false;
		}
	}
	printf("], \"module\": ");
	if (!mf->found) {
		printf("null");
	} else {
		printf("{\"path\": ");
		json_str(mf->path);
		printf(", \"version\": ");
		json_str(mf->version[0] ? mf->version : NULL);
		printf(", \"kho_api\": ");
		json_str(mf->kho_api[0] ? mf->kho_api : NULL);
		printf(", \"signer\": ");
		json_str(mf->signer[0] ? mf->signer : NULL);
		printf("}");
	}
	printf("}, \"outgoing\": %d, \"incoming\": %d, \"objects\": [",
	       count_objs("out"), count_objs("in"));
	for (i = 0; i < nobjs; i++) {
		const struct object *o = &objs[i];

		printf("%s{\"dir\": ", i ? ", " : "");
		json_str(o->dir);
		printf(", \"name\": ");
		json_str(o->name);
		printf(", \"kind\": ");
		json_str(o->kind);
		printf(", \"compat\": ");
		json_str(o->compat);
		printf(", \"size\": %llu, \"blocks\": %llu, \"entries\": %llu, \"state\": ",
		       o->size, o->blocks, o->entries);
		json_str(o->state);
		printf("}");
	}
	printf("]}\n");
}

static const char *yes_no(int v)
{
	return v < 0 ? "unknown" : v ? "yes" : "no";
}

static void print_status_table(const struct kho_info *k,
			       const struct khoser_info *m,
			       const struct modfile *mf)
{
	int i;

	printf("%-18s %s\n", "kernel", where.krel);
	printf("%-18s %s (%s)%s\n", "KHO enabled", yes_no(k->enabled), k->how,
	       k->cmdline_on ? ", kho=on" : "");
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
		       mf->kho_api[0] ? mf->kho_api : "?",
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

int cmd_status(int argc, char **argv)
{
	struct kho_info k;
	struct khoser_info m;
	struct modfile mf;
	bool json = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else
			die("status: unknown argument '%s'", argv[i]);
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
