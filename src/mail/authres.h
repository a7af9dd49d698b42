/* Authentication-Results (RFC 8601): what a receiving host says it checked
 * (SPF, DKIM, DMARC) about a message, and whether we believe it.
 *
 * The header is only as good as the host that wrote it: anyone can put an
 * "Authentication-Results: mx.example.com; dmarc=pass" into the mail they
 * send. So only headers whose authserv-id is the one configured for our own
 * receiving host (the mail.authserv_id setting) count, and only the topmost
 * consecutive ones: our host adds its header above everything the sender
 * wrote, so the first header that is not ours ends the trusted run (an
 * attacker's forged "ours" below a foreign one is never read).
 * Plain C, no allocation: fuzzed by tests/fuzz/fuzz_authres.c. */
#ifndef FL_MAIL_AUTHRES_H
#define FL_MAIL_AUTHRES_H

#include <stddef.h>

#define FL_AUTHRES_MAX_RESULTS 16 /* resinfo in one header */
#define FL_AUTHRES_MAX_PROPS 8    /* ptype.property=value of one resinfo */

struct fl_authres_prop {
	char ptype[16];    /* "smtp", "header", "body", "policy", lower case */
	char property[32]; /* "mailfrom", "from", "d", "i", lower case */
	char value[320];   /* as written, quotes removed */
};

struct fl_authres_result {
	char method[32]; /* "spf", "dkim", "dmarc", lower case, version dropped */
	char result[32]; /* "pass", "fail", "none", lower case */
	struct fl_authres_prop props[FL_AUTHRES_MAX_PROPS];
	size_t nprops;
};

struct fl_authres {
	char authserv_id[256]; /* as written, quotes removed */
	struct fl_authres_result r[FL_AUTHRES_MAX_RESULTS];
	size_t n;       /* 0 for "none" */
	size_t dropped; /* results past FL_AUTHRES_MAX_RESULTS, read and not kept */
};

/* Parses the value of one Authentication-Results header (RFC 8601 §2.2:
 * authserv-id [version] then "; none" or resinfo: "; method[/version] =
 * result [reason=value] ptype.property=value …", with CFWS — nested
 * comments in parentheses, quoted strings — anywhere between tokens).
 * Unknown methods and properties are kept, as many as the limits hold:
 * properties past FL_AUTHRES_MAX_PROPS are read and dropped, results past
 * FL_AUTHRES_MAX_RESULTS read and counted in dropped; a key=value without
 * a ptype ("reason=", "action=quarantine") is read and not kept. An
 * overlong token or broken syntax is FL_EINVAL; authserv_id is filled as
 * soon as it is read (so a broken header is still known by its writer),
 * the rest of out then holds garbage. */
int fl_authres_parse(const char *z, size_t n, struct fl_authres *out);

enum fl_mail_auth {
	FL_MAIL_AUTH_UNKNOWN,  /* nothing we trust says either way */
	FL_MAIL_AUTH_VERIFIED, /* our host says the From domain is genuine */
	FL_MAIL_AUTH_FAILED,   /* our host says the From domain is forged */
};

/* What the topmost consecutive headers in values (n of them, topmost first)
 * whose authserv-id is authserv_id (case-insensitive; NULL or "": none is
 * trusted, UNKNOWN) say about the mail From from_email:
 *   FAILED    a dmarc=fail about the From domain; or, with no DMARC
 *             verdict, spf=fail and dkim=fail with no pass of either; or a
 *             header of ours in the run that could not be read whole
 *             (broken, or more results than kept): what it said cannot
 *             be told, and it must not pass for "nothing said"
 *   VERIFIED  a dmarc=pass about the From domain; or, with no DMARC result
 *             (or dmarc=none), an spf=pass whose smtp.mailfrom or a
 *             dkim=pass whose header.d (or header.i) is the From domain or
 *             a parent of it (the signer answers for its subdomains, never
 *             the other way round: no public suffix list needed)
 *   UNKNOWN   everything else (dmarc=temperror, softfail, no headers …).
 * A dmarc result naming another header.from is not about this mail. */
enum fl_mail_auth fl_authres_verdict(char *const *values, size_t n, const char *authserv_id,
				     const char *from_email);

#endif
