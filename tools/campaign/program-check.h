// SPDX-License-Identifier: GPL-2.0-only
/*
 * The program a campaign runs: find it (a name in the build's bin/ or a
 * path) and check, through its ns-3 --PrintHelp output, that it takes every
 * flag the campaign sets.
 */

#ifndef FEDMOE_CAMPAIGN_PROGRAM_CHECK_H
#define FEDMOE_CAMPAIGN_PROGRAM_CHECK_H

#include "campaign-file.h"

#include <set>
#include <string>

namespace fedmoe
{
namespace campaign
{

/**
 * \brief Find the program a campaign names.
 *
 * A program with a '/' is a path (relative to the working directory);
 * otherwise it is looked up as binDir/NAME, then binDir/fedmoe-NAME.
 *
 * \param program the campaign's "program"
 * \param binDir the build's bin/ folder
 * \return the program's absolute path
 * \throw CampaignError naming the program, the paths tried and the programs in binDir
 */
std::string ResolveProgram(const std::string& program, const std::string& binDir);

/**
 * \brief The flag names an ns-3 program's --PrintHelp output lists (lines
 *        "    --name:  help [default]"), or its --PrintGlobals output (lines
 *        "    --Name=[default]").
 * \param helpText what --PrintHelp printed
 * \return the names, without "--"
 */
std::set<std::string> ParseHelpFlags(const std::string& helpText);

/**
 * \brief Run "PROGRAM --PrintHelp" (and "--PrintGlobals" when needed) and
 *        check that it lists every flag the campaign sets (and --seed,
 *        --outDir, which the runner sets). Attribute paths (keys with "::")
 *        are not checked here; ns-3 checks them when a run starts.
 * \param campaign the campaign
 * \param programPath the resolved program
 * \throw CampaignError naming the unknown flags and the flags the program takes
 */
void CheckProgramFlags(const Campaign& campaign, const std::string& programPath);

} // namespace campaign
} // namespace fedmoe

#endif // FEDMOE_CAMPAIGN_PROGRAM_CHECK_H
