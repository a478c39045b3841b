// SPDX-License-Identifier: GPL-2.0-only
/*
 * LoadBalancedPolicy: +fitness -projected usage, top-ranked per client.
 */

#include "load-balanced-policy.h"

#include "sequential-aligner.h"

namespace fedmoe
{
namespace scheduling
{

namespace
{
const char* const kOwner = "LoadBalancedPolicy";
} // namespace

void
LoadBalancedParameters::Validate() const
{
    Weights().Validate(kOwner);
}

DesirabilityWeights
LoadBalancedParameters::Weights() const
{
    DesirabilityWeights weights;
    weights.fitnessWeight = fitnessWeight;
    weights.usageWeight = usageWeight;
    weights.projectionWeight = projectionWeight;
    weights.latencyWeight = 0.0;
    return weights;
}

LoadBalancedPolicy::LoadBalancedPolicy(const LoadBalancedParameters& parameters)
{
    SetParameters(parameters);
}

std::string
LoadBalancedPolicy::Name() const
{
    return "load-balanced";
}

Assignment
LoadBalancedPolicy::Assign(const AlignmentInput& input, std::mt19937_64& rng) const
{
    return SequentialAligner(kOwner, m_parameters.Weights(), false, false).Run(input, rng);
}

void
LoadBalancedPolicy::SetParameters(const LoadBalancedParameters& parameters)
{
    parameters.Validate();
    m_parameters = parameters;
}

const LoadBalancedParameters&
LoadBalancedPolicy::GetParameters() const
{
    return m_parameters;
}

} // namespace scheduling
} // namespace fedmoe
