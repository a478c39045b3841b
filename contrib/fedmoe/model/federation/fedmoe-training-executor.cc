/*
 * FedMoeTrainingExecutor: a round's local jobs trained together, handed out
 * by (round, client) when the job received matches the job submitted.
 */

#include "fedmoe-training-executor.h"

#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <chrono>
#include <cstring>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeTrainingExecutor");

NS_OBJECT_ENSURE_REGISTERED(FedMoeTrainingExecutor);

namespace learning = fedmoe::learning;

namespace
{

/// Two independent 64-bit hashes over a stream of bytes and numbers.
class JobHasher
{
  public:
    /// Eight bytes per step: a job carries ~0.5 MB, and a byte-wise chain
    /// cost milliseconds per job, twice (Submit and Take).
    void Bytes(const void* data, std::size_t size)
    {
        const auto* p = static_cast<const uint8_t*>(data);
        std::size_t i = 0;
        for (; i + 8 <= size; i += 8)
        {
            uint64_t w;
            std::memcpy(&w, p + i, 8);
            Word(w);
        }
        uint64_t tail = size - i; // length-tagged tail
        for (std::size_t shift = 8; i < size; ++i, shift += 8)
        {
            tail |= uint64_t(p[i]) << shift;
        }
        Word(tail);
    }

    void U64(uint64_t v)
    {
        Bytes(&v, sizeof v);
    }

    template<class T>
    void Vector(const std::vector<T>& v)
    {
        U64(v.size());
        Bytes(v.data(), v.size() * sizeof(T));
    }

    FedMoeTrainingExecutor::Digest Get() const
    {
        return {m_fnv, m_mix};
    }

  private:
    void Word(uint64_t w)
    {
        m_fnv = (m_fnv ^ w) * 0x100000001b3ULL;
        m_mix = Mix(m_mix + w + 0x9e3779b97f4a7c15ULL);
    }

    static uint64_t Mix(uint64_t z)
    {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    uint64_t m_fnv{0xcbf29ce484222325ULL}; //!< FNV-1a 64
    uint64_t m_mix{0x2545f4914f6cdd1dULL}; //!< splitmix-style chain
};

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

FedMoeTrainingExecutor::Digest
FedMoeTrainingExecutor::ComputeDigest(const learning::TrainJob& job)
{
    JobHasher h;
    h.U64(job.client);
    h.Vector(job.experts);
    h.Vector(job.gate);
    h.U64(job.expertParams.size());
    for (const auto& p : job.expertParams)
    {
        h.Vector(p);
    }
    h.Vector(job.shard);
    h.U64(job.steps);
    h.U64(job.seed);
    return h.Get();
}

void
FedMoeTrainingExecutor::Submit(uint32_t round, const std::vector<learning::TrainJob>& jobs)
{
    NS_LOG_FUNCTION(this << round << jobs.size());
    if (jobs.empty())
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
        Entry entry{ComputeDigest(jobs[i]), std::move(results.at(i))};
        m_results[{round, jobs[i].client}] = std::move(entry);
    }
    NS_LOG_INFO("round " << round << ": " << jobs.size() << " jobs trained in " << wall << " s");
    m_trained(round, static_cast<uint32_t>(jobs.size()), wall);
}

learning::TrainResult
FedMoeTrainingExecutor::Take(uint32_t round, uint32_t client, const learning::TrainJob& job)
{
    NS_LOG_FUNCTION(this << round << client);
    auto it = m_results.find({round, client});
    if (it != m_results.end())
    {
        const bool match = it->second.digest == ComputeDigest(job);
        if (match)
        {
            learning::TrainResult result = std::move(it->second.result);
            m_results.erase(it);
            ++m_precomputed;
            return result;
        }
        NS_LOG_INFO("round " << round << " client " << client
                             << ": the job received differs from the job submitted; training it");
        m_results.erase(it);
        ++m_discarded;
    }
    const auto start = std::chrono::steady_clock::now();
    learning::TrainResult result = Model().Train(job);
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
