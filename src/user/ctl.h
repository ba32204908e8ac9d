/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * khoserctl: declarations shared by its source files.
 */
#ifndef KHOSERCTL_H
#define KHOSERCTL_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libkmod.h>

#define EFI_GLOBAL_GUID "8be4df61-93ca-11d2-aa0d-00e098032b8c"
#define SHIM_LOCK_GUID	"605dab50-e046-4300-abb6-3dd810dd8b23"
#define DB_GUID		"d719b2cb-3d3a-4596-a3bc-dad00e67656f"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Version of the JSON documents (status --json, doctor --json). */
#define JSON_SCHEMA	1

/* Exit status: 0 fine, 1 runtime error or problem found, 2 usage error. */
#define EXIT_PROBLEM	1
#define EXIT_USAGE	2

/* Format checking: src/user/Makefile defines __printf(a, b). */
#ifndef __printf
#define __printf(a, b)
#endif

/* Remedies, one per problem. */
#define FIX_CONFIG	"boot a kernel built with CONFIG_KEXEC_HANDOVER=y (Debian's stock ones lack it)"
#define FIX_MODULES	"boot a kernel built with CONFIG_MODULES=y: khoser is a loadable module"
#define FIX_GRUB	"add kho=on to GRUB_CMDLINE_LINUX (/etc/default/grub), update-grub, reboot"
#define FIX_ACTIVE	"see the kernel log (dmesg | grep KHO) for why KHO is off"
#define FIX_DEBUGFS	"mount -t debugfs none /sys/kernel/debug, or khoserctl load"
#define FIX_SECURITYFS	"mount -t securityfs none /sys/kernel/security"
#define FIX_NOAPI	"build khoser against headers with the 7.1+ KHO API (a KHO kernel)"
#define FIX_KEXEC_FILE	"boot a kernel with CONFIG_KEXEC_FILE=y"
#define FIX_KEXEC_OFF	"reboot without kernel.kexec_load_disabled=1 (sysctl.d)"
#define FIX_KEXEC_LIMIT	"raise kernel.kexec_load_limit_reboot (-1: no limit)"
#define FIX_KEXEC_PERM	"run as root (CAP_SYS_BOOT)"
#define FIX_CONFIG_FILE	"install /boot/config-RELEASE, or enable CONFIG_IKCONFIG_PROC"
#define FIX_MOK_IMPORT	"(asks for a one-time password), reboot, MokManager: \"Enroll MOK\""
#define FIX_MOK_PENDING	"reboot and confirm the key in MokManager (\"Enroll MOK\", the mokutil password)"

/* Where to look; all absolute, without a trailing slash ("" for /). */
struct ctl_where {
	char root[PATH_MAX];
	char sys[PATH_MAX];
	char debug[PATH_MAX];
	char proc[PATH_MAX];
	char kmsg[PATH_MAX];	/* kernel log: /dev/kmsg or a saved log */
	char krel[256];
	bool live;		/* the running system, not a fixture */
};

extern struct ctl_where where;
extern const char *prog;

/* Kernel config, from /proc/config.gz or /boot/config-RELEASE. */
struct ctl_kconfig {
	char *text;
	char source[PATH_MAX];
	bool loaded;
};

extern struct ctl_kconfig kconfig;

/* What the kernel log says about KHO (ctl_kernel.c). */
struct kho_log {
	bool read;		/* a kernel log was readable */
	bool scratch_failed;	/* KHO disabled itself: no scratch memory */
	char failure[160];	/* the first "Failed to reserve ..." line */
	char disabled[160];	/* "... disabling kexec handover" */
	char scratch[160];	/* KHO's own "scratch areas: ..." notice */
};

struct kho_info {
	int compiled;		/* CONFIG_KEXEC_HANDOVER: 1, 0, -1 unknown */
	int enabled;		/* 1, 0, -1 unknown */
	const char *how;	/* what said so */
	int boot;		/* 1, 0, -1 unknown */
	int cmdline_on;		/* kho=on (or default on): 1, 0, -1 unknown */
	bool cmdline_given;	/* kho= is on the command line */
	int areas;		/* scratch areas, -1 unknown */
	unsigned long long scratch;	/* bytes */
	struct kho_log log;
};

struct khoser_info {
	int loaded;		/* 1, 0 */
	char state[16];
	char version[32];
	int refcnt;
	char holders[512];	/* space-separated */
	int kho_enabled;	/* khoser's own view, -1 unknown */
	int kho_boot;
	int kho_api;		/* loaded build: 1, 0, -1 unknown */
};

struct object {
	char dir[8];
	char name[64];
	char kind[16];
	char compat[256];
	unsigned long long size, blocks, entries;
	char state[32];
};

struct modfile {
	bool found;
	char path[PATH_MAX];
	char version[32];
	char vermagic[128];
	int kho_api;		/* 1, 0, -1 not recorded */
	char signer[128];	/* "" when unsigned */
	char sig_key[128];
	char depends[256];
};

extern struct object *objs;
extern int nobjs;
extern int objs_readable;	/* -1 khoser not loaded, 0 unreadable, 1 */

/* ctl_util.c */
void die(const char *fmt, ...) __printf(1, 2);
void usage_error(const char *fmt, ...) __printf(1, 2);
const char *mkpath(const char *fmt, ...) __printf(1, 2);
const char *text(const char *fmt, ...) __printf(1, 2);
void scopy(char *dst, size_t len, const char *src);
bool exists(const char *p);
bool is_dir(const char *p);
int read_text(const char *p, char *buf, size_t len);
int read_bool(const char *p);
void *read_file(const char *p, size_t *len);
int finish_output(int rc);
void print_version(void);

/* JSON output: one document on stdout, keys ignored inside arrays. */
void json_open(const char *key);	/* { */
void json_array(const char *key);	/* [ */
void json_close(void);			/* } or ] */
void json_string(const char *key, const char *s);	/* NULL: null */
void json_bool(const char *key, int v);	/* -1: null */
void json_int(const char *key, long long v);
void json_uint(const char *key, unsigned long long v);
void json_null(const char *key);
void json_end(void);			/* newline after the document */

/* ctl_kernel.c */
const char *cmdline_param(const char *name, char *val, size_t len);
int cmdline_known(void);
int str_true(const char *v);
char config_opt(const char *opt);
void read_kho_log(struct kho_log *l);
int modules_supported(void);
int fs_mounted(const char *fstype);

/* ctl_state.c */
void read_khoser(struct khoser_info *m);
void read_kho(struct kho_info *k, const struct khoser_info *m);
void read_objects(const struct khoser_info *m);
int count_objs(const char *dir);
struct kmod_ctx *kmod_for(const char *krel);
bool find_module(const char *krel, const char *name,
		 struct modfile *mf);
const char *dkms_conf_value(const char *var, const char *def);
const char *khoser_dkms_version(void);

/* ctl_status.c */
int cmd_status(int argc, char **argv);

/* ctl_doctor.c */
int cmd_doctor(int argc, char **argv);

/* khoserctl.c */
bool sub_option(const char *cmd, const char *arg, const char *usage);

/* doctor's findings (ctl_findings.c), added to by every check. */
enum verdict { V_OK, V_NOTE, V_PROBLEM, V_SKIP };
struct finding {
	enum verdict v;
	const char *stage;
	char kernel[64];
	char what[24];
	char text[512];
	char remedy[512];
};

extern const char *const verdict_tag[];
extern const char *const verdict_json[];
extern struct finding *findings;
extern int nfindings, problems, notes;
extern const char *stage;	/* the stage checks are in now */
extern const char *fkrel;	/* the kernel they are about */
void add(enum verdict v, const char *what, const char *remedy,
	 const char *fmt, ...) __printf(4, 5);
#define OK(what, ...)		add(V_OK, what, NULL, __VA_ARGS__)
#define NOTE(what, remedy, ...)	add(V_NOTE, what, remedy, __VA_ARGS__)
#define PROBLEM(what, remedy, ...) add(V_PROBLEM, what, remedy, __VA_ARGS__)
#define SKIP(what, ...)		add(V_SKIP, what, NULL, __VA_ARGS__)
/* ctl_consumers.c */
void check_consumers(const char *krel, const struct modfile *mf);

#endif /* KHOSERCTL_H */
