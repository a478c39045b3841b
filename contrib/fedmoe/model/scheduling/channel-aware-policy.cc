// SPDX-License-Identifier: GPL-2.0-only
/*
 * ChannelAwarePolicy: load-balanced plus latency penalty and deadline.
 */

#include "channel-aware-policy.h"

#include "sequential-aligner.h"

namespace fedmoe
{
namespace scheduling
{

namespace
{
const char* const kOwner = "ChannelAwarePolicy";
} // namespace

void
ChannelAwareParameters::Validate() const
{
    Weights().Validate(kOwner);
}

DesirabilityWeights
ChannelAwareParameters::Weights() const
{
    DesirabilityWeights weights;
    weights.fitnessWeight = fitnessWeight;
    weights.usageWeight = usageWeight;
    weights.projectionWeight = projectionWeight;
    weights.latencyWeight = latencyWeight;
    return weights;
}

ChannelAwarePolicy::ChannelAwarePolicy(const ChannelAwareParameters& parameters)
{
    SetParameters(parameters);
}

std::string
ChannelAwarePolicy::Name() const
{
    return "channel-aware";
}

Assignment
ChannelAwarePolicy::Assign(const AlignmentInput& input, std::mt19937_64& rng) const
{
    return SequentialAligner(kOwner, m_parameters.Weights(), true, true).Run(input, rng);
}

void
ChannelAwarePolicy::SetParameters(const ChannelAwareParameters& parameters)
{
    parameters.Validate();
    m_parameters = parameters;
}

const ChannelAwareParameters&
ChannelAwarePolicy::GetParameters() const
{
    return m_parameters;
}

} // namespace scheduling
} // namespace fedmoe
