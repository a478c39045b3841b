// SPDX-License-Identifier: GPL-2.0-only
/*
 * RunProgram: runs a built example program (build/bin/NAME ARGS) and returns
 * its exit code and output, for tests of the examples' command lines.
 */

#ifndef FEDMOE_TEST_RUN_PROGRAM_H
#define FEDMOE_TEST_RUN_PROGRAM_H

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace fedmoe_test
{

/// What a program run gave.
struct Outcome
{
    int exitCode;       //!< exit status (-1: did not exit normally)
    std::string output; //!< stdout and stderr
};

/**
 * \brief Runs build/bin/\p program with \p args.
 * \param program the program's name
 * \param args its arguments (one string, as on a shell command line)
 * \return exit code and output
 */
inline Outcome
RunProgram(const std::string& program, const std::string& args)
{
    const std::string cmd
        = std::string(FEDMOE_BINARY_DIR) + "/bin/" + program + " " + args + " 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe)
    {
        return {-1, "popen failed"};
    }
    std::string out;
    std::array<char, 512> buf;
    while (fgets(buf.data(), buf.size(), pipe))
    {
        out += buf.data();
    }
    const int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

} // namespace fedmoe_test

#endif // FEDMOE_TEST_RUN_PROGRAM_H
