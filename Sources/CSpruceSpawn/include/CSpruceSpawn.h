#ifndef CSPRUCESPAWN_H
#define CSPRUCESPAWN_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Starts `path` with posix_spawn: `input`, `output` and `errors` become its descriptors 0, 1 and 2, every other
/// descriptor is closed, signals are reset to their defaults with none blocked, and it starts in `directory`
/// (NULL: this process's). `environment` NULL passes this process's own.
/// Returns 0 and sets `pid`, or the error number (an exec failure such as ENOENT included).
int spruce_spawn(const char *path, char *const arguments[], char *const environment[], const char *directory,
                 int input, int output, int errors, pid_t *pid);

/// pipe2(O_CLOEXEC): a pipe whose ends close on exec from the start (a child started by another thread in
/// between never holds one). Returns 0, or -1 with errno set.
int spruce_pipe(int descriptors[2]);

#ifdef __cplusplus
}
#endif

#endif
