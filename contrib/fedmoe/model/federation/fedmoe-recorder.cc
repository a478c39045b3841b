// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeRecorder: writes a run's results (rounds.csv, assignments.csv,
 * clients.csv, summary.json) as DESIGN.md specifies.
 */

#include "fedmoe-recorder.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace ns3
{

namespace
{

void
Open(std::ofstream& out, const std::string& path, const char* header)
{
    out.open(path, std::ios::out | std::ios::trunc);
    if (!out)
    {
        throw std::runtime_error("FedMoeRecorder: cannot write '" + path + "'");
    }
    out << header << '\n';
    out.flush();
}

} // namespace

FedMoeRecorder::FedMoeRecorder(const std::string& outDir)
    : m_outDir(outDir)
{
    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    if (ec || !std::filesystem::is_directory(outDir))
    {
        throw std::runtime_error("FedMoeRecorder: cannot create output directory '" + outDir
                                 + "': " + (ec ? ec.message() : "not a directory"));
    }
    Open(m_rounds, m_outDir + "/rounds.csv",
         "round,sim_time_s,wall_time_s,participants,dropped,test_accuracy,test_loss,"
         "bytes_down,bytes_up,expert_load_cv,routing_entropy,personal_accuracy,picked,left_out,"
         "partial,missing,refused,unused_bytes_up,min_trainers");
    Open(m_assignments, m_outDir + "/assignments.csv", "round,client,expert");
    Open(m_participants, m_outDir + "/participants.csv",
         "round,client,experts,local_steps,predicted_s,arrival_s,status");
}

const std::string&
FedMoeRecorder::GetOutDir() const
{
    return m_outDir;
}

std::string
FedMoeRecorder::Format(double value)
{
    if (!std::isfinite(value))
    {
        return "nan";
    }
    std::ostringstream os;
    os.precision(10);
    os << value;
    return os.str();
}

void
FedMoeRecorder::AddRound(const FedMoeRoundRecord& r)
{
    m_rounds << r.round << ',' << Format(r.simTimeS) << ',' << Format(r.wallTimeS) << ','
             << r.participants << ',' << r.dropped << ',' << Format(r.testAccuracy) << ','
             << Format(r.testLoss) << ',' << r.bytesDown << ',' << r.bytesUp << ','
             << Format(r.expertLoadCv) << ',' << Format(r.routingEntropy) << ','
             << Format(r.personalAccuracy) << ',' << r.picked << ',' << r.leftOut << ','
             << r.partial << ',' << r.missing << ',' << r.refused << ',' << r.unusedBytesUp << ','
             << r.minTrainers << '\n';
    m_rounds.flush();
}

void
FedMoeRecorder::AddParticipant(const FedMoeParticipantRecord& r)
{
    m_participants << r.round << ',' << r.client << ',' << r.experts << ',' << r.localSteps << ','
                   << Format(r.predictedS) << ',' << Format(r.arrivalS) << ',' << r.status << '\n';
    m_participants.flush();
}

void
FedMoeRecorder::AddAssignment(uint32_t round,
                              const std::map<uint32_t, std::vector<uint32_t>>& assignment)
{
    for (const auto& [client, experts] : assignment)
    {
        for (uint32_t expert : experts)
        {
            m_assignments << round << ',' << client << ',' << expert << '\n';
        }
    }
    m_assignments.flush();
}

void
FedMoeRecorder::Finish(const std::vector<FedMoeClientRecord>& clients,
                       const std::string& summaryJson)
{
    WriteFinal(clients, summaryJson, "");
}

void
FedMoeRecorder::Fail(const std::vector<FedMoeClientRecord>& clients, const std::string& summaryJson,
                     const std::string& error)
{
    WriteFinal(clients, summaryJson, error.empty() ? "unknown error" : error);
}

void
FedMoeRecorder::RunEnded(const std::string& summaryJson,
                         const std::vector<FedMoeClientRecord>& clients, const std::string& error)
{
    try
    {
        if (error.empty())
        {
            Finish(clients, summaryJson);
        }
        else
        {
            Fail(clients, summaryJson, error);
        }
    }
    catch (const std::exception& e)
    {
        std::cerr << "FedMoeRecorder: writing the records in " << m_outDir
                  << " failed: " << e.what() << std::endl;
    }
}

void
FedMoeRecorder::WriteFinal(const std::vector<FedMoeClientRecord>& clients,
                           const std::string& summaryJson, const std::string& error)
{
    std::ostringstream csv;
    csv << "client,tier,distance_m,compute_gflops,cores,memory_mb,uplink_bps,downlink_bps,"
           "latency_s,samples,goodput_bps,rtt_s,snr_db,rounds_assigned,rounds_dropped\n";
    for (const auto& c : clients)
    {
        csv << c.client << ',' << c.tier << ',' << Format(c.distanceM) << ','
            << Format(c.capacity.computeGflops) << ',' << c.capacity.cores << ','
            << Format(c.capacity.memoryMb) << ',' << Format(c.capacity.uplinkBps) << ','
            << Format(c.capacity.downlinkBps) << ',' << Format(c.capacity.latencyS) << ','
            << c.samples << ',' << Format(c.goodputBps) << ',' << Format(c.rttS) << ','
            << Format(c.snrDb) << ',' << c.roundsAssigned << ',' << c.roundsDropped << '\n';
    }
    WriteAtomically("clients.csv", csv.str());

    nlohmann::json summary = nlohmann::json::object();
    if (!summaryJson.empty())
    {
        summary = nlohmann::json::parse(summaryJson);
        if (!summary.is_object())
        {
            throw std::invalid_argument("FedMoeRecorder: the summary must be a JSON object, got "
                                        + summaryJson);
        }
    }
    // A run stopped from outside (a signal, a time limit) is neither done nor failed.
    const bool interrupted = summary.value("interrupted", false);
    summary["status"] = !error.empty() ? "error" : interrupted ? "interrupted" : "ok";
    if (!error.empty())
    {
        summary["error"] = error;
    }
    WriteAtomically("summary.json", summary.dump(2) + "\n");
}

void
FedMoeRecorder::WriteAtomically(const std::string& name, const std::string& content) const
{
    const std::string path = m_outDir + "/" + name;
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::out | std::ios::trunc);
        out << content;
        out.flush();
        if (!out)
        {
            std::remove(tmp.c_str());
            throw std::runtime_error("FedMoeRecorder: cannot write '" + tmp + "'");
        }
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec)
    {
        std::remove(tmp.c_str());
        throw std::runtime_error("FedMoeRecorder: cannot rename '" + tmp + "' to '" + path
                                 + "': " + ec.message());
    }
}

} // namespace ns3
