#!/bin/sh
# Fails when src/ calls a function this project bans (as curl does): they
# overflow, lose errors or are not thread-safe. Use fl_buf, snprintf,
# fl_str_to_i64 and reentrant forms instead.
cd "$(dirname "$0")/.."
banned='\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|atoll|atof|strncpy|strncat|gmtime|localtime|ctime|asctime|rand|srand|tmpnam|mktemp)[[:space:]]*\('
if grep -rnE "$banned" src/ tests/unit tests/fuzz; then
	echo "banned.sh: the calls above are banned (see scripts/banned.sh)" >&2
	exit 1
fi
