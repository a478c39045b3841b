// SPDX-License-Identifier: GPL-2.0-only
/*
 * DesirabilityModel: composite desirability and the shared round objective.
 */

#include "desirability-model.h"

#include "parameter-check.h"

#include <algorithm>
#include <cmath>

namespace fedmoe
{
namespace scheduling
{

void
DesirabilityWeights::Validate(const std::string& owner) const
{
    RequireNonNegative(owner, "fitnessWeight", fitnessWeight);
    RequireNonNegative(owner, "usageWeight", usageWeight);
    RequireNonNegative(owner, "projectionWeight", projectionWeight);
    RequireNonNegative(owner, "latencyWeight", latencyWeight);
}

bool
ObjectiveValue::AtLeast(const ObjectiveValue& other, double tolerance) const
{
    if (pairs != other.pairs)
    {
        return pairs > other.pairs;
    }
    if (coveredDemand != other.coveredDemand)
    {
        return coveredDemand > other.coveredDemand;
    }
    return value >= other.value - tolerance;
}

DesirabilityModel::DesirabilityModel(const AlignmentInput& input,
                                     const std::vector<uint32_t>& capacities,
                                     const DesirabilityWeights& weights)
    : m_input(input),
      m_weights(weights)
{
    const CapacityEstimator estimator(input.capacity);
    const std::size_t numClients = input.clients.size();
    const uint32_t numExperts = input.NumExperts();
    m_rates.reserve(numClients);
    double expectedLoad = 0.0;
    double samples = 0.0;
    std::size_t holders = 0;
    for (std::size_t i = 0; i < numClients; ++i)
    {
        const auto& client = input.clients[i];
        m_rates.push_back(
            estimator.Rates(client.profile, client.channel, client.samples, input.model));
        if (capacities[i] > 0)
        {
            expectedLoad += client.samples * capacities[i];
            samples += client.samples;
            ++holders;
        }
    }
    for (const auto& expert : input.model.experts)
    {
        m_bytes.push_back(expert.parameterBytes);
        m_flops.push_back(expert.trainFlopsPerSample);
        m_meanBytes += expert.parameterBytes / numExperts;
        m_meanFlops += expert.trainFlopsPerSample / numExperts;
    }
    m_times.resize(numExperts);
    if (std::isfinite(input.constraints.deadlineS))
    {
        m_referenceTime = input.constraints.deadlineS;
    }
    else if (numClients > 0)
    {
        // Without a deadline the latency term is scaled by the mean one-expert round time.
        double sum = 0.0;
        for (std::size_t i = 0; i < numClients; ++i)
        {
            sum += m_rates[i].fixedS + MeanExpertTime(i);
        }
        m_referenceTime = sum > 0.0 ? sum / numClients : 1.0;
    }
    double usageSum = 0.0;
    for (double u : input.usage)
    {
        usageSum += u;
    }
    const double norm = (usageSum + m_weights.projectionWeight * expectedLoad) / numExperts;
    m_usageNorm = norm > 0.0 ? norm : 1.0;
    m_meanLoad = holders > 0 ? samples / holders : 0.0;
    const ExpertCost& first = input.model.experts.front();
    m_uniformExperts
        = std::all_of(input.model.experts.begin(), input.model.experts.end(),
                      [&first](const ExpertCost& expert)
                      {
                          return expert.parameterBytes == first.parameterBytes
                                 && expert.trainFlopsPerSample == first.trainFlopsPerSample;
                      });
}

void
DesirabilityModel::PairScores(std::size_t client, double* out, const double* times) const
{
    const uint32_t numExperts = m_input.NumExperts();
    const double* row = m_input.fitness.data() + client * numExperts;
    const double wf = m_weights.fitnessWeight;
    for (uint32_t e = 0; e < numExperts; ++e)
    {
        out[e] = wf * row[e];
    }
    if (m_weights.latencyWeight <= 0.0)
    {
        return;
    }
    const double scale = m_weights.latencyWeight / m_referenceTime;
    if (m_uniformExperts)
    {
        const double penalty = scale * ExpertTime(client, 0);
        for (uint32_t e = 0; e < numExperts; ++e)
        {
            out[e] -= penalty;
        }
        return;
    }
    if (times == nullptr)
    {
        ExpertTimes(client, m_times.data());
        times = m_times.data();
    }
    for (uint32_t e = 0; e < numExperts; ++e)
    {
        out[e] -= scale * times[e];
    }
}

double
DesirabilityModel::MeanExpertTime(std::size_t client) const
{
    const ClientRates& rates = m_rates[client];
    return rates.completionRatio
           * (rates.secondsPerByte * m_meanBytes
              + rates.samplesTimesEpochs * rates.secondsPerFlop * m_meanFlops);
}

void
DesirabilityModel::ExpertTimes(std::size_t client, double* out) const
{
    // CapacityEstimator::ExpertTime, factored per client so the loop vectorises.
    const ClientRates& rates = m_rates[client];
    const double perByte = rates.completionRatio * rates.secondsPerByte;
    const double perFlop = rates.completionRatio * rates.samplesTimesEpochs * rates.secondsPerFlop;
    const std::size_t numExperts = m_bytes.size();
    for (std::size_t e = 0; e < numExperts; ++e)
    {
        out[e] = perByte * m_bytes[e] + perFlop * m_flops[e];
    }
}

bool
DesirabilityModel::UniformExperts() const
{
    return m_uniformExperts;
}

double
DesirabilityModel::PairScore(std::size_t client, uint32_t expert) const
{
    double score = m_weights.fitnessWeight * m_input.Fitness(client, expert);
    if (m_weights.latencyWeight > 0.0)
    {
        score -= m_weights.latencyWeight * ExpertTime(client, expert) / m_referenceTime;
    }
    return score;
}

double
DesirabilityModel::UsagePenalty(uint32_t expert, double roundLoad) const
{
    return m_weights.usageWeight * (m_input.usage[expert] + m_weights.projectionWeight * roundLoad)
           / m_usageNorm;
}

double
DesirabilityModel::SlotPenalty(uint32_t expert, uint32_t slot) const
{
    return UsagePenalty(expert, slot * m_meanLoad);
}

double
DesirabilityModel::ExpertTime(std::size_t client, uint32_t expert) const
{
    const ClientRates& rates = m_rates[client];
    const double perByte = rates.completionRatio * rates.secondsPerByte;
    const double perFlop = rates.completionRatio * rates.samplesTimesEpochs * rates.secondsPerFlop;
    return perByte * m_bytes[expert] + perFlop * m_flops[expert];
}

const ClientRates&
DesirabilityModel::Rates(std::size_t client) const
{
    return m_rates[client];
}

ObjectiveValue
DesirabilityModel::Evaluate(const Assignment& assignment) const
{
    const uint32_t numExperts = m_input.NumExperts();
    ObjectiveValue objective;
    std::vector<uint32_t> trainers(numExperts, 0);
    for (std::size_t i = 0; i < assignment.clients.size(); ++i)
    {
        for (uint32_t e : assignment.clients[i].experts)
        {
            objective.value += PairScore(i, e) - SlotPenalty(e, trainers[e]);
            trainers[e] += 1;
            objective.pairs += 1;
        }
    }
    for (uint32_t e = 0; e < numExperts; ++e)
    {
        objective.coveredDemand += std::min(trainers[e], m_input.constraints.minTrainersPerExpert);
    }
    return objective;
}

} // namespace scheduling
} // namespace fedmoe
