// SPDX-License-Identifier: GPL-2.0-only
/*
 * LocalRunner: N runs at a time with fork/execvp/waitpid.
 */

#include "local-runner.h"

#include "run-folder.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <stdexcept>
#include <thread>

namespace fedmoe
{
namespace campaign
{

namespace
{

using Clock = std::chrono::steady_clock;

double
SecondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// "policy=greedy distanceMax=30 seed=2" for a progress line.
std::string
Describe(const Run& run)
{
    std::string s;
    for (const auto& [key, value] : run.params.items())
    {
        if (key != "seed")
        {
            s += key + "=" + FormatFlagValue(value) + " ";
        }
    }
    return s + "seed=" + FormatFlagValue(run.params.at("seed"));
}

} // namespace

LocalRunner::LocalRunner(std::string programPath, std::string out, unsigned jobs,
                         std::ostream& progress)
    : m_programPath(std::move(programPath)),
      m_out(std::move(out)),
      m_jobs(std::max(1U, jobs)),
      m_progress(progress)
{
}

std::string
LocalRunner::FormatDuration(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
    {
        return "?";
    }
    auto s = static_cast<long long>(std::llround(seconds));
    char buffer[32];
    if (s >= 3600)
    {
        std::snprintf(buffer, sizeof(buffer), "%lldh%02lldm", s / 3600, (s % 3600) / 60);
    }
    else if (s >= 60)
    {
        std::snprintf(buffer, sizeof(buffer), "%lldm%02llds", s / 60, s % 60);
    }
    else
    {
        std::snprintf(buffer, sizeof(buffer), "%llds", s);
    }
    return buffer;
}

std::map<std::string, std::string>
LocalRunner::ChildEnvironment() const
{
    std::map<std::string, std::string> env;
    if (m_jobs > 1 && std::getenv("OMP_NUM_THREADS") == nullptr)
    {
        unsigned cores = std::max(1U, std::thread::hardware_concurrency());
        env["OMP_NUM_THREADS"] = std::to_string(std::max(1U, cores / m_jobs));
    }
    return env;
}

RunOutcome
LocalRunner::RunOne(const Run& run)
{
    RunFolder folder(m_out, run.id);
    folder.Prepare(run);
    auto command = RunCommand(run, m_programPath, folder.Path());
    auto start = Clock::now();
    pid_t pid = Spawn(command, folder.LogPath(), ChildEnvironment());
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
    {
        if (errno != EINTR)
        {
            throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
        }
    }
    RunOutcome outcome;
    outcome.id = run.id;
    outcome.exit = DecodeWaitStatus(status);
    outcome.wallTimeS = SecondsSince(start);
    outcome.status = folder.Record(command, outcome.exit, outcome.wallTimeS);
    return outcome;
}

std::vector<RunOutcome>
LocalRunner::RunAll(const std::vector<Run>& runs)
{
    std::vector<RunOutcome> outcomes(runs.size());
    std::vector<size_t> pending;
    for (size_t i = 0; i < runs.size(); ++i)
    {
        outcomes[i].id = runs[i].id;
        if (RunFolder(m_out, runs[i].id).IsComplete())
        {
            outcomes[i].status = "skipped";
        }
        else
        {
            pending.push_back(i);
        }
    }
    const size_t total = runs.size();
    const size_t skipped = total - pending.size();
    m_progress << "fedmoe-sweep: " << total << " runs, " << skipped << " already complete, "
               << pending.size() << " to run, " << m_jobs << " at a time" << std::endl;
    if (pending.empty())
    {
        return outcomes;
    }

    struct Running
    {
        size_t index;
        std::vector<std::string> command;
        Clock::time_point start;
    };

    std::map<pid_t, Running> running;
    auto start = Clock::now();
    size_t next = 0;
    size_t finished = 0;
    size_t failed = 0;
    double busySeconds = 0; // sum of finished runs' wall times
    const auto env = ChildEnvironment();

    while (next < pending.size() || !running.empty())
    {
        while (next < pending.size() && running.size() < m_jobs)
        {
            size_t i = pending[next++];
            RunFolder folder(m_out, runs[i].id);
            folder.Prepare(runs[i]);
            auto command = RunCommand(runs[i], m_programPath, folder.Path());
            pid_t pid = Spawn(command, folder.LogPath(), env);
            running[pid] = Running{i, command, Clock::now()};
        }
        int status = 0;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0)
        {
            if (errno == EINTR)
            {
                continue;
            }
            throw std::runtime_error(std::string("waitpid failed: ") + std::strerror(errno));
        }
        auto it = running.find(pid);
        if (it == running.end())
        {
            continue; // not one of ours
        }
        const Running r = it->second;
        running.erase(it);
        RunOutcome& outcome = outcomes[r.index];
        outcome.exit = DecodeWaitStatus(status);
        outcome.wallTimeS = SecondsSince(r.start);
        RunFolder folder(m_out, runs[r.index].id);
        outcome.status = folder.Record(r.command, outcome.exit, outcome.wallTimeS);
        ++finished;
        busySeconds += outcome.wallTimeS;
        if (outcome.status != "ok")
        {
            ++failed;
        }
        // ETA: the mean run time so far, times the runs left, spread over the job slots.
        const size_t left = pending.size() - finished;
        const double eta = left == 0 ? 0.0
                                     : busySeconds / static_cast<double>(finished)
                                           * static_cast<double>(left)
                                           / static_cast<double>(std::min<size_t>(m_jobs, left));
        m_progress << "[" << skipped + finished << "/" << total << "] "
                   << (outcome.status == "ok" ? "ok    " : "FAILED") << " " << outcome.id << " "
                   << Describe(runs[r.index]) << " (" << FormatDuration(outcome.wallTimeS);
        if (outcome.status != "ok")
        {
            m_progress << ", " << outcome.exit.Describe() << ", log: " << folder.LogPath();
        }
        m_progress << ") | failed " << failed << " | elapsed "
                   << FormatDuration(SecondsSince(start)) << " | ETA " << FormatDuration(eta)
                   << std::endl;
    }
    return outcomes;
}

} // namespace campaign
} // namespace fedmoe
