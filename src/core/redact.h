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
 * - an e-mail address (local@domain, the local part of letters, digits and
 *   . _ % + -, the domain of dotted labels, both in any script) becomes its
 *   first character and "…@…": "ivan@ex.com" → "i…@…". A trailing dot or
 *   hyphen ends the sentence, not the address, and stays.
 * - a telephone number becomes "… " and its last two digits, after "+" and
 *   the country code (the first group, at most 3 digits) when it was written
 *   with "+": "+380 67 123 45 67" → "+380 … 67", "(067) 123-45-67" → "… 67".
 *   A number is a run of digits, each group separated by at most two of
 *   space, no-break space, - . / ( ), not inside a word, that is:
 *   written with "+" and 7 or more digits; or of 9 or more digits; or of 7
 *   or 8 digits written in groups ("123-45-67"), unless the groups are a
 *   date's (07.12.2026, 2026-12-07, 7/12/2026) or a sum's thousands
 *   (1 234 567). A run of 16 or more digits is masked too: two numbers
 *   written together, or a card's, and leaving a number readable is the
 *   worse mistake. A group followed by ":" and a digit is a time of day
 *   ("07.12.2026 14:30") and is not part of the run.
 *   Left as they are: 7 or 8 digits with no separator (an order number,
 *   20261207), anything of 6 digits or fewer.
 *
 * Over-masking is the side it errs on: a number of 9 or more digits that
 * is not a telephone (a tracking number) is masked as well. "ivan at ex dot
 * com" and other spelled-out forms are not recognised.
 *
 * Linear in the text's length; any bytes at all (bytes that are not UTF-8
 * are neither letters nor digits and are kept). NULL for a NULL text or when
 * out of memory. */
char *fl_redact_contacts(const char *text, fl_arena *a);

#endif
