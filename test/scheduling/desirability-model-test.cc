// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of DesirabilityModel: hand-computed scores, usage and slot penalties,
 * the objective and its lexicographic order.
 */

#include "fedmoe/scheduling/desirability-model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

using namespace fedmoe::scheduling;

namespace
{

/** Two clients holding one 1 MB expert each, two experts. */
AlignmentInput
TwoByTwo()
{
    AlignmentInput input;
    input.model.experts.assign(2, ExpertCost{1e6, 1e6});
    input.clients.resize(2);
    input.clients[0].id = 0;
    input.clients[0].samples = 100;
    input.clients[1].id = 1;
    input.clients[1].samples = 300;
    for (auto& client : input.clients)
    {
        client.profile.memoryMb = 1.5;
    }
    input.fitness = {0.8, 0.2, //
                     0.4, 0.6};
    input.usage = {100, 300};
    return input;
}

} // namespace

TEST(DesirabilityModel, ScoresAndPenaltiesByHand)
{
    const AlignmentInput input = TwoByTwo();
    DesirabilityWeights weights;
    weights.fitnessWeight = 2.0;
    weights.usageWeight = 0.5;
    weights.projectionWeight = 1.0;
    const DesirabilityModel model(input, input.Capacities("test"), weights);
    EXPECT_DOUBLE_EQ(model.PairScore(0, 0), 1.6);
    EXPECT_DOUBLE_EQ(model.PairScore(1, 1), 1.2);
    // N = (100 + 300 + 1 * (100 * 1 + 300 * 1)) / 2 = 400; mean load 200.
    EXPECT_DOUBLE_EQ(model.UsagePenalty(1, 100), 0.5); // 0.5 * (300 + 100) / 400
    EXPECT_DOUBLE_EQ(model.SlotPenalty(0, 0), 0.125);  // 0.5 * 100 / 400
    EXPECT_DOUBLE_EQ(model.SlotPenalty(0, 1), 0.375);  // 0.5 * (100 + 200) / 400

    Assignment both;
    both.clients = {{0, {0}}, {1, {0}}};
    const ObjectiveValue value = model.Evaluate(both);
    EXPECT_EQ(value.pairs, 2U);
    EXPECT_EQ(value.coveredDemand, 1U); // expert 1 has no trainer
    EXPECT_NEAR(value.value, 1.6 - 0.125 + 0.8 - 0.375, 1e-12);

    Assignment spread;
    spread.clients = {{0, {0}}, {1, {1}}};
    const ObjectiveValue better = model.Evaluate(spread);
    EXPECT_EQ(better.coveredDemand, 2U);
    // 1.6 - 0.125 + 1.2 - 0.5 * 300 / 400
    EXPECT_NEAR(better.value, 1.6 - 0.125 + 1.2 - 0.375, 1e-12);
    EXPECT_TRUE(better.AtLeast(value, 0.0));
    EXPECT_FALSE(value.AtLeast(better, 0.0));
}

TEST(DesirabilityModel, ObjectiveOrderIsPairsThenCoverageThenValue)
{
    EXPECT_TRUE((ObjectiveValue{3, 0, -5.0}).AtLeast(ObjectiveValue{2, 9, 9.0}, 0.0));
    EXPECT_TRUE((ObjectiveValue{3, 2, -5.0}).AtLeast(ObjectiveValue{3, 1, 9.0}, 0.0));
    EXPECT_TRUE((ObjectiveValue{3, 2, 0.9995}).AtLeast(ObjectiveValue{3, 2, 1.0}, 1e-3));
    EXPECT_FALSE((ObjectiveValue{3, 2, 0.99}).AtLeast(ObjectiveValue{3, 2, 1.0}, 1e-3));
}

TEST(DesirabilityModel, LatencyIsMeasuredAgainstTheDeadline)
{
    AlignmentInput input = TwoByTwo();
    input.constraints.deadlineS = 10.0;
    DesirabilityWeights weights;
    weights.latencyWeight = 2.0;
    const DesirabilityModel model(input, input.Capacities("test"), weights);
    const CapacityEstimator estimator;
    const ClientRates rates
        = estimator.Rates(input.clients[1].profile, input.clients[1].channel, 300, input.model);
    const double time = CapacityEstimator::ExpertTime(rates, input.model.experts[0]);
    EXPECT_NEAR(model.ExpertTime(1, 0), time, 1e-12);
    EXPECT_NEAR(model.PairScore(1, 0), 0.4 - 2.0 * time / 10.0, 1e-12);
    double scores[2];
    model.PairScores(1, scores);
    EXPECT_NEAR(scores[0], model.PairScore(1, 0), 1e-12);
    EXPECT_NEAR(scores[1], model.PairScore(1, 1), 1e-12);
}

TEST(DesirabilityModel, BadWeightsAreClearErrors)
{
    DesirabilityWeights weights;
    weights.projectionWeight = -3.0;
    try
    {
        weights.Validate("SomePolicy");
        ADD_FAILURE() << "no exception";
    }
    catch (const std::invalid_argument& error)
    {
        EXPECT_EQ(std::string(error.what()),
                  "SomePolicy: projectionWeight = -3 is invalid; must be a finite number >= 0");
    }
}
