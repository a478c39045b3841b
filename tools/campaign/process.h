// SPDX-License-Identifier: GPL-2.0-only
/*
 * Child processes for the campaign runner: start a program with its output
 * going to a log file, wait for children, and run a program to capture its
 * output (fork/execvp/waitpid; no shell is involved, so arguments are never
 * re-split or expanded).
 */

#ifndef FEDMOE_CAMPAIGN_PROCESS_H
#define FEDMOE_CAMPAIGN_PROCESS_H

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

namespace fedmoe
{
namespace campaign
{

/**
 * \brief How a child process ended.
 */
struct ExitStatus
{
    int exitCode = -1; //!< the exit code, or -1 when killed by a signal
    int signal = 0;    //!< the signal that killed it, or 0

    /**
     * \return true when the process exited with code 0
     */
    bool Ok() const;

    /**
     * \return "exit code N" or "killed by signal N (NAME)"
     */
    std::string Describe() const;
};

/**
 * \brief Decode a waitpid() status.
 * \param status the status waitpid() stored
 * \return exit code or signal
 */
ExitStatus DecodeWaitStatus(int status);

/**
 * \brief Start a program with stdin from /dev/null and stdout and stderr
 *        appended to a log file.
 *
 * When the program cannot be started, the child writes why into the log and
 * exits with code 127 (as a shell does).
 *
 * \param argv the program (argv[0], looked up in PATH when it has no '/') and its arguments
 * \param logPath the log file, created or truncated
 * \param env variables to set in the child (in addition to the parent's environment)
 * \return the child's process id
 * \throw std::runtime_error when fork() fails
 */
pid_t Spawn(const std::vector<std::string>& argv, const std::string& logPath,
            const std::map<std::string, std::string>& env = {});

/**
 * \brief Run a program to completion and capture its stdout and stderr (together).
 * \param argv the program and its arguments
 * \param output receives what the program printed
 * \return how it ended; exit code 127 when it could not be started
 * \throw std::runtime_error when a pipe or fork() fails
 */
ExitStatus RunAndCapture(const std::vector<std::string>& argv, std::string& output);

/**
 * \brief Look a program up in PATH.
 * \param name a program name without '/'
 * \return its full path, or "" when it is not found
 */
std::string FindInPath(const std::string& name);

} // namespace campaign
} // namespace fedmoe

#endif // FEDMOE_CAMPAIGN_PROCESS_H
