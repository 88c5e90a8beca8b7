/* test_lua_run.c: `trang run` end to end on the built binary: arguments,
 * require next to the script, exit statuses, traceback and --timeout. The
 * binary is $TRANG, else the trang next to this test's build folder, else ./trang. */
#include "testutil.h"

#include <limits.h>
#include <sys/wait.h>
#include <unistd.h>

static char trang_bin[PATH_MAX];

static int find_binary(void **state)
{
	const char *env = getenv("TRANG");
	if (env && access(env, X_OK) == 0) {
		snprintf(trang_bin, sizeof trang_bin, "%s", env);
		return 0;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(trang_bin, sizeof trang_bin, "%s/../trang", exe);
			if (access(trang_bin, X_OK) == 0)
				return 0;
		}
	}
	snprintf(trang_bin, sizeof trang_bin, "./trang");
	return access(trang_bin, X_OK) == 0 ? 0 : -1;
}

/* Runs `trang <args>`; returns the exit status, stdout and stderr (malloc'd). */
static int run_trang(const char *args, char **out, char **err)
{
	char cmd[PATH_MAX + 512], errpath[] = "/tmp/trang-run-err-XXXXXX";
	int fd = mkstemp(errpath);
	assert_true(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof cmd, "%s %s 2>%s", trang_bin, args, errpath);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 4096, len = 0;
	*out = malloc(cap);
	assert_non_null(*out);
	size_t got;
	while ((got = fread(*out + len, 1, cap - len - 1, p)) > 0) {
		len += got;
		if (cap - len < 2) {
			cap *= 2;
			*out = realloc(*out, cap);
			assert_non_null(*out);
		}
	}
	(*out)[len] = '\0';
	int status = pclose(p);
	*err = test_read_file(errpath, NULL);
	unlink(errpath);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_run_passes_args_like_lua(void **s)
{
	char *out, *err;
	int rc = run_trang("run tests/lua/run_args.lua Lan 'b c'", &out, &err);
	assert_int_equal(rc, 0);
	assert_string_equal(out, "xin chào Lan\t2\ttests/lua/run_args.lua\trun\n[\"Lan\", \"b c\"]\n");
	assert_string_equal(err, "");
	free(out);
	free(err);
}

static void test_run_error_exits_1_with_traceback(void **s)
{
	char *out, *err;
	int rc = run_trang("run tests/lua/run_fail.lua", &out, &err);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(err, "trang run: tests/lua/run_fail.lua:3: cannot parse bài báo\n"));
	assert_non_null(strstr(err, "stack traceback:"));
	assert_non_null(strstr(err, "run_fail.lua:6: in local 'load_all'"));
	free(out);
	free(err);
}

static void test_run_timeout_ends_script_caught_by_pcall(void **s)
{
	char *out, *err;
	int rc = run_trang("run --timeout 0.2 tests/lua/run_spin.lua", &out, &err);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(err, "CPU time budget of 0.2 s spent (timeout)"));
	free(out);
	free(err);
}

static void test_run_bad_usage_exits_2(void **s)
{
	char *out, *err;
	assert_int_equal(run_trang("run", &out, &err), 2);
	assert_non_null(strstr(err, "missing the script"));
	free(out);
	free(err);
	assert_int_equal(run_trang("run --timeout soon x.lua", &out, &err), 2);
	assert_non_null(strstr(err, "--timeout wants seconds"));
	free(out);
	free(err);
}

static void test_run_missing_file_exits_1(void **s)
{
	char *out, *err;
	assert_int_equal(run_trang("run tests/lua/no-such-script.lua", &out, &err), 1);
	assert_non_null(strstr(err, "cannot open tests/lua/no-such-script.lua"));
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_passes_args_like_lua),
		cmocka_unit_test(test_run_error_exits_1_with_traceback),
		cmocka_unit_test(test_run_timeout_ends_script_caught_by_pcall),
		cmocka_unit_test(test_run_bad_usage_exits_2),
		cmocka_unit_test(test_run_missing_file_exits_1),
	};
	return cmocka_run_group_tests(tests, find_binary, NULL);
}
