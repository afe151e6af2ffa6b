/*
 * httpd: a small HTTP/1.0 server on lwIP's raw TCP API (docs/guests.md).
 *
 *   GET /           an HTML page with the domain's name, id and uptime
 *   GET /bytes/N    exactly N bytes (N <= HTTPD_BYTES_MAX) of the fixed
 *                   pattern byte i = i % 251 (net_pattern.h), so a client can
 *                   check a body by checksum
 *   anything else   404; a request line that is not "GET|HEAD path
 *                   HTTP/x" 400; other methods 405
 *
 * One response per connection (Connection: close).  Bodies are generated
 * as the send buffer empties (tcp_sent), so a large one costs no memory.
 * Each request is logged: "httpd: GET /bytes/1048576 200 1048576".
 */
#include "kernel.h"
#include "net.h"
#include "net_pattern.h"
#include "xs.h"

#include "lwip/tcp.h"

#define HTTPD_PORT       80
#define HTTPD_CONNS      16
#define HTTPD_REQ_MAX    1024
#define HTTPD_BYTES_MAX  (1ull << 36)     /* 64 GiB */
#define HTTPD_CHUNK      (8u * TCP_MSS)   /* whole segments */

struct conn {
	struct tcp_pcb *pcb;
	char req[HTTPD_REQ_MAX];
	size_t req_len;
	int responding;
	char head[1536];          /* status line, headers and a small body */
	size_t head_len, head_off;
	uint64_t body_len, body_off;   /* pattern bytes after head */
	int closing;
};

static struct conn conns[HTTPD_CONNS];
static char dom_name[64] = "?";
static uint64_t boot_ns;

static struct conn *conn_get(void)
{
	for (unsigned int i = 0; i < HTTPD_CONNS; i++)
		if (!conns[i].pcb)
			return &conns[i];
	return NULL;
}

static void conn_free(struct conn *c)
{
	memset(c, 0, sizeof(*c));
}

/* Detach our callbacks and close (lwIP sends what is queued, then FIN);
 * if lwIP has no memory to close now, the poll callback tries again. */
static void conn_close(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;

	c->closing = 1;
	if (tcp_close(pcb) != ERR_OK)
		return;
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
	conn_free(c);
}

/* Queue as much of the response as the send buffer takes. */
static void send_more(struct conn *c)
{
	static uint8_t chunk[HTTPD_CHUNK];
	struct tcp_pcb *pcb = c->pcb;
	int queued = 0;

	while (c->head_off < c->head_len) {
		u16_t room = tcp_sndbuf(pcb);
		size_t n = c->head_len - c->head_off;

		if (room == 0)
			break;
		if (n > room)
			n = room;
		if (tcp_write(pcb, c->head + c->head_off, (u16_t)n,
			      TCP_WRITE_FLAG_COPY | (c->body_len ? TCP_WRITE_FLAG_MORE : 0)) != ERR_OK)
			break;
		c->head_off += n;
		queued = 1;
	}
	while (c->head_off == c->head_len && c->body_off < c->body_len) {
		u16_t room = tcp_sndbuf(pcb);
		uint64_t left = c->body_len - c->body_off;
		size_t n = left < HTTPD_CHUNK ? (size_t)left : HTTPD_CHUNK;

		if (n > room) {          /* whole segments while more follow */
			n = room - room % TCP_MSS;
			if (n == 0)
				break;
		}
		net_pattern_fill(chunk, c->body_off, n);
		if (tcp_write(pcb, chunk, (u16_t)n,
			      TCP_WRITE_FLAG_COPY |
			      (c->body_off + n < c->body_len ? TCP_WRITE_FLAG_MORE : 0)) != ERR_OK)
			break;
		c->body_off += n;
		queued = 1;
	}
	if (queued)
		tcp_output(pcb);
	if (c->head_off == c->head_len && c->body_off == c->body_len)
		conn_close(c);
}

static void respond(struct conn *c, int status, const char *reason,
		    const char *type, const char *body, uint64_t pattern_len,
		    int head_only)
{
	uint64_t len = body ? strlen(body) : pattern_len;
	int n;

	n = gk_snprintf(c->head, sizeof(c->head),
			"HTTP/1.0 %d %s\r\nServer: keel-httpd\r\nContent-Type: %s\r\n"
			"Content-Length: %lu\r\nConnection: close\r\n\r\n%s",
			status, reason, type, (unsigned long)len,
			body && !head_only ? body : "");
	if (n < 0 || (size_t)n >= sizeof(c->head))
		n = (int)sizeof(c->head) - 1;
	c->head_len = (size_t)n;
	c->body_len = body || head_only ? 0 : pattern_len;
	c->responding = 1;
}

/* Parse "/bytes/N": 1 and *n, 0 when path is not under /bytes/, -1 for
 * a bad or too large N. */
static int bytes_path(const char *path, uint64_t *n)
{
	const char *p = path + 7;
	uint64_t v = 0;

	if (strncmp(path, "/bytes/", 7) != 0)
		return 0;
	if (!*p)
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > HTTPD_BYTES_MAX)
			return -1;
	}
	*n = v;
	return 1;
}

static void handle_request(struct conn *c)
{
	char method[8], path[256], page[768];
	const char *p = c->req, *sp;
	size_t ml, pl;
	uint64_t n = 0, up_ms;
	int head_only, b;

	sp = p;
	while (*sp && *sp != ' ' && *sp != '\r' && *sp != '\n')
		sp++;
	ml = (size_t)(sp - p);
	if (*sp != ' ' || ml == 0 || ml >= sizeof(method)) {
		respond(c, 400, "Bad Request", "text/plain", "bad request line\n", 0, 0);
		printk("httpd: bad request line: 400\n");
		return;
	}
	memcpy(method, p, ml);
	method[ml] = '\0';
	p = sp + 1;
	sp = p;
	while (*sp && *sp != ' ' && *sp != '\r' && *sp != '\n')
		sp++;
	pl = (size_t)(sp - p);
	if (pl == 0 || pl >= sizeof(path) || *p != '/') {
		respond(c, 400, "Bad Request", "text/plain", "bad path\n", 0, 0);
		printk("httpd: %s with a bad path: 400\n", method);
		return;
	}
	memcpy(path, p, pl);
	path[pl] = '\0';
	head_only = strcmp(method, "HEAD") == 0;
	if (!head_only && strcmp(method, "GET") != 0) {
		respond(c, 405, "Method Not Allowed", "text/plain", "GET or HEAD only\n", 0, 0);
		printk("httpd: %s %s 405\n", method, path);
		return;
	}
	if (strcmp(path, "/") == 0) {
		up_ms = (time_now_ns() - boot_ns) / NS_PER_MS;
		gk_snprintf(page, sizeof(page),
			    "<!DOCTYPE html>\n<html><head><title>keel: %s</title></head>\n"
			    "<body><h1>Keel guest %s</h1>\n"
			    "<p>domain %s (id %u), uptime %lu.%03lu s, address %s</p>\n"
			    "<p>lwIP over netfront; try /bytes/N</p></body></html>\n",
			    dom_name, dom_name, dom_name, kernel_domid,
			    (unsigned long)(up_ms / 1000), (unsigned long)(up_ms % 1000),
			    net_addr_str());
		respond(c, 200, "OK", "text/html", page, 0, head_only);
		printk("httpd: %s / 200\n", method);
		return;
	}
	b = bytes_path(path, &n);
	if (b > 0) {
		respond(c, 200, "OK", "application/octet-stream", NULL, n, head_only);
		printk("httpd: %s %s 200 %lu\n", method, path, (unsigned long)n);
		return;
	}
	if (b < 0) {
		respond(c, 400, "Bad Request", "text/plain",
			"/bytes/N: N is a decimal number of bytes up to 68719476736\n", 0, 0);
		printk("httpd: %s %s 400\n", method, path);
		return;
	}
	respond(c, 404, "Not Found", "text/plain", "not found\n", 0, head_only);
	printk("httpd: %s %s 404\n", method, path);
}

static int request_complete(const struct conn *c)
{
	for (size_t i = 0; i + 1 < c->req_len; i++) {
		if (c->req[i] == '\n' && c->req[i + 1] == '\n')
			return 1;
		if (i + 3 < c->req_len && memcmp(c->req + i, "\r\n\r\n", 4) == 0)
			return 1;
	}
	return c->req_len >= sizeof(c->req) - 1;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct conn *c = arg;

	(void)err;
	if (!p) {                     /* the client closed its side */
		if (!c->responding)
			conn_close(c);
		return ERR_OK;
	}
	if (!c->responding) {
		size_t room = sizeof(c->req) - 1 - c->req_len;
		size_t n = p->tot_len < room ? p->tot_len : room;

		pbuf_copy_partial(p, c->req + c->req_len, (u16_t)n, 0);
		c->req_len += n;
		c->req[c->req_len] = '\0';
		if (request_complete(c)) {
			handle_request(c);
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
			send_more(c);
			return ERR_OK;
		}
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct conn *c = arg;

	(void)pcb;
	(void)len;
	if (c->closing)
		conn_close(c);
	else if (c->responding)
		send_more(c);
	return ERR_OK;
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
	struct conn *c = arg;

	(void)pcb;
	if (c->closing)
		conn_close(c);
	else if (c->responding)
		send_more(c);
	return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
	struct conn *c = arg;

	(void)err;
	if (c)
		conn_free(c);      /* lwIP has freed the pcb */
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct conn *c = conn_get();

	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	if (!c) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	memset(c, 0, sizeof(*c));
	c->pcb = pcb;
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	tcp_poll(pcb, on_poll, 2);
	tcp_nagle_disable(pcb);
	return ERR_OK;
}

int guest_main(const char *cmdline)
{
	struct tcp_pcb *pcb;
	char path[64];
	int rc;

	boot_ns = time_now_ns();
	if (xs_home_path(path, sizeof(path), "name") == 0)
		(void)xs_read(XS_NO_TX, path, dom_name, sizeof(dom_name));
	rc = net_init(cmdline);
	if (rc < 0) {
		printk("httpd: no network: error %d\n", rc);
		return rc;
	}
	pcb = tcp_new();
	if (!pcb || tcp_bind(pcb, IP_ANY_TYPE, HTTPD_PORT) != ERR_OK) {
		printk("httpd: cannot bind port %d\n", HTTPD_PORT);
		return -KEEL_EBUSY;
	}
	pcb = tcp_listen(pcb);
	if (!pcb) {
		printk("httpd: cannot listen\n");
		return -KEEL_ENOMEM;
	}
	tcp_accept(pcb, on_accept);
	printk("httpd: serving http://%s:%d/\n", net_addr_str(), HTTPD_PORT);
	for (;;)
		net_wait(0);
}
