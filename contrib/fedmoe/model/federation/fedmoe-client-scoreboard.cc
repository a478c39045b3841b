// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeClientScoreboard: the server's knowledge of its clients.
 */

#include "fedmoe-client-scoreboard.h"

#include <algorithm>
#include <cmath>
#include <limits>
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

namespace
{

/// Keep when the goodput last changed (and the SNR then) across copies.
void
Keep(std::map<uint32_t, FedMoeLinkObservation>& links, uint32_t client,
     const FedMoeLinkObservation& observation)
{
    FedMoeLinkObservation next = observation;
    auto it = links.find(client);
    const bool newTransfer
        = it == links.end() || observation.transferSamples != it->second.transferSamples;
    if (newTransfer)
    {
        next.transferAtS = observation.observedAtS;
        next.snrAtTransferDb = observation.snrSamples > 0
                                   ? observation.snrDb
                                   : std::numeric_limits<double>::quiet_NaN();
    }
    else
    {
        next.transferAtS = it->second.transferAtS;
        next.snrAtTransferDb = it->second.snrAtTransferDb;
    }
    links[client] = next;
}

/// Age of a figure last changed at atS (NaN or in the future: fresh).
double
Age(double nowS, double atS)
{
    return std::isfinite(atS) && nowS > atS ? nowS - atS : 0.0;
}

} // namespace

void
FedMoeClientScoreboard::ObserveUplink(uint32_t client, const FedMoeLinkObservation& observation)
{
    Keep(m_uplink, client, observation);
}

void
FedMoeClientScoreboard::ObserveDownlink(uint32_t client, const FedMoeLinkObservation& observation)
{
    Keep(m_downlink, client, observation);
}

void
FedMoeClientScoreboard::ObserveCompute(uint32_t client, double gflops, double atS, double smoothing)
{
    if (!(gflops > 0) || !std::isfinite(gflops))
    {
        return;
    }
    FedMoeComputeObservation& c = m_compute[client];
    // Smoothed in time per FLOP, which round times add up.
    c.gflops = c.samples == 0 ? gflops : 1.0 / ((1.0 - smoothing) / c.gflops + smoothing / gflops);
    ++c.samples;
    c.observedAtS = atS;
}

double
FedMoeClientScoreboard::SnrRateScale(double thenDb, double nowDb)
{
    if (!std::isfinite(thenDb) || !std::isfinite(nowDb))
    {
        return 1.0;
    }
    const double then = std::log2(1.0 + std::pow(10.0, thenDb / 10.0));
    const double now = std::log2(1.0 + std::pow(10.0, nowDb / 10.0));
    if (!(then > 0))
    {
        return 1.0;
    }
    return std::clamp(now / then, 1.0 / 16.0, 4.0);
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

void
FedMoeClientScoreboard::SetTruth(uint32_t client, const sched::ChannelObservation& truth)
{
    sched::CapacityEstimator::ValidateObservation(truth,
                                                  "truth of client " + std::to_string(client));
    m_truth[client] = truth;
}

sched::ChannelObservation
FedMoeClientScoreboard::ObservationOf(uint32_t client, double nowS) const
{
    auto truth = m_truth.find(client);
    if (truth != m_truth.end())
    {
        sched::ChannelObservation o = truth->second;
        auto it = m_clients.find(client);
        o.completionRatio = it != m_clients.end() ? it->second.completionRatio : 1.0;
        return o;
    }
    sched::ChannelObservation o;
    double transferAtS = std::numeric_limits<double>::quiet_NaN();
    auto up = m_uplink.find(client);
    if (up != m_uplink.end())
    {
        const FedMoeLinkObservation& u = up->second;
        if (u.transferSamples > 0)
        {
            const double snrNow = u.snrSamples > 0 ? u.snrDb : std::nan("");
            o.goodputUpBps = u.goodputBps * SnrRateScale(u.snrAtTransferDb, snrNow);
            transferAtS = u.transferAtS;
        }
        o.rttS = u.rttSamples > 0 ? u.rttS : 0.0;
    }
    auto down = m_downlink.find(client);
    if (down != m_downlink.end() && down->second.transferSamples > 0)
    {
        const FedMoeLinkObservation& d = down->second;
        // The radio's SNR is the uplink estimator's; the downlink shares the channel.
        double scale = 1.0;
        if (up != m_uplink.end() && up->second.snrSamples > 0)
        {
            scale = SnrRateScale(d.snrAtTransferDb, up->second.snrDb);
        }
        o.goodputDownBps = d.goodputBps * scale;
        // The older of the two transfers sets the link's age.
        if (!std::isfinite(transferAtS) || d.transferAtS < transferAtS)
        {
            transferAtS = d.transferAtS;
        }
    }
    o.linkAgeS = Age(nowS, transferAtS);
    auto compute = m_compute.find(client);
    if (compute != m_compute.end())
    {
        o.observedComputeGflops = compute->second.gflops;
        o.computeAgeS = Age(nowS, compute->second.observedAtS);
    }
    auto it = m_clients.find(client);
    o.completionRatio = it != m_clients.end() ? it->second.completionRatio : 1.0;
    return o;
}

std::vector<sched::ClientInfo>
FedMoeClientScoreboard::Available(double samples, double nowS) const
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
        info.channel = ObservationOf(id, nowS);
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
FedMoeClientScoreboard::RecordCompletions(uint32_t round,
                                          const std::map<uint32_t, FedMoeCompletion>& participants,
                                          double smoothing)
{
    for (auto& [client, state] : m_clients)
    {
        // A miss of an earlier round whose UPDATE never turned up: it took
        // longer than predicted, or it was offline (the server cannot tell).
        // As if it had taken twice the prediction (at most the deadline):
        // repeated misses raise the ratio geometrically, one absence a little.
        if (state.missedRound != 0 && state.missedRound < round)
        {
            const FedMoeCompletion& m = state.missed;
            state.completionRatio = sched::CapacityEstimator::UpdateCompletionRatio(
                state.completionRatio, std::min(m.deadlineS, 2.0 * m.predictedS), m.predictedS,
                smoothing);
            state.missedRound = 0;
        }
        auto p = participants.find(client);
        if (p == participants.end())
        {
            state.completionRatio += smoothing * (1.0 - state.completionRatio);
            continue;
        }
        const FedMoeCompletion& c = p->second;
        if (state.sharedRound == round)
        {
            // Its uplink also carried a late update this round: its time
            // says how the two shared the link, not how fast it is.
            state.sharedRound = 0;
        }
        else if (c.arrived && c.predictedS > 0 && c.observedS > 0)
        {
            state.completionRatio = sched::CapacityEstimator::UpdateCompletionRatio(
                state.completionRatio, c.observedS, c.predictedS, smoothing);
        }
        else if (!c.arrived && c.predictedS > 0 && c.deadlineS > c.predictedS)
        {
            // Judged at the next round's end: its UPDATE may still come, and
            // then its transfer tells more than its absence.
            state.missedRound = round;
            state.missed = c;
        }
    }
}

void
FedMoeClientScoreboard::LateArrival(uint32_t client, uint32_t round, uint32_t currentRound)
{
    auto it = m_clients.find(client);
    if (it == m_clients.end())
    {
        return;
    }
    if (round > 0 && it->second.missedRound == round)
    {
        it->second.missedRound = 0;
    }
    it->second.sharedRound = currentRound;
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
