// SPDX-License-Identifier: GPL-2.0-only
/*
 * Slurm: a campaign's pending runs as a Slurm array job (one array task per
 * run, the same run folders as a local campaign), its submission with
 * sbatch, and the array task itself.
 */

#ifndef FEDMOE_CAMPAIGN_SLURM_H
#define FEDMOE_CAMPAIGN_SLURM_H

#include "campaign-file.h"
#include "grid.h"

#include <ostream>
#include <string>
#include <vector>

namespace fedmoe
{
namespace campaign
{

/**
 * \brief Options of the array job.
 */
struct SlurmOptions
{
    std::string sweepProgram;            //!< fedmoe-sweep's absolute path (runs each task)
    unsigned cpusPerTask{1};             //!< --cpus-per-task (and OMP_NUM_THREADS)
    std::vector<std::string> sbatchArgs; //!< extra sbatch arguments (e.g. --partition=x)
};

/**
 * \brief A written array job.
 */
struct SlurmJob
{
    std::string script;  //!< OUT/slurm/campaign.sbatch
    std::string tasks;   //!< OUT/slurm/tasks.json: task i (from 1) -> run
    size_t taskCount{0}; //!< array size
};

/**
 * \brief Write the array job for the given runs: OUT/slurm/tasks.json
 *        (program, output folder, runs) and OUT/slurm/campaign.sbatch, whose
 *        task i runs "fedmoe-sweep --slurm-task tasks.json i", which runs
 *        the run as a local campaign would (same folder, params.json,
 *        log.txt, run.json). Task logs go to OUT/slurm/logs/.
 * \param campaign the campaign (for the job name)
 * \param runs the runs to submit (usually the ones not complete)
 * \param programPath the program (absolute)
 * \param out the output folder (absolute: tasks run in other folders, other nodes)
 * \param options the job's options
 * \return the files written
 */
SlurmJob WriteSlurmJob(const Campaign& campaign, const std::vector<Run>& runs,
                       const std::string& programPath, const std::string& out,
                       const SlurmOptions& options);

/**
 * \brief Submit the job with "sbatch --parsable [ARGS] SCRIPT".
 * \param job the job
 * \param options its options (the extra sbatch arguments)
 * \return the Slurm job id
 * \throw std::runtime_error with sbatch's message when sbatch is missing or fails
 */
std::string SubmitSlurmJob(const SlurmJob& job, const SlurmOptions& options);

/**
 * \brief Run one array task: run number \p index (from 1) of a tasks.json.
 * \param tasksFile the tasks.json
 * \param index the task index (SLURM_ARRAY_TASK_ID)
 * \param log where to say what is run and how it ended
 * \return 0 when the run succeeded (or was complete already), else 1
 * \throw std::runtime_error when the file cannot be read or the index is out of range
 */
int RunSlurmTask(const std::string& tasksFile, size_t index, std::ostream& log);

} // namespace campaign
} // namespace fedmoe

#endif // FEDMOE_CAMPAIGN_SLURM_H
