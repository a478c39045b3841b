// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeTrainingExecutor: a round's local jobs trained together, handed out
 * by (round, client) when the job received matches the job submitted.
 */

#include "fedmoe-training-executor.h"

#include "fedmoe-job-messages.h"

#include "ns3/boolean.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <chrono>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeTrainingExecutor");

NS_OBJECT_ENSURE_REGISTERED(FedMoeTrainingExecutor);

namespace learning = fedmoe::learning;

namespace
{

double
Seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

} // namespace

TypeId
FedMoeTrainingExecutor::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::FedMoeTrainingExecutor")
              .SetParent<Object>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoeTrainingExecutor>()
              .AddAttribute(
                  "Threads", "Worker threads that train a round's jobs (0: the machine's cores).",
                  UintegerValue(0), MakeUintegerAccessor(&FedMoeTrainingExecutor::m_threads),
                  MakeUintegerChecker<uint32_t>())
              .AddAttribute("TimingOnly",
                            "Train nothing: every job's result is FederatedMoe::Untrained (the "
                            "parameters it was sent, the samples and FLOPs it would take), for "
                            "scale studies of the scheduler and the network.",
                            BooleanValue(false),
                            MakeBooleanAccessor(&FedMoeTrainingExecutor::m_timingOnly),
                            MakeBooleanChecker())
              .AddTraceSource("Trained",
                              "A batch of jobs was trained: round, jobs, wall-clock seconds.",
                              MakeTraceSourceAccessor(&FedMoeTrainingExecutor::m_trained),
                              "ns3::FedMoeTrainingExecutor::TrainedCallback");
    return tid;
}

FedMoeTrainingExecutor::FedMoeTrainingExecutor()
    : m_threads(0)
{
    NS_LOG_FUNCTION(this);
}

FedMoeTrainingExecutor::~FedMoeTrainingExecutor()
{
    NS_LOG_FUNCTION(this);
}

void
FedMoeTrainingExecutor::DoDispose()
{
    m_results.clear();
    m_shards.clear();
    m_model.reset();
    Object::DoDispose();
}

void
FedMoeTrainingExecutor::SetModel(std::shared_ptr<learning::FederatedMoe> model)
{
    m_model = std::move(model);
}

std::shared_ptr<learning::FederatedMoe>
FedMoeTrainingExecutor::GetModel() const
{
    return m_model;
}

const learning::FederatedMoe&
FedMoeTrainingExecutor::Model() const
{
    if (!m_model)
    {
        throw std::logic_error("FedMoeTrainingExecutor: no model set (call SetModel first)");
    }
    return *m_model;
}

void
FedMoeTrainingExecutor::RegisterShard(uint32_t client, std::vector<int64_t> shard)
{
    m_shards[client] = std::move(shard);
}

const std::vector<int64_t>&
FedMoeTrainingExecutor::GetShard(uint32_t client) const
{
    static const std::vector<int64_t> empty;
    auto it = m_shards.find(client);
    return it == m_shards.end() ? empty : it->second;
}

void
FedMoeTrainingExecutor::RegisterHoldout(uint32_t client, std::vector<int64_t> heldOut)
{
    m_holdouts[client] = std::move(heldOut);
}

const std::vector<int64_t>&
FedMoeTrainingExecutor::GetHoldout(uint32_t client) const
{
    static const std::vector<int64_t> empty;
    auto it = m_holdouts.find(client);
    return it == m_holdouts.end() ? empty : it->second;
}

void
FedMoeTrainingExecutor::Submit(uint32_t round, const std::vector<learning::TrainJob>& jobs,
                               const std::vector<FedMoeBytes>& assigns)
{
    NS_LOG_FUNCTION(this << round << jobs.size());
    if (assigns.size() != jobs.size())
    {
        throw std::invalid_argument("FedMoeTrainingExecutor::Submit: "
                                    + std::to_string(assigns.size()) + " ASSIGN payloads for "
                                    + std::to_string(jobs.size()) + " jobs");
    }
    if (jobs.empty() || m_timingOnly)
    {
        return;
    }
    const auto start = std::chrono::steady_clock::now();
    std::vector<learning::TrainResult> results = Model().TrainAll(jobs, m_threads);
    const double wall = Seconds(start);
    m_wallSeconds += wall;
    m_submitted += jobs.size();
    for (std::size_t i = 0; i < jobs.size(); ++i)
    {
        Entry entry{assigns[i], jobs[i].shard, std::move(results.at(i))};
        m_results[{round, jobs[i].client}] = std::move(entry);
    }
    NS_LOG_INFO("round " << round << ": " << jobs.size() << " jobs trained in " << wall << " s");
    m_trained(round, static_cast<uint32_t>(jobs.size()), wall);
}

learning::TrainResult
FedMoeTrainingExecutor::Take(uint32_t round, uint32_t client, const FedMoeBytes& payload,
                             const FedMoeAssign& assign, const std::vector<int64_t>& shard)
{
    NS_LOG_FUNCTION(this << round << client);
    if (m_timingOnly)
    {
        return Model().Untrained(FedMoeJobMessages::MakeJob(client, assign, shard));
    }
    auto it = m_results.find({round, client});
    if (it != m_results.end())
    {
        if (it->second.assign == payload && it->second.shard == shard)
        {
            learning::TrainResult result = std::move(it->second.result);
            m_results.erase(it);
            ++m_precomputed;
            return result;
        }
        NS_LOG_INFO(
            "round " << round << " client " << client
                     << ": the ASSIGN received differs from the one submitted; training it");
        m_results.erase(it);
        ++m_discarded;
    }
    const auto start = std::chrono::steady_clock::now();
    learning::TrainResult result = Model().Train(FedMoeJobMessages::MakeJob(client, assign, shard));
    const double wall = Seconds(start);
    m_wallSeconds += wall;
    ++m_onDemand;
    m_trained(round, 1, wall);
    return result;
}

void
FedMoeTrainingExecutor::EndRound(uint32_t round)
{
    NS_LOG_FUNCTION(this << round);
    for (auto it = m_results.begin(); it != m_results.end();)
    {
        if (it->first.first <= round)
        {
            it = m_results.erase(it);
            ++m_discarded;
        }
        else
        {
            ++it;
        }
    }
}

std::size_t
FedMoeTrainingExecutor::GetPendingCount() const
{
    return m_results.size();
}

uint64_t
FedMoeTrainingExecutor::GetSubmittedCount() const
{
    return m_submitted;
}

uint64_t
FedMoeTrainingExecutor::GetPrecomputedCount() const
{
    return m_precomputed;
}

uint64_t
FedMoeTrainingExecutor::GetTrainedOnDemandCount() const
{
    return m_onDemand;
}

uint64_t
FedMoeTrainingExecutor::GetDiscardedCount() const
{
    return m_discarded;
}

double
FedMoeTrainingExecutor::GetTrainingWallSeconds() const
{
    return m_wallSeconds;
}

} // namespace ns3
