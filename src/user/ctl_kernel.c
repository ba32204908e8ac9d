// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoserctl: the running kernel: command line and configuration.
 */
#include "ctl.h"

/* ------------------------------------------------------------ the kernel */

static int cmdline_ok = -1;

/* Kernel command line, read once. */
static const char *kernel_cmdline(void)
{
	static char buf[4096];

	if (cmdline_ok < 0) {
		cmdline_ok = read_text(mkpath("%s/cmdline", where.proc), buf,
				       sizeof(buf)) >= 0;
		if (!cmdline_ok)
			buf[0] = '\0';
	}
	return buf;
}

/* Whether the command line could be read (else kho= is unknown). */
int cmdline_known(void)
{
	kernel_cmdline();
	return cmdline_ok;
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

/*
 * Whether a filesystem of type @fstype is mounted (PROCFS/mounts): 1, 0,
 * or -1 when the mount table cannot be read.
 */
int fs_mounted(const char *fstype)
{
	char line[1024], dev[256], dir[512], type[64];
	FILE *f = fopen(mkpath("%s/mounts", where.proc), "re");
	int found = 0;

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %511s %63s", dev, dir, type) == 3 &&
		    !strcmp(type, fstype))
			found = 1;
	fclose(f);
	return found;
}

/*
 * Loadable modules: 1 when the kernel supports them (/proc/modules, or
 * the config), 0 when its config says CONFIG_MODULES is off, -1 unknown.
 */
int modules_supported(void)
{
	char c;

	if (exists(mkpath("%s/modules", where.proc)))
		return 1;
	c = config_opt("CONFIG_MODULES");
	return c == 'y' ? 1 : c == 'n' ? 0 : -1;
}

/* ------------------------------------------------------------ kernel log */

/*
 * One kernel log message: a /dev/kmsg record ("6,123,456,-;text"), or a
 * line of dmesg output ("[    0.000000] text"), reduced to its text.
 */
static const char *log_text(char *rec)
{
	char *p = rec, *semi;

	rec[strcspn(rec, "\n")] = '\0';
	semi = strchr(rec, ';');
	if (semi && strspn(rec, "0123456789,-") == (size_t)(semi - rec))
		return semi + 1;
	if (*p == '[') {
		p = strchr(p, ']');
		if (p) {
			p++;
			while (*p == ' ')
				p++;
			return p;
		}
		return rec;
	}
	return rec;
}

static void log_message(struct kho_log *l, const char *m)
{
	if (strncmp(m, "KHO: ", 5))
		return;
	if (strstr(m, "Failed to reserve") && strstr(m, "scratch")) {
		if (strstr(m, "disabling kexec handover")) {
			l->scratch_failed = true;
			scopy(l->disabled, sizeof(l->disabled), m);
		} else if (!l->failure[0]) {
			scopy(l->failure, sizeof(l->failure), m);
		}
	} else if (!strncmp(m, "KHO: scratch areas:", 19) ||
		   !strncmp(m, "KHO: scratch scale", 18)) {
		scopy(l->scratch, sizeof(l->scratch), m);
	}
}

/*
 * What the kernel log says about KHO: /dev/kmsg of the running system
 * (records, read without blocking), or a saved log under --root.
 */
void read_kho_log(struct kho_log *l)
{
	char rec[8192];
	struct stat st;
	ssize_t n;
	FILE *f;
	int fd;

	memset(l, 0, sizeof(*l));
	fd = open(where.kmsg, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	l->read = true;
	if (!fstat(fd, &st) && S_ISCHR(st.st_mode)) {
		/* One record per read; EAGAIN at the end, EPIPE if overrun. */
		for (;;) {
			n = read(fd, rec, sizeof(rec) - 1);
			if (n < 0 && errno == EPIPE)
				continue;
			if (n <= 0)
				break;
			rec[n] = '\0';
			log_message(l, log_text(rec));
		}
		close(fd);
		return;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return;
	}
	while (fgets(rec, sizeof(rec), f))
		log_message(l, log_text(rec));
	fclose(f);
}
