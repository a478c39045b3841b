// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeRoundCoordinator: plan a round, gather its updates, close it.
 */

#include "fedmoe-round-coordinator.h"

#include "fedmoe-job-messages.h"
#include "fedmoe-personalisation.h"
#include "fedmoe-wall-timer.h"
#include "fedmoe/scheduling/capacity-estimator.h"
#include "fedmoe/scheduling/participation-selector.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>

namespace ns3
{

namespace learning = fedmoe::learning;
namespace sched = fedmoe::scheduling;

namespace
{

/// Text of an expert list, "{0,3}".
std::string
ListText(const std::vector<uint32_t>& v)
{
    std::string s = "{";
    for (std::size_t i = 0; i < v.size(); ++i)
    {
        s += (i ? "," : "") + std::to_string(v[i]);
    }
    return s + "}";
}

FedMoeUpdateCheck
Refuse(FedMoeUpdateCheck::Verdict verdict, std::string detail)
{
    FedMoeUpdateCheck c;
    c.verdict = verdict;
    c.detail = std::move(detail);
    return c;
}

} // namespace

void
FedMoeRoundSettings::Validate() const
{
    learning::ValidateAggregationOptions(aggregation);
    fitness.Validate();
    usage.Validate();
    if (rounds == 0 || localSteps == 0 || evaluationInterval == 0 || minParticipants == 0)
    {
        throw std::invalid_argument("FedMoeRoundSettings: rounds, localSteps, "
                                    "evaluationInterval and minParticipants must be >= 1");
    }
    if (!(deadlineS > 0) || !(participation > 0 && participation <= 1)
        || !(completionSmoothing > 0 && completionSmoothing <= 1)
        || !(targetAccuracy >= 0 && targetAccuracy <= 1))
    {
        throw std::invalid_argument(
            "FedMoeRoundSettings: need deadlineS > 0, participation and completionSmoothing in "
            "(0, 1], targetAccuracy in [0, 1]");
    }
    if (!(minWorkFraction > 0 && minWorkFraction <= 1))
    {
        throw std::invalid_argument("FedMoeRoundSettings: minWorkFraction "
                                    + std::to_string(minWorkFraction)
                                    + " is not allowed: a share in (0, 1] (1: whole work or none)");
    }
    if (!(planningFraction > 0 && planningFraction <= 1))
    {
        throw std::invalid_argument("FedMoeRoundSettings: planningFraction "
                                    + std::to_string(planningFraction)
                                    + " is not allowed: a share of the deadline in (0, 1]");
    }
    if (!(observationHalfLifeS > 0))
    {
        throw std::invalid_argument("FedMoeRoundSettings: observationHalfLifeS "
                                    + std::to_string(observationHalfLifeS)
                                    + " is not allowed: > 0 s (infinity: observations never age)");
    }
}

FedMoeRoundCoordinator::FedMoeRoundCoordinator(std::shared_ptr<learning::FederatedMoe> model,
                                               const FedMoeRoundSettings& settings, Policy policy,
                                               ShardSource shards,
                                               FedMoeClientScoreboard& scoreboard)
    : m_model(std::move(model)),
      m_settings(settings),
      m_policy(std::move(policy)),
      m_shards(std::move(shards)),
      m_scoreboard(scoreboard),
      m_wallStart(std::chrono::steady_clock::now())
{
    if (!m_model || !m_policy || !m_shards)
    {
        throw std::invalid_argument("FedMoeRoundCoordinator: needs a model, a policy and shards");
    }
    m_settings.Validate();
}

FedMoeClientScoreboard&
FedMoeRoundCoordinator::GetScoreboard()
{
    return m_scoreboard;
}

const FedMoeClientScoreboard&
FedMoeRoundCoordinator::GetScoreboard() const
{
    return m_scoreboard;
}

const FedMoeRoundSettings&
FedMoeRoundCoordinator::GetSettings() const
{
    return m_settings;
}

const fedmoe::learning::FederatedMoe&
FedMoeRoundCoordinator::GetModel() const
{
    return *m_model;
}

void
FedMoeRoundCoordinator::Begin(uint32_t expectedClients)
{
    const uint32_t clients = std::max(expectedClients, m_scoreboard.MaxAnnouncedId() + 1);
    m_scoreboard.Start(clients, m_model->Experts(), m_settings.fitness, m_settings.usage);
}

sched::ModelCost
FedMoeRoundCoordinator::ModelCostOf() const
{
    sched::ModelCost cost;
    const uint32_t experts = m_model->Experts();
    const double one = m_model->TrainFlopsPerSample(1);
    double perExpert = one;
    double shared = 0;
    if (experts >= 2)
    {
        perExpert = std::max(0.0, m_model->TrainFlopsPerSample(2) - one);
        shared = std::max(0.0, one - perExpert);
    }
    cost.sharedParameterBytes = static_cast<double>(m_model->GateBytes());
    cost.sharedTrainFlopsPerSample = shared;
    cost.localEpochs = 1.0;
    sched::ExpertCost expert;
    expert.parameterBytes = static_cast<double>(m_model->ExpertBytes());
    expert.trainFlopsPerSample = perExpert;
    cost.experts.assign(experts, expert);
    return cost;
}

FedMoeRoundPlan
FedMoeRoundCoordinator::Plan(double startS, double deadlineAtS, uint64_t participantSeed,
                             const SeedSource& jobSeed)
{
    if (!m_scoreboard.IsStarted())
    {
        throw std::logic_error("FedMoeRoundCoordinator::Plan: call Begin first");
    }
    FedMoeRoundPlan plan;
    plan.round = ++m_round;
    m_roundStartS = startS;
    m_pending.clear();
    m_updates.clear();
    m_pickedIds.clear();
    m_leftOut = 0;
    m_partial = 0;
    m_open = true;

    const double batch = m_model->GetTrainOptions().batchSize;
    const double samples = static_cast<double>(m_settings.localSteps) * batch;
    const std::vector<sched::ClientInfo> available = m_scoreboard.Available(samples, startS);
    sched::ParticipationParameters pp;
    pp.rule = m_settings.participation >= 1.0 ? sched::ParticipationRule::All
                                              : sched::ParticipationRule::Fraction;
    pp.fraction = m_settings.participation;
    pp.minClients = m_settings.minParticipants;
    pp.sampleAvailability = false; // clients model their own availability
    std::mt19937_64 engine(participantSeed);
    std::vector<sched::ClientInfo> participants;
    if (!available.empty())
    {
        for (std::size_t i : sched::ParticipationSelector(pp).Select(available, engine))
        {
            participants.push_back(available[i]);
        }
    }
    plan.participants = static_cast<uint32_t>(participants.size());
    for (const auto& p : participants)
    {
        m_pickedIds.push_back(p.id);
    }
    if (participants.empty())
    {
        return plan;
    }
    sched::AlignmentConstraints constraints;
    constraints.maxExpertsPerClient = m_settings.maxExpertsPerClient;
    constraints.minTrainersPerExpert = m_settings.minTrainersPerExpert;
    constraints.maxTrainersPerExpert = m_settings.maxTrainersPerExpert;
    // The deadline the policies plan to; updates are taken until the real one.
    constraints.deadlineS = m_settings.deadlineS * m_settings.planningFraction;
    // A cut job keeps at least one step.
    constraints.minWorkFraction
        = m_settings.minWorkFraction >= 1.0
              ? 1.0
              : std::max(m_settings.minWorkFraction, 1.0 / m_settings.localSteps);
    sched::AlignmentInput input = m_scoreboard.BuildInput(participants, ModelCostOf(), constraints);
    input.capacity.observationHalfLifeS = m_settings.observationHalfLifeS;
    const sched::Assignment decided = m_policy(input);
    const sched::CapacityEstimator estimator(input.capacity);
    for (std::size_t i = 0; i < decided.clients.size(); ++i)
    {
        const auto& ca = decided.clients[i];
        if (ca.experts.empty())
        {
            ++m_leftOut;
            continue;
        }
        plan.assignment[ca.client] = ca.experts;
        Pending p;
        p.experts = ca.experts;
        p.steps = m_settings.localSteps;
        if (ca.workFraction < 1.0)
        {
            p.steps = std::clamp<uint32_t>(
                static_cast<uint32_t>(std::floor(ca.workFraction * m_settings.localSteps + 1e-9)),
                1, m_settings.localSteps);
        }
        m_partial += p.steps < m_settings.localSteps ? 1 : 0;
        plan.steps[ca.client] = p.steps;
        const sched::ClientInfo& info = input.clients.at(i);
        const double jobSamples = static_cast<double>(p.steps) * batch;
        const sched::ClientRates rates
            = estimator.Rates(info.profile, info.channel, jobSamples, input.model);
        p.predictedS = sched::CapacityEstimator::RoundTime(rates, input.model, ca.experts);
        p.flops
            = m_model->TrainFlopsPerSample(static_cast<uint32_t>(ca.experts.size())) * jobSamples;
        m_pending[ca.client] = p;
    }
    plan.leftOut = m_leftOut;

    FedMoeWallTimer timer(m_wallEncoding);
    const FedMoeBytes gate = m_model->EncodeGate();
    std::map<uint32_t, FedMoeBytes> expertBytes;
    for (const auto& [client, experts] : plan.assignment)
    {
        FedMoeAssign a;
        a.deadlineSeconds = deadlineAtS;
        a.localSteps = m_pending.at(client).steps;
        a.seed = jobSeed();
        a.experts = experts;
        a.gate = gate;
        for (uint32_t e : experts)
        {
            auto b = expertBytes.find(e);
            if (b == expertBytes.end())
            {
                b = expertBytes.emplace(e, m_model->EncodeExpert(e)).first;
            }
            a.expertParams.push_back(b->second);
        }
        plan.jobs.push_back(FedMoeJobMessages::MakeJob(client, a, m_shards(client)));
        plan.assigns.push_back(FedMoePayload::Encode(a));
        m_scoreboard.CountAssigned(client);
    }
    return plan;
}

bool
FedMoeRoundCoordinator::IsOpen() const
{
    return m_open;
}

uint32_t
FedMoeRoundCoordinator::GetRound() const
{
    return m_round;
}

FedMoeUpdateCheck
FedMoeRoundCoordinator::Expect(uint32_t round, uint32_t client) const
{
    if (!m_open || round != m_round)
    {
        return Refuse(FedMoeUpdateCheck::UNEXPECTED,
                      "an UPDATE for round " + std::to_string(round)
                          + (round < m_round || !m_open ? " (late: closed)" : " (not started)"));
    }
    auto it = m_pending.find(client);
    if (it == m_pending.end())
    {
        return Refuse(FedMoeUpdateCheck::UNEXPECTED,
                      "an UPDATE from a client not assigned this round");
    }
    if (it->second.received)
    {
        return Refuse(FedMoeUpdateCheck::UNEXPECTED, "a second UPDATE in one round");
    }
    return FedMoeUpdateCheck();
}

FedMoeUpdateCheck
FedMoeRoundCoordinator::Accept(const learning::TrainResult& update, double elapsedS)
{
    FedMoeUpdateCheck check = Expect(m_round, update.client);
    if (!check.Ok())
    {
        return check;
    }
    Pending& pending = m_pending.at(update.client);
    if (update.experts != pending.experts)
    {
        return Refuse(FedMoeUpdateCheck::UNEXPECTED, "experts " + ListText(update.experts)
                                                         + " updated, " + ListText(pending.experts)
                                                         + " assigned");
    }
    const uint64_t planned
        = static_cast<uint64_t>(pending.steps) * m_model->GetTrainOptions().batchSize;
    if (update.samples > planned)
    {
        return Refuse(FedMoeUpdateCheck::MALFORMED,
                      "claims " + std::to_string(update.samples) + " samples; "
                          + std::to_string(pending.steps) + " steps of "
                          + std::to_string(m_model->GetTrainOptions().batchSize) + " allow at most "
                          + std::to_string(planned));
    }
    const uint32_t experts = m_model->Experts();
    if (update.routedSamples.size() != experts || update.routingShare.size() != experts)
    {
        return Refuse(FedMoeUpdateCheck::MALFORMED,
                      "routing statistics for " + std::to_string(update.routedSamples.size())
                          + " experts, the model has " + std::to_string(experts));
    }
    pending.received = true;
    pending.elapsedS = elapsedS;
    m_updates.push_back(update);
    return check;
}

FedMoeUpdateCheck
FedMoeRoundCoordinator::Receive(uint32_t round, uint32_t client, const FedMoeBytes& payload,
                                double elapsedS, learning::TrainResult& accepted)
{
    FedMoeUpdateCheck check = Expect(round, client);
    if (!check.Ok())
    {
        return check;
    }
    FedMoeUpdate update;
    std::string error;
    {
        FedMoeWallTimer timer(m_wallEncoding);
        error = FedMoePayload::Decode(payload, update);
    }
    if (!error.empty())
    {
        return Refuse(FedMoeUpdateCheck::MALFORMED, error);
    }
    learning::TrainResult result = FedMoeJobMessages::FromUpdate(client, update);
    check = Accept(result, elapsedS);
    if (check.Ok())
    {
        accepted = std::move(result);
    }
    return check;
}

double
FedMoeRoundCoordinator::PlannedFlops(uint32_t client) const
{
    auto it = m_pending.find(client);
    return m_open && it != m_pending.end() ? it->second.flops : 0.0;
}

double
FedMoeRoundCoordinator::PredictedSeconds(uint32_t client) const
{
    auto it = m_pending.find(client);
    return m_open && it != m_pending.end() ? it->second.predictedS : 0.0;
}

bool
FedMoeRoundCoordinator::AllArrived() const
{
    return std::all_of(m_pending.begin(), m_pending.end(),
                       [](const auto& p)
                       {
                           return p.second.received;
                       });
}

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
    Aggregate(m_updates, out);
    std::set<uint32_t> used;
    for (const auto& u : m_updates)
    {
        used.insert(u.client);
    }
    std::map<uint32_t, FedMoeCompletion> completions;
    FedMoeRoundRecord& record = out.record;
    const sched::ModelCost cost = ModelCostOf();
    sched::CapacityParameters capacity;
    capacity.observationHalfLifeS = m_settings.observationHalfLifeS;
    const sched::CapacityEstimator estimator(capacity);
    const double batch = m_model->GetTrainOptions().batchSize;
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
        const sched::ClientRates rates
            = estimator.Rates(m_scoreboard.GetState(client).capacity,
                              m_scoreboard.ObservationOf(client, nowS), p.steps * batch, cost);
        c.predictedS = sched::CapacityEstimator::RoundTime(rates, cost, p.experts);
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
    if (m_round % m_settings.evaluationInterval == 0 || m_round >= m_settings.rounds)
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

void
FedMoeRoundCoordinator::SetHoldouts(ShardSource holdouts)
{
    m_holdouts = std::move(holdouts);
}

std::vector<uint32_t>
FedMoeRoundCoordinator::BestExperts(uint32_t client) const
{
    return FedMoeBestExperts(m_scoreboard, client, PersonalExpertCount(), m_model->Experts());
}

double
FedMoeRoundCoordinator::PersonalAccuracy() const
{
    return m_holdouts
               ? FedMoePersonalAccuracy(*m_model, m_scoreboard, m_holdouts, PersonalExpertCount())
               : std::numeric_limits<double>::quiet_NaN();
}

uint32_t
FedMoeRoundCoordinator::PersonalExpertCount() const
{
    uint32_t m = m_settings.personalExperts;
    if (m == 0)
    {
        m = m_settings.maxExpertsPerClient > 0 ? m_settings.maxExpertsPerClient
                                               : m_model->GetModelOptions().topK;
    }
    return std::min(std::max<uint32_t>(m, 1), m_model->Experts());
}

const std::vector<FedMoeRoundRecord>&
FedMoeRoundCoordinator::GetRecords() const
{
    return m_records;
}

uint64_t
FedMoeRoundCoordinator::GetDroppedCount() const
{
    return m_dropped;
}

double
FedMoeRoundCoordinator::GetFinalPersonalAccuracy() const
{
    return m_finalPersonal;
}

double
FedMoeRoundCoordinator::GetFinalAccuracy() const
{
    return m_finalAccuracy;
}

uint32_t
FedMoeRoundCoordinator::GetRoundsToTarget() const
{
    return m_roundsToTarget;
}

double
FedMoeRoundCoordinator::GetTimeToTargetS() const
{
    return m_timeToTargetS;
}

uint64_t
FedMoeRoundCoordinator::GetBytesDown() const
{
    return m_bytesDown;
}

uint64_t
FedMoeRoundCoordinator::GetBytesUp() const
{
    return m_bytesUp;
}

double
FedMoeRoundCoordinator::GetWallSeconds() const
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_wallStart).count();
}

double
FedMoeRoundCoordinator::GetEncodingWallSeconds() const
{
    return m_wallEncoding;
}

double
FedMoeRoundCoordinator::GetAggregationWallSeconds() const
{
    return m_wallAggregation;
}

double
FedMoeRoundCoordinator::GetEvaluationWallSeconds() const
{
    return m_wallEvaluation;
}

} // namespace ns3
