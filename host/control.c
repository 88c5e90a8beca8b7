/* control.c: the control socket (see control.h). The server side is a libuv
 * pipe on the service's loop; the client side (trang status, trang job) is a
 * plain blocking socket with a timeout, since those commands have no loop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"

#define REQUEST_MAX 1024
#define RELOAD_WAIT_MS 20000 /* a reload answers with its outcome, or after this */

struct control {
	struct serve *s;
	uv_pipe_t server;
	bool open;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

struct control_conn {
	struct control *c;
	uv_pipe_t pipe;
	char req[REQUEST_MAX];
	size_t len;
	bool answered;
	buf reply;
	uv_write_t wr;
	uv_timer_t wait; /* a reload waiting for its outcome */
	bool waiting;
	int open_handles;
};

int control_socket_path(const char *db_path, char *out, size_t outlen)
{
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path);
	if (outlen < max)
		max = outlen;
	int n = snprintf(out, max, "%s.sock", db_path);
	return n < 0 || (size_t)n >= max ? -1 : 0;
}

static void conn_closed(uv_handle_t *h)
{
	struct control_conn *cc = h->data;
	if (--cc->open_handles > 0)
		return;
	buf_free(&cc->reply);
	free(cc);
}

static void conn_close(struct control_conn *cc)
{
	uv_close((uv_handle_t *)&cc->pipe, conn_closed);
	uv_close((uv_handle_t *)&cc->wait, conn_closed);
}

static void conn_written(uv_write_t *wr, int status)
{
	struct control_conn *cc = wr->data;
	(void)status;
	conn_close(cc);
}

/* Writes cc->reply and closes the connection. */
static void conn_reply(struct control_conn *cc)
{
	uv_buf_t out = uv_buf_init(cc->reply.data ? cc->reply.data : "ERR\n",
	                           cc->reply.data ? (unsigned)cc->reply.len : 4);
	cc->wr.data = cc;
	if (uv_write(&cc->wr, (uv_stream_t *)&cc->pipe, &out, 1, conn_written) != 0)
		conn_close(cc);
}

/* The outcome of `reload NAME` (serve_reload_fn). */
static void reload_done(void *ud, bool ok, const char *message)
{
	struct control_conn *cc = ud;
	cc->waiting = false;
	uv_timer_stop(&cc->wait);
	buf_printf(&cc->reply, "%s\n%s\n", ok ? "OK" : "ERR", message);
	conn_reply(cc);
}

static void reload_timeout(uv_timer_t *t)
{
	struct control_conn *cc = t->data;
	serve_plugin_reload_forget(cc->c->s, cc);
	cc->waiting = false;
	buf_printf(&cc->reply, "OK\nthe reload is still running after %d s; see the log or trang status\n",
	           RELOAD_WAIT_MS / 1000);
	conn_reply(cc);
}

/* Carries out one request; the reply starts with OK or ERR. A reload
 * answers later (cc->waiting). */
static void control_answer(struct control_conn *cc, char *req, buf *out)
{
	struct control *c = cc->c;
	char err[512];
	req[strcspn(req, "\r\n")] = '\0';
	if (strncmp(req, "reload ", 7) == 0) {
		if (serve_plugin_reload(c->s, req + 7, reload_done, cc, err, sizeof err) == 0) {
			cc->waiting = true;
			uv_timer_start(&cc->wait, reload_timeout, RELOAD_WAIT_MS, 0);
		} else {
			buf_printf(out, "ERR\n%s\n", err);
		}
	} else if (strcmp(req, "status") == 0) {
		buf_printf(out, "OK\n");
		serve_status(c->s, out);
	} else if (strncmp(req, "run ", 4) == 0) {
		int64_t id;
		if (serve_run_job(c->s, req + 4, "manual", &id, err, sizeof err) == 0) {
			if (id >= 0)
				buf_printf(out, "OK\nstarted run #%lld of %s\n", (long long)id, req + 4);
			else
				buf_printf(out, "OK\n%s: %s\n", req + 4, err[0] ? err : "queued");
		} else {
			buf_printf(out, "ERR\n%s\n", err);
		}
	} else if (strncmp(req, "kill ", 5) == 0) {
		char *end;
		long long id = strtoll(req + 5, &end, 10);
		if (*end || end == req + 5)
			buf_printf(out, "ERR\nkill wants a run id, not '%s'\n", req + 5);
		else if (serve_kill_run(c->s, id, err, sizeof err) == 0)
			buf_printf(out, "OK\nkilled run #%lld\n", id);
		else
			buf_printf(out, "ERR\n%s\n", err);
	} else {
		buf_printf(out, "ERR\nunknown request '%s' (status, run NAME, kill ID, reload NAME)\n", req);
	}
}

static void conn_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *b)
{
	struct control_conn *cc = h->data;
	(void)suggested;
	b->base = cc->req + cc->len;
	b->len = sizeof cc->req - 1 - cc->len;
}

static void conn_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b)
{
	struct control_conn *cc = st->data;
	(void)b;
	if (cc->answered)
		return;
	if (n > 0)
		cc->len += (size_t)n;
	cc->req[cc->len] = '\0';
	bool line = memchr(cc->req, '\n', cc->len) != NULL;
	if (!line && n >= 0 && cc->len < sizeof cc->req - 1)
		return; /* wait for the rest of the line */
	cc->answered = true;
	uv_read_stop(st);
	if (n < 0 && cc->len == 0) {
		conn_close(cc);
		return;
	}
	control_answer(cc, cc->req, &cc->reply);
	if (!cc->waiting)
		conn_reply(cc);
}

/* Only the user the service runs as may talk to it. */
static bool peer_is_us(uv_pipe_t *p)
{
	uv_os_fd_t fd;
	struct ucred cred;
	socklen_t len = sizeof cred;
	if (uv_fileno((uv_handle_t *)p, &fd) != 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return false;
	return cred.uid == getuid();
}

static void on_connection(uv_stream_t *server, int status)
{
	struct control *c = server->data;
	if (status < 0)
		return;
	struct control_conn *cc = calloc(1, sizeof *cc);
	if (!cc)
		return;
	cc->c = c;
	uv_pipe_init(serve_loop(c->s), &cc->pipe, 0);
	uv_timer_init(serve_loop(c->s), &cc->wait);
	cc->pipe.data = cc->wait.data = cc;
	cc->open_handles = 2;
	if (uv_accept(server, (uv_stream_t *)&cc->pipe) != 0 || !peer_is_us(&cc->pipe)) {
		conn_close(cc);
		return;
	}
	uv_read_start((uv_stream_t *)&cc->pipe, conn_alloc, conn_read);
}

static int control_start(struct serve *s, void *ud, char *err, size_t errlen)
{
	struct control *c = ud;
	c->s = s;
	if (control_socket_path(serve_db_path(s), c->path, sizeof c->path)) {
		snprintf(err, errlen, "control socket: the path %s.sock is too long for a socket",
		         serve_db_path(s));
		return -1;
	}
	buf probe = BUF_INIT;
	char why[256];
	enum control_result r = control_request(serve_db_path(s), "status", &probe, why, sizeof why);
	buf_free(&probe);
	if (r == CONTROL_OK || r == CONTROL_REFUSED) {
		snprintf(err, errlen, "another trang serve already runs on %s (socket %s)",
		         serve_db_path(s), c->path);
		return -1;
	}
	unlink(c->path); /* left by a service that died */
	uv_pipe_init(serve_loop(s), &c->server, 0);
	c->server.data = c;
	c->open = true;
	mode_t old = umask(0077); /* created 0600: no window where others may connect */
	int rc = uv_pipe_bind(&c->server, c->path);
	umask(old);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&c->server, 16, on_connection);
	if (rc != 0) {
		snprintf(err, errlen, "control socket %s: %s", c->path, uv_strerror(rc));
		return -1;
	}
	chmod(c->path, 0600);
	serve_log(s, "control", NULL, NULL, -1, "listening on %s", c->path);
	return 0;
}

static void control_stop(struct serve *s, void *ud)
{
	struct control *c = ud;
	(void)s;
	if (!c->open)
		return;
	c->open = false;
	uv_close((uv_handle_t *)&c->server, NULL);
	unlink(c->path);
}

int control_serve_component(struct serve *s, struct control **out)
{
	struct control *c = calloc(1, sizeof *c);
	if (!c)
		return -1;
	struct serve_component comp = {"control", control_start, control_stop, NULL, c};
	if (serve_add_component(s, &comp)) {
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

void control_free(struct control *c)
{
	free(c);
}

enum control_result control_request(const char *db_path, const char *request, buf *reply,
                                    char *err, size_t errlen)
{
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	enum control_result res = CONTROL_FAILED;
	int fd = -1;
	if (control_socket_path(db_path, addr.sun_path, sizeof addr.sun_path)) {
		snprintf(err, errlen, "the path %s.sock is too long for a socket", db_path);
		return CONTROL_NO_SERVICE;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		goto cleanup;
	}
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
		int e = errno;
		snprintf(err, errlen, "%s: %s", addr.sun_path, strerror(e));
		res = e == ENOENT || e == ECONNREFUSED ? CONTROL_NO_SERVICE : CONTROL_FAILED;
		goto cleanup;
	}
	struct timeval tv = {RELOAD_WAIT_MS / 1000 + 10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char line[REQUEST_MAX];
	int n = snprintf(line, sizeof line, "%s\n", request);
	if (n < 0 || (size_t)n >= sizeof line || write(fd, line, (size_t)n) != n) {
		snprintf(err, errlen, "sending to the service: %s", strerror(errno));
		goto cleanup;
	}
	buf_clear(reply);
	char chunk[4096];
	ssize_t got;
	while ((got = read(fd, chunk, sizeof chunk)) > 0)
		if (buf_append(reply, chunk, (size_t)got)) {
			snprintf(err, errlen, "out of memory");
			goto cleanup;
		}
	if (got < 0) {
		snprintf(err, errlen, "reading the service's reply: %s", strerror(errno));
		goto cleanup;
	}
	if (reply->len >= 3 && memcmp(reply->data, "OK\n", 3) == 0)
		res = CONTROL_OK;
	else if (reply->len >= 4 && memcmp(reply->data, "ERR\n", 4) == 0)
		res = CONTROL_REFUSED;
	else
		snprintf(err, errlen, "the service's reply makes no sense");
	if (res != CONTROL_FAILED) { /* drop the OK/ERR line */
		size_t skip = res == CONTROL_OK ? 3 : 4;
		memmove(reply->data, reply->data + skip, reply->len - skip + 1);
		reply->len -= skip;
	}
cleanup:
	if (fd >= 0)
		close(fd);
	return res;
}
