// SPDX-License-Identifier: GPL-2.0-only
/*
 * khoserctl: helpers: errors, paths, files, strings and JSON output.
 */
#include "ctl.h"

/* Print "prog: message" to stderr (a usage error: with a hint), exit @code. */
static void __printf(2, 0) fail(int code, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	if (code == EXIT_USAGE)
		fprintf(stderr, " (%s --help)", prog);
	fputc('\n', stderr);
	exit(code);
}

/* A runtime error: exit 1. */
void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail(EXIT_PROBLEM, fmt, ap);
}

/* A usage error: exit 2. */
void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fail(EXIT_USAGE, fmt, ap);
}

/*
 * Flush stdout and report a write error (a full disk, a closed pipe): a
 * report that did not reach its reader is a failure. Returns the exit
 * status to use.
 */
int finish_output(int rc)
{
	if (fflush(stdout) || ferror(stdout) || fclose(stdout)) {
		fprintf(stderr, "%s: write error: %s\n", prog,
			strerror(errno ? errno : EIO));
		return EXIT_PROBLEM;
	}
	return rc;
}

/* Format a path into a static ring of buffers (a few live at once). */
const char *mkpath(const char *fmt, ...)
{
	static char ring[8][PATH_MAX];
	static unsigned int next;
	char *buf = ring[next++ % 8];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		die("file name too long: %s", buf);
	return buf;
}

/* Like path(), for messages: truncates instead of failing. */
const char *text(const char *fmt, ...)
{
	static char ring[4][1024];
	static unsigned int next;
	char *buf = ring[next++ % 4];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(ring[0]), fmt, ap);
	va_end(ap);
	return buf;
}

/* Copy a string, truncating to fit @len bytes with its NUL. */
void scopy(char *dst, size_t len, const char *src)
{
	size_t n = strnlen(src, len - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

bool exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Read a small file, trailing whitespace removed. Returns length or -1. */
int read_text(const char *p, char *buf, size_t len)
{
	FILE *f = fopen(p, "re");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' ' ||
		     buf[n - 1] == '\t'))
		n--;
	buf[n] = '\0';
	return (int)n;
}

/* A sysfs boolean ("Y"/"N"/"1"/"0"): 1, 0, or -1 when unreadable. */
int read_bool(const char *p)
{
	char buf[16];

	if (read_text(p, buf, sizeof(buf)) < 1)
		return -1;
	return buf[0] == 'Y' || buf[0] == 'y' || buf[0] == '1';
}

/* A whole (small) file, NUL-terminated; NULL when unreadable. */
void *read_file(const char *p, size_t *len)
{
	FILE *f = fopen(p, "re");
	char *buf = NULL, *nbuf;
	size_t size = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (size + 4096 + 1 > cap) {
			cap = (size + 4096 + 1) * 2;
			nbuf = realloc(buf, cap);
			if (!nbuf) {
				free(buf);
				fclose(f);
				die("out of memory");
			}
			buf = nbuf;
		}
		n = fread(buf + size, 1, 4096, f);
		size += n;
	} while (n > 0);
	fclose(f);
	buf[size] = '\0';
	if (len)
		*len = size;
	return buf;
}

/* ------------------------------------------------------------------ JSON */

/* Nesting: whether the current container already has a member. */
static bool json_more[32];
static bool json_in_array[32];
static int json_depth;

static void json_raw_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/* Comma and key before a member. */
static void json_member(const char *key)
{
	if (json_depth > 0) {
		if (json_more[json_depth])
			fputs(", ", stdout);
		json_more[json_depth] = true;
		if (!json_in_array[json_depth] && key) {
			json_raw_string(key);
			fputs(": ", stdout);
		}
	}
}

static void json_push(const char *key, char c, bool array)
{
	json_member(key);
	putchar(c);
	if (json_depth + 1 >= (int)ARRAY_SIZE(json_more))
		die("JSON nesting too deep");
	json_depth++;
	json_more[json_depth] = false;
	json_in_array[json_depth] = array;
}

void json_open(const char *key)
{
	json_push(key, '{', false);
}

void json_array(const char *key)
{
	json_push(key, '[', true);
}

void json_close(void)
{
	putchar(json_in_array[json_depth] ? ']' : '}');
	json_depth--;
}

void json_string(const char *key, const char *s)
{
	json_member(key);
	if (s)
		json_raw_string(s);
	else
		fputs("null", stdout);
}

void json_bool(const char *key, int v)
{
	json_member(key);
	fputs(v < 0 ? "null" : v ? "true" : "false", stdout);
}

void json_int(const char *key, long long v)
{
	json_member(key);
	printf("%lld", v);
}

void json_uint(const char *key, unsigned long long v)
{
	json_member(key);
	printf("%llu", v);
}

void json_null(const char *key)
{
	json_member(key);
	fputs("null", stdout);
}

void json_end(void)
{
	putchar('\n');
}

/* src/user/Makefile passes debian/changelog's version. */
#ifndef KHOSERCTL_VERSION
#define KHOSERCTL_VERSION "unknown"
#endif

/* Where to look; all absolute, without a trailing slash ("" for /). */
struct ctl_where where;
const char *prog = "khoserctl";

void print_version(void)
{
	printf("khoserctl %s\n", KHOSERCTL_VERSION);
}

/*
 * The options every command takes: -h/--help (its usage) and -V/--version.
 * Both print and exit; anything else returns false.
 */
bool sub_option(const char *cmd, const char *arg, const char *usage)
{
	if (!strcmp(arg, "-h") || !strcmp(arg, "--help"))
		fputs(usage, stdout);
	else if (!strcmp(arg, "-V") || !strcmp(arg, "--version"))
		print_version();
	else
		return false;
	exit(finish_output(0));
}
