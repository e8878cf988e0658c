/*
 * The HTTP server: libmicrohttpd with a thread pool, feeding the dispatcher of web.h.
 * Each request is made a th_req on its first callback and checked (route, account,
 * capability, origin, declared size) before any body is read; a refused request is
 * answered at once and the rest of its body dropped. Form bodies go through
 * libmicrohttpd's post processor, the file field spooled to disk as it streams in (capped,
 * hashed); a JSON body is collected up to its route's limit. A complete upload is read and
 * checked by a pool of workers, its connection suspended meanwhile, so that pages never
 * wait behind a check; the queue is bounded (503 past it), connections per address and
 * idle time too, and a
 * connection that does not finish a request's headers in time is closed (slowloris).
 * Nothing here prints: libmicrohttpd's messages and the access log go to the web's log.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_HTTPD_H
#define TH_HTTPD_H

#include <stdbool.h>
#include <stdint.h>

#include "base/err.h"
#include "serve/web.h"

typedef struct th_httpd th_httpd;

typedef struct th_httpd_conf {
	const char *host;        /* an IPv4 or IPv6 address to listen on */
	uint16_t port;           /* 0: any free port (th_httpd_port tells which) */
	unsigned threads;        /* worker threads, each with its own store connection */
	unsigned timeout;        /* seconds a connection may stay idle, and may take to send a
				  * request's headers (slowloris); 0: 30 */
	const char *cert_pem, *key_pem; /* TLS when both are set (the PEM text) */
	bool insecure_http;      /* plain HTTP on an address other than loopback (else refused) */
	unsigned workers;        /* threads that read and check uploads (0: on the server's own) */
	unsigned queue;          /* complete uploads waiting for a worker; more get 503 (0: 256) */
} th_httpd_conf;

/* Start serving w; -1 with *e (the address cannot be used, TLS keys refused; TH_E_USAGE for
 * an address that is no IP, or plain HTTP beyond loopback without insecure_http). */
int th_httpd_start(th_httpd **out, th_web *w, const th_httpd_conf *c, th_err *e);
/* Is host (an IP address) a loopback one (127.0.0.0/8, ::1)? */
bool th_httpd_loopback(const char *host);
/* The port listened on. */
uint16_t th_httpd_port(const th_httpd *h);
/* Stop: requests in progress finish, worker threads end (closing their stores). */
void th_httpd_stop(th_httpd *h);

#endif
