// SPDX-License-Identifier: GPL-2.0-only
/*
 * CampaignResults: campaign.csv and campaign-summary.csv.
 */

#include "results.h"

#include "run-folder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

namespace fedmoe
{
namespace campaign
{

namespace
{

/// Flatten an object's scalars into (name, value) pairs; arrays are skipped.
void
Flatten(const nlohmann::ordered_json& object, const std::string& prefix,
        std::vector<std::pair<std::string, nlohmann::json>>& figures)
{
    for (const auto& [key, value] : object.items())
    {
        const std::string name = prefix.empty() ? key : prefix + "." + key;
        if (value.is_object())
        {
            Flatten(value, name, figures);
        }
        else if (!value.is_array())
        {
            figures.emplace_back(name, nlohmann::json::parse(value.dump()));
        }
    }
}

} // namespace

std::string
CsvField(const std::string& text)
{
    if (text.find_first_of(",\"\n\r") == std::string::npos)
    {
        return text;
    }
    std::string quoted = "\"";
    for (char c : text)
    {
        quoted += c;
        if (c == '"')
        {
            quoted += '"';
        }
    }
    return quoted + "\"";
}

std::string
FormatNumber(double v)
{
    if (std::isnan(v))
    {
        return "nan";
    }
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%.10g", v);
    return buffer;
}

std::string
CsvCell(const nlohmann::json& value)
{
    if (value.is_null())
    {
        return "";
    }
    if (value.is_string())
    {
        return CsvField(value.get<std::string>());
    }
    if (value.is_number_float())
    {
        return FormatNumber(value.get<double>());
    }
    return value.dump(); // integers, booleans
}

CampaignResults::CampaignResults(const Campaign& campaign, const std::vector<Run>& runs,
                                 const std::string& out)
    : m_params(campaign.FlagNames())
{
    const std::set<std::string> reserved(m_params.begin(), m_params.end());
    std::set<std::string> seen;
    for (const auto& run : runs)
    {
        RunRecord record;
        record.run = run;
        RunFolder folder(out, run.id);
        auto summary = folder.ReadSummary();
        auto runJson = folder.ReadRecord();
        if (folder.IsComplete())
        {
            record.status = "ok";
        }
        else if (runJson.is_object() || summary.is_object())
        {
            record.status = "failed";
        }
        else
        {
            record.status = "pending";
        }
        if (runJson.is_object())
        {
            record.exitCode = runJson.value("exit_code", nlohmann::json(nullptr));
            record.wallTimeS = runJson.value("wall_time_s", nlohmann::json(nullptr));
        }
        if (summary.is_object())
        {
            std::vector<std::pair<std::string, nlohmann::json>> figures;
            Flatten(summary, "", figures);
            for (auto& [name, value] : figures)
            {
                // The status has its own column; a figure named like a parameter
                // (policy, seed, rounds...) repeats the parameter's column.
                if (name == "status" || reserved.count(name) != 0)
                {
                    continue;
                }
                if (seen.insert(name).second)
                {
                    m_figures.push_back(name);
                }
                record.figures.emplace_back(name, value);
            }
        }
        m_records.push_back(std::move(record));
    }
}

const std::vector<std::string>&
CampaignResults::ParamColumns() const
{
    return m_params;
}

const std::vector<std::string>&
CampaignResults::FigureColumns() const
{
    return m_figures;
}

const std::vector<RunRecord>&
CampaignResults::Records() const
{
    return m_records;
}

size_t
CampaignResults::Count(const std::string& status) const
{
    return static_cast<size_t>(std::count_if(m_records.begin(), m_records.end(),
                                             [&](const RunRecord& r)
                                             {
                                                 return r.status == status;
                                             }));
}

std::vector<std::string>
CampaignResults::NumericFigures() const
{
    std::vector<std::string> numeric;
    for (const auto& name : m_figures)
    {
        bool isNumber = true;
        bool any = false;
        for (const auto& r : m_records)
        {
            for (const auto& [figure, value] : r.figures)
            {
                if (figure == name && !value.is_null())
                {
                    any = true;
                    isNumber = isNumber && value.is_number();
                }
            }
        }
        if (any && isNumber)
        {
            numeric.push_back(name);
        }
    }
    return numeric;
}

void
CampaignResults::WriteCampaignCsv(std::ostream& os) const
{
    os << "run_id";
    for (const auto& p : m_params)
    {
        os << "," << CsvField(p);
    }
    os << ",status,exit_code,run_wall_time_s";
    for (const auto& f : m_figures)
    {
        os << "," << CsvField(f);
    }
    os << "\n";
    for (const auto& r : m_records)
    {
        os << r.run.id;
        for (const auto& p : m_params)
        {
            os << "," << CsvCell(r.run.params.value(p, nlohmann::json(nullptr)));
        }
        os << "," << r.status << "," << CsvCell(r.exitCode) << "," << CsvCell(r.wallTimeS);
        for (const auto& f : m_figures)
        {
            nlohmann::json cell(nullptr);
            for (const auto& [name, value] : r.figures)
            {
                if (name == f)
                {
                    cell = value;
                }
            }
            os << "," << CsvCell(cell);
        }
        os << "\n";
    }
}

std::vector<SummaryRow>
CampaignResults::Summarize() const
{
    const auto numeric = NumericFigures();
    std::vector<SummaryRow> rows;
    std::vector<std::map<std::string, std::vector<double>>> samples;
    for (const auto& r : m_records)
    {
        nlohmann::json key = r.run.params;
        key.erase("seed");
        size_t i = 0;
        while (i < rows.size() && rows[i].params != key)
        {
            ++i;
        }
        if (i == rows.size())
        {
            rows.push_back(SummaryRow{});
            rows.back().params = key;
            samples.emplace_back();
        }
        if (r.status == "failed")
        {
            ++rows[i].failed;
            continue;
        }
        if (r.status == "pending")
        {
            ++rows[i].pending;
            continue;
        }
        ++rows[i].ok;
        for (const auto& [name, value] : r.figures)
        {
            if (value.is_number() && std::isfinite(value.get<double>()))
            {
                samples[i][name].push_back(value.get<double>());
            }
        }
    }
    for (size_t i = 0; i < rows.size(); ++i)
    {
        for (const auto& name : numeric)
        {
            rows[i].stats[name] = MeanConfidence95(samples[i][name]);
            rows[i].medians[name] = MedianConfidence95(samples[i][name]);
        }
    }
    return rows;
}

void
CampaignResults::WriteSummaryCsv(std::ostream& os) const
{
    const auto numeric = NumericFigures();
    bool first = true;
    for (const auto& p : m_params)
    {
        if (p != "seed")
        {
            os << (first ? "" : ",") << CsvField(p);
            first = false;
        }
    }
    os << (first ? "" : ",") << "runs_ok,runs_failed,runs_pending";
    for (const auto& f : numeric)
    {
        os << "," << CsvField(f + "_mean") << "," << CsvField(f + "_ci95") << ","
           << CsvField(f + "_n") << "," << CsvField(f + "_median") << ","
           << CsvField(f + "_median_lo") << "," << CsvField(f + "_median_hi");
    }
    os << "\n";
    for (const auto& row : Summarize())
    {
        first = true;
        for (const auto& p : m_params)
        {
            if (p != "seed")
            {
                os << (first ? "" : ",") << CsvCell(row.params.value(p, nlohmann::json(nullptr)));
                first = false;
            }
        }
        os << (first ? "" : ",") << row.ok << "," << row.failed << "," << row.pending;
        for (const auto& f : numeric)
        {
            const auto& s = row.stats.at(f);
            const auto& m = row.medians.at(f);
            os << "," << FormatNumber(s.mean) << "," << FormatNumber(s.halfWidth) << "," << s.n
               << "," << FormatNumber(m.median) << "," << FormatNumber(m.low) << ","
               << FormatNumber(m.high);
        }
        os << "\n";
    }
}

void
CampaignResults::WriteTables(const std::string& out) const
{
    MakeDirectories(out);
    std::ostringstream runs;
    WriteCampaignCsv(runs);
    WriteFileAtomically(out + "/campaign.csv", runs.str());
    std::ostringstream summary;
    WriteSummaryCsv(summary);
    WriteFileAtomically(out + "/campaign-summary.csv", summary.str());
}

} // namespace campaign
} // namespace fedmoe
