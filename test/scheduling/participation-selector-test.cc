// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of ParticipationSelector: availability, fraction, count, fastest,
 * determinism, errors.
 */

#include "fedmoe/scheduling/participation-selector.h"
#include "scheduling-test-instances.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

using namespace fedmoe::scheduling;
using namespace fedmoe::scheduling::test;

namespace
{

std::vector<ClientInfo>
Clients(std::size_t n, double availability)
{
    std::vector<ClientInfo> clients(n);
    for (std::size_t i = 0; i < n; ++i)
    {
        clients[i].id = static_cast<uint32_t>(i);
        clients[i].profile.availability = availability;
    }
    return clients;
}

ParticipationParameters
Rule(ParticipationRule rule)
{
    ParticipationParameters parameters;
    parameters.rule = rule;
    return parameters;
}

} // namespace

TEST(ParticipationSelector, AllAvailableClientsTakePart)
{
    std::mt19937_64 rng(1);
    const ParticipationSelector all(Rule(ParticipationRule::All));
    EXPECT_EQ(all.Select(Clients(5, 1.0), rng), (std::vector<std::size_t>{0, 1, 2, 3, 4}));
    EXPECT_TRUE(all.Select(Clients(5, 0.0), rng).empty());
    // About 30 % of 2,000 clients are reachable.
    const auto some = all.Select(Clients(2000, 0.3), rng);
    EXPECT_NEAR(static_cast<double>(some.size()), 600.0, 6 * 20.5);
    ParticipationParameters ignore = Rule(ParticipationRule::All);
    ignore.sampleAvailability = false;
    EXPECT_EQ(ParticipationSelector(ignore).Select(Clients(3, 0.0), rng).size(), 3U);
}

TEST(ParticipationSelector, FractionAndCountPickUniformly)
{
    ParticipationParameters fraction = Rule(ParticipationRule::Fraction);
    fraction.fraction = 0.25;
    const ParticipationSelector selector(fraction);
    std::mt19937_64 rng(2);
    std::vector<int> picked(10, 0);
    for (int n = 0; n < 4000; ++n)
    {
        const auto chosen = selector.Select(Clients(10, 1.0), rng);
        ASSERT_EQ(chosen.size(), 3U); // ceil(2.5)
        ASSERT_TRUE(std::is_sorted(chosen.begin(), chosen.end()));
        for (std::size_t i : chosen)
        {
            picked[i] += 1;
        }
    }
    for (int count : picked)
    {
        EXPECT_NEAR(count, 1200, 6 * 29); // p = 0.3, sd = sqrt(4000 * 0.3 * 0.7)
    }
    fraction.fraction = 0.01;
    fraction.minClients = 4;
    EXPECT_EQ(ParticipationSelector(fraction).Select(Clients(10, 1.0), rng).size(), 4U);
    ParticipationParameters count = Rule(ParticipationRule::Count);
    count.count = 7;
    EXPECT_EQ(ParticipationSelector(count).Select(Clients(10, 1.0), rng).size(), 7U);
    EXPECT_EQ(ParticipationSelector(count).Select(Clients(5, 1.0), rng).size(), 5U);
}

TEST(ParticipationSelector, FastestTakesTheShortestRoundTimes)
{
    ParticipationParameters fastest = Rule(ParticipationRule::Fastest);
    fastest.fraction = 0.4;
    std::mt19937_64 rng(3);
    const auto chosen
        = ParticipationSelector(fastest).Select(Clients(5, 1.0), rng, {5.0, 1.0, 4.0, 0.5, 3.0});
    EXPECT_EQ(chosen, (std::vector<std::size_t>{1, 3}));
    EXPECT_THROW(ParticipationSelector(fastest).Select(Clients(5, 1.0), rng, {1.0}),
                 std::invalid_argument);
}

TEST(ParticipationSelector, SameSeedSameParticipants)
{
    ParticipationParameters fraction = Rule(ParticipationRule::Fraction);
    fraction.fraction = 0.5;
    const ParticipationSelector selector(fraction);
    std::mt19937_64 a(9);
    std::mt19937_64 b(9);
    std::mt19937_64 c(10);
    const auto first = selector.Select(Clients(100, 0.8), a);
    EXPECT_EQ(first, selector.Select(Clients(100, 0.8), b));
    EXPECT_NE(first, selector.Select(Clients(100, 0.8), c));
}

TEST(ParticipationSelector, BadParametersAreClearErrors)
{
    ParticipationParameters parameters = Rule(ParticipationRule::Fraction);
    parameters.fraction = 0.0;
    try
    {
        ParticipationSelector selector(parameters);
        ADD_FAILURE() << "no exception";
    }
    catch (const std::invalid_argument& error)
    {
        EXPECT_EQ(std::string(error.what()),
                  "ParticipationSelector: fraction = 0 is invalid; must be in (0, 1]");
    }
    parameters = Rule(ParticipationRule::Count);
    parameters.count = 0;
    EXPECT_THROW(ParticipationSelector{parameters}, std::invalid_argument);
    std::mt19937_64 rng(1);
    EXPECT_THROW(ParticipationSelector().Select(Clients(2, 1.5), rng), std::invalid_argument);
    EXPECT_EQ(ParticipationSelector::ParseRule("fastest"), ParticipationRule::Fastest);
    EXPECT_THROW(ParticipationSelector::ParseRule("some"), std::invalid_argument);
}
