// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeRunSummary: summary.json's fields that the rounds and the model give.
 */

#include "fedmoe-run-summary.h"

#include <cmath>

namespace ns3
{

namespace
{

/** \return value as JSON, or null when it is not a finite number */
nlohmann::json
NumberOrNull(double value)
{
    return std::isfinite(value) ? nlohmann::json(value) : nlohmann::json();
}

} // namespace

double
FedMoeJainParticipation(const FedMoeClientScoreboard& scoreboard)
{
    const uint32_t n = scoreboard.NumClients();
    double sum = 0;
    double squares = 0;
    for (uint32_t client = 0; client < n; ++client)
    {
        double used = 0;
        try
        {
            const FedMoeClientState& s = scoreboard.GetState(client);
            used = static_cast<double>(s.roundsAssigned - s.roundsDropped);
        }
        catch (const std::out_of_range&)
        {
            // Never announced: never contributed.
        }
        sum += used;
        squares += used * used;
    }
    return n > 0 && squares > 0 ? sum * sum / (n * squares) : std::nan("");
}

double
FedMoeSmoothedTimeToTarget(const std::vector<FedMoeRoundRecord>& records, double target,
                           uint32_t window)
{
    std::vector<double> evaluated;
    for (const FedMoeRoundRecord& r : records)
    {
        if (!std::isfinite(r.testAccuracy))
        {
            continue;
        }
        evaluated.push_back(r.testAccuracy);
        if (window == 0 || target <= 0 || evaluated.size() < window)
        {
            continue;
        }
        double sum = 0;
        for (std::size_t i = evaluated.size() - window; i < evaluated.size(); ++i)
        {
            sum += evaluated[i];
        }
        if (sum / window >= target)
        {
            return r.simTimeS;
        }
    }
    return std::nan("");
}

nlohmann::json
FedMoeRunSummary(const FedMoeRoundSettings& settings, const FedMoeRoundCoordinator* coordinator)
{
    const FedMoeRoundCoordinator* c = coordinator;
    const uint32_t toTarget = c ? c->GetRoundsToTarget() : 0;
    const uint64_t down = c ? c->GetBytesDown() : 0;
    const uint64_t up = c ? c->GetBytesUp() : 0;
    nlohmann::json j;
    j["rounds"] = c ? c->GetRecords().size() : 0;
    j["rounds_planned"] = settings.rounds;
    j["final_accuracy"] = NumberOrNull(c ? c->GetFinalAccuracy() : NAN);
    j["final_personal_accuracy"] = NumberOrNull(c ? c->GetFinalPersonalAccuracy() : NAN);
    j["target_accuracy"] = settings.targetAccuracy;
    j["rounds_to_target"] = toTarget > 0 ? nlohmann::json(toTarget) : nlohmann::json();
    j["time_to_target_s"] = toTarget > 0 ? nlohmann::json(c->GetTimeToTargetS()) : nlohmann::json();
    j["time_to_target_smoothed_s"] = NumberOrNull(
        c ? FedMoeSmoothedTimeToTarget(c->GetRecords(), settings.targetAccuracy, 3) : NAN);
    j["bytes_down"] = down;
    j["bytes_up"] = up;
    j["bytes_total"] = down + up;
    j["wall_time_s"] = c ? c->GetWallSeconds() : 0.0;
    j["dropped"] = c ? c->GetDroppedCount() : 0;
    // Who did not contribute, and why; what travelled for nothing; fairness.
    uint64_t picked = 0, leftOut = 0, partial = 0, missing = 0, refused = 0, unused = 0;
    uint64_t starved = 0;
    for (const FedMoeRoundRecord& r : c ? c->GetRecords() : std::vector<FedMoeRoundRecord>())
    {
        picked += r.picked;
        leftOut += r.leftOut;
        partial += r.partial;
        missing += r.missing;
        refused += r.refused;
        unused += r.unusedBytesUp;
        starved += r.minTrainers == 0 ? 1 : 0;
    }
    j["picked"] = picked;
    j["left_out"] = leftOut;
    j["partial"] = partial;
    j["missing"] = missing;
    j["refused"] = refused;
    j["unused_bytes_up"] = unused;
    j["rounds_with_an_untrained_expert"] = starved;
    j["jain_participation"] = NumberOrNull(c ? FedMoeJainParticipation(c->GetScoreboard()) : NAN);
    j["round_deadline_s"] = settings.deadlineS;
    j["local_steps"] = settings.localSteps;
    const fedmoe::learning::AggregationOptions& a = settings.aggregation;
    j["aggregation_gate"] = a.gate;
    j["aggregation_rule"] = a.rule;
    j["trim_fraction"] = a.trimFraction;
    j["server_optimizer"] = a.serverOptimizer;
    j["server_learning_rate"] = a.serverLearningRate;
    j["server_momentum"] = a.serverMomentum;
    if (c)
    {
        const fedmoe::learning::ModelOptions& m = c->GetModel().GetModelOptions();
        const fedmoe::learning::TrainOptions& t = c->GetModel().GetTrainOptions();
        j["dataset"] = m.dataset;
        j["experts"] = m.experts;
        j["top_k"] = m.topK;
        j["hidden"] = m.hidden;
        j["expert_kind"] = m.expertKind;
        j["precision"] = m.precision;
        j["model_seed"] = m.seed;
        j["optimizer"] = t.optimizer;
        j["learning_rate"] = t.learningRate;
        j["align_loss_weight"] = t.alignLossWeight;
    }
    return j;
}

} // namespace ns3
