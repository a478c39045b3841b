// SPDX-License-Identifier: GPL-2.0-only
/*
 * RunFolder: the folder of one run, OUT/runs/<id>/, and what is in it:
 * params.json (written before the run), log.txt (the program's stdout and
 * stderr), summary.json (written by the program), run.json (written by the
 * runner when the run ends: command, exit code, wall time, status).
 */

#ifndef FEDMOE_CAMPAIGN_RUN_FOLDER_H
#define FEDMOE_CAMPAIGN_RUN_FOLDER_H

#include "grid.h"
#include "process.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace fedmoe
{
namespace campaign
{

/**
 * \brief Paths and files of one run's folder.
 */
class RunFolder
{
  public:
    /**
     * \param out the campaign's output folder
     * \param id the run id
     */
    RunFolder(const std::string& out, const std::string& id);

    /// \return OUT/runs/<id>
    const std::string& Path() const;
    /// \return OUT/runs/<id>/log.txt
    std::string LogPath() const;
    /// \return OUT/runs/<id>/summary.json
    std::string SummaryPath() const;

    /**
     * \return true when summary.json exists and says "status": "ok" (such a run
     *         is skipped when a campaign is resumed)
     */
    bool IsComplete() const;

    /**
     * \brief Create the folder (and parents), remove what a previous attempt
     *        left (summary.json, run.json) and write params.json.
     * \param run the run
     * \throw std::runtime_error naming the path when it cannot be written
     */
    void Prepare(const Run& run) const;

    /**
     * \brief Write run.json: the run's command, how it ended, its wall time,
     *        and its status ("ok" when it exited 0 and wrote a summary.json
     *        with "status": "ok", otherwise "failed" and why).
     * \param command the command line
     * \param exit how the program ended
     * \param wallTimeS wall-clock seconds
     * \return the status written ("ok" or "failed")
     */
    std::string Record(const std::vector<std::string>& command, const ExitStatus& exit,
                       double wallTimeS) const;

    /**
     * \return summary.json parsed (keys in file order), or null when absent or not JSON
     */
    nlohmann::ordered_json ReadSummary() const;

    /**
     * \return run.json parsed, or null when absent or not JSON
     */
    nlohmann::json ReadRecord() const;

  private:
    std::string m_path; //!< OUT/runs/<id>
};

/**
 * \brief Create a folder and its parents.
 * \param path the folder
 * \throw std::runtime_error naming the path when it cannot be created
 */
void MakeDirectories(const std::string& path);

/**
 * \brief Write a file through a temporary file and a rename (whole or absent).
 * \param path the file
 * \param content its content
 * \throw std::runtime_error naming the path when it cannot be written
 */
void WriteFileAtomically(const std::string& path, const std::string& content);

/**
 * \param path a path
 * \return it made absolute (against the working directory), without resolving links
 */
std::string AbsolutePath(const std::string& path);

} // namespace campaign
} // namespace fedmoe

#endif // FEDMOE_CAMPAIGN_RUN_FOLDER_H
