/*
 * keel_console_attach() against a fake keel-consoled: a thread serving
 * one connection on a temporary socket ($KEEL_CONSOLE_SOCK).
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "console_client.h"
#include "tests.h"

struct fake {
	int lfd;
	const char *answer;     /* sent after the request line */
	bool close_after;       /* hang up after the answer    */
	char got[256];          /* everything the client sent  */
	size_t got_len;
};

static char sock_path[108];

static void *serve(void *arg)
{
	struct fake *f = arg;
	int fd = accept(f->lfd, NULL, NULL);
	ssize_t n;

	if (fd < 0)
		return NULL;
	/* the request line */
	while (f->got_len < sizeof(f->got) &&
	       !memchr(f->got, '\n', f->got_len)) {
		n = read(fd, f->got + f->got_len, sizeof(f->got) - f->got_len);
		if (n <= 0)
			break;
		f->got_len += (size_t)n;
	}
	(void)!write(fd, f->answer, strlen(f->answer));
	if (!f->close_after) {
		while ((n = read(fd, f->got + f->got_len,
				 sizeof(f->got) - f->got_len)) > 0)
			f->got_len += (size_t)n;
	}
	close(fd);
	return NULL;
}

static void fake_start(struct fake *f, pthread_t *t)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sock_path, sizeof(sock_path), "/tmp/cons-test-%d.sock",
		 (int)getpid());
	unlink(sock_path);
	strcpy(sa.sun_path, sock_path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(f->lfd, 0);
	ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(f->lfd, 1), 0);
	setenv("KEEL_CONSOLE_SOCK", sock_path, 1);
	ck_assert_int_eq(pthread_create(t, NULL, serve, f), 0);
}

static void fake_stop(struct fake *f, pthread_t t)
{
	pthread_join(t, NULL);
	close(f->lfd);
	unlink(sock_path);
}

/* Runs the client with @input on a pipe; its output lands in @out. */
static int attach_with(uint16_t domid, const char *input, size_t ilen,
		       bool close_input, char *out, size_t osize)
{
	int in[2], o[2], rc;
	ssize_t n;

	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(o), 0);
	ck_assert_int_eq(write(in[1], input, ilen), (ssize_t)ilen);
	if (close_input)
		close(in[1]);
	rc = keel_console_attach(domid, in[0], o[1]);
	close(o[1]);
	n = read(o[0], out, osize - 1);
	out[n > 0 ? n : 0] = '\0';
	close(o[0]);
	close(in[0]);
	if (!close_input)
		close(in[1]);
	return rc;
}

START_TEST(backlog_then_input_until_ctrl_bracket)
{
	struct fake f = { .answer = "ok\nhello from hello\n" };
	char out[256];
	pthread_t t;

	fake_start(&f, &t);
	ck_assert_int_eq(attach_with(7, "ls\r\x1dnot sent", 13, false, out,
				     sizeof(out)), 0);
	fake_stop(&f, t);
	ck_assert_str_eq(out, "hello from hello\n");
	ck_assert_uint_eq(f.got_len, strlen("attach 7\nls\r"));
	ck_assert(memcmp(f.got, "attach 7\nls\r", f.got_len) == 0);
}
END_TEST

START_TEST(end_of_input_detaches)
{
	struct fake f = { .answer = "ok\n" };
	char out[64];
	pthread_t t;

	fake_start(&f, &t);
	ck_assert_int_eq(attach_with(3, "x", 1, true, out, sizeof(out)), 0);
	fake_stop(&f, t);
	ck_assert(memcmp(f.got, "attach 3\nx", 10) == 0);
}
END_TEST

START_TEST(refused_console_is_enxio)
{
	struct fake f = { .answer = "error no console for that domain\n",
			  .close_after = true };
	char out[64];
	pthread_t t;

	fake_start(&f, &t);
	ck_assert_int_eq(attach_with(9, "", 0, false, out, sizeof(out)),
			 -ENXIO);
	fake_stop(&f, t);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(daemon_hanging_up_is_epipe)
{
	struct fake f = { .answer = "ok\nbye", .close_after = true };
	char out[64];
	pthread_t t;

	fake_start(&f, &t);
	ck_assert_int_eq(attach_with(4, "", 0, false, out, sizeof(out)),
			 -EPIPE);
	fake_stop(&f, t);
	ck_assert_str_eq(out, "bye");
}
END_TEST

START_TEST(garbage_answer_is_eproto)
{
	struct fake f = { .answer = "what?\n", .close_after = true };
	char out[64];
	pthread_t t;

	fake_start(&f, &t);
	ck_assert_int_eq(attach_with(4, "", 0, false, out, sizeof(out)),
			 -EPROTO);
	fake_stop(&f, t);
}
END_TEST

START_TEST(no_daemon)
{
	char out[16];
	int rc;

	setenv("KEEL_CONSOLE_SOCK", "/nonexistent/console.sock", 1);
	rc = attach_with(1, "", 0, true, out, sizeof(out));
	ck_assert(rc == -ENOENT || rc == -ECONNREFUSED);
}
END_TEST

Suite *suite_client(void)
{
	Suite *s = suite_create("client");
	TCase *tc = tcase_create("client");

	tcase_add_test(tc, backlog_then_input_until_ctrl_bracket);
	tcase_add_test(tc, end_of_input_detaches);
	tcase_add_test(tc, refused_console_is_enxio);
	tcase_add_test(tc, daemon_hanging_up_is_epipe);
	tcase_add_test(tc, garbage_answer_is_eproto);
	tcase_add_test(tc, no_daemon);
	suite_add_tcase(s, tc);
	return s;
}
