// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoserctl: the running kernel: command line and configuration.
 */
#include "khoserctl.h"

/* ------------------------------------------------------------ the kernel */

/* Kernel command line, read once. */
static const char *kernel_cmdline(void)
{
	static char buf[4096];
	static bool done;

	if (!done) {
		if (read_text(mkpath("%s/cmdline", where.proc), buf,
			      sizeof(buf)) < 0)
			buf[0] = '\0';
		done = true;
	}
	return buf;
}

/* Value of kernel parameter @name on the command line, or NULL. */
const char *cmdline_param(const char *name, char *val, size_t len)
{
	const char *p = kernel_cmdline();
	size_t n = strlen(name);

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, name, n) && p[n] == '=') {
			size_t i = 0;

			p += n + 1;
			while (p[i] && p[i] != ' ' && i + 1 < len) {
				val[i] = p[i];
				i++;
			}
			val[i] = '\0';
			return val;
		}
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

int str_true(const char *v)
{
	return !strcmp(v, "on") || !strcmp(v, "1") || !strcmp(v, "y") ||
	       !strcmp(v, "Y") || !strcmp(v, "yes") || !strcmp(v, "true");
}

struct ctl_kconfig kconfig;

/* Read what @f gives into kconfig.text. */
static void slurp(FILE *f)
{
	char buf[8192];
	size_t size = 0, cap = 0, n;

	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (size + n + 1 > cap) {
			cap = (size + n + 1) * 2;
			kconfig.text = realloc(kconfig.text, cap);
			if (!kconfig.text)
				die("out of memory");
		}
		memcpy(kconfig.text + size, buf, n);
		size += n;
	}
	if (kconfig.text)
		kconfig.text[size] = '\0';
}

/* /proc/config.gz through gzip -dc. */
static void slurp_gz(const char *file)
{
	int fds[2], status;
	pid_t pid;
	FILE *f;

	if (pipe(fds))
		return;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (!pid) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp("gzip", "gzip", "-dc", file, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (f) {
		slurp(f);
		fclose(f);
	} else {
		close(fds[0]);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		free(kconfig.text);
		kconfig.text = NULL;
	}
}

static void load_config(void)
{
	const char *plain[2];
	unsigned int i;
	FILE *f;

	if (kconfig.loaded)
		return;
	kconfig.loaded = true;
	scopy(kconfig.source, sizeof(kconfig.source),
	      mkpath("%s/config.gz", where.proc));
	if (exists(kconfig.source)) {
		slurp_gz(kconfig.source);
		if (kconfig.text)
			return;
	}
	plain[0] = mkpath("%s/boot/config-%s", where.root, where.krel);
	plain[1] = mkpath("%s/lib/modules/%s/build/.config", where.root,
			  where.krel);
	for (i = 0; i < 2; i++) {
		f = fopen(plain[i], "re");
		if (!f)
			continue;
		scopy(kconfig.source, sizeof(kconfig.source), plain[i]);
		slurp(f);
		fclose(f);
		return;
	}
}

/*
 * A kernel option: 'y', 'm', 'n' (not set), or '?' without a config.
 */
char config_opt(const char *opt)
{
	const char *p;
	size_t n = strlen(opt);

	load_config();
	if (!kconfig.text)
		return '?';
	for (p = kconfig.text; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, opt, n) && p[n] == '=')
			return p[n + 1];
	}
	return 'n';
}
