// SPDX-License-Identifier: GPL-2.0-only
/*
 * Slurm: the array job, its submission and its tasks.
 */

#include "slurm.h"

#include "local-runner.h"
#include "process.h"
#include "run-folder.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fedmoe
{
namespace campaign
{

namespace
{

/// A word single-quoted for bash.
std::string
ShellQuote(const std::string& word)
{
    std::string s = "'";
    for (char c : word)
    {
        if (c == '\'')
        {
            s += "'\\''";
        }
        else
        {
            s += c;
        }
    }
    return s + "'";
}

std::string
Trim(const std::string& s)
{
    auto b = s.find_first_not_of(" \t\r\n");
    auto e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

} // namespace

SlurmJob
WriteSlurmJob(const Campaign& campaign, const std::vector<Run>& runs,
              const std::string& programPath, const std::string& out, const SlurmOptions& options)
{
    SlurmJob job;
    const std::string dir = out + "/slurm";
    MakeDirectories(dir + "/logs");
    job.tasks = dir + "/tasks.json";
    job.script = dir + "/campaign.sbatch";
    job.taskCount = runs.size();

    nlohmann::json tasks;
    tasks["program"] = programPath;
    tasks["out"] = out;
    tasks["runs"] = nlohmann::json::array();
    for (const auto& run : runs)
    {
        tasks["runs"].push_back({{"id", run.id}, {"params", run.params}});
    }
    WriteFileAtomically(job.tasks, tasks.dump(1) + "\n");

    std::string name = "fedmoe";
    if (!campaign.file.empty())
    {
        std::string stem = campaign.file.substr(campaign.file.find_last_of('/') + 1);
        name += "-" + stem.substr(0, stem.find_last_of('.'));
    }
    std::ostringstream s;
    s << "#!/bin/bash\n"
      << "# Slurm array job written by fedmoe-sweep"
      << (campaign.file.empty() ? "" : " for " + campaign.file) << ": one task per run.\n"
      << "# Task i runs run i of tasks.json into " << out << "/runs/<id>/.\n"
      << "#SBATCH --job-name=" << name << "\n"
      << "#SBATCH --array=1-" << runs.size() << "\n"
      << "#SBATCH --ntasks=1\n"
      << "#SBATCH --cpus-per-task=" << options.cpusPerTask << "\n"
      << "#SBATCH --output=" << dir << "/logs/task-%a.out\n"
      << "export OMP_NUM_THREADS=\"${SLURM_CPUS_PER_TASK:-" << options.cpusPerTask << "}\"\n"
      << "exec " << ShellQuote(options.sweepProgram) << " --slurm-task " << ShellQuote(job.tasks)
      << " \"$SLURM_ARRAY_TASK_ID\"\n";
    WriteFileAtomically(job.script, s.str());
    return job;
}

std::string
SubmitSlurmJob(const SlurmJob& job, const SlurmOptions& options)
{
    const std::string sbatch = FindInPath("sbatch");
    if (sbatch.empty())
    {
        throw std::runtime_error("sbatch not found in PATH (is Slurm installed? on Debian: "
                                 "apt-get install slurm-wlm); the job script is "
                                 + job.script);
    }
    std::vector<std::string> argv = {sbatch, "--parsable"};
    argv.insert(argv.end(), options.sbatchArgs.begin(), options.sbatchArgs.end());
    argv.push_back(job.script);
    std::string output;
    auto status = RunAndCapture(argv, output);
    if (!status.Ok())
    {
        throw std::runtime_error("sbatch failed (" + status.Describe() + "): " + Trim(output));
    }
    // --parsable prints "jobid" or "jobid;cluster" (warnings may come first).
    std::string last;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line))
    {
        if (!Trim(line).empty())
        {
            last = Trim(line);
        }
    }
    return last.substr(0, last.find(';'));
}

int
RunSlurmTask(const std::string& tasksFile, size_t index, std::ostream& log)
{
    std::ifstream in(tasksFile);
    if (!in)
    {
        throw std::runtime_error("cannot read " + tasksFile);
    }
    std::stringstream text;
    text << in.rdbuf();
    auto tasks = nlohmann::json::parse(text.str());
    const auto& runs = tasks.at("runs");
    if (index < 1 || index > runs.size())
    {
        throw std::runtime_error("task " + std::to_string(index) + " out of range (1.."
                                 + std::to_string(runs.size()) + ") in " + tasksFile);
    }
    Run run;
    run.id = runs[index - 1].at("id").get<std::string>();
    run.params = runs[index - 1].at("params");
    const std::string out = tasks.at("out").get<std::string>();
    if (RunFolder(out, run.id).IsComplete())
    {
        log << "fedmoe-sweep: run " << run.id << " is complete already" << std::endl;
        return 0;
    }
    LocalRunner runner(tasks.at("program").get<std::string>(), out, 1, log);
    auto outcome = runner.RunOne(run);
    log << "fedmoe-sweep: run " << run.id << " " << outcome.status << " ("
        << outcome.exit.Describe() << ", " << LocalRunner::FormatDuration(outcome.wallTimeS) << ")"
        << std::endl;
    return outcome.status == "ok" ? 0 : 1;
}

} // namespace campaign
} // namespace fedmoe
