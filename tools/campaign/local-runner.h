// SPDX-License-Identifier: GPL-2.0-only
/*
 * LocalRunner: runs a campaign's runs on this machine, N at a time, skipping
 * the runs already complete (resume), recording every run's outcome, and
 * printing progress (done/total, failures, ETA) as runs finish.
 */

#ifndef FEDMOE_CAMPAIGN_LOCAL_RUNNER_H
#define FEDMOE_CAMPAIGN_LOCAL_RUNNER_H

#include "grid.h"
#include "process.h"

#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace fedmoe
{
namespace campaign
{

/**
 * \brief What happened to one run.
 */
struct RunOutcome
{
    std::string id;      //!< run id
    std::string status;  //!< "ok", "failed", or "skipped" (complete before)
    ExitStatus exit;     //!< how the program ended (not set when skipped)
    double wallTimeS{0}; //!< wall-clock seconds (0 when skipped)
};

/**
 * \brief Runs a campaign's runs as child processes, at most N at a time.
 *
 * Each run is started as PROGRAM --key=value ... --seed=S --outDir=OUT/runs/<id>
 * with its stdout and stderr in OUT/runs/<id>/log.txt. A run whose folder
 * already holds a summary.json with "status": "ok" is skipped. A failed run
 * (non-zero exit, a signal, or no "ok" summary) is recorded in its run.json
 * and does not stop the others.
 *
 * When more than one run goes at a time and OMP_NUM_THREADS is not set, each
 * child gets OMP_NUM_THREADS = max(1, cores / N), so parallel runs do not
 * oversubscribe the cores with LibTorch threads.
 */
class LocalRunner
{
  public:
    /**
     * \param programPath the program
     * \param out the campaign's output folder (absolute paths keep logs valid
     *        whatever the children's working directory)
     * \param jobs runs at a time (>= 1)
     * \param progress where progress lines go (stderr in fedmoe-sweep)
     */
    LocalRunner(std::string programPath, std::string out, unsigned jobs, std::ostream& progress);

    /**
     * \brief Run every run not yet complete; returns when all have ended.
     * \param runs the runs, in the order they are started
     * \return one outcome per run, in the order of \p runs
     */
    std::vector<RunOutcome> RunAll(const std::vector<Run>& runs);

    /**
     * \brief Run one run to completion (no skipping); used by Slurm array tasks.
     * \param run the run
     * \return its outcome
     */
    RunOutcome RunOne(const Run& run);

    /**
     * \param seconds a duration
     * \return it as "1h02m", "3m07s" or "12s"
     */
    static std::string FormatDuration(double seconds);

  private:
    /// Environment variables set in each child.
    std::map<std::string, std::string> ChildEnvironment() const;

    std::string m_programPath; //!< the program
    std::string m_out;         //!< the campaign's output folder
    unsigned m_jobs;           //!< runs at a time
    std::ostream& m_progress;  //!< progress output
};

} // namespace campaign
} // namespace fedmoe

#endif // FEDMOE_CAMPAIGN_LOCAL_RUNNER_H
