/*
 * The pod sandbox's process: it holds the pod's namespaces open and does nothing else.
 * Only a stand-in until testbed/tools builds the pause binary (build.sh --pause PATH
 * takes that one); this file is ours, written for the testbed, not copied.
 * As PID 1 of the pod it ends on SIGINT/SIGTERM (the kernel ignores signals PID 1 has
 * no handler for) and reaps any orphan that is reparented to it.
 */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig) { _exit(128 + sig); }

static void reap(int sig) {
    (void)sig;
    while (waitpid(-1, 0, WNOHANG) > 0) {}
}

int main(void) {
    struct sigaction sa = { 0 };
    sa.sa_handler = stop;
    sigaction(SIGINT, &sa, 0);
    sigaction(SIGTERM, &sa, 0);
    sa.sa_handler = reap;
    sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
    sigaction(SIGCHLD, &sa, 0);
    for (;;) pause();
}
