// SPDX-License-Identifier: GPL-2.0-only
/*
 * Composite compatible strings: validation, building, checking, catalogue;
 * version sets, khoser_compat_version(), dependency components (the pure
 * functions; through the named root in test_root.c).
 */
#include "test.h"
#include "../../src/common.h"

#define DEP "khoser-block"

TEST(valid_strings)
{
	CHECK_EQ(khoser_compat_valid("mydrv-v2"), 0);
	CHECK_EQ(khoser_compat_valid("mydrv-v2;khoser-block-v1"), 0);
	CHECK_EQ(khoser_compat_valid("my_drv-x-v10;khoser-block-v1;khoser-sarray-v1"), 0);
	CHECK_EQ(khoser_compat_valid("a-v0"), 0);
	CHECK_EQ(khoser_compat_valid("zz-v1;aa-v1;bb-v1"), 0);	/* owner first */
}

TEST(invalid_strings)
{
	static const char * const bad[] = {
		"", "mydrv", "mydrv-v", "mydrv-v01", "-v1", "v1", "mydrv-1",
		"Mydrv-v1", "my drv-v1", "my--drv-v1", "-mydrv-v1",
		"mydrv--v1", "mydrv-v1;", ";mydrv-v1", "mydrv-v1;;a-v1",
		"mydrv-v1;b-v1;a-v1",		/* formats not sorted */
		"mydrv-v1;a-v1;a-v2",		/* base twice */
		"mydrv-v1;a-v1;a-v1",		/* duplicate */
		"mydrv-v1;mydrv-v2",		/* owner base again */
		"mydrv-v1234567890",		/* version too long */
		"mydrv-v1x", "mydrv-v-1", "mydrv-v1\n",
		/* Latin-1 letters, which the kernel's islower() takes */
		"caf\xe9-v1", "mydrv-v1;\xe9-v1", "a\xdf-v1",
	};
	char big[400];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (khoser_compat_valid(bad[i]) != -EINVAL) {
			CHECK_EQ(i, 1000);
		}
	}
	CHECK_EQ(khoser_compat_valid(NULL), -EINVAL);
	/* Longest accepted: 255 characters. */
	memset(big, 'a', sizeof(big));
	memcpy(big + 252, "-v1", 4);
	CHECK_EQ(strlen(big), 255);
	CHECK_EQ(khoser_compat_valid(big), 0);
	memset(big, 'a', sizeof(big));
	memcpy(big + 253, "-v1", 4);
	CHECK_EQ(khoser_compat_valid(big), -EINVAL);
	/* At most 16 components. */
	strcpy(big, "o-v1");
	for (i = 0; i < 15; i++)
		sprintf(big + strlen(big), ";f%c-v1", 'a' + i);
	CHECK_EQ(khoser_compat_valid(big), 0);
	strcat(big, ";fz-v1");
	CHECK_EQ(khoser_compat_valid(big), -EINVAL);
}

TEST(build_sorts_and_dedups)
{
	const char *f[] = { "khoser-sarray-v1", KHOSER_BLOCK_COMPAT,
			    "khoser-sarray-v1" };
	char buf[KHOSER_COMPAT_LEN];

	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v2", f, 3),
		 strlen("mydrv-v2;khoser-block-v1;khoser-sarray-v1"));
	CHECK(!strcmp(buf, "mydrv-v2;khoser-block-v1;khoser-sarray-v1"));
	CHECK_EQ(khoser_compat_valid(buf), 0);
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v2", NULL, 0), 8);
	CHECK(!strcmp(buf, "mydrv-v2"));
	/* Prefix ordering: "ab" before "ab-c" before "abc". */
	{
		const char *g[] = { "abc-v1", "ab-c-v1", "ab-v1" };

		CHECK(khoser_compat_build(buf, sizeof(buf), "o-v1", g, 3) > 0);
		CHECK(!strcmp(buf, "o-v1;ab-v1;ab-c-v1;abc-v1"));
		CHECK_EQ(khoser_compat_valid(buf), 0);
	}
}

TEST(build_rejects)
{
	const char *two[] = { "khoser-block-v1", "khoser-block-v2" };
	const char *own[] = { "mydrv-v3" };
	const char *bad[] = { "khoser-block" };
	const char *nul[] = { NULL };
	char buf[KHOSER_COMPAT_LEN], small[10];

	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v2", two, 2),
		 -EINVAL);
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v2", own, 1),
		 -EINVAL);
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v2", bad, 1),
		 -EINVAL);
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v2", nul, 1),
		 -EINVAL);
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv;x-v1", NULL, 0),
		 -EINVAL);
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), NULL, NULL, 0),
		 -EINVAL);
	CHECK_EQ(khoser_compat_build(small, sizeof(small), "mydrv-v2",
				     (const char *[]){ "khoser-block-v1" }, 1),
		 -ENOSPC);
	CHECK_EQ(small[0], '\0');
}

TEST(check_names_the_component)
{
	const char *exp = "mydrv-v2;khoser-block-v1;khoser-sarray-v1";
	int lines = shim_err_lines;

	CHECK_EQ(khoser_compat_check("obj", exp, exp), 0);
	CHECK_EQ(shim_err_lines, lines);
	CHECK_EQ(khoser_compat_check("obj", exp,
				     "mydrv-v2;khoser-block-v2;khoser-sarray-v1"),
		 -EPROTO);
	CHECK(!strcmp(shim_last_log,
		      "khoser: obj: khoser-block: expected v1, found v2\n"));
	CHECK_EQ(khoser_compat_check("obj", exp,
				     "mydrv-v1;khoser-block-v1;khoser-sarray-v1"),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "obj: mydrv: expected v2, found v1"));
	CHECK_EQ(khoser_compat_check("obj", exp, "mydrv-v2;khoser-block-v1"),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "khoser-sarray: expected v1, not present"));
	CHECK_EQ(khoser_compat_check("obj", "mydrv-v2;khoser-block-v1", exp),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "khoser-sarray: not expected, found v1"));
	CHECK_EQ(khoser_compat_check("obj", exp,
				     "other-v2;khoser-block-v1;khoser-sarray-v1"),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "owner mydrv expected, found other"));
	CHECK_EQ(khoser_compat_check("obj", exp, "garbage"), -EPROTO);
	CHECK(strstr(shim_last_log, "malformed"));
	CHECK_EQ(khoser_compat_check("obj", exp, NULL), -EPROTO);
	CHECK_EQ(khoser_compat_check("obj", "bad", exp), -EINVAL);
	/* One line per failed check. */
	CHECK_EQ(shim_err_lines - lines, 8);
}

TEST(sets_valid_in_expected_only)
{
	static const char * const good[] = {
		"mydrv-v1,2;khoser-block-v1,2",
		"mydrv-v2;khoser-block-v1,2;khoser-sarray-v1",
		"a-v0,1", "a-v1,999999999", "a-v1,2,3,4,5,6,7,8",
		"a-v1-v2,3",		/* base "a-v1", versions 2 and 3 */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		if (khoser_compat_valid_expected(good[i]))
			CHECK_EQ(i, 1000);
		/* A published string has one version per component. */
		if (khoser_compat_valid(good[i]) != -EINVAL)
			CHECK_EQ(i, 2000);
	}
	/* Every published string is a valid expected one. */
	CHECK_EQ(khoser_compat_valid_expected("mydrv-v2;khoser-block-v1"), 0);
	CHECK_EQ(khoser_compat_valid_expected("a-v0"), 0);
	CHECK_EQ(KHOSER_COMPAT_MAX_VERSIONS, 8);
}

TEST(sets_malformed)
{
	static const char * const bad[] = {
		"a-v2,1",			/* descending */
		"a-v1,3,2",
		"a-v1,1",			/* duplicate */
		"a-v1,2,2",
		"a-v1,", "a-v,1", "a-v1,,2", "a-v,", "a-v",	/* empty */
		"a-v01,2", "a-v1,02", "a-v1,00",	/* leading zeros */
		"a-v1,2,3,4,5,6,7,8,9",		/* too many */
		"a-v1,1234567890",		/* version too long */
		"a-v1,2x", "a-v1;2", "a-v1, 2", "a-v-1,2", "a-v1,-2",
		"a-v1,2;b-v1,x",
		"mydrv-v1,2;khoser-sarray-v1;khoser-block-v1,2",	/* order */
		"mydrv-v1,2;mydrv-v3",		/* owner base again */
		"mydrv-v1;a-v1,2;a-v3",		/* base twice */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (khoser_compat_valid_expected(bad[i]) != -EINVAL)
			CHECK_EQ(i, 1000);
	CHECK_EQ(khoser_compat_valid_expected(NULL), -EINVAL);
	CHECK_EQ(khoser_compat_valid_expected(""), -EINVAL);
	/* Malformed expected strings fail a check with -EINVAL, one line. */
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		int lines = shim_err_lines;

		if (khoser_compat_check("obj", bad[i], "a-v1") != -EINVAL)
			CHECK_EQ(i, 3000);
		CHECK_EQ(shim_err_lines - lines, 1);
	}
}

TEST(published_strings_refuse_sets)
{
	const char *set[] = { "khoser-block-v1,2" };
	char buf[KHOSER_COMPAT_LEN];
	int lines = shim_err_lines;

	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v1,2", NULL, 0),
		 -EINVAL);
	CHECK_EQ(khoser_compat_build(buf, sizeof(buf), "mydrv-v1", set, 1),
		 -EINVAL);
	CHECK_EQ(khoser_compat_known("mydrv-v1;khoser-block-v1,2"), -EINVAL);
	CHECK_EQ(khoser_compat_add(buf, sizeof(buf), "mydrv-v1,2", DEP "-v2"),
		 -EINVAL);
	CHECK_EQ(khoser_compat_add(buf, sizeof(buf), "mydrv-v1", DEP "-v1,2"),
		 -EINVAL);
	/* A found string with a set is malformed, even if it is @expected. */
	CHECK_EQ(khoser_compat_check("obj", "mydrv-v1,2", "mydrv-v1,2"),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "obj: malformed compatible string"));
	CHECK_EQ(khoser_compat_check("obj", "mydrv-v1;a-v1,2", "mydrv-v1;a-v1,2"),
		 -EPROTO);
	CHECK_EQ(shim_err_lines - lines, 2);
}

TEST(sets_match)
{
	const char *exp = "mydrv-v1,2;khoser-block-v1,2";
	int lines = shim_err_lines;

	CHECK_EQ(khoser_compat_check("obj", exp, "mydrv-v1;khoser-block-v1"), 0);
	CHECK_EQ(khoser_compat_check("obj", exp, "mydrv-v1;khoser-block-v2"), 0);
	CHECK_EQ(khoser_compat_check("obj", exp, "mydrv-v2;khoser-block-v1"), 0);
	CHECK_EQ(khoser_compat_check("obj", exp, "mydrv-v2;khoser-block-v2"), 0);
	CHECK_EQ(khoser_compat_check("obj", "a-v3,7,9", "a-v7"), 0);
	CHECK_EQ(khoser_compat_check("obj", "a-v3,7,9", "a-v9"), 0);
	CHECK_EQ(shim_err_lines, lines);

	CHECK_EQ(khoser_compat_check("obj", exp, "mydrv-v2;khoser-block-v3"),
		 -EPROTO);
	CHECK(!strcmp(shim_last_log,
		      "khoser: obj: khoser-block: expected v1,2, found v3\n"));
	CHECK_EQ(khoser_compat_check("obj", exp, "mydrv-v0;khoser-block-v1"),
		 -EPROTO);
	CHECK(!strcmp(shim_last_log,
		      "khoser: obj: mydrv: expected v1,2, found v0\n"));
	CHECK_EQ(khoser_compat_check("obj", "a-v3,7,9", "a-v8"), -EPROTO);
	CHECK(strstr(shim_last_log, "obj: a: expected v3,7,9, found v8\n"));
	CHECK_EQ(khoser_compat_check("obj", exp, "mydrv-v2"), -EPROTO);
	CHECK(strstr(shim_last_log, "khoser-block: expected v1,2, not present\n"));
	CHECK_EQ(khoser_compat_check("obj", exp,
				     "mydrv-v2;khoser-block-v1;khoser-vbuf-v1"),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "khoser-vbuf: not expected, found v1\n"));
	CHECK_EQ(khoser_compat_check("obj", exp, "other-v1;khoser-block-v1"),
		 -EPROTO);
	CHECK(strstr(shim_last_log, "owner mydrv expected, found other\n"));
	CHECK_EQ(shim_err_lines - lines, 6);
}

TEST(one_version_is_exact)
{
	CHECK_EQ(khoser_compat_check("obj", "mydrv-v2;khoser-block-v1",
				     "mydrv-v2;khoser-block-v1"), 0);
	CHECK_EQ(khoser_compat_check("obj", "mydrv-v2;khoser-block-v1",
				     "mydrv-v2;khoser-block-v2"), -EPROTO);
	CHECK(!strcmp(shim_last_log,
		      "khoser: obj: khoser-block: expected v1, found v2\n"));
	CHECK_EQ(khoser_compat_check("obj", "mydrv-v2", "mydrv-v1"), -EPROTO);
	CHECK_EQ(khoser_compat_check("obj", "mydrv-v2", "mydrv-v3"), -EPROTO);
	CHECK_EQ(khoser_compat_check("obj", "a-v1", "a-v10"), -EPROTO);
	CHECK_EQ(khoser_compat_check("obj", "a-v10", "a-v1"), -EPROTO);
	/* A set's versions are whole numbers: 1,2 does not accept 12. */
	CHECK_EQ(khoser_compat_check("obj", "a-v1,2", "a-v12"), -EPROTO);
	CHECK_EQ(khoser_compat_check("obj", "a-v12,20", "a-v2"), -EPROTO);
}

TEST(version_of_a_base)
{
	const char *s = "mydrv-v7;khoser-block-v2;khoser-sarray-v1";
	unsigned long v = 99;

	CHECK_EQ(khoser_compat_version(s, KHOSER_BLOCK_BASE, &v), 0);
	CHECK_EQ(v, 2);
	CHECK_EQ(khoser_compat_version(s, "khoser-sarray", &v), 0);
	CHECK_EQ(v, 1);
	CHECK_EQ(khoser_compat_version(s, "mydrv", &v), 0);	/* the owner */
	CHECK_EQ(v, 7);
	CHECK_EQ(khoser_compat_version("a-v1-v999999999", "a-v1", &v), 0);
	CHECK_EQ(v, 999999999);
	CHECK_EQ(khoser_compat_version(s, "khoser-block", NULL), 0);
	v = 99;
	/* Absent: whole bases only, no prefixes. */
	CHECK_EQ(khoser_compat_version(s, "khoser-vbuf", &v), -ENOENT);
	CHECK_EQ(khoser_compat_version(s, "khoser", &v), -ENOENT);
	CHECK_EQ(khoser_compat_version(s, "khoser-bloc", &v), -ENOENT);
	CHECK_EQ(khoser_compat_version(s, "khoser-blocks", &v), -ENOENT);
	CHECK_EQ(khoser_compat_version(s, "mydr", &v), -ENOENT);
	CHECK_EQ(v, 99);
	/* Malformed string (a set included) or base. */
	CHECK_EQ(khoser_compat_version("mydrv-v1;khoser-block-v1,2", DEP, &v),
		 -EINVAL);
	CHECK_EQ(khoser_compat_version("garbage", DEP, &v), -EINVAL);
	CHECK_EQ(khoser_compat_version(NULL, DEP, &v), -EINVAL);
	CHECK_EQ(khoser_compat_version(s, NULL, &v), -EINVAL);
	CHECK_EQ(khoser_compat_version(s, "", &v), -EINVAL);
	CHECK_EQ(khoser_compat_version(s, "Khoser-block", &v), -EINVAL);
	CHECK_EQ(khoser_compat_version(s, "khoser-", &v), -EINVAL);
	CHECK_EQ(khoser_compat_version(s, "khoser--block", &v), -EINVAL);
	CHECK_EQ(khoser_compat_version(s, "khoser-block-v2", &v), -ENOENT);
	CHECK_EQ(khoser_compat_version(s, "khoser-block;x", &v), -EINVAL);
	CHECK_EQ(v, 99);
}

TEST(add_dependency_component)
{
	char buf[KHOSER_COMPAT_LEN], big[KHOSER_COMPAT_LEN], small[12];
	unsigned int i;

	CHECK_EQ(khoser_compat_add(buf, sizeof(buf), "mydrv-v1", DEP "-v2"),
		 strlen("mydrv-v1;khoser-block-v2"));
	CHECK(!strcmp(buf, "mydrv-v1;khoser-block-v2"));
	CHECK(khoser_compat_add(buf, sizeof(buf), "mydrv-v1;khoser-vbuf-v1",
				DEP "-v2") > 0);
	CHECK(!strcmp(buf, "mydrv-v1;khoser-block-v2;khoser-vbuf-v1"));
	CHECK(khoser_compat_add(buf, sizeof(buf), "mydrv-v1;aa-v3;khoser-vbuf-v1",
				DEP "-v2") > 0);
	CHECK(!strcmp(buf, "mydrv-v1;aa-v3;khoser-block-v2;khoser-vbuf-v1"));
	CHECK(khoser_compat_add(buf, sizeof(buf), "mydrv-v1;aa-v3", DEP "-v2") > 0);
	CHECK(!strcmp(buf, "mydrv-v1;aa-v3;khoser-block-v2"));
	/* The owner sorts nowhere: "zz" stays first. */
	CHECK(khoser_compat_add(buf, sizeof(buf), "zz-v1", DEP "-v2") > 0);
	CHECK(!strcmp(buf, "zz-v1;khoser-block-v2"));
	CHECK_EQ(khoser_compat_valid(buf), 0);
	/* Named already: unchanged; another version: -EEXIST. */
	CHECK(khoser_compat_add(buf, sizeof(buf), "mydrv-v1;khoser-block-v2",
				DEP "-v2") > 0);
	CHECK(!strcmp(buf, "mydrv-v1;khoser-block-v2"));
	CHECK_EQ(khoser_compat_add(buf, sizeof(buf), "mydrv-v1;khoser-block-v1",
				   DEP "-v2"), -EEXIST);
	/* Malformed either side, or the owner's base. */
	CHECK_EQ(khoser_compat_add(buf, sizeof(buf), "khoser-block-v1",
				   DEP "-v2"), -EINVAL);
	CHECK_EQ(khoser_compat_add(buf, sizeof(buf), "bad", DEP "-v2"), -EINVAL);
	CHECK_EQ(khoser_compat_add(buf, sizeof(buf), "mydrv-v1", DEP), -EINVAL);
	CHECK_EQ(khoser_compat_add(buf, sizeof(buf), "mydrv-v1", NULL), -EINVAL);
	CHECK_EQ(khoser_compat_add(buf, sizeof(buf), "mydrv-v1",
				   DEP "-v2;x-v1"), -EINVAL);
	/* Full: 16 components, or 255 characters; or a small buffer. */
	strcpy(big, "o-v1");
	for (i = 0; i < 15; i++)
		sprintf(big + strlen(big), ";f%c-v1", 'a' + i);
	CHECK_EQ(khoser_compat_valid(big), 0);
	CHECK_EQ(khoser_compat_add(buf, sizeof(buf), big, DEP "-v2"), -ENOSPC);
	CHECK_EQ(buf[0], '\0');
	memset(big, 'a', sizeof(big));
	memcpy(big + 240, "-v1", 4);
	CHECK_EQ(khoser_compat_add(buf, sizeof(buf), big, DEP "-v2"), -ENOSPC);
	CHECK_EQ(khoser_compat_add(small, sizeof(small), "mydrv-v1", DEP "-v2"),
		 -ENOSPC);
	CHECK_EQ(small[0], '\0');
}

TEST(dependency_match)
{
	int lines = shim_err_lines;

	/* Not named by the caller: accepted in a format this build reads. */
	CHECK_EQ(khoser_compat_match("obj", "mydrv-v1;khoser-vbuf-v1",
				     "mydrv-v1;khoser-block-v2;khoser-vbuf-v1",
				     DEP), 0);
	CHECK_EQ(khoser_compat_match("obj", "mydrv-v1;khoser-vbuf-v1",
				     "mydrv-v1;khoser-block-v1;khoser-vbuf-v1",
				     DEP), 0);
	CHECK_EQ(khoser_compat_match("obj", "mydrv-v1",
				     "mydrv-v1;khoser-block-v2", DEP), 0);
	CHECK_EQ(shim_err_lines, lines);
	/* ... in one it does not read: refused. */
	CHECK_EQ(khoser_compat_match("obj", "mydrv-v1;khoser-vbuf-v1",
				     "mydrv-v1;khoser-block-v9;khoser-vbuf-v1",
				     DEP), -EPROTO);
	CHECK(strstr(shim_last_log, "obj: khoser-block: not expected, found v9\n"));
	/* Without a dependency (or another base), as any component. */
	CHECK_EQ(khoser_compat_match("obj", "mydrv-v1;khoser-vbuf-v1",
				     "mydrv-v1;khoser-block-v2;khoser-vbuf-v1",
				     NULL), -EPROTO);
	CHECK(strstr(shim_last_log, "khoser-block: not expected, found v2\n"));
	CHECK_EQ(khoser_compat_check("obj", "mydrv-v1;khoser-vbuf-v1",
				     "mydrv-v1;khoser-block-v2;khoser-vbuf-v1"),
		 -EPROTO);
	CHECK_EQ(khoser_compat_match("obj", "mydrv-v1;khoser-vbuf-v1",
				     "mydrv-v1;khoser-sarray-v1;khoser-vbuf-v1",
				     DEP), -EPROTO);
	CHECK(strstr(shim_last_log, "khoser-sarray: not expected, found v1\n"));
	/* Named by the caller: matched like any component. */
	CHECK_EQ(khoser_compat_match("obj", "mydrv-v1;khoser-block-v1,2",
				     "mydrv-v1;khoser-block-v2", DEP), 0);
	CHECK_EQ(khoser_compat_match("obj", "mydrv-v1;khoser-block-v1",
				     "mydrv-v1;khoser-block-v2", DEP), -EPROTO);
	CHECK(strstr(shim_last_log, "khoser-block: expected v1, found v2\n"));
	/* ... and absent it is its implicit v1. */
	CHECK_EQ(khoser_compat_match("obj", "mydrv-v1;khoser-block-v1,2",
				     "mydrv-v1", DEP), 0);
	CHECK_EQ(khoser_compat_match("obj", "mydrv-v1;khoser-block-v2",
				     "mydrv-v1", DEP), -EPROTO);
	CHECK(strstr(shim_last_log,
		     "obj: khoser-block: expected v2, found v1 (implied)\n"));
	CHECK_EQ(khoser_compat_match("obj", "mydrv-v1;khoser-block-v2",
				     "mydrv-v1", NULL), -EPROTO);
	CHECK(strstr(shim_last_log, "khoser-block: expected v2, not present\n"));
	/* The other rules still hold. */
	CHECK_EQ(khoser_compat_match("obj", "mydrv-v2", "mydrv-v1;khoser-block-v2",
				     DEP), -EPROTO);
	CHECK(strstr(shim_last_log, "mydrv: expected v2, found v1\n"));
	CHECK_EQ(shim_err_lines - lines, 8);
}

TEST(catalogue)
{
	unsigned int i;
	bool block = false;

	for (i = 0; khoser_compat_format(i); i++) {
		CHECK_EQ(khoser_compat_valid(khoser_compat_format(i)), 0);
		if (!strcmp(khoser_compat_format(i), KHOSER_BLOCK_COMPAT))
			block = true;
	}
	CHECK(block);
	CHECK(!khoser_compat_format(i));
	CHECK_EQ(khoser_compat_known("mydrv-v1;khoser-block-v1"), 0);
	CHECK_EQ(khoser_compat_known("mydrv-v1;" KHOSER_BLOCK_COMPAT_V2), 0);
	CHECK_EQ(khoser_compat_known("mydrv-v1;khoser-block-v3"), -EINVAL);
	CHECK_EQ(khoser_compat_known("mydrv-v1;khoser-block-v0"), -EINVAL);
	CHECK_EQ(khoser_compat_known("khoser-block-v2"), 0);	/* as owner */
	CHECK_EQ(khoser_compat_known("mydrv-v1;khoser-blocks-v1"), -EINVAL);
	CHECK_EQ(khoser_compat_known("mydrv-v1;khoser-block-v9"), -EINVAL);
	CHECK_EQ(khoser_compat_known("mydrv-v1;khoser-nothing-v1"), -EINVAL);
	CHECK_EQ(khoser_compat_known("mydrv-v1;other-fmt-v3"), 0);
	CHECK_EQ(khoser_compat_known("bad"), -EINVAL);
}

static const struct test_case cases[] = {
	TEST_ENTRY(valid_strings),
	TEST_ENTRY(invalid_strings),
	TEST_ENTRY(build_sorts_and_dedups),
	TEST_ENTRY(build_rejects),
	TEST_ENTRY(check_names_the_component),
	TEST_ENTRY(sets_valid_in_expected_only),
	TEST_ENTRY(sets_malformed),
	TEST_ENTRY(published_strings_refuse_sets),
	TEST_ENTRY(sets_match),
	TEST_ENTRY(one_version_is_exact),
	TEST_ENTRY(version_of_a_base),
	TEST_ENTRY(add_dependency_component),
	TEST_ENTRY(dependency_match),
	TEST_ENTRY(catalogue),
};

int main(int argc, char **argv)
{
	return test_main(argc, argv, cases, ARRAY_SIZE(cases));
}
