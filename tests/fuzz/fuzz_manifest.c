/* Fuzz target: the plugin manifest reader (a Lua chunk run as plain data in
 * a bare state with a tiny budget) and its validation, on arbitrary bytes:
 * it must refuse or accept, never crash or hang. */
#include <string.h>

#include "fuzz.h"
#include "plugin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	int fd = fuzz_memfile(data, size, path);
	if (fd < 0)
		return 0;
	struct plugin_manifest m;
	memset(&m, 0, sizeof m);
	char err[512];
	if (plugin_lua_engine.read_manifest(path, &m, err, sizeof err) == 0)
		plugin_manifest_validate(&m, "fuzz", path, err, sizeof err);
	plugin_manifest_free(&m);
	close(fd);
	return 0;
}
