// SPDX-License-Identifier: GPL-2.0-only
/*
 * Child processes for the campaign runner (fork/execvp/waitpid).
 */

#include "process.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace fedmoe
{
namespace campaign
{

namespace
{

/// argv as the char* array execvp() wants (pointing into \p args).
std::vector<char*>
MakeArgv(const std::vector<std::string>& args)
{
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (const auto& a : args)
    {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    return argv;
}

/// Write a whole buffer to a descriptor (best effort; used in the child).
void
WriteAll(int fd, const std::string& text)
{
    const char* p = text.data();
    size_t left = text.size();
    while (left > 0)
    {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
        {
            continue;
        }
        if (n <= 0)
        {
            return;
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
}

} // namespace

bool
ExitStatus::Ok() const
{
    return signal == 0 && exitCode == 0;
}

std::string
ExitStatus::Describe() const
{
    std::ostringstream s;
    if (signal != 0)
    {
        s << "killed by signal " << signal << " (" << strsignal(signal) << ")";
    }
    else
    {
        s << "exit code " << exitCode;
    }
    return s.str();
}

ExitStatus
DecodeWaitStatus(int status)
{
    ExitStatus e;
    if (WIFEXITED(status))
    {
        e.exitCode = WEXITSTATUS(status);
    }
    else if (WIFSIGNALED(status))
    {
        e.signal = WTERMSIG(status);
    }
    return e;
}

pid_t
Spawn(const std::vector<std::string>& args, const std::string& logPath,
      const std::map<std::string, std::string>& env)
{
    if (args.empty())
    {
        throw std::invalid_argument("Spawn: empty command");
    }
    // Prepare everything that allocates before fork().
    auto argv = MakeArgv(args);
    pid_t pid = fork();
    if (pid < 0)
    {
        throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    }
    if (pid > 0)
    {
        return pid;
    }
    // Child.
    int log = open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (log < 0)
    {
        _exit(127);
    }
    int devNull = open("/dev/null", O_RDONLY);
    if (devNull >= 0)
    {
        dup2(devNull, STDIN_FILENO);
        close(devNull);
    }
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    for (const auto& [name, value] : env)
    {
        setenv(name.c_str(), value.c_str(), 1);
    }
    execvp(argv[0], argv.data());
    WriteAll(STDERR_FILENO,
             "fedmoe-sweep: cannot start " + args[0] + ": " + std::strerror(errno) + "\n");
    _exit(127);
}

ExitStatus
RunAndCapture(const std::vector<std::string>& args, std::string& output)
{
    if (args.empty())
    {
        throw std::invalid_argument("RunAndCapture: empty command");
    }
    auto argv = MakeArgv(args);
    int fds[2];
    if (pipe(fds) != 0)
    {
        throw std::runtime_error(std::string("pipe failed: ") + std::strerror(errno));
    }
    pid_t pid = fork();
    if (pid < 0)
    {
        close(fds[0]);
        close(fds[1]);
        throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    }
    if (pid == 0)
    {
        close(fds[0]);
        int devNull = open("/dev/null", O_RDONLY);
        if (devNull >= 0)
        {
            dup2(devNull, STDIN_FILENO);
            close(devNull);
        }
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[1]);
        execvp(argv[0], argv.data());
        WriteAll(STDERR_FILENO, "cannot start " + args[0] + ": " + std::strerror(errno) + "\n");
        _exit(127);
    }
    close(fds[1]);
    output.clear();
    char buffer[4096];
    while (true)
    {
        ssize_t n = read(fds[0], buffer, sizeof(buffer));
        if (n < 0 && errno == EINTR)
        {
            continue;
        }
        if (n <= 0)
        {
            break;
        }
        output.append(buffer, static_cast<size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
    {
        if (errno != EINTR)
        {
            throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
        }
    }
    return DecodeWaitStatus(status);
}

std::string
FindInPath(const std::string& name)
{
    const char* path = std::getenv("PATH");
    if (path == nullptr || name.empty() || name.find('/') != std::string::npos)
    {
        return "";
    }
    std::istringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':'))
    {
        if (dir.empty())
        {
            dir = ".";
        }
        std::string candidate = dir + "/" + name;
        struct stat st;
        if (stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)
            && access(candidate.c_str(), X_OK) == 0)
        {
            return candidate;
        }
    }
    return "";
}

} // namespace campaign
} // namespace fedmoe
