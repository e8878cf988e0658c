/*
 * libmicrohttpd glue; see httpd.h. The only file that sees an MHD_Connection.
 * SPDX-License-Identifier: MIT
 */
#include "serve/httpd.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "serve/html.h"
#include "base/banned.h"

/*
 * A connection as the header watch sees it. libmicrohttpd's timeout is for idleness, so a
 * client trickling a header byte every few seconds (slowloris) would hold its connection
 * for ever; the watch closes a connection that has not finished a request's headers
 * within the timeout of its start or of its last request's end.
 */
struct sock {
	struct sock *prev, *next;
	int fd;
	int64_t since;           /* ms: waiting for a request's headers since */
	bool busy;               /* a request's headers are in: its handler has it */
	bool cut;                /* shut down by the watch */
};

struct th_httpd {
	struct MHD_Daemon *d;
	th_web *w;
	uint16_t port;
	bool tls;
	int64_t header_ms;       /* the time allowed for a request's headers */
	pthread_mutex_t lock;    /* socks, stopping */
	pthread_cond_t cv;
	struct sock *socks;
	bool stopping, watching;
	pthread_t watch;
	struct pool *pool;       /* the upload workers, NULL when none started */
};

/*
 * The upload workers. Reading and checking a return is tens of milliseconds of CPU; done
 * on libmicrohttpd's threads it would hold up every other connection of that thread (a
 * dashboard, a page). So a complete upload's connection is suspended and its request
 * queued here; a worker (at a lower priority than the threads serving pages) runs it and
 * resumes the connection, which then sends the reply. The queue is bounded: past it, 503.
 */
struct pool {
	pthread_mutex_t lock;
	pthread_cond_t cv;
	struct conn *head, *tail;
	size_t n, max;
	bool stopping;
	pthread_t *th;
	unsigned n_th;
	th_web *w;
};

/* One request in progress. */
struct conn {
	th_web *w;
	th_req rq;
	th_reply rp;
	struct MHD_PostProcessor *pp;
	th_body kind;
	uint64_t max, got;
	bool queued, bad_body, field_open;
	bool two_files;          /* a second part "file" came: never joined to the first */
	th_sbuf field;           /* the form field being received */
	char field_key[64];
	th_sbuf json;            /* a JSON body */
	th_err body_err;         /* our failure while taking the body (a full disk) */
	struct sock *sock;       /* the connection's, NULL when not known */
	struct MHD_Connection *mc; /* while suspended for a worker */
	struct conn *next;       /* in the workers' queue */
	bool done;               /* a worker decided the reply */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- the header watch ---- */

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct th_httpd *h = cls;
	struct sock *s = *socket_context;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		s = th_xcalloc(1, sizeof(*s));
		s->fd = ci ? ci->connect_fd : -1;
		s->since = now_ms();
		pthread_mutex_lock(&h->lock);
		s->next = h->socks;
		if (h->socks)
			h->socks->prev = s;
		h->socks = s;
		pthread_mutex_unlock(&h->lock);
		*socket_context = s;
	} else if (s) {
		/* libmicrohttpd says so before it closes the socket: the watch never touches a
		 * descriptor number another connection may have taken */
		pthread_mutex_lock(&h->lock);
		if (s->prev)
			s->prev->next = s->next;
		else
			h->socks = s->next;
		if (s->next)
			s->next->prev = s->prev;
		pthread_mutex_unlock(&h->lock);
		free(s);
		*socket_context = NULL;
	}
}

static void sock_busy(struct th_httpd *h, struct sock *s, bool busy)
{
	if (!s)
		return;
	pthread_mutex_lock(&h->lock);
	s->busy = busy;
	s->since = now_ms();
	pthread_mutex_unlock(&h->lock);
}

static void *watch_main(void *arg)
{
	struct th_httpd *h = arg;

	pthread_mutex_lock(&h->lock);
	while (!h->stopping) {
		struct timespec until;
		int64_t now = now_ms();
		unsigned cut = 0;
		for (struct sock *s = h->socks; s; s = s->next) {
			if (!s->busy && !s->cut && s->fd >= 0 && now - s->since > h->header_ms) {
				shutdown(s->fd, SHUT_RDWR); /* libmicrohttpd then sees the end and closes it */
				s->cut = true;
				cut++;
			}
		}
		if (cut)
			th_web_log(h->w, "closed %u connection(s) that sent no complete request within %lld s", cut,
				   (long long)(h->header_ms / 1000));
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&h->cv, &h->lock, &until);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	th_web *w = cls;
	char line[512];

	vsnprintf(line, sizeof(line), fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	th_web_log(w, "microhttpd: %s", line);
}

static enum MHD_Result header_cb(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	th_req_header(cls, key, value ? value : "");
	return MHD_YES;
}

static enum MHD_Result query_cb(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	th_req_query(cls, key, value ? value : "");
	return MHD_YES;
}

/* The form field just received is complete: into the request. */
static void field_commit(struct conn *c)
{
	if (!c->field_open)
		return;
	if (th_sbuf_err(&c->field) || th_req_form(&c->rq, c->field_key, c->field.buf))
		c->bad_body = true;
	th_sbuf_reset(&c->field);
	c->field_open = false;
}

static enum MHD_Result post_iter(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
				 const char *content_type, const char *transfer_encoding, const char *data,
				 uint64_t off, size_t size)
{
	struct conn *c = cls;
	const th_webconf *wc = th_web_conf(c->w);

	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	if (filename) {
		char dir[4096];
		th_err e = { 0 };
		/* only the field "file", only once, only for a route that takes a file */
		if (c->kind != TH_BODY_UPLOAD || strcmp(key, "file") != 0)
			return MHD_YES;
		if (off == 0 && c->rq.upload.size > 0)
			c->two_files = true; /* another part starts after the first one's bytes */
		if (c->two_files)
			return MHD_YES;
		if (off == 0 && !c->rq.upload.path && !c->rq.upload_name) {
			snprintf(dir, sizeof(dir), "%s/tmp", wc->data_dir);
			c->rq.upload_name = th_xstrdup(filename);
			if (th_spool_open(&c->rq.upload, dir, wc->max_upload, &e)) {
				c->body_err = e;
				return MHD_YES;
			}
		}
		if (size && c->rq.upload.path && !c->rq.upload.too_big && !c->body_err.code &&
		    th_spool_write(&c->rq.upload, data, size, &e) && !c->rq.upload.too_big)
			c->body_err = e;
		return MHD_YES;
	}
	if (off == 0 || !c->field_open || strcmp(c->field_key, key) != 0) {
		field_commit(c);
		if (strlen(key) >= sizeof(c->field_key)) {
			c->bad_body = true;
			return MHD_YES;
		}
		snprintf(c->field_key, sizeof(c->field_key), "%s", key);
		c->field_open = true;
	}
	th_sbuf_add(&c->field, data, size);
	return MHD_YES;
}

static void add_header(struct MHD_Response *r, const char *k, const char *v)
{
	if (v)
		MHD_add_response_header(r, k, v);
}

static enum MHD_Result queue(struct th_httpd *h, struct MHD_Connection *mc, struct conn *c)
{
	struct MHD_Response *r = NULL;
	th_reply *rp = &c->rp;
	enum MHD_Result ret;

	if (!rp->status) {
		th_err e = { 0 };
		th_fail(&e, TH_E_STORE, "no reply decided");
		th_reply_error(c->w, &c->rq, rp, &e);
	}
	if (rp->file) {
		int fd = open(rp->file, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			r = MHD_create_response_from_fd64((uint64_t)st.st_size, fd);
		} else {
			th_err e = { 0 };
			if (fd >= 0)
				close(fd);
			th_fail(&e, TH_E_IO, "cannot open kept file %s", rp->file);
			free(rp->file);
			rp->file = NULL;
			th_reply_error(c->w, &c->rq, rp, &e);
		}
	}
	if (!r)
		r = MHD_create_response_from_buffer(rp->body.len, rp->body.buf, MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	add_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rp->ctype ? rp->ctype : "text/plain; charset=utf-8");
	add_header(r, "X-Content-Type-Options", "nosniff");
	add_header(r, "Referrer-Policy", "same-origin");
	add_header(r, "X-Frame-Options", "DENY");
	add_header(r, "Content-Security-Policy", th_html_csp());
	add_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, strncmp(c->rq.path, "/static/", 8) == 0 ? "max-age=3600" : "no-store");
	if (h->tls)
		add_header(r, "Strict-Transport-Security", "max-age=31536000");
	add_header(r, MHD_HTTP_HEADER_LOCATION, rp->location);
	add_header(r, MHD_HTTP_HEADER_SET_COOKIE, rp->cookie);
	add_header(r, MHD_HTTP_HEADER_ALLOW, rp->allow);
	if (rp->www_auth)
		add_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Basic realm=\"tonghop\", charset=\"UTF-8\"");
	if (rp->filename) {
		char cd[160];
		/* our own ASCII names: nothing to quote */
		snprintf(cd, sizeof(cd), "attachment; filename=\"%s\"", rp->filename);
		add_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, cd);
	}
	ret = MHD_queue_response(mc, (unsigned)rp->status, r);
	MHD_destroy_response(r);
	c->queued = true;
	return ret;
}

/* ---- the upload workers ---- */

static void *worker_main(void *arg)
{
	struct pool *p = arg;

	setpriority(PRIO_PROCESS, 0, 5); /* Linux: this thread only; pages go first */
	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct conn *c;
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->cv, &p->lock);
		if (!p->head)
			break; /* stopping, and the queue drained */
		c = p->head;
		p->head = c->next;
		if (!p->head)
			p->tail = NULL;
		p->n--;
		pthread_mutex_unlock(&p->lock);
		th_web_finish(p->w, &c->rq, &c->rp);
		c->done = true;
		MHD_resume_connection(c->mc);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static struct pool *pool_start(th_web *w, unsigned n, size_t max)
{
	struct pool *p = th_xcalloc(1, sizeof(*p));

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->w = w;
	p->max = max;
	p->th = th_xcalloc(n, sizeof(*p->th));
	for (unsigned i = 0; i < n; i++)
		if (pthread_create(&p->th[p->n_th], NULL, worker_main, p) == 0)
			p->n_th++;
	return p;
}

/* Hand c to a worker: 0 (suspended, queued), 1 (no worker: run it here), -1 (queue full). */
static int pool_push(struct pool *p, struct MHD_Connection *mc, struct conn *c)
{
	int rc = 0;

	if (!p)
		return 1;
	pthread_mutex_lock(&p->lock);
	if (p->stopping || !p->n_th) {
		rc = 1;
	} else if (p->n >= p->max) {
		rc = -1;
	} else {
		c->mc = mc;
		MHD_suspend_connection(mc);
		c->next = NULL;
		if (p->tail)
			p->tail->next = c;
		else
			p->head = c;
		p->tail = c;
		p->n++;
		pthread_cond_signal(&p->cv);
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

/* Finish what is queued, then end the workers. */
static void pool_stop(struct pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->n_th; i++)
		pthread_join(p->th[i], NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cv);
	free(p->th);
	free(p);
}

/* The first callback of a request: its state, headers, and the checks before any body. */
static enum MHD_Result conn_start(struct th_httpd *h, struct MHD_Connection *mc, const char *url, const char *method,
				  void **con_cls)
{
	const union MHD_ConnectionInfo *ci;
	struct conn *c = th_xcalloc(1, sizeof(*c));

	*con_cls = c;
	c->w = h->w;
	ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	c->sock = ci ? ci->socket_context : NULL;
	sock_busy(h, c->sock, true);
	th_req_init(&c->rq, method, url);
	th_reply_init(&c->rp);
	th_sbuf_init(&c->field, TH_FIELD_MAX);
	th_sbuf_init(&c->json, 1);
	MHD_get_connection_values(mc, MHD_HEADER_KIND, header_cb, &c->rq);
	MHD_get_connection_values(mc, MHD_GET_ARGUMENT_KIND, query_cb, &c->rq);
	ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;
		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, c->rq.ip,
				  sizeof(c->rq.ip));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, c->rq.ip,
				  sizeof(c->rq.ip));
	}
	if (th_web_begin(h->w, &c->rq, &c->rp))
		return queue(h, mc, c); /* refused before any body is read */
	c->kind = th_web_body(h->w, &c->rq, &c->max);
	if (c->kind == TH_BODY_FORM || c->kind == TH_BODY_UPLOAD) {
		c->pp = MHD_create_post_processor(mc, 32 * 1024, post_iter, c);
		if (!c->pp && c->rq.content_length > 0) {
			th_err e = { 0 };
			th_fail(&e, TH_E_BAD_REQUEST, "nội dung phải là một biểu mẫu (multipart/form-data)");
			th_reply_error(h->w, &c->rq, &c->rp, &e);
			return queue(h, mc, c);
		}
	} else if (c->kind == TH_BODY_JSON) {
		th_sbuf_init(&c->json, (size_t)c->max);
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct th_httpd *h = cls;
	struct conn *c = *con_cls;

	(void)version;
	if (!c)
		return conn_start(h, mc, url, method, con_cls);
	if (c->done)
		return queue(h, mc, c); /* resumed: a worker decided the reply */
	if (c->queued) {
		*upload_data_size = 0; /* answered already: the rest is dropped */
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		c->got += n;
		if (c->got > c->max) {
			c->rq.body_too_big = true;
		} else if (!c->rq.body_too_big) {
			if (c->pp && MHD_post_process(c->pp, upload_data, n) != MHD_YES)
				c->bad_body = true;
			else if (c->kind == TH_BODY_JSON)
				th_sbuf_add(&c->json, upload_data, n);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	/* the whole body is in */
	if (c->pp) {
		MHD_destroy_post_processor(c->pp);
		c->pp = NULL;
	}
	field_commit(c);
	if (c->rq.upload.path && c->rq.upload.fd >= 0) {
		th_err e = { 0 };
		if (th_spool_finish(&c->rq.upload, &e) && !c->body_err.code)
			c->body_err = e;
	}
	if (c->kind == TH_BODY_JSON && c->json.len) {
		if (th_sbuf_err(&c->json))
			c->rq.body_too_big = true;
		else
			c->rq.body = th_sbuf_detach(&c->json, &c->rq.body_len);
	}
	if (c->body_err.code && !c->rq.body_too_big && !c->rq.upload.too_big) {
		th_reply_error(h->w, &c->rq, &c->rp, &c->body_err); /* ours (a full disk): 500, logged */
	} else if (c->two_files && !c->rq.body_too_big && !c->rq.upload.too_big) {
		th_err e = { 0 };
		th_fail(&e, TH_E_BAD_REQUEST, "mỗi lần chỉ gửi một tệp báo cáo (trường 'file' có nhiều tệp): "
			"hãy gửi từng tệp một");
		th_reply_error(h->w, &c->rq, &c->rp, &e);
	} else if (c->bad_body && !c->rq.body_too_big && !c->rq.upload.too_big) {
		th_err e = { 0 };
		th_fail(&e, TH_E_BAD_REQUEST, "nội dung gửi lên không đọc được (biểu mẫu hỏng hoặc quá nhiều trường)");
		th_reply_error(h->w, &c->rq, &c->rp, &e);
	} else {
		int rc = c->kind == TH_BODY_UPLOAD ? pool_push(h->pool, mc, c) : 1;
		if (rc == 0)
			return MHD_YES; /* a worker has it */
		if (rc < 0) {
			th_err e = { 0 };
			th_fail(&e, TH_E_BUSY, "máy chủ đang nhận quá nhiều tệp cùng lúc: hãy gửi lại sau ít phút");
			th_reply_error(h->w, &c->rq, &c->rp, &e);
		} else {
			th_web_finish(h->w, &c->rq, &c->rp);
		}
	}
	return queue(h, mc, c);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	struct th_httpd *h = cls;
	struct conn *c = *con_cls;
	uint64_t bytes;

	(void)mc;
	(void)toe;
	if (!c)
		return;
	sock_busy(h, c->sock, false);
	bytes = c->rp.body.len;
	if (c->rp.file) {
		struct stat st;
		if (stat(c->rp.file, &st) == 0)
			bytes = (uint64_t)st.st_size;
	}
	if (c->rp.status)
		th_web_access_log(h->w, &c->rq, &c->rp, bytes);
	if (c->pp)
		MHD_destroy_post_processor(c->pp);
	th_req_release(&c->rq); /* removes a spool not kept */
	th_reply_release(&c->rp);
	th_sbuf_release(&c->field);
	th_sbuf_release(&c->json);
	free(c);
	*con_cls = NULL;
}

/* The address to listen on, from c->host; -1 with *e. */
static int listen_addr(const th_httpd_conf *c, struct sockaddr_storage *ss, unsigned *flags, th_err *e)
{
	struct sockaddr_in *sa4 = (struct sockaddr_in *)(void *)ss;
	struct sockaddr_in6 *sa6 = (struct sockaddr_in6 *)(void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, c->host, &sa4->sin_addr) == 1) {
		sa4->sin_family = AF_INET;
		sa4->sin_port = htons(c->port);
		return 0;
	}
	if (inet_pton(AF_INET6, c->host, &sa6->sin6_addr) == 1) {
		sa6->sin6_family = AF_INET6;
		sa6->sin6_port = htons(c->port);
		*flags |= MHD_USE_IPv6;
		return 0;
	}
	return th_fail(e, TH_E_USAGE, "địa chỉ '%s' không phải địa chỉ IP (như 127.0.0.1 hoặc 0.0.0.0)", c->host);
}

bool th_httpd_loopback(const char *host)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, host, &a6) == 1) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return true;
		return memcmp(a6.s6_addr, mapped, 12) == 0 && a6.s6_addr[12] == 127;
	}
	return false;
}

int th_httpd_start(th_httpd **out, th_web *w, const th_httpd_conf *c, th_err *e)
{
	struct th_httpd *h;
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME;
	const union MHD_DaemonInfo *di;
	bool tls = c->cert_pem && c->key_pem;
	unsigned timeout = c->timeout ? c->timeout : 30;

	*out = NULL;
	if (listen_addr(c, &ss, &flags, e))
		return -1;
	if (!tls && !c->insecure_http && !th_httpd_loopback(c->host))
		return th_fail(e, TH_E_USAGE,
			       "không phục vụ http thường (không mã hoá) trên địa chỉ %s: mật khẩu và báo cáo sẽ đi qua "
			       "mạng ở dạng đọc được. Hãy dùng --cert và --key (https), hoặc --insecure-http nếu mạng "
			       "đã được bảo vệ cách khác (như một máy chủ https đứng trước)",
			       c->host);
	if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
		return th_fail(e, TH_E_CONFIG, "thư viện libmicrohttpd của máy này không hỗ trợ TLS (https)");
	if (tls)
		flags |= MHD_USE_TLS;
	h = th_xcalloc(1, sizeof(*h));
	h->w = w;
	h->tls = tls;
	h->header_ms = (int64_t)timeout * 1000;
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->cv, NULL);
	h->d = MHD_start_daemon(flags, c->port, NULL, NULL, on_request, h,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, w, /* first, so that every message goes there */
				MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&ss,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(c->threads ? c->threads : 4),
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000,
				MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)64,
				MHD_OPTION_CONNECTION_TIMEOUT, timeout,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(256 * 1024),
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, h,
				tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, c->key_pem,
				MHD_OPTION_HTTPS_MEM_CERT, c->cert_pem,
				MHD_OPTION_END);
	if (!h->d) {
		pthread_mutex_destroy(&h->lock);
		pthread_cond_destroy(&h->cv);
		free(h);
		return th_fail(e, TH_E_IO, "không mở được cổng %s:%u (đã có chương trình khác dùng, hoặc khoá TLS không hợp lệ)",
			       c->host, (unsigned)c->port);
	}
	h->watching = pthread_create(&h->watch, NULL, watch_main, h) == 0;
	if (c->workers)
		h->pool = pool_start(w, c->workers, c->queue ? c->queue : 256);
	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = di ? di->port : c->port;
	*out = h;
	return 0;
}

uint16_t th_httpd_port(const th_httpd *h)
{
	return h->port;
}

void th_httpd_stop(th_httpd *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->stopping = true;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->lock);
	if (h->watching)
		pthread_join(h->watch, NULL);
	/* no connection may stay suspended when the daemon stops: the queue is finished first
	 * (uploads that complete meanwhile are run on libmicrohttpd's threads) */
	pool_stop(h->pool);
	h->pool = NULL;
	MHD_stop_daemon(h->d);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->cv);
	free(h);
}
