// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeRoundCoordinator: closing a round. Aggregate the accepted updates
 * (leaving out one the learning core refuses), fold them into fitness and
 * usage, update the completion ratios with what the round revealed, account
 * for every picked client, evaluate when due, record.
 */

#include "fedmoe-round-coordinator.h"
#include "fedmoe-wall-timer.h"
#include "fedmoe/scheduling/capacity-estimator.h"
#include "fedmoe/scheduling/expert-usage-tracker.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>

namespace ns3
{

namespace learning = fedmoe::learning;
namespace sched = fedmoe::scheduling;

void
FedMoeRoundCoordinator::Aggregate(std::vector<learning::TrainResult>& updates,
                                  FedMoeRoundOutcome& out)
{
    FedMoeWallTimer timer(m_wallAggregation);
    if (updates.empty())
    {
        return;
    }
    try
    {
        m_model->Aggregate(updates, m_settings.aggregation);
        return;
    }
    catch (const std::invalid_argument&)
    {
    }
    // Aggregate() changes nothing when it throws: find the update it refuses
    // by leaving one out at a time.
    for (std::size_t i = 0; i < updates.size(); ++i)
    {
        std::vector<learning::TrainResult> rest;
        for (std::size_t j = 0; j < updates.size(); ++j)
        {
            if (j != i)
            {
                rest.push_back(updates[j]);
            }
        }
        try
        {
            if (!rest.empty())
            {
                m_model->Aggregate(rest, m_settings.aggregation);
            }
        }
        catch (const std::invalid_argument&)
        {
            continue;
        }
        const uint32_t client = updates[i].client;
        out.refused.emplace_back(client, "the learning core refused the update of client "
                                             + std::to_string(client));
        updates = std::move(rest);
        return;
    }
    for (const auto& u : updates)
    {
        out.refused.emplace_back(u.client,
                                 "the learning core refused this round's updates; none is used");
    }
    updates.clear();
}

FedMoeRoundOutcome
FedMoeRoundCoordinator::Close(double nowS, uint64_t bytesDown, uint64_t bytesUp,
                              uint64_t unusedBytesUp)
{
    if (!m_open)
    {
        throw std::logic_error("FedMoeRoundCoordinator::Close: no round is open");
    }
    m_open = false;
    FedMoeRoundOutcome out;
    std::sort(m_updates.begin(), m_updates.end(),
              [](const auto& a, const auto& b)
              {
                  return a.client < b.client;
              });
    if (!m_settings.timingOnly)
    {
        Aggregate(m_updates, out);
    }
    std::set<uint32_t> used;
    for (const auto& u : m_updates)
    {
        used.insert(u.client);
    }
    std::map<uint32_t, FedMoeCompletion> completions;
    FedMoeRoundRecord& record = out.record;
    const sched::ModelCost cost = ModelCostOf();
    for (const auto& [client, p] : m_pending)
    {
        if (!used.count(client))
        {
            out.dropped.push_back(client);
            m_scoreboard.CountDropped(client);
        }
        FedMoeCompletion c;
        c.arrived = p.received;
        // Predicted again with what was observed this round (its transfers and
        // compute): the ratio keeps only what observation does not explain.
        c.predictedS = PredictSeconds(client, p.steps, p.experts, cost, nowS);
        c.observedS = p.received ? p.elapsedS : 0.0;
        c.deadlineS = m_settings.deadlineS;
        completions[client] = c;
        record.missing += p.received ? 0 : 1;
        record.refused += p.received && !used.count(client) ? 1 : 0;
    }
    for (uint32_t client : m_pickedIds)
    {
        FedMoeParticipantRecord r;
        r.round = m_round;
        r.client = client;
        auto p = m_pending.find(client);
        if (p == m_pending.end())
        {
            r.status = "left_out";
        }
        else
        {
            r.experts = static_cast<uint32_t>(p->second.experts.size());
            r.localSteps = p->second.steps;
            r.predictedS = p->second.predictedS;
            if (p->second.received)
            {
                r.arrivalS = p->second.elapsedS;
            }
            r.status = !p->second.received ? "missing" : used.count(client) ? "used" : "refused";
        }
        out.participants.push_back(r);
    }
    m_dropped += out.dropped.size();
    m_scoreboard.RecordTraining(m_updates);
    m_scoreboard.RecordCompletions(m_round, completions, m_settings.completionSmoothing);

    record.round = m_round;
    record.simTimeS = nowS;
    record.participants = static_cast<uint32_t>(m_pending.size());
    record.picked = static_cast<uint32_t>(m_pickedIds.size());
    record.leftOut = m_leftOut;
    record.partial = m_partial;
    record.unusedBytesUp = unusedBytesUp;
    {
        std::vector<uint32_t> trainers(m_model->Experts(), 0);
        for (const auto& u : m_updates)
        {
            for (uint32_t e : u.experts)
            {
                trainers.at(e) += 1;
            }
        }
        record.minTrainers = *std::min_element(trainers.begin(), trainers.end());
    }
    record.dropped = static_cast<uint32_t>(out.dropped.size());
    record.bytesDown = bytesDown;
    record.bytesUp = bytesUp;
    record.expertLoadCv = sched::ExpertUsageTracker::Stats(m_scoreboard.GetUsage().LastRoundLoads())
                              .coefficientOfVariation;
    if (!m_settings.timingOnly
        && (m_round % m_settings.evaluationInterval == 0 || m_round >= m_settings.rounds))
    {
        learning::Evaluation ev;
        {
            FedMoeWallTimer timer(m_wallEvaluation);
            ev = m_model->Evaluate();
        }
        record.testAccuracy = ev.accuracy;
        record.testLoss = ev.loss;
        record.routingEntropy = ev.routingEntropyBits;
        m_finalAccuracy = ev.accuracy;
        {
            FedMoeWallTimer timer(m_wallEvaluation);
            record.personalAccuracy = PersonalAccuracy();
        }
        m_finalPersonal = record.personalAccuracy;
    }
    record.wallTimeS = GetWallSeconds();
    m_bytesDown += bytesDown;
    m_bytesUp += bytesUp;
    m_records.push_back(record);
    out.reachedTarget = m_settings.targetAccuracy > 0 && std::isfinite(record.testAccuracy)
                        && record.testAccuracy >= m_settings.targetAccuracy;
    if (out.reachedTarget && m_roundsToTarget == 0)
    {
        m_roundsToTarget = m_round;
        m_timeToTargetS = nowS;
    }
    out.runOver = m_round >= m_settings.rounds || (out.reachedTarget && m_settings.stopAtTarget);
    m_pending.clear();
    m_updates.clear();
    return out;
}

} // namespace ns3
