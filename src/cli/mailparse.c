/* frontline mail-parse: the hidden command the server runs to parse the
 * mail it reads (mail/parser.h). Not for people: it reads messages on
 * standard input and writes each parsed mail, in the server's own binary
 * format, on standard output, until its input ends. */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "mail/parser.h"

int fl_cmd_mail_parse(int argc, char **argv)
{
	static const struct option opts[] = {
		{"memory", required_argument, 0, 'm'},
		{"seconds", required_argument, 0, 's'},
		{0, 0, 0, 0},
	};
	int64_t memory = 0, seconds = 0;
	int opt;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		int64_t *v = opt == 'm' ? &memory : opt == 's' ? &seconds : NULL;
		if (!v || fl_str_to_i64(fl_str_c(optarg), v))
			return 64;
	}
	if (memory < 1 || memory > (1 << 20) || seconds < 1 || seconds > 3600 || optind < argc) {
		fprintf(stderr,
			"frontline mail-parse: internal; the server runs it with --memory MiB "
			"--seconds N\n");
		return 64;
	}
	return fl_mail_parse_child((size_t)memory, (unsigned)seconds);
}
