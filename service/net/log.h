/* log — one-line records on stderr: time, level, session id, message. Control characters in
 * messages are escaped. Any thread (each record is one write(2)). */
#ifndef PROPDESK_LOG_H
#define PROPDESK_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(enum log_level level);
/* "debug", "info", "warn", "error"; -1 when unknown. */
int log_level_parse(const char *s);
/* sid: the session id, or NULL for the service itself. */
void log_msg(enum log_level level, const char *sid, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(sid, ...) log_msg(LOG_DEBUG, sid, __VA_ARGS__)
#define log_info(sid, ...) log_msg(LOG_INFO, sid, __VA_ARGS__)
#define log_warn(sid, ...) log_msg(LOG_WARN, sid, __VA_ARGS__)
#define log_error(sid, ...) log_msg(LOG_ERROR, sid, __VA_ARGS__)

#endif
