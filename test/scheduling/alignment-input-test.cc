// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of AlignmentInput validation (through every policy) and Assignment helpers.
 */

#include "fedmoe/scheduling/alignment-input.h"
#include "fedmoe/scheduling/alignment-policy-factory.h"
#include "scheduling-test-instances.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

using namespace fedmoe::scheduling;
using namespace fedmoe::scheduling::test;

namespace
{

AlignmentInput
Small()
{
    std::mt19937_64 rng(3);
    InstanceShape shape;
    shape.clients = 5;
    shape.experts = 4;
    AlignmentInput input = RandomInstance(rng, shape);
    for (auto& client : input.clients)
    {
        client.profile.memoryMb = 3.0; // two experts each
    }
    return input;
}

/** Every policy rejects the input with a message containing part. */
void
ExpectEveryPolicyRejects(const AlignmentInput& input, const std::string& part)
{
    for (const auto& name : AlignmentPolicyNames())
    {
        const auto policy = CreateAlignmentPolicy(name);
        std::mt19937_64 rng(1);
        try
        {
            policy->Assign(input, rng);
            ADD_FAILURE() << name << ": no exception; expected one mentioning " << part;
        }
        catch (const std::invalid_argument& error)
        {
            EXPECT_NE(std::string(error.what()).find(part), std::string::npos)
                << name << ": " << error.what();
        }
    }
}

} // namespace

TEST(AlignmentInput, NanFitnessNamesTheClientAndExpert)
{
    AlignmentInput input = Small();
    input.fitness[3 * 4 + 2] = NAN;
    ExpectEveryPolicyRejects(input, "fitness of client 1003, expert 2 = nan is invalid; must be "
                                    "a finite number");
    input.fitness[3 * 4 + 2] = INFINITY;
    ExpectEveryPolicyRejects(input, "= inf is invalid");
}

TEST(AlignmentInput, ZeroCapacityForEveryClientIsAnError)
{
    AlignmentInput input = Small();
    for (auto& client : input.clients)
    {
        client.profile.memoryMb = 0.5; // not even one expert
    }
    ExpectEveryPolicyRejects(input, "capacity = 0 for every one of the 5 participants");
    input.clients[2].profile.memoryMb = 2.0; // one client can hold one: fine
    for (const auto& name : AlignmentPolicyNames())
    {
        std::mt19937_64 rng(1);
        const Assignment assignment = CreateAlignmentPolicy(name)->Assign(input, rng);
        EXPECT_EQ(assignment.Pairs(), 1U) << name;
        EXPECT_EQ(assignment.ExpertsOf(1002).size(), 1U) << name;
    }
}

TEST(AlignmentInput, SizesIdsUsageAndConstraintsAreChecked)
{
    AlignmentInput input = Small();
    input.fitness.pop_back();
    ExpectEveryPolicyRejects(input, "fitness has 19 scores; must have clients x experts = 5 x 4");
    input = Small();
    input.usage.push_back(0.0);
    ExpectEveryPolicyRejects(input, "usage has 5 scores");
    input = Small();
    input.usage[1] = -2.0;
    ExpectEveryPolicyRejects(input, "usage[1] = -2 is invalid; must be a finite number >= 0");
    input = Small();
    input.clients[4].id = input.clients[0].id;
    ExpectEveryPolicyRejects(input, "client id 1000 appears twice");
    input = Small();
    input.constraints.deadlineS = 0.0;
    ExpectEveryPolicyRejects(input, "deadlineS = 0 is invalid");
    input = Small();
    input.constraints.minTrainersPerExpert = 3;
    input.constraints.maxTrainersPerExpert = 2;
    ExpectEveryPolicyRejects(input, "maxTrainersPerExpert = 2 is invalid");
    input = Small();
    input.clients[1].profile.downlinkBps = -1.0;
    ExpectEveryPolicyRejects(input, "client 1001");
    input = Small();
    input.clients[1].samples = NAN;
    ExpectEveryPolicyRejects(input, "samples = nan");
    input = Small();
    input.model.experts[0].parameterBytes = -5.0;
    ExpectEveryPolicyRejects(input, "experts[0].parameterBytes = -5");
}

TEST(AlignmentInput, NoParticipantsGiveAnEmptyAssignment)
{
    AlignmentInput input = Small();
    input.clients.clear();
    input.fitness.clear();
    for (const auto& name : AlignmentPolicyNames())
    {
        std::mt19937_64 rng(1);
        EXPECT_TRUE(CreateAlignmentPolicy(name)->Assign(input, rng).clients.empty()) << name;
    }
}

TEST(Assignment, HelpersCountPairsAndTrainers)
{
    Assignment assignment;
    assignment.clients.push_back({7, {0, 2}});
    assignment.clients.push_back({9, {2}});
    assignment.clients.push_back({4, {}});
    EXPECT_EQ(assignment.Pairs(), 3U);
    EXPECT_EQ(assignment.TrainerCounts(3), (std::vector<uint32_t>{1, 0, 2}));
    EXPECT_EQ(assignment.ExpertsOf(9), (std::vector<uint32_t>{2}));
    EXPECT_TRUE(assignment.ExpertsOf(5).empty());
    EXPECT_THROW(assignment.TrainerCounts(2), std::out_of_range);
}
