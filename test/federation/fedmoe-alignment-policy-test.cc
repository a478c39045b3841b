// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ns-3 faces of the alignment policies: names, Attributes reaching the
 * core's parameters (validated), and randomness from ns-3 streams.
 */

#include "../scheduling/scheduling-test-instances.h"

#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/fedmoe-alignment-policy.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/uinteger.h"

#include <gtest/gtest.h>

using namespace ns3;
namespace sched = fedmoe::scheduling;

namespace
{

sched::AlignmentInput
Instance()
{
    std::mt19937_64 rng(7);
    sched::test::InstanceShape shape;
    shape.clients = 30;
    shape.experts = 8;
    return sched::test::RandomInstance(rng, shape);
}

} // namespace

TEST(FedMoeAlignmentPolicy, CreatesEveryPolicyByName)
{
    for (const std::string name :
         {"random", "greedy", "load-balanced", "channel-aware", "min-cost-flow"})
    {
        Ptr<FedMoeAlignmentPolicy> policy = FedMoeAlignmentPolicy::Create(name);
        EXPECT_EQ(policy->GetName(), name);
        const auto assignment = policy->Assign(Instance());
        EXPECT_EQ(assignment.clients.size(), 30u) << name;
        EXPECT_GT(assignment.Pairs(), 0u) << name;
    }
    try
    {
        FedMoeAlignmentPolicy::Create("best");
        FAIL() << "expected an error";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_STREQ(e.what(), "policy 'best' is unknown; allowed: "
                               "random|greedy|load-balanced|channel-aware|min-cost-flow");
    }
}

TEST(FedMoeAlignmentPolicy, AttributesReachTheCoreAndAreValidated)
{
    Ptr<FedMoeLoadBalancedPolicy> policy = CreateObject<FedMoeLoadBalancedPolicy>();
    DoubleValue v;
    policy->GetAttribute("UsageWeight", v);
    EXPECT_EQ(v.Get(), sched::LoadBalancedParameters().usageWeight);

    policy->SetAttribute("UsageWeight", DoubleValue(0.8));
    policy->GetAttribute("UsageWeight", v);
    EXPECT_EQ(v.Get(), 0.8);

    try
    {
        policy->SetAttribute("UsageWeight", DoubleValue(-1));
        FAIL() << "expected an error";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_NE(std::string(e.what()).find("usageWeight = -1"), std::string::npos) << e.what();
    }
    policy->GetAttribute("UsageWeight", v);
    EXPECT_EQ(v.Get(), 0.8); // a rejected value changes nothing

    Ptr<FedMoeMinCostFlowPolicy> mcf = CreateObject<FedMoeMinCostFlowPolicy>();
    mcf->SetAttribute("SlotSlack", UintegerValue(0));
    UintegerValue u;
    mcf->GetAttribute("SlotSlack", u);
    EXPECT_EQ(u.Get(), 0u);
    mcf->SetAttribute("LatencyWeight", DoubleValue(1.5));
    mcf->GetAttribute("LatencyWeight", v);
    EXPECT_EQ(v.Get(), 1.5);
}

TEST(FedMoeAlignmentPolicy, ConfigDefaultsApplyToNewObjects)
{
    Config::SetDefault("ns3::FedMoeChannelAwarePolicy::LatencyWeight", DoubleValue(2.5));
    Ptr<FedMoeAlignmentPolicy> policy = FedMoeAlignmentPolicy::Create("channel-aware");
    DoubleValue v;
    policy->GetAttribute("LatencyWeight", v);
    EXPECT_EQ(v.Get(), 2.5);
    Config::Reset();
}

TEST(FedMoeAlignmentPolicy, SameStreamSameAssignmentOtherRunOtherAssignment)
{
    const auto input = Instance();
    auto assign = [&input](int64_t stream)
    {
        Ptr<FedMoeAlignmentPolicy> policy = FedMoeAlignmentPolicy::Create("random");
        policy->AssignStreams(stream);
        std::vector<std::vector<uint32_t>> sets;
        for (const auto& c : policy->Assign(input).clients)
        {
            sets.push_back(c.experts);
        }
        return sets;
    };
    EXPECT_EQ(assign(3), assign(3));
    EXPECT_NE(assign(3), assign(4));

    const uint64_t run = RngSeedManager::GetRun();
    const auto before = assign(3);
    RngSeedManager::SetRun(run + 1);
    EXPECT_NE(assign(3), before); // --RngRun changes the draw
    RngSeedManager::SetRun(run);
}
