/* control.h: the local control socket of `trang serve`, next to the database
 * (<db>.sock, mode 0600, peers of another user refused by their credentials).
 * One request line per connection ("status", "run NAME", "kill ID",
 * "reload NAME"); the reply is "OK\n" or "ERR\n" and then text; the server
 * closes after replying (a reload replies once its outcome is known). */
#ifndef TRANG_CONTROL_H
#define TRANG_CONTROL_H

#include <stddef.h>

#include "buf.h"
#include "serve.h"

struct control;

/* The socket's path for a database: "<db_path>.sock". -1 if too long. */
int control_socket_path(const char *db_path, char *out, size_t outlen);

/* Adds the control socket to s as a component (bound when serve_run starts,
 * closed and removed on stop). *out gets the control (owned by the component,
 * freed with s... by control_free after serve_free). 0, or -1 out of memory. */
int control_serve_component(struct serve *s, struct control **out);
void control_free(struct control *c);

enum control_result {
	CONTROL_OK = 0,        /* the service did it; reply holds its text */
	CONTROL_REFUSED = 1,   /* the service answered with an error (reply says) */
	CONTROL_NO_SERVICE = 2, /* nothing listens on the socket */
	CONTROL_FAILED = 3,    /* other trouble (err says) */
};

/* Sends one request to the service of db_path and reads the reply. */
enum control_result control_request(const char *db_path, const char *request, buf *reply,
                                    char *err, size_t errlen);

#endif
