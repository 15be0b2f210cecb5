// posix_spawn with the GNU file actions Swift's Glibc module does not show (chdir, closefrom; glibc 2.34 and
// later), and pipe2, which it does not show either. glibc's posix_spawn reports a failed exec as its own error, so a missing program is an error here, not
// a child that exits 127.
#define _GNU_SOURCE
#include "CSpruceSpawn.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

extern char **environ;

int spruce_spawn(const char *path, char *const arguments[], char *const environment[], const char *directory,
                 int input, int output, int errors, pid_t *pid) {
    posix_spawn_file_actions_t actions;
    int status = posix_spawn_file_actions_init(&actions);
    if (status != 0) {
        return status;
    }
    posix_spawnattr_t attributes;
    status = posix_spawnattr_init(&attributes);
    if (status != 0) {
        posix_spawn_file_actions_destroy(&actions);
        return status;
    }
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    if ((status = posix_spawn_file_actions_adddup2(&actions, input, 0)) == 0 &&
        (status = posix_spawn_file_actions_adddup2(&actions, output, 1)) == 0 &&
        (status = posix_spawn_file_actions_adddup2(&actions, errors, 2)) == 0 &&
        (status = posix_spawn_file_actions_addclosefrom_np(&actions, 3)) == 0 &&
        (directory == NULL || (status = posix_spawn_file_actions_addchdir_np(&actions, directory)) == 0) &&
        (status = posix_spawnattr_setsigdefault(&attributes, &all)) == 0 &&
        (status = posix_spawnattr_setsigmask(&attributes, &none)) == 0 &&
        (status = posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)) == 0) {
        status = posix_spawn(pid, path, &actions, &attributes, arguments,
                             environment != NULL ? environment : environ);
    }
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    return status;
}

int spruce_pipe(int descriptors[2]) { return pipe2(descriptors, O_CLOEXEC); }
