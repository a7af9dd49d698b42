/* Parsing mail where a parser failure costs one message, never the server.
 *
 * fl_mail_parse (mail.h) runs GMime in the calling process: a hostile
 * message can make it allocate hundreds of megabytes, and GLib aborts the
 * whole process when an allocation fails. fl_mail_parse_isolated runs the
 * same parser in a child process — this binary again (/proc/self/exe),
 * with its hidden `mail-parse` command — under limits of its own: address
 * space, CPU seconds a message, no files written, no core dumps, and a
 * wall-clock deadline. Children are kept for many messages (starting one
 * costs more than parsing most mail) and replaced when one fails. The raw
 * message goes to a child's standard input; the struct fl_mail comes back
 * on its standard output in the format below, which the server decodes as
 * the semi-trusted input it is.
 *
 * Before GMime builds a tree, fl_mail_parse counts the parts with a cheap
 * scan of the raw bytes and refuses a message with more than
 * FL_MAIL_MAX_PARTS (see mime.c for why refusing beats truncating). */
#ifndef FL_MAIL_PARSER_H
#define FL_MAIL_PARSER_H

#include "core/str.h"
#include "mail/mail.h"

#define FL_MAIL_MAX_PARTS 1000 /* MIME parts in a message, forwarded ones included */
/* bytes of decoded parts kept (files, text, forwarded .eml copies): what
 * nested forwards could otherwise multiply */
#define FL_MAIL_MAX_DECODED FL_MAIL_MAX_BYTES

/* The limits of the parser children, from the server's configuration
 * (mail_parse_memory, mail_parse_time, mail_parse_jobs: docs/operations.md),
 * given at its start:
 *   memory_mb  MiB of address space a child may add to what it maps at
 *              start (default 1024)
 *   seconds    seconds of CPU and of wall clock for one message (default 30)
 *   jobs       children at most (default 4, 256 at most); a message that
 *              finds them all busy for the whole deadline is a temporary
 *              failure
 * A child started under other limits is replaced at its next message. */
struct fl_mail_limits {
	size_t memory_mb;
	unsigned seconds;
	unsigned jobs;
};
void fl_mail_parse_configure(const struct fl_mail_limits *l);

/* fl_mail_parse in a child process: the same contract (strings and file
 * bytes in a, FL_EINVAL or FL_ETOOBIG with e filled for a message that can
 * never be taken), plus FL_EBUSY (e says why) when the child crashed, was
 * killed by a limit, timed out, or answered something that does not
 * decode: a temporary failure — the MTA or the next IMAP poll tries again.
 * An answer up to 1 MiB is read into one buffer the arena owns; a larger
 * one (attachments, decoded) into an unnamed temporary file in $TMPDIR (else
 * /tmp) that the arena keeps mapped, out->spooled set. */
int fl_mail_parse_isolated(const char *raw, size_t n, fl_arena *a, struct fl_mail *out,
			   struct fl_err *e);

/* Says that m's file i will not be read again (its bytes are in the
 * attachments folder): when they are in a spooled answer, the memory their
 * pages hold goes back (the pages at the file's ends stay, shared with
 * the strings beside it); otherwise nothing. Reading them afterwards is
 * undefined. So a message's attachments pass through the server's
 * resident memory one at a time. */
void fl_mail_file_release(const struct fl_mail *m, size_t i);

/* Ends the idle parser children (at the server's stop). */
void fl_mail_parse_stop(void);

/* The child's side: applies the limits given, then, until its standard
 * input ends, reads a message (its length as a u64, little-endian, then
 * its bytes), parses it with `seconds` of CPU of its own, and writes the
 * answer's length (u64) and the answer on standard output. Returns the
 * exit status: 0 at a clean end, 1 on a broken request or a failed write. */
int fl_mail_parse_child(size_t memory_mb, unsigned seconds);

/* The answer's format, version 1. All integers little-endian.
 *   "FLM1"                         magic and version
 *   i32 rc                         0, or the FL_E… code of fl_mail_parse
 *   rc != 0: str field, str reason, str msg           (the struct fl_err)
 *   rc == 0: the struct fl_mail, field by field in its declared order;
 *            arrays as u32 count then the items; a file as str file_name,
 *            str content_type, str content_id, str data
 *   "END!"
 * A str is u32 length then the bytes and a NUL (0xFFFFFFFF: NULL, no
 * bytes). Encoding appends to b; FL_ETOOBIG past b's cap. */
int fl_mail_encode(fl_buf *b, int rc, const struct fl_mail *m, const struct fl_err *e);
/* Decodes n bytes at p written by fl_mail_encode. Strings point into p,
 * which must stay alive and unchanged as long as *m is used. Every count,
 * length and string is checked: FL_EMALFORMED for anything that is not a
 * well-formed answer (a count over its array, a length past the end, a
 * NUL inside a string, an address that fl_email_normalize refuses or
 * would change, text that is not UTF-8, trailing bytes). Otherwise *rc
 * is the child's result, and *m (rc == 0) or *e (rc != 0) what it said. */
int fl_mail_decode(char *p, size_t n, int *rc, struct fl_mail *m, struct fl_err *e);

#endif
