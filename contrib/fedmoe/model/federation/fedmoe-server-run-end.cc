// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeServerApplication: how a run ends. Its summary (the rounds' part from
 * FedMoeRunSummary, the server's own counts), an interruption by a signal,
 * the last round, or a failure; each fires RunEnded once, which writes the
 * records.
 */

#include "fedmoe-run-summary.h"
#include "fedmoe-server-application.h"

#include "ns3/log.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"

#include <nlohmann/json.hpp>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeServerRunEnd");

std::string
FedMoeServerApplication::SummaryJson() const
{
    nlohmann::json j = FedMoeRunSummary(m_settings, m_coordinator.get());
    j["policy"] = m_policy ? m_policy->GetName() : "";
    j["seed"] = RngSeedManager::GetSeed();
    j["run"] = RngSeedManager::GetRun();
    j["sim_time_s"] = Simulator::Now().GetSeconds();
    j["clients_connected"] = m_scoreboard.AnnouncedCount();
    j["rejected_messages"] = m_rejected;
    if (!m_interruption.empty())
    {
        j["interrupted"] = true;
        j["interruption"] = m_interruption;
    }
    if (m_executor)
    {
        j["training_wall_s"] = m_executor->GetTrainingWallSeconds();
        j["jobs_precomputed"] = m_executor->GetPrecomputedCount();
        j["jobs_trained_on_demand"] = m_executor->GetTrainedOnDemandCount();
        j["jobs_discarded"] = m_executor->GetDiscardedCount();
    }
    return j.dump();
}

void
FedMoeServerApplication::Interrupt(const std::string& why)
{
    NS_LOG_FUNCTION(this << why);
    if (m_finished)
    {
        return;
    }
    m_interruption = why.empty() ? "interrupted" : why;
    Simulator::Cancel(m_deadlineEvent);
    Simulator::Cancel(m_startEvent);
    if (!m_transport)
    {
        m_finished = true;
        m_runEnded(SummaryJson(), GetClientRecords(), "");
        return;
    }
    Finish();
}

void
FedMoeServerApplication::Finish()
{
    NS_LOG_FUNCTION(this);
    m_finished = true;
    m_runEnded(SummaryJson(), GetClientRecords(), m_error);
    m_links.clear();
    m_clientLinks.clear();
    m_transport->Stop();
    if (m_stopSimulation)
    {
        Simulator::Stop();
    }
}

void
FedMoeServerApplication::Fail(const std::string& error)
{
    NS_LOG_FUNCTION(this << error);
    NS_LOG_ERROR("FedMoeServerApplication: " << error);
    m_error = error;
    m_finished = true;
    Simulator::Cancel(m_deadlineEvent);
    Simulator::Cancel(m_startEvent);
    if (m_transport)
    {
        m_transport->StopAccepting();
    }
    m_runEnded(SummaryJson(), GetClientRecords(), error);
    if (m_stopSimulation)
    {
        Simulator::Stop();
    }
}

} // namespace ns3
