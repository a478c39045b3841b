// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeRoundCoordinator: plan a round, gather its updates, close it.
 */

#include "fedmoe-round-coordinator.h"

#include "fedmoe-job-messages.h"
#include "fedmoe-personalisation.h"
#include "fedmoe-wall-timer.h"
#include "fedmoe-wire-size-tag.h"
#include "fedmoe/scheduling/capacity-estimator.h"
#include "fedmoe/scheduling/participation-selector.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
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
    for (const auto& [name, bytes] :
         {std::pair<const char*, uint64_t>{"expertWireBytes", expertWireBytes},
          {"gateWireBytes", gateWireBytes}})
    {
        if (bytes != 0 && (bytes < 1000 || bytes > 100000000000ULL))
        {
            throw std::invalid_argument("FedMoeRoundSettings: " + std::string(name) + " "
                                        + std::to_string(bytes)
                                        + " (allowed: 0 for the real size, or 1000..1e11 bytes)");
        }
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
    cost.sharedParameterBytes = static_cast<double>(
        m_settings.gateWireBytes > 0 ? m_settings.gateWireBytes : m_model->GateBytes());
    cost.sharedTrainFlopsPerSample = shared;
    cost.localEpochs = 1.0;
    sched::ExpertCost expert;
    expert.parameterBytes = static_cast<double>(
        m_settings.expertWireBytes > 0 ? m_settings.expertWireBytes : m_model->ExpertBytes());
    expert.trainFlopsPerSample = perExpert;
    cost.experts.assign(experts, expert);
    return cost;
}

double
FedMoeRoundCoordinator::PredictSeconds(uint32_t client, uint32_t steps,
                                       const std::vector<uint32_t>& experts,
                                       const sched::ModelCost& cost, double atS) const
{
    sched::CapacityParameters capacity;
    capacity.observationHalfLifeS = m_settings.observationHalfLifeS;
    const sched::ClientRates rates = sched::CapacityEstimator(capacity).Rates(
        m_scoreboard.GetState(client).capacity, m_scoreboard.ObservationOf(client, atS),
        static_cast<double>(steps) * m_model->GetTrainOptions().batchSize, cost);
    return sched::CapacityEstimator::RoundTime(rates, cost, experts);
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
        p.predictedS = PredictSeconds(ca.client, p.steps, ca.experts, input.model, startS);
        p.flops = m_model->TrainFlopsPerSample(static_cast<uint32_t>(ca.experts.size()))
                  * static_cast<double>(p.steps) * batch;
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
        std::vector<uint64_t> sizes;
        for (const auto& bytes : a.expertParams)
        {
            sizes.push_back(bytes.size());
        }
        plan.wireDelta.push_back(FedMoeWireSizeTag::Delta(
            a.gate.size(), sizes, m_settings.gateWireBytes, m_settings.expertWireBytes));
        m_wireDelta[client] = plan.wireDelta.back();
        m_scoreboard.CountAssigned(client);
    }
    return plan;
}

int64_t
FedMoeRoundCoordinator::GetWireDelta(uint32_t client) const
{
    auto it = m_wireDelta.find(client);
    return it == m_wireDelta.end() ? 0 : it->second;
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
