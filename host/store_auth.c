/* store_auth.c: the rules of host/store_auth.h. The corpus tables are the
 * ingest's (host/store.c): FTS5's shadow tables and the lengths ranking
 * reads go by the "paragraphs_fts" prefix, the run records by "ingest_". */
#include "store_auth.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const corpus_tables[] = {
	"files", "articles", "article_aliases", "paragraphs", "sentences", "paragraph_spans", "sentence_spans",
	"meta", NULL,
};
static const char *const corpus_prefixes[] = {"paragraphs_fts", "ingest_", NULL};

static bool is_corpus_table(const char *name)
{
	if (!name)
		return false;
	for (size_t i = 0; corpus_tables[i]; i++)
		if (strcasecmp(name, corpus_tables[i]) == 0)
			return true;
	for (size_t i = 0; corpus_prefixes[i]; i++)
		if (strncasecmp(name, corpus_prefixes[i], strlen(corpus_prefixes[i])) == 0)
			return true;
	return false;
}

/* SQLite's own bookkeeping, written as a side effect of CREATE/DROP and
 * AUTOINCREMENT; writing it directly needs PRAGMA writable_schema (refused). */
static bool is_schema_table(const char *name)
{
	return name && (strcasecmp(name, "sqlite_master") == 0 ||
	                strcasecmp(name, "sqlite_temp_master") == 0 ||
	                strcasecmp(name, "sqlite_schema") == 0 ||
	                strcasecmp(name, "sqlite_temp_schema") == 0 ||
	                strcasecmp(name, "sqlite_sequence") == 0);
}

static bool has_prefix(const struct store_auth *c, const char *name)
{
	return name && strncasecmp(name, c->prefix, strlen(c->prefix)) == 0 &&
	       name[strlen(c->prefix)] != '\0';
}

static int deny(struct store_auth *c, const char *fmt, const char *a, const char *b)
{
	snprintf(c->denied, sizeof c->denied, fmt, a ? a : "?", b ? b : "?");
	return SQLITE_DENY;
}

static bool in_list(const char *name, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strcasecmp(name, list[i]) == 0)
			return true;
	return false;
}

/* Pragmas whose argument names what to read, not a value to set. */
static bool is_schema_pragma(const char *name)
{
	static const char *const ok[] = {"table_info", "table_xinfo", "index_list", "index_info",
	                                 "index_xinfo", "foreign_key_list", NULL};
	return in_list(name, ok);
}

/* Pragmas that act even without an argument. */
static bool is_acting_pragma(const char *name)
{
	static const char *const acting[] = {"optimize", "wal_checkpoint", "shrink_memory",
	                                     "incremental_vacuum", NULL};
	return in_list(name, acting);
}

int store_auth_check(void *auth, int action, const char *a1, const char *a2, const char *db, const char *trigger)
{
	struct store_auth *c = auth;
	(void)trigger;
	if (c->internal)
		return SQLITE_OK;
	if (db && strcmp(db, "main") != 0 && strcmp(db, "temp") != 0)
		return deny(c, "database %s is not this store's (%s)", db, a1);
	switch (action) {
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_TEMP_VIEW:
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TEMP_INDEX:
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_TEMP_TRIGGER:
	case SQLITE_CREATE_VTABLE:
	case SQLITE_ALTER_TABLE:
	case SQLITE_DROP_TABLE:
	case SQLITE_DROP_TEMP_TABLE:
	case SQLITE_DROP_VIEW:
	case SQLITE_DROP_TEMP_VIEW:
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TEMP_INDEX:
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_TEMP_TRIGGER:
	case SQLITE_DROP_VTABLE:
		if (!c->may_write)
			return deny(c, "writing (%s%s) needs the store.write capability", a1, "");
		break;
	}
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_READ:
		if (a1 && strcasecmp(a1, STORE_AUTH_KV_TABLE) == 0)
			return deny(c, "table %s is the host's; use store.get/set (%s)", a1, a2);
		if (is_corpus_table(a1) && !c->corpus_read)
			return deny(c, "reading the corpus table %s needs the corpus.read capability (%s)",
			            a1, a2);
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		if (a2 && strcasecmp(a2, "load_extension") == 0)
			return deny(c, "%s is refused in the trang store%s", a2, "");
		return SQLITE_OK;
	case SQLITE_INSERT:
	case SQLITE_UPDATE:
	case SQLITE_DELETE:
		if (is_schema_table(a1) || has_prefix(c, a1))
			return SQLITE_OK;
		if (is_corpus_table(a1))
			return deny(c, "the corpus table %s is read-only%s", a1, "");
		return deny(c, "writing %s refused: this store may write only tables named %s*", a1,
		            c->prefix);
	case SQLITE_CREATE_TABLE:
	case SQLITE_CREATE_TEMP_TABLE:
	case SQLITE_CREATE_VIEW:
	case SQLITE_CREATE_TEMP_VIEW:
	case SQLITE_DROP_TABLE:
	case SQLITE_DROP_TEMP_TABLE:
	case SQLITE_DROP_VIEW:
	case SQLITE_DROP_TEMP_VIEW:
	case SQLITE_CREATE_VTABLE:
	case SQLITE_DROP_VTABLE:
		if (has_prefix(c, a1))
			return SQLITE_OK;
		return deny(c, "%s refused: tables and views here must be named %s*", a1, c->prefix);
	case SQLITE_CREATE_INDEX:
	case SQLITE_CREATE_TEMP_INDEX:
	case SQLITE_DROP_INDEX:
	case SQLITE_DROP_TEMP_INDEX:
	case SQLITE_CREATE_TRIGGER:
	case SQLITE_CREATE_TEMP_TRIGGER:
	case SQLITE_DROP_TRIGGER:
	case SQLITE_DROP_TEMP_TRIGGER:
		/* a1: the index or trigger, a2: its table; both must be ours
		 * (SQLite names the indexes of UNIQUE and PRIMARY KEY itself) */
		if (has_prefix(c, a2) &&
		    (has_prefix(c, a1) || (a1 && strncmp(a1, "sqlite_autoindex_", 17) == 0)))
			return SQLITE_OK;
		return deny(c, "%s on %s refused: both must be named with this store's prefix", a1, a2);
	case SQLITE_REINDEX: /* a1: the index (CREATE INDEX builds it) */
		if (has_prefix(c, a1))
			return SQLITE_OK;
		return deny(c, "REINDEX %s refused%s", a1, "");
	case SQLITE_ALTER_TABLE: /* a1: database, a2: table */
		if (has_prefix(c, a2))
			return SQLITE_OK;
		return deny(c, "ALTER TABLE %s refused%s", a2, "");
	case SQLITE_PRAGMA: /* a1: the pragma, a2: its argument or NULL */
		if (a1 && ((a2 == NULL && !is_acting_pragma(a1)) || is_schema_pragma(a1)))
			return SQLITE_OK;
		return deny(c, "PRAGMA %s(%s) refused: only reading pragmas run in the trang store", a1,
		            a2 ? a2 : "");
	case SQLITE_TRANSACTION:
	case SQLITE_SAVEPOINT:
		return deny(c, "%s%s by hand is refused: wrap the work in store.tx(function() ... end)",
		            action == SQLITE_TRANSACTION ? a1 : "SAVEPOINT", "");
	case SQLITE_ATTACH:
	case SQLITE_DETACH:
		return deny(c, "ATTACH and DETACH are refused in the trang store%s%s", "", "");
	default: {
		char code[16];
		snprintf(code, sizeof code, "%d", action);
		return deny(c, "this statement (authorizer action %s on %s) is refused in the trang store",
		            code, a1);
	}
	}
}
