/* One vctld per runtime directory: a locked pid file. */
#pragma once

#include <glib.h>

/* Creates and write-locks path, writes our pid. Returns the open descriptor
 * (keep it for the lock's lifetime), or -1 with an error; when another
 * process holds the lock the error is "another vctld is already running
 * (pid N) on DIR". */
int pidfile_acquire(const char *path, const char *dir);

/* Removes path and closes fd (accepts -1). */
void pidfile_release(const char *path, int fd);
