// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeClientScoreboard: the server's knowledge of its clients.
 */

#include "fedmoe-client-scoreboard.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ns3
{

namespace learning = fedmoe::learning;
namespace sched = fedmoe::scheduling;

void
FedMoeClientScoreboard::Announce(uint32_t client, const std::string& tier,
                                 const sched::CapacityProfile& capacity)
{
    FedMoeClientState& state = m_clients[client];
    state.tier = tier;
    state.capacity = capacity;
    state.connected = true;
}

FedMoeAdmission
FedMoeClientScoreboard::Admit(uint32_t client, const std::string& tier,
                              sched::CapacityProfile capacity, uint32_t maxClients)
{
    capacity.cores = std::max<uint32_t>(1, capacity.cores);
    capacity.availability = 1.0; // the server cannot know; clients model it
    try
    {
        sched::CapacityEstimator::ValidateProfile(capacity, "HELLO");
    }
    catch (const std::invalid_argument& e)
    {
        return {false, true, e.what()};
    }
    if (client >= maxClients)
    {
        return {false, false,
                "HELLO from client " + std::to_string(client) + " (ids 0.."
                    + std::to_string(maxClients - 1) + " allowed: MaxClients)"};
    }
    if (IsStarted() && client >= NumClients())
    {
        return {false, false,
                "HELLO from client " + std::to_string(client) + " after the first round (ids 0.."
                    + std::to_string(NumClients() - 1) + " take part)"};
    }
    Announce(client, tier, capacity);
    return {};
}

void
FedMoeClientScoreboard::SetConnected(uint32_t client, bool connected)
{
    auto it = m_clients.find(client);
    if (it != m_clients.end())
    {
        it->second.connected = connected;
    }
}

bool
FedMoeClientScoreboard::IsConnected(uint32_t client) const
{
    auto it = m_clients.find(client);
    return it != m_clients.end() && it->second.connected;
}

uint32_t
FedMoeClientScoreboard::ConnectedCount() const
{
    return static_cast<uint32_t>(std::count_if(m_clients.begin(), m_clients.end(),
                                               [](const auto& c)
                                               {
                                                   return c.second.connected;
                                               }));
}

uint32_t
FedMoeClientScoreboard::AnnouncedCount() const
{
    return static_cast<uint32_t>(m_clients.size());
}

uint32_t
FedMoeClientScoreboard::MaxAnnouncedId() const
{
    return m_clients.empty() ? 0 : m_clients.rbegin()->first;
}

const FedMoeClientState&
FedMoeClientScoreboard::GetState(uint32_t client) const
{
    auto it = m_clients.find(client);
    if (it == m_clients.end())
    {
        throw std::out_of_range("FedMoeClientScoreboard: client " + std::to_string(client)
                                + " never announced itself");
    }
    return it->second;
}

void
FedMoeClientScoreboard::ObserveUplink(uint32_t client, const FedMoeLinkObservation& observation)
{
    m_uplink[client] = observation;
}

void
FedMoeClientScoreboard::ObserveDownlink(uint32_t client, const FedMoeLinkObservation& observation)
{
    m_downlink[client] = observation;
}

void
FedMoeClientScoreboard::SetDistance(uint32_t client, double metres)
{
    m_distances[client] = metres;
}

void
FedMoeClientScoreboard::Start(uint32_t clients, uint32_t experts,
                              const sched::FitnessParameters& fitness,
                              const sched::UsageParameters& usage)
{
    m_fitness = std::make_unique<sched::FitnessTracker>(clients, experts, fitness);
    m_usage = std::make_unique<sched::ExpertUsageTracker>(experts, usage);
}

bool
FedMoeClientScoreboard::IsStarted() const
{
    return m_fitness != nullptr;
}

uint32_t
FedMoeClientScoreboard::NumClients() const
{
    return m_fitness ? m_fitness->NumClients() : 0;
}

sched::ChannelObservation
FedMoeClientScoreboard::ObservationOf(uint32_t client) const
{
    sched::ChannelObservation o;
    auto up = m_uplink.find(client);
    if (up != m_uplink.end())
    {
        o.goodputUpBps = up->second.transferSamples > 0 ? up->second.goodputBps : 0.0;
        o.rttS = up->second.rttSamples > 0 ? up->second.rttS : 0.0;
    }
    auto down = m_downlink.find(client);
    if (down != m_downlink.end())
    {
        o.goodputDownBps = down->second.transferSamples > 0 ? down->second.goodputBps : 0.0;
    }
    auto it = m_clients.find(client);
    o.completionRatio = it != m_clients.end() ? it->second.completionRatio : 1.0;
    return o;
}

std::vector<sched::ClientInfo>
FedMoeClientScoreboard::Available(double samples) const
{
    std::vector<sched::ClientInfo> available;
    for (const auto& [id, state] : m_clients)
    {
        if (!state.connected)
        {
            continue;
        }
        sched::ClientInfo info;
        info.id = id;
        info.profile = state.capacity;
        info.channel = ObservationOf(id);
        info.samples = samples;
        available.push_back(info);
    }
    return available;
}

sched::AlignmentInput
FedMoeClientScoreboard::BuildInput(const std::vector<sched::ClientInfo>& participants,
                                   const sched::ModelCost& model,
                                   const sched::AlignmentConstraints& constraints) const
{
    sched::AlignmentInput input;
    input.clients = participants;
    std::vector<uint32_t> ids;
    for (const auto& c : participants)
    {
        ids.push_back(c.id);
    }
    input.model = model;
    input.fitness = GetFitness().Rows(ids);
    input.usage = GetUsage().Usages();
    input.constraints = constraints;
    return input;
}

void
FedMoeClientScoreboard::CountAssigned(uint32_t client)
{
    ++m_clients[client].roundsAssigned;
}

void
FedMoeClientScoreboard::CountDropped(uint32_t client)
{
    ++m_clients[client].roundsDropped;
}

void
FedMoeClientScoreboard::RecordTraining(const std::vector<learning::TrainResult>& updates)
{
    if (!m_fitness)
    {
        throw std::logic_error("FedMoeClientScoreboard::RecordTraining: call Start first");
    }
    for (const auto& u : updates)
    {
        for (uint32_t e : u.experts)
        {
            sched::TrainingFeedback feedback;
            feedback.loss = u.meanLoss;
            feedback.routingShare
                = e < u.routingShare.size() ? std::clamp(u.routingShare[e], 0.0, 1.0) : 0.0;
            if (std::isfinite(feedback.loss) && feedback.loss >= 0)
            {
                m_fitness->Record(u.client, e, feedback);
            }
            if (e < u.routedSamples.size())
            {
                m_usage->AddLoad(e, static_cast<double>(u.routedSamples[e]));
            }
        }
    }
    m_fitness->EndRound();
    m_usage->EndRound();
}

void
FedMoeClientScoreboard::RecordCompletions(const std::map<uint32_t, FedMoeCompletion>& participants,
                                          double smoothing)
{
    for (auto& [client, state] : m_clients)
    {
        auto p = participants.find(client);
        if (p == participants.end())
        {
            state.completionRatio += smoothing * (1.0 - state.completionRatio);
            continue;
        }
        const FedMoeCompletion& c = p->second;
        if (c.arrived && c.predictedS > 0 && c.observedS > 0)
        {
            state.completionRatio = sched::CapacityEstimator::UpdateCompletionRatio(
                state.completionRatio, c.observedS, c.predictedS, smoothing);
        }
    }
}

const sched::FitnessTracker&
FedMoeClientScoreboard::GetFitness() const
{
    if (!m_fitness)
    {
        throw std::logic_error("FedMoeClientScoreboard: no fitness scores before Start");
    }
    return *m_fitness;
}

const sched::ExpertUsageTracker&
FedMoeClientScoreboard::GetUsage() const
{
    if (!m_usage)
    {
        throw std::logic_error("FedMoeClientScoreboard: no usage scores before Start");
    }
    return *m_usage;
}

std::vector<FedMoeClientRecord>
FedMoeClientScoreboard::ClientRecords(const std::function<uint64_t(uint32_t)>& samplesOf) const
{
    // Clients known only by their distance (never announced) get a row too.
    std::map<uint32_t, FedMoeClientState> all = m_clients;
    for (const auto& [id, metres] : m_distances)
    {
        all.emplace(id, FedMoeClientState());
    }
    std::vector<FedMoeClientRecord> records;
    for (const auto& [id, state] : all)
    {
        FedMoeClientRecord r;
        r.client = id;
        r.tier = state.tier;
        auto d = m_distances.find(id);
        if (d != m_distances.end())
        {
            r.distanceM = d->second;
        }
        r.capacity = state.capacity;
        r.samples = samplesOf ? samplesOf(id) : 0;
        auto up = m_uplink.find(id);
        if (up != m_uplink.end())
        {
            const FedMoeLinkObservation& e = up->second;
            if (e.transferSamples > 0)
            {
                r.goodputBps = e.goodputBps;
            }
            if (e.rttSamples > 0)
            {
                r.rttS = e.rttS;
            }
            if (e.snrSamples > 0)
            {
                r.snrDb = e.snrDb;
            }
        }
        r.roundsAssigned = state.roundsAssigned;
        r.roundsDropped = state.roundsDropped;
        records.push_back(r);
    }
    return records;
}

} // namespace ns3
