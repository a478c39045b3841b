// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the server optimizer against hand-computed FedAvg, FedAvgM and
 * FedAdam steps, and of its use in FederatedMoe::Aggregate.
 */

#include "fedmoe/learning/federated-moe.h"
#include "fedmoe/learning/server-optimizer.h"
#include "fedmoe/learning/tensor-codec.h"

#include <gtest/gtest.h>

using namespace fedmoe::learning;

namespace
{

float
Value(const torch::Tensor& t)
{
    return t.item<float>();
}

ServerOptimizerOptions
Rule(const std::string& kind, double lr, double momentum)
{
    ServerOptimizerOptions o;
    o.kind = kind;
    o.learningRate = lr;
    o.momentum = momentum;
    return o;
}

} // namespace

TEST(ServerOptimizer, NoneTakesTheMerge)
{
    ServerOptimizer server;
    auto x = torch::tensor({1.0f, 2.0f});
    server.Step("g", {x}, {torch::tensor({0.0f, 4.0f})});
    EXPECT_FLOAT_EQ(x[0].item<float>(), 0.0f);
    EXPECT_FLOAT_EQ(x[1].item<float>(), 4.0f);
}

TEST(ServerOptimizer, MomentumAccumulatesTheMeanUpdate)
{
    // beta 0.9, eta 1. Round 1: Delta = 0.5 - 1 = -0.5, m = -0.5, x = 0.5.
    // Round 2: the clients move to 0.25, Delta = -0.25, m = 0.9 (-0.5) - 0.25 = -0.7,
    // x = 0.5 - 0.7 = -0.2 (past the merge: the momentum of round 1 carries on).
    ServerOptimizer server(Rule("momentum", 1.0, 0.9));
    auto x = torch::tensor({1.0f});
    server.Step("g", {x}, {torch::tensor({0.5f})});
    EXPECT_FLOAT_EQ(Value(x), 0.5f);
    server.Step("g", {x}, {torch::tensor({0.25f})});
    EXPECT_NEAR(Value(x), -0.2f, 1e-6);
    // With eta 0.5: x1 = 1 - 0.25 = 0.75.
    ServerOptimizer half(Rule("momentum", 0.5, 0.9));
    auto y = torch::tensor({1.0f});
    half.Step("g", {y}, {torch::tensor({0.5f})});
    EXPECT_FLOAT_EQ(Value(y), 0.75f);
    // beta 0, eta 1 is FedAvg.
    ServerOptimizer plain(Rule("momentum", 1.0, 0.0));
    auto z = torch::tensor({1.0f});
    plain.Step("g", {z}, {torch::tensor({0.5f})});
    plain.Step("g", {z}, {torch::tensor({0.25f})});
    EXPECT_FLOAT_EQ(Value(z), 0.25f);
}

TEST(ServerOptimizer, AdamNormalisesTheStep)
{
    // beta1 0.9, beta2 0.99, tau 1e-3, eta 0.1; Delta = -0.5:
    // m = 0.1 (-0.5) = -0.05, v = 0.01 x 0.25 = 0.0025, sqrt(v) = 0.05,
    // x = 1 + 0.1 x (-0.05 / 0.051) = 0.9019608.
    ServerOptimizerOptions o = Rule("adam", 0.1, 0.9);
    o.beta2 = 0.99;
    o.epsilon = 1e-3;
    ServerOptimizer server(o);
    auto x = torch::tensor({1.0f});
    server.Step("g", {x}, {torch::tensor({0.5f})});
    EXPECT_NEAR(Value(x), 0.9019608f, 1e-6);
    // Round 2, merge = x - 0.5 again: m = 0.9 (-0.05) + 0.1 (-0.5) = -0.095,
    // v = 0.99 x 0.0025 + 0.01 x 0.25 = 0.004975, x -= 0.1 x 0.095 / (0.0705337 + 0.001).
    const float before = Value(x);
    server.Step("g", {x}, {torch::tensor({before - 0.5f})});
    EXPECT_NEAR(Value(x), before - 0.1f * 0.095f / (0.07053368f + 0.001f), 1e-6);
}

TEST(ServerOptimizer, MomentsArePerGroup)
{
    ServerOptimizer server(Rule("momentum", 1.0, 0.9));
    auto a = torch::tensor({1.0f});
    auto b = torch::tensor({1.0f});
    server.Step("a", {a}, {torch::tensor({0.5f})});
    // b's first step knows nothing of a's momentum.
    server.Step("b", {b}, {torch::tensor({0.5f})});
    EXPECT_FLOAT_EQ(Value(b), 0.5f);
    server.Reset();
    server.Step("a", {a}, {torch::tensor({0.25f})});
    EXPECT_FLOAT_EQ(Value(a), 0.25f) << "Reset forgets the moments";
}

TEST(ServerOptimizer, BadOptionsAndShapesRejected)
{
    EXPECT_THROW(ServerOptimizer(Rule("sgd", 1.0, 0.9)), std::invalid_argument);
    EXPECT_THROW(ServerOptimizer(Rule("momentum", 0.0, 0.9)), std::invalid_argument);
    EXPECT_THROW(ServerOptimizer(Rule("momentum", 1.0, 1.0)), std::invalid_argument);
    ServerOptimizerOptions o = Rule("adam", 0.1, 0.9);
    o.epsilon = 0;
    EXPECT_THROW(ServerOptimizer{o}, std::invalid_argument);
    o.epsilon = 1e-3;
    o.beta2 = -0.1;
    EXPECT_THROW(ServerOptimizer{o}, std::invalid_argument);
    ServerOptimizer server;
    auto x = torch::zeros({2});
    EXPECT_THROW(server.Step("g", {x}, {torch::zeros({3})}), std::invalid_argument);
    EXPECT_THROW(server.Step("g", {x}, {}), std::invalid_argument);
    AggregationOptions a;
    a.serverOptimizer = "nesterov";
    EXPECT_THROW(ValidateAggregationOptions(a), std::invalid_argument);
}

TEST(ServerOptimizer, FederatedMoeAggregateSteps)
{
    // Two copies of one model get the same update; one merges with FedAvg,
    // the other with FedAvgM at eta 1 and beta 0.5. After one round they are
    // equal (m = Delta); after a second round with the same client result the
    // momentum copy has moved by an extra 0.5 x the first round's Delta.
    ModelOptions m;
    m.dataset = "synthetic";
    m.syntheticTrainSamples = 200;
    m.syntheticTestSamples = 50;
    m.syntheticFeatures = 8;
    m.syntheticClasses = 2;
    m.experts = 2;
    m.topK = 1;
    m.hidden = 4;
    TrainOptions t;
    FederatedMoe plain(m, t);
    FederatedMoe momentum(m, t);
    TrainJob job;
    job.experts = {0};
    job.gate = plain.EncodeGate();
    job.expertParams = {plain.EncodeExpert(0)};
    for (int64_t i = 0; i < 100; ++i)
    {
        job.shard.push_back(i);
    }
    job.steps = 5;
    job.seed = 3;
    const TrainResult r = plain.Train(job);
    ASSERT_EQ(r.error, "");
    AggregationOptions fedAvg;
    AggregationOptions fedAvgM;
    fedAvgM.serverOptimizer = "momentum";
    fedAvgM.serverMomentum = 0.5;
    // Expert of 8 features, 4 hidden units, 2 classes, decoded.
    auto expert = [](const std::vector<uint8_t>& bytes)
    {
        std::vector<torch::Tensor> t{torch::zeros({4, 8}), torch::zeros({4}), torch::zeros({2, 4}),
                                     torch::zeros({2})};
        TensorCodec::Decode(bytes, t);
        return t;
    };
    auto near = [](const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b)
    {
        for (size_t i = 0; i < a.size(); ++i)
        {
            if (!torch::allclose(a[i], b[i], 1e-5, 1e-6))
            {
                return false;
            }
        }
        return true;
    };
    const auto x0 = expert(plain.EncodeExpert(0));
    const auto x1 = expert(r.expertParams[0]);
    plain.Aggregate({r}, fedAvg);
    momentum.Aggregate({r}, fedAvgM);
    EXPECT_TRUE(near(expert(momentum.EncodeExpert(0)), x1)) << "round 1: m = Delta";
    // Round 2, same result: FedAvg stays (Delta2 = 0) but the momentum copy
    // moves on by 0.5 x Delta1: x2 = x1 + 0.5 (x1 - x0).
    plain.Aggregate({r}, fedAvg);
    momentum.Aggregate({r}, fedAvgM);
    EXPECT_EQ(plain.EncodeExpert(0), r.expertParams[0]);
    std::vector<torch::Tensor> x2;
    for (size_t i = 0; i < x0.size(); ++i)
    {
        x2.push_back(x1[i] + 0.5 * (x1[i] - x0[i]));
    }
    EXPECT_TRUE(near(expert(momentum.EncodeExpert(0)), x2));
    EXPECT_FALSE(near(x2, x1)) << "the update moved the expert";
    // Expert 1 was never trained: untouched by either.
    EXPECT_EQ(plain.EncodeExpert(1), momentum.EncodeExpert(1));
}
