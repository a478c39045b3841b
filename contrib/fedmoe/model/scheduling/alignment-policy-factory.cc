// SPDX-License-Identifier: GPL-2.0-only
/*
 * CreateAlignmentPolicy: policies by name.
 */

#include "alignment-policy-factory.h"

#include "channel-aware-policy.h"
#include "greedy-policy.h"
#include "load-balanced-policy.h"
#include "min-cost-flow-policy.h"
#include "random-policy.h"

#include <stdexcept>

namespace fedmoe
{
namespace scheduling
{

std::vector<std::string>
AlignmentPolicyNames()
{
    return {"random", "greedy", "load-balanced", "channel-aware", "min-cost-flow"};
}

std::unique_ptr<AlignmentPolicy>
CreateAlignmentPolicy(const std::string& name)
{
    if (name == "random")
    {
        return std::make_unique<RandomPolicy>();
    }
    if (name == "greedy")
    {
        return std::make_unique<GreedyPolicy>();
    }
    if (name == "load-balanced")
    {
        return std::make_unique<LoadBalancedPolicy>();
    }
    if (name == "channel-aware")
    {
        return std::make_unique<ChannelAwarePolicy>();
    }
    if (name == "min-cost-flow")
    {
        return std::make_unique<MinCostFlowPolicy>();
    }
    std::string allowed;
    for (const auto& known : AlignmentPolicyNames())
    {
        allowed += (allowed.empty() ? "" : "|") + known;
    }
    throw std::invalid_argument("CreateAlignmentPolicy: policy = \"" + name
                                + "\" is invalid; must be one of " + allowed);
}

} // namespace scheduling
} // namespace fedmoe
