/* lua_sandbox.h: the seam between lua_state.c (states, allocator, limits,
 * runs, host modules) and lua_sandbox.c (the allow-listed globals, the
 * replacement functions, coroutine and xpcall wrappers, read-only proxies).
 * Internal to those two files; everything else uses lua_state.h. */
#ifndef TRANG_LUA_SANDBOX_H
#define TRANG_LUA_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "lua_state.h"

/* ---- lua_sandbox.c ---- */

/* Protected set-up of a new state: opens the standard libraries, locks the
 * string and file metatables, builds the registry tables and two allow-listed
 * environments (the script's globals, and the one the Lua halves run in).
 * Stack: [st (light userdata)]; returns 0. */
int lsandbox_setup(lua_State *L);

/* Pushes the _ENV the Lua halves of host modules run in. */
void lsandbox_push_host_env(lua_State *L);

/* ---- lua_state.c, for the sandbox ---- */

/* Opens the host module called name ("trang.json") once per state and pushes
 * its read-only proxy; returns false (pushing nothing) if there is none. */
bool lstate_push_host_module(lua_State *L, const char *name);
size_t lstate_host_module_count(void);
const char *lstate_host_module_name(size_t i);

/* Where require("a.b") may look: the state's module root for any name, or
 * the directory of a declared prefix (lstate_add_module_root). Returns the
 * root (a real path) and how much of name its prefix took, or NULL. */
const char *lstate_module_root_for(const struct lstate *st, const char *name, size_t *prefix_len);

/* True once the current run is to end (timeout, memory, interrupt). */
bool lstate_run_ending(const struct lstate *st);

/* Around a coroutine resume: the resumed thread becomes the one a kill must
 * reach. lstate_thread_enter returns the previous thread; lstate_thread_leave
 * restores it and, if the run is ending, raises the kill again in L. */
lua_State *lstate_thread_enter(struct lstate *st, lua_State *co);
void lstate_thread_leave(struct lstate *st, lua_State *L, lua_State *prev);

#endif
