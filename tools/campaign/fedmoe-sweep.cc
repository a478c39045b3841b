// SPDX-License-Identifier: GPL-2.0-only
/*
 * fedmoe-sweep: run a campaign (a grid of runs of an ns-3 program) on this
 * machine or as a Slurm array job, and build its tables and plots.
 *
 *   fedmoe-sweep CAMPAIGN.json [--jobs N] [--dry-run] [--slurm] [--collect] [--out DIR]
 *
 * Exit codes: 0 all runs ok (or nothing to do), 1 some run failed or a step
 * failed, 2 bad arguments or an invalid campaign.
 */

#include "campaign-file.h"
#include "curves.h"
#include "grid.h"
#include "local-runner.h"
#include "plots.h"
#include "program-check.h"
#include "results.h"
#include "run-folder.h"
#include "slurm.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace fedmoe::campaign;

namespace
{

const char* const kUsage = R"(usage: fedmoe-sweep CAMPAIGN.json [OPTIONS]

Runs every combination of a campaign's swept parameters and seeds (see the
README, "Campaigns"), each in OUT/runs/<id>/, skipping runs already complete,
then writes OUT/campaign.csv, OUT/campaign-summary.csv and OUT/plots/.

  --jobs N          runs at a time on this machine (default: the cores)
  --dry-run         validate and list the runs (and their state); run nothing
  --slurm           write OUT/slurm/campaign.sbatch (one array task per run not
                    complete) and submit it with sbatch (with --dry-run: write only)
  --collect         run nothing; build the tables and plots from the run folders
  --out DIR         output folder (default: the campaign's "out", else
                    results/campaigns/<campaign file stem>)
  --bin-dir DIR     where program names are looked up (default: fedmoe-sweep's folder)
  --slurm-cpus N    Slurm --cpus-per-task and OMP_NUM_THREADS per task (default 1)
  --sbatch-arg ARG  extra sbatch argument, e.g. --sbatch-arg=--partition=short (repeatable)
  --no-plots        do not write plots
  -h, --help        this text

exit codes: 0 all runs ok, 1 a run (or a step) failed, 2 bad arguments or campaign
)";

struct Options
{
    std::string campaignFile;
    unsigned jobs{0};
    bool dryRun{false};
    bool slurm{false};
    bool collect{false};
    bool plots{true};
    std::string out;
    std::string binDir;
    SlurmOptions slurmOptions;
    std::string slurmTasks;
    std::string slurmIndex;
};

class UsageError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

std::string
SelfPath()
{
    char buffer[4096];
    ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
    if (n <= 0)
    {
        throw std::runtime_error("cannot read /proc/self/exe");
    }
    return std::string(buffer, static_cast<size_t>(n));
}

unsigned
ParseCount(const std::string& flag, const std::string& text)
{
    try
    {
        size_t used = 0;
        long v = std::stol(text, &used);
        if (used == text.size() && v >= 1 && v <= 100000)
        {
            return static_cast<unsigned>(v);
        }
    }
    catch (const std::exception&)
    {
    }
    throw UsageError(flag + ": \"" + text + "\" is not allowed (a whole number >= 1)");
}

Options
ParseArguments(int argc, char** argv)
{
    Options o;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (size_t i = 0; i < args.size(); ++i)
    {
        std::string a = args[i];
        std::string value;
        bool hasValue = false;
        if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos)
        {
            value = a.substr(a.find('=') + 1);
            a = a.substr(0, a.find('='));
            hasValue = true;
        }
        auto next = [&]()
        {
            if (hasValue)
            {
                return value;
            }
            if (i + 1 >= args.size())
            {
                throw UsageError(a + " needs a value");
            }
            return args[++i];
        };
        if (a == "-h" || a == "--help")
        {
            std::cout << kUsage;
            std::exit(0);
        }
        else if (a == "--jobs" || a == "-j")
        {
            o.jobs = ParseCount("--jobs", next());
        }
        else if (a == "--dry-run")
        {
            o.dryRun = true;
        }
        else if (a == "--slurm")
        {
            o.slurm = true;
        }
        else if (a == "--collect")
        {
            o.collect = true;
        }
        else if (a == "--no-plots")
        {
            o.plots = false;
        }
        else if (a == "--out")
        {
            o.out = next();
        }
        else if (a == "--bin-dir")
        {
            o.binDir = next();
        }
        else if (a == "--slurm-cpus")
        {
            o.slurmOptions.cpusPerTask = ParseCount("--slurm-cpus", next());
        }
        else if (a == "--sbatch-arg")
        {
            o.slurmOptions.sbatchArgs.push_back(next());
        }
        else if (a == "--slurm-task")
        {
            // Internal: run by the array job's tasks.
            o.slurmTasks = next();
            if (i + 1 < args.size())
            {
                o.slurmIndex = args[++i];
            }
        }
        else if (!a.empty() && a[0] == '-')
        {
            throw UsageError("unknown option " + a);
        }
        else if (o.campaignFile.empty())
        {
            o.campaignFile = a;
        }
        else
        {
            throw UsageError("one campaign file at a time (got " + o.campaignFile + " and " + a
                             + ")");
        }
    }
    if (!o.slurmTasks.empty())
    {
        return o;
    }
    if (o.campaignFile.empty())
    {
        throw UsageError("no campaign file given");
    }
    if (o.slurm && o.collect)
    {
        throw UsageError("--slurm submits, --collect builds the tables afterwards: give one");
    }
    return o;
}

/// A command line for display, with words quoted when needed.
std::string
ShowCommand(const std::vector<std::string>& argv)
{
    std::string s;
    for (const auto& a : argv)
    {
        bool plain = a.find_first_of(" \t'\"$`\\*?[]{}()<>|&;!#~") == std::string::npos;
        s += (s.empty() ? "" : " ") + (plain ? a : "'" + a + "'");
    }
    return s;
}

/// Tables and plots from the run folders. \return false when a plot failed.
bool
Collect(const Campaign& campaign, const std::vector<Run>& runs, const std::string& out, bool plots)
{
    CampaignResults results(campaign, runs, out);
    results.WriteTables(out);
    std::cerr << "fedmoe-sweep: " << out << "/campaign.csv: " << runs.size() << " runs, "
              << results.Count("ok") << " ok, " << results.Count("failed") << " failed, "
              << results.Count("pending") << " not run yet" << std::endl;
    std::cerr << "fedmoe-sweep: " << out << "/campaign-summary.csv: mean and 95 % CI over seeds"
              << std::endl;
    if (!plots)
    {
        return true;
    }
    auto files = WritePlotScripts(campaign, results, out + "/plots");
    for (const auto& curve : WriteCurveScripts(campaign, results, out, out + "/plots"))
    {
        files.push_back(curve);
    }
    if (files.empty())
    {
        std::cerr << "fedmoe-sweep: no plots (they need rounds.csv files, or a swept numeric "
                     "parameter with two or more values and final_accuracy or time_to_target_s "
                     "in the summaries)"
                  << std::endl;
        return true;
    }
    std::vector<std::string> errors;
    if (!RunGnuplot(files, errors))
    {
        std::cerr << "fedmoe-sweep: gnuplot not found; wrote " << files.size()
                  << " gnuplot scripts in " << out << "/plots/ (apt-get install gnuplot-nox)"
                  << std::endl;
        return true;
    }
    for (const auto& e : errors)
    {
        std::cerr << "fedmoe-sweep: " << e << std::endl;
    }
    std::cerr << "fedmoe-sweep: " << files.size() - errors.size() << " plots in " << out
              << "/plots/" << std::endl;
    return errors.empty();
}

int
Main(int argc, char** argv)
{
    Options o = ParseArguments(argc, argv);
    if (!o.slurmTasks.empty())
    {
        std::string index = o.slurmIndex;
        if (index.empty() && std::getenv("SLURM_ARRAY_TASK_ID") != nullptr)
        {
            index = std::getenv("SLURM_ARRAY_TASK_ID");
        }
        return RunSlurmTask(o.slurmTasks, ParseCount("--slurm-task index", index), std::cerr);
    }

    const std::string self = SelfPath();
    const std::string binDir = o.binDir.empty() ? self.substr(0, self.find_last_of('/')) : o.binDir;
    Campaign campaign = ReadCampaignFile(o.campaignFile);
    if (!o.out.empty())
    {
        campaign.out = o.out;
    }
    const std::string out = AbsolutePath(campaign.out);
    std::string program;
    try
    {
        program = ResolveProgram(campaign.program, binDir);
        CheckProgramFlags(campaign, program);
    }
    catch (const CampaignError& e)
    {
        throw CampaignError(o.campaignFile + ": " + e.what());
    }
    const auto runs = ExpandGrid(campaign);

    if (o.collect)
    {
        return Collect(campaign, runs, out, o.plots) ? 0 : 1;
    }

    std::vector<Run> pending;
    for (const auto& run : runs)
    {
        if (!RunFolder(out, run.id).IsComplete())
        {
            pending.push_back(run);
        }
    }

    if (o.dryRun && !o.slurm)
    {
        for (const auto& run : runs)
        {
            RunFolder folder(out, run.id);
            std::cout << run.id << "  " << (folder.IsComplete() ? "complete" : "to run  ") << "  "
                      << ShowCommand(RunCommand(run, program, folder.Path())) << "\n";
        }
        std::cout << runs.size() << " runs: " << runs.size() - pending.size() << " complete, "
                  << pending.size() << " to run; output in " << out << "\n";
        return 0;
    }

    if (o.slurm)
    {
        if (pending.empty())
        {
            std::cerr << "fedmoe-sweep: all " << runs.size()
                      << " runs are complete; nothing to submit (--collect builds the tables)"
                      << std::endl;
            return 0;
        }
        o.slurmOptions.sweepProgram = self;
        auto job = WriteSlurmJob(campaign, pending, program, out, o.slurmOptions);
        std::cerr << "fedmoe-sweep: wrote " << job.script << " (" << job.taskCount
                  << " array tasks; " << runs.size() - pending.size() << " runs complete already)"
                  << std::endl;
        if (o.dryRun)
        {
            return 0;
        }
        auto id = SubmitSlurmJob(job, o.slurmOptions);
        std::cout << id << std::endl;
        std::cerr << "fedmoe-sweep: submitted Slurm job " << id << "; when squeue -j " << id
                  << " shows no task left, run: fedmoe-sweep " << o.campaignFile
                  << (o.out.empty() ? "" : " --out " + o.out) << " --collect" << std::endl;
        return 0;
    }

    unsigned jobs = o.jobs != 0 ? o.jobs : std::max(1U, std::thread::hardware_concurrency());
    LocalRunner runner(program, out, jobs, std::cerr);
    auto outcomes = runner.RunAll(runs);
    size_t failed = 0;
    for (const auto& outcome : outcomes)
    {
        failed += outcome.status == "failed" ? 1 : 0;
    }
    bool plotsOk = Collect(campaign, runs, out, o.plots);
    if (failed > 0)
    {
        std::cerr << "fedmoe-sweep: " << failed << " of " << runs.size()
                  << " runs failed; their logs and exit codes are in " << out
                  << "/runs/<id>/{log.txt,run.json}; re-running the campaign retries them"
                  << std::endl;
        return 1;
    }
    return plotsOk ? 0 : 1;
}

} // namespace

int
main(int argc, char** argv)
{
    try
    {
        return Main(argc, argv);
    }
    catch (const UsageError& e)
    {
        std::cerr << "fedmoe-sweep: " << e.what() << "\n\n" << kUsage;
        return 2;
    }
    catch (const CampaignError& e)
    {
        std::cerr << "fedmoe-sweep: error: " << e.what() << std::endl;
        return 2;
    }
    catch (const std::exception& e)
    {
        std::cerr << "fedmoe-sweep: " << e.what() << std::endl;
        return 1;
    }
}
