// SPDX-License-Identifier: GPL-2.0-only
/*
 * RunFolder: the files of one run.
 */

#include "run-folder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fedmoe
{
namespace campaign
{

namespace
{

nlohmann::ordered_json
ReadJson(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
    {
        return nullptr;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto j = nlohmann::ordered_json::parse(text.str(), nullptr, false);
    if (j.is_discarded())
    {
        return nullptr;
    }
    return j;
}

} // namespace

void
MakeDirectories(const std::string& path)
{
    std::string partial;
    std::istringstream parts(path);
    std::string part;
    if (!path.empty() && path[0] == '/')
    {
        partial = "/";
    }
    while (std::getline(parts, part, '/'))
    {
        if (part.empty())
        {
            continue;
        }
        partial += part + "/";
        if (mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST)
        {
            throw std::runtime_error("cannot create folder " + partial + ": "
                                     + std::strerror(errno));
        }
    }
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    {
        throw std::runtime_error("cannot create folder " + path + ": not a folder");
    }
}

void
WriteFileAtomically(const std::string& path, const std::string& content)
{
    const std::string tmp = path + ".tmp." + std::to_string(getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
        out.flush();
        if (!out)
        {
            std::remove(tmp.c_str());
            throw std::runtime_error("cannot write " + tmp);
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
    {
        std::remove(tmp.c_str());
        throw std::runtime_error("cannot rename " + tmp + " to " + path + ": "
                                 + std::strerror(errno));
    }
}

std::string
AbsolutePath(const std::string& path)
{
    if (!path.empty() && path[0] == '/')
    {
        return path;
    }
    char buffer[4096];
    if (getcwd(buffer, sizeof(buffer)) == nullptr)
    {
        throw std::runtime_error(std::string("getcwd failed: ") + std::strerror(errno));
    }
    std::string p = path;
    while (p.rfind("./", 0) == 0)
    {
        p = p.substr(2);
    }
    return std::string(buffer) + (p.empty() || p == "." ? "" : "/" + p);
}

RunFolder::RunFolder(const std::string& out, const std::string& id)
    : m_path(out + "/runs/" + id)
{
}

const std::string&
RunFolder::Path() const
{
    return m_path;
}

std::string
RunFolder::LogPath() const
{
    return m_path + "/log.txt";
}

std::string
RunFolder::SummaryPath() const
{
    return m_path + "/summary.json";
}

bool
RunFolder::IsComplete() const
{
    auto summary = ReadSummary();
    return summary.is_object() && summary.contains("status") && summary["status"] == "ok";
}

void
RunFolder::Prepare(const Run& run) const
{
    MakeDirectories(m_path);
    std::remove(SummaryPath().c_str());
    std::remove((m_path + "/run.json").c_str());
    WriteFileAtomically(m_path + "/params.json", run.params.dump(2) + "\n");
}

std::string
RunFolder::Record(const std::vector<std::string>& command, const ExitStatus& exit,
                  double wallTimeS) const
{
    nlohmann::ordered_json record;
    record["command"] = command;
    record["exit_code"] = exit.signal != 0 ? nlohmann::ordered_json(nullptr)
                                           : nlohmann::ordered_json(exit.exitCode);
    record["signal"] = exit.signal;
    record["wall_time_s"] = wallTimeS;
    std::string status = "ok";
    std::string error;
    auto summary = ReadSummary();
    if (!exit.Ok())
    {
        status = "failed";
        error = "the program ended with " + exit.Describe() + " (see log.txt)";
    }
    else if (!summary.is_object())
    {
        status = "failed";
        error = "the program exited 0 but wrote no readable summary.json";
    }
    else if (!summary.contains("status") || summary["status"] != "ok")
    {
        status = "failed";
        error = "summary.json says status "
                + (summary.contains("status") ? summary["status"].dump() : std::string("(none)"));
        if (summary.contains("error"))
        {
            error += ": " + summary["error"].dump();
        }
    }
    record["status"] = status;
    if (!error.empty())
    {
        record["error"] = error;
    }
    WriteFileAtomically(m_path + "/run.json", record.dump(2) + "\n");
    return status;
}

nlohmann::ordered_json
RunFolder::ReadSummary() const
{
    return ReadJson(SummaryPath());
}

nlohmann::json
RunFolder::ReadRecord() const
{
    auto j = ReadJson(m_path + "/run.json");
    return nlohmann::json::parse(j.dump());
}

} // namespace campaign
} // namespace fedmoe
