/* Contact details taken out of free text: what customers wrote (a rating's
 * comment, an NPS "why?", a suggestion) shown to people who may read what
 * customers say but not how to reach them — the viewer role (docs/security.md).
 *
 * Masks, and only masks: the rest of the text is as it was, byte for byte.
 * Neutral ground (no HTTP, no SQL), so that every report's handler can call
 * it on what it is about to send. */
#ifndef FL_CORE_REDACT_H
#define FL_CORE_REDACT_H

#include "core/arena.h"

/* text with every e-mail address and telephone number in it masked, in a:
 *
 * - an e-mail address (local@domain, the local part of letters and digits
 *   in any script and the punctuation an address may hold, ! # $ % & ' * +
 *   - . ^ _ ` { | } ~, the domain of dotted labels in any script or an
 *   address in brackets, [10.0.0.1]) becomes the local part's first letter
 *   or digit and "…@…": "ivan@ex.com" → "i…@…", "ivan&co@ex.com" → "i…@…".
 *   "%40", as a link writes "@", is one too: "ivan%40ex.com" → "i…@…". A
 *   trailing dot or hyphen ends the sentence, not the address, and stays;
 *   so do / = ? before the address ("?u=ivan@ex.com": a link's parameter).
 * - a telephone number becomes "… " and its last two digits, after "+" and
 *   the country code (the first group, at most 3 digits) when it was written
 *   with "+" ("%2B" in a link): "+380 67 123 45 67" → "+380 … 67",
 *   "(067) 123-45-67" → "… 67". A number is a run of digit groups, each
 *   separated from the last by at most three of space, tab, no-break,
 *   thin and narrow no-break space, "%20", - . / ( ) +, the dashes U+2010 to
 *   U+2015 and the minus sign ("067 – 123 – 45 – 67"), that is:
 *   written with "+" and 7 or more digits; or of 9 or more digits; these
 *   even glued to a word ("tel0671234567", "0671234567ok", "ID12345678901").
 *   Or, not glued to a word, of 7 or 8 digits written in groups
 *   ("123-45-67"), unless the groups are a date's (07.12.2026, 2026-12-07,
 *   7/12/2026). Not a sum's thousands either (1 234 567, 12 345 678.90):
 *   only 7 or 8 digits before the cents may be money, 612 345 678 is a
 *   telephone number. A group followed by ":" and a digit is a time of day
 *   ("07.12.2026 14:30") and is not part of the run.
 *   Left as they are: 7 or 8 digits with no separator (an order number,
 *   20261207) or glued to a word (ID12345678), anything of 6 digits or
 *   fewer.
 *
 * Over-masking is the side it errs on: a number of 9 or more digits that
 * is not a telephone (a tracking number, digits in a code) is masked as
 * well, and so are two numbers written together. "ivan at ex dot com",
 * other spelled-out forms and digits of other scripts (fullwidth, Arabic)
 * are not recognised.
 *
 * Linear in the text's length; any bytes at all (bytes that are not UTF-8
 * are neither letters nor digits and are kept). NULL for a NULL text or when
 * out of memory. */
char *fl_redact_contacts(const char *text, fl_arena *a);

#endif
