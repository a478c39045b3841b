// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of CreateAlignmentPolicy: every name, and a clear error for others.
 */

#include "fedmoe/scheduling/alignment-policy-factory.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

using namespace fedmoe::scheduling;

TEST(AlignmentPolicyFactory, EveryNameMakesThatPolicy)
{
    const auto names = AlignmentPolicyNames();
    ASSERT_EQ(names.size(), 5U);
    for (const auto& name : names)
    {
        const auto policy = CreateAlignmentPolicy(name);
        ASSERT_NE(policy, nullptr);
        EXPECT_EQ(policy->Name(), name);
    }
}

TEST(AlignmentPolicyFactory, UnknownNamesListTheAllowedOnes)
{
    try
    {
        CreateAlignmentPolicy("Greedy");
        ADD_FAILURE() << "no exception";
    }
    catch (const std::invalid_argument& error)
    {
        EXPECT_EQ(std::string(error.what()),
                  "CreateAlignmentPolicy: policy = \"Greedy\" is invalid; must be one of "
                  "random|greedy|load-balanced|channel-aware|min-cost-flow");
    }
    EXPECT_THROW(CreateAlignmentPolicy(""), std::invalid_argument);
}
