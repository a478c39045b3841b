// SPDX-License-Identifier: GPL-2.0-only
/*
 * CapacityEstimator: experts a client can hold and its expected round time.
 */

#include "capacity-estimator.h"

#include "parameter-check.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fedmoe
{
namespace scheduling
{

namespace
{
const std::string kOwner = "CapacityEstimator";
} // namespace

void
CapacityParameters::Validate() const
{
    RequirePositive(kOwner, "memoryPerParameterByte", memoryPerParameterByte);
    RequireNonNegative(kOwner, "rttsPerRound", rttsPerRound);
    if (!(observationHalfLifeS > 0.0))
    {
        ThrowInvalid(kOwner, "observationHalfLifeS", observationHalfLifeS,
                     "> 0 (infinity: observations never age)");
    }
}

CapacityEstimator::CapacityEstimator(const CapacityParameters& parameters)
    : m_parameters(parameters)
{
    m_parameters.Validate();
}

void
CapacityEstimator::ValidateProfile(const CapacityProfile& profile, const std::string& what)
{
    const std::string owner = kOwner + " (" + what + ")";
    RequirePositive(owner, "computeGflops", profile.computeGflops);
    RequireNonNegative(owner, "memoryMb", profile.memoryMb);
    RequirePositive(owner, "uplinkBps", profile.uplinkBps);
    RequirePositive(owner, "downlinkBps", profile.downlinkBps);
    RequireNonNegative(owner, "latencyS", profile.latencyS);
    RequireInRange(owner, "availability", profile.availability, 0.0, 1.0);
}

void
CapacityEstimator::ValidateObservation(const ChannelObservation& observation,
                                       const std::string& what)
{
    const std::string owner = kOwner + " (" + what + ")";
    RequireNonNegative(owner, "goodputUpBps", observation.goodputUpBps);
    RequireNonNegative(owner, "goodputDownBps", observation.goodputDownBps);
    RequireNonNegative(owner, "rttS", observation.rttS);
    RequireNonNegative(owner, "observedComputeGflops", observation.observedComputeGflops);
    RequirePositive(owner, "completionRatio", observation.completionRatio);
    RequireNonNegative(owner, "linkAgeS", observation.linkAgeS);
    RequireNonNegative(owner, "computeAgeS", observation.computeAgeS);
}

void
CapacityEstimator::ValidateModel(const ModelCost& model)
{
    if (model.experts.empty())
    {
        throw std::invalid_argument(
            "CapacityEstimator: ModelCost.experts is empty; must list at least one expert");
    }
    RequireNonNegative(kOwner, "sharedParameterBytes", model.sharedParameterBytes);
    RequireNonNegative(kOwner, "sharedTrainFlopsPerSample", model.sharedTrainFlopsPerSample);
    RequirePositive(kOwner, "localEpochs", model.localEpochs);
    for (std::size_t e = 0; e < model.experts.size(); ++e)
    {
        const std::string prefix = "experts[" + std::to_string(e) + "].";
        RequireNonNegative(kOwner, prefix + "parameterBytes", model.experts[e].parameterBytes);
        RequireNonNegative(kOwner, prefix + "trainFlopsPerSample",
                           model.experts[e].trainFlopsPerSample);
    }
}

uint32_t
CapacityEstimator::MaxExperts(const CapacityProfile& profile, const ModelCost& model) const
{
    const auto numExperts = static_cast<uint32_t>(model.experts.size());
    double largest = 0.0;
    for (const auto& expert : model.experts)
    {
        largest = std::max(largest, expert.parameterBytes);
    }
    const double factor = m_parameters.memoryPerParameterByte;
    const double free = profile.memoryMb * 1e6 - model.sharedParameterBytes * factor;
    if (free < 0.0)
    {
        return 0;
    }
    if (largest <= 0.0)
    {
        return numExperts;
    }
    const double fits = std::floor(free / (largest * factor));
    return fits >= numExperts ? numExperts : static_cast<uint32_t>(fits);
}

double
CapacityEstimator::ObservationWeight(double ageS) const
{
    if (!std::isfinite(m_parameters.observationHalfLifeS))
    {
        return 1.0;
    }
    return std::exp2(-std::max(0.0, ageS) / m_parameters.observationHalfLifeS);
}

namespace
{

/// w * observed + (1 - w) * prior of a cost (time per bit, s, time per FLOP);
/// an observation of 0 is unknown and leaves the prior.
double
Blend(double observedCost, bool observed, double priorCost, double weight)
{
    return observed ? weight * observedCost + (1.0 - weight) * priorCost : priorCost;
}

} // namespace

ClientRates
CapacityEstimator::Rates(const CapacityProfile& profile, const ChannelObservation& observation,
                         double samples, const ModelCost& model) const
{
    const double wLink = ObservationWeight(observation.linkAgeS);
    const double wCompute = ObservationWeight(observation.computeAgeS);
    const double& o = observation.goodputDownBps;
    const double secondsPerBitDown
        = Blend(o > 0 ? 1.0 / o : 0, o > 0, 1.0 / profile.downlinkBps, wLink);
    const double& u = observation.goodputUpBps;
    const double secondsPerBitUp
        = Blend(u > 0 ? 1.0 / u : 0, u > 0, 1.0 / profile.uplinkBps, wLink);
    const double rtt = Blend(observation.rttS, observation.rttS > 0, 2.0 * profile.latencyS, wLink);
    const double& g = observation.observedComputeGflops;
    const double secondsPerGflop
        = Blend(g > 0 ? 1.0 / g : 0, g > 0, 1.0 / profile.computeGflops, wCompute);
    ClientRates rates;
    rates.secondsPerByte = 8.0 * (secondsPerBitDown + secondsPerBitUp);
    rates.secondsPerFlop = secondsPerGflop * 1e-9;
    rates.samplesTimesEpochs = samples * model.localEpochs;
    rates.completionRatio = observation.completionRatio;
    rates.fixedS
        = rates.completionRatio
          * (m_parameters.rttsPerRound * rtt + model.sharedParameterBytes * rates.secondsPerByte
             + rates.samplesTimesEpochs * model.sharedTrainFlopsPerSample * rates.secondsPerFlop);
    return rates;
}

double
CapacityEstimator::ExpertTime(const ClientRates& rates, const ExpertCost& expert)
{
    return rates.completionRatio
           * (expert.parameterBytes * rates.secondsPerByte
              + rates.samplesTimesEpochs * expert.trainFlopsPerSample * rates.secondsPerFlop);
}

double
CapacityEstimator::RoundTime(const ClientRates& rates, const ModelCost& model,
                             const std::vector<uint32_t>& experts)
{
    double time = rates.fixedS;
    for (uint32_t e : experts)
    {
        time += ExpertTime(rates, model.experts.at(e));
    }
    return time;
}

double
CapacityEstimator::UpdateCompletionRatio(double ratio, double observedS, double predictedS,
                                         double smoothing)
{
    RequirePositive(kOwner, "ratio", ratio);
    RequirePositive(kOwner, "observedS", observedS);
    RequirePositive(kOwner, "predictedS", predictedS);
    RequireUnitInterval(kOwner, "smoothing", smoothing);
    // predictedS already includes the current ratio: observed / (predicted / ratio) is the
    // ratio this round alone would have needed.
    return (1.0 - smoothing) * ratio + smoothing * ratio * (observedS / predictedS);
}

const CapacityParameters&
CapacityEstimator::GetParameters() const
{
    return m_parameters;
}

} // namespace scheduling
} // namespace fedmoe
