// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of MoeNetwork: routing restricted to allowed experts, renormalised
 * weights, gradients only for the allowed experts, alignment term, learning.
 */

#include "fedmoe/learning/dataset.h"
#include "fedmoe/learning/evaluator.h"
#include "fedmoe/learning/moe-network.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace fedmoe::learning;

namespace
{

MoeShape
Tiny()
{
    MoeShape s;
    s.inputSize = 16;
    s.classes = 4;
    s.experts = 4;
    s.topK = 2;
    s.hidden = 8;
    return s;
}

} // namespace

TEST(MoeNetwork, RoutingRestrictedAndRenormalised)
{
    torch::manual_seed(1);
    MoeNetwork net(Tiny());
    auto x = torch::randn({32, 1, 1, 16});
    auto out = net->Forward(x, {1, 3});
    EXPECT_EQ(out.logits.sizes(), (std::vector<int64_t>{32, 4}));
    EXPECT_TRUE(torch::allclose(out.routing.sum(1), torch::ones({32})));
    EXPECT_EQ(out.routing.select(1, 0).abs().sum().item<float>(), 0.0f);
    EXPECT_EQ(out.routing.select(1, 2).abs().sum().item<float>(), 0.0f);
    EXPECT_TRUE(torch::allclose(out.gateProbs.sum(1), torch::ones({32})));
    EXPECT_GT(out.alignLoss.item<float>(), 0.0f);
    EXPECT_NEAR(net->Forward(x).alignLoss.item<float>(), 0.0f, 1e-6);
    EXPECT_THROW(net->Forward(x, {4}), std::invalid_argument);
}

TEST(MoeNetwork, UnassignedExpertsGetNoGradient)
{
    torch::manual_seed(2);
    MoeNetwork net(Tiny());
    auto x = torch::randn({32, 16});
    auto y = torch::randint(4, {32}, torch::kInt64);
    auto out = net->Forward(x, {0, 2});
    auto loss = torch::nn::functional::cross_entropy(out.logits, y) + 0.01 * out.auxLoss
                + 0.1 * out.alignLoss;
    loss.backward();
    for (int64_t e : {1, 3})
    {
        for (auto& p : net->ExpertParameters(e))
        {
            EXPECT_TRUE(!p.grad().defined() || p.grad().abs().sum().item<float>() == 0.0f);
        }
    }
    for (int64_t e : {0, 2})
    {
        EXPECT_GT(net->ExpertParameters(e)[0].grad().abs().sum().item<float>(), 0.0f);
    }
    // The alignment term reaches every gate row, including unassigned experts'.
    auto gateGrad = net->GateParameters()[0].grad();
    EXPECT_GT(gateGrad[1].abs().sum().item<float>(), 0.0f);
    EXPECT_EQ(net->GateParameters().size(), 2u);
}

TEST(MoeNetwork, LearnsSyntheticSet)
{
    torch::manual_seed(3);
    auto train = Dataset::MakeSynthetic(512, 4, 16, 5, 6);
    auto test = Dataset::MakeSynthetic(256, 4, 16, 5, 7);
    MoeNetwork net(Tiny());
    torch::optim::SGD opt(net->parameters(), torch::optim::SGDOptions(0.1).momentum(0.9));
    for (int step = 0; step < 40; ++step)
    {
        auto idx = torch::randint(512, {64}, torch::kInt64);
        auto out = net->Forward(train.inputs.index_select(0, idx));
        auto loss
            = torch::nn::functional::cross_entropy(out.logits, train.labels.index_select(0, idx));
        opt.zero_grad();
        loss.backward();
        opt.step();
    }
    torch::NoGradGuard noGrad;
    auto pred = net->Forward(test.inputs).logits.argmax(1);
    double accuracy = pred.eq(test.labels).to(torch::kFloat64).mean().item<double>();
    EXPECT_GT(accuracy, 0.8); // chance is 0.25
}

TEST(MoeNetwork, BadShapeRejected)
{
    auto s = Tiny();
    s.topK = 5;
    EXPECT_THROW(MoeNetwork{s}, std::invalid_argument);
    s = Tiny();
    s.hidden = 0;
    try
    {
        MoeNetwork net(s);
        FAIL() << "expected an error";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_STREQ(e.what(), "MoeNetwork: hidden = 0 is invalid; must be >= 1");
    }
}

TEST(MoeNetwork, CnnExpertsOnImages)
{
    torch::manual_seed(4);
    MoeShape s;
    s.inputSize = 28 * 28;
    s.experts = 3;
    s.topK = 2;
    s.expertKind = "cnn";
    MoeNetwork net(s);
    auto x = torch::randn({5, 1, 28, 28});
    auto out = net->Forward(x, {0, 2});
    EXPECT_EQ(out.logits.sizes(), (std::vector<int64_t>{5, 10}));
    out.logits.sum().backward();
    EXPECT_GT(net->ExpertParameters(0)[0].grad().abs().sum().item<float>(), 0.0f);
    EXPECT_FALSE(net->ExpertParameters(1)[0].grad().defined());
    // conv 1->8 at 28x28, conv 8->16 at 14x14, linear 16*7*7 -> 10, 2 FLOPs per multiply-add.
    EXPECT_DOUBLE_EQ(ExpertForwardFlops(s),
                     2.0 * 9 * 8 * 784 + 2.0 * 9 * 8 * 16 * 196 + 2.0 * 784 * 10);
    s.channels = 3;
    EXPECT_THROW(MoeNetwork{s}, std::invalid_argument);
}

TEST(MoeNetwork, RestrictedEvaluationIsTheHandComputedAccuracyAndLoss)
{
    // A hand-built mixture: every weight zero, so the gate ties and each
    // expert outputs only its last bias. Expert 1 says "class 1" (+2), expert 3
    // says "class 3" (+1). Restricted to {1, 3}, top-2 mixes both with weight
    // 1/2: logits (0, 1, 0, 0.5) for every sample, so the prediction is class 1.
    MoeNetwork net(Tiny());
    {
        torch::NoGradGuard noGrad;
        for (auto& p : net->parameters())
        {
            p.zero_();
        }
        net->ExpertParameters(1).back()[1] = 2.0;
        net->ExpertParameters(3).back()[3] = 1.0;
    }
    const std::vector<int64_t> labels{1, 1, 1, 3, 3, 0, 2, 1, 3, 0};
    auto x = torch::randn({10, 16});
    auto y = torch::tensor(labels, torch::kInt64);

    const Evaluation both = EvaluateRestricted(net, x, y, {1, 3}, 4);
    EXPECT_EQ(both.samples, 10u);
    EXPECT_DOUBLE_EQ(both.accuracy, 0.4); // four samples of class 1
    const double logits[4] = {0.0, 1.0, 0.0, 0.5};
    const double lse = std::log(std::exp(0.0) + std::exp(1.0) + std::exp(0.0) + std::exp(0.5));
    double loss = 0;
    for (int64_t l : labels)
    {
        loss += lse - logits[l];
    }
    EXPECT_NEAR(both.loss, loss / 10.0, 1e-6);
    EXPECT_NEAR(both.routingShare[1], 0.5, 1e-6);
    EXPECT_NEAR(both.routingShare[3], 0.5, 1e-6);

    // Restricted to {3}: class 3 everywhere, three samples right.
    EXPECT_DOUBLE_EQ(EvaluateRestricted(net, x, y, {3}).accuracy, 0.3);
}

TEST(MoeNetwork, TopKCanBeWidenedAtInference)
{
    torch::manual_seed(3);
    MoeNetwork net(Tiny()); // top-2 of 4
    auto x = torch::randn({8, 16});
    auto nonZero = [](const torch::Tensor& routing)
    {
        return routing.ne(0).sum(1).to(torch::kFloat64).mean().item<double>();
    };
    EXPECT_DOUBLE_EQ(nonZero(net->Forward(x).routing), 2.0);
    const MoeOutput all = net->Forward(x, {}, 4);
    EXPECT_DOUBLE_EQ(nonZero(all.routing), 4.0);
    // Every expert mixed: the routing weights are the gate's full softmax.
    EXPECT_TRUE(torch::allclose(all.routing, all.gateProbs, 1e-5, 1e-6));
    // A top-k beyond the allowed experts mixes only those.
    EXPECT_DOUBLE_EQ(nonZero(net->Forward(x, {0, 2}, 4).routing), 2.0);
}
