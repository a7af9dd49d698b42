/* Signing in over the API (auth/session_api.c), one way for every door —
 * password, e-mailed link (portal/portal_api.c): fl_session_open, in a
 * write transaction, opens a session for u (12 hours, 30 days with
 * remember) into secret and csrf and records the sign-in;
 * fl_session_answer, in the render, sets the cookie and answers 200
 * {"user", "csrf_token"} as POST /api/v2/auth/session does. */
#ifndef FL_AUTH_AUTH_API_H
#define FL_AUTH_AUTH_API_H

#include "auth/auth.h"
#include "http/http.h"

int fl_session_open(fl_tx *tx, struct fl_user *u, int remember, char secret[FL_SECRET_LEN + 1],
		    char csrf[FL_CSRF_LEN + 1]);
int fl_session_answer(struct fl_req *r, const struct fl_user *u, int remember, const char *secret,
		      const char *csrf);

#endif
