// SPDX-License-Identifier: GPL-2.0-only
/*
 * The program a campaign runs: resolution and flag check.
 */

#include "program-check.h"

#include "process.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <vector>

namespace fedmoe
{
namespace campaign
{

namespace
{

bool
IsExecutableFile(const std::string& path)
{
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::string
Absolute(const std::string& path)
{
    char buffer[PATH_MAX];
    if (realpath(path.c_str(), buffer) != nullptr)
    {
        return buffer;
    }
    return path;
}

/// Executables in a folder, sorted (for "allowed: ..." messages).
std::vector<std::string>
ListPrograms(const std::string& dir)
{
    std::vector<std::string> names;
    DIR* d = opendir(dir.c_str());
    if (d == nullptr)
    {
        return names;
    }
    while (struct dirent* e = readdir(d))
    {
        std::string name = e->d_name;
        if (name != "." && name != ".." && IsExecutableFile(dir + "/" + name))
        {
            names.push_back(name);
        }
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

std::string
Join(const std::vector<std::string>& items)
{
    std::string s;
    for (const auto& i : items)
    {
        s += (s.empty() ? "" : ", ") + i;
    }
    return s;
}

} // namespace

std::string
ResolveProgram(const std::string& program, const std::string& binDir)
{
    if (program.find('/') != std::string::npos)
    {
        if (!IsExecutableFile(program))
        {
            throw CampaignError("program: \"" + program
                                + "\" does not exist or is not an executable file");
        }
        return Absolute(program);
    }
    const std::vector<std::string> tried = {binDir + "/" + program, binDir + "/fedmoe-" + program};
    for (const auto& candidate : tried)
    {
        if (IsExecutableFile(candidate))
        {
            return Absolute(candidate);
        }
    }
    auto programs = ListPrograms(binDir);
    programs.erase(std::remove(programs.begin(), programs.end(), "fedmoe-sweep"), programs.end());
    throw CampaignError("program: \"" + program + "\" not found (tried " + tried[0] + ", "
                        + tried[1] + "); allowed: a path, or one of the built programs: "
                        + (programs.empty() ? std::string("(none built yet)") : Join(programs)));
}

std::set<std::string>
ParseHelpFlags(const std::string& helpText)
{
    // "    --rounds:  help [10]" (program options) and "    --RngRun=[1]" (--PrintGlobals).
    static const std::regex line(R"(^\s*--([A-Za-z0-9_.:\-]+)(:|=\[))");
    std::set<std::string> flags;
    std::istringstream in(helpText);
    std::string l;
    std::smatch m;
    while (std::getline(in, l))
    {
        // ns3::Class::Attribute names contain ':' too; the flag ends at the ':' (or "=[")
        // that the help text follows.
        if (std::regex_search(l, m, line))
        {
            std::string name = m[1].str();
            flags.insert(name);
        }
    }
    return flags;
}

void
CheckProgramFlags(const Campaign& campaign, const std::string& programPath)
{
    std::string output;
    auto status = RunAndCapture({programPath, "--PrintHelp"}, output);
    auto flags = ParseHelpFlags(output);
    if (flags.empty())
    {
        std::string head = output.substr(0, 300);
        throw CampaignError("program: \"" + programPath + " --PrintHelp\" (" + status.Describe()
                            + ") listed no \"--flag:\" lines, so the campaign's flags cannot be "
                              "checked; is it an ns-3 program? It printed: "
                            + head);
    }
    auto names = campaign.FlagNames();
    names.push_back("outDir");
    auto findUnknown = [&]()
    {
        std::vector<std::string> unknown;
        for (const auto& name : names)
        {
            // Attribute paths (--ns3::WifiPhy::TxPowerStart=...) are not listed; ns-3
            // checks them when the run starts.
            if (flags.count(name) == 0 && name.find("::") == std::string::npos)
            {
                unknown.push_back("--" + name);
            }
        }
        return unknown;
    };
    auto unknown = findUnknown();
    if (!unknown.empty())
    {
        // ns-3 global values (--RngRun, --RngSeed, ...) are flags too.
        RunAndCapture({programPath, "--PrintGlobals"}, output);
        auto globals = ParseHelpFlags(output);
        flags.insert(globals.begin(), globals.end());
        unknown = findUnknown();
    }
    if (!unknown.empty())
    {
        std::vector<std::string> allowed;
        for (const auto& f : flags)
        {
            if (f.rfind("Print", 0) != 0) // not ns-3's --PrintHelp, --PrintGlobals...
            {
                allowed.push_back("--" + f);
            }
        }
        throw CampaignError("program " + programPath + " does not take " + Join(unknown)
                            + " (its --PrintHelp lists: " + Join(allowed) + ")");
    }
}

} // namespace campaign
} // namespace fedmoe
