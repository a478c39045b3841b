// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of MlpMoeKernel: its gradients and losses equal autograd's on
 * MoeNetwork::Forward for several routing configurations, it leaves the
 * unallowed experts alone, and its routing counts are those worked out by hand.
 */

#include "fedmoe/learning/mlp-moe-kernel.h"

#include <gtest/gtest.h>

#include <string>

using namespace fedmoe::learning;

namespace
{

MoeShape
Shape(int64_t inputSize, int64_t classes, int64_t experts, int64_t topK, int64_t hidden)
{
    MoeShape s;
    s.inputSize = inputSize;
    s.classes = classes;
    s.experts = experts;
    s.topK = topK;
    s.hidden = hidden;
    return s;
}

/// One routing configuration to compare.
struct Case
{
    std::string name;
    MoeShape shape;
    std::vector<int64_t> allowed;
    int64_t batch;
    double aux;
    double align;
    std::vector<double> classScale{}; //!< FedRS factors per class (empty: none)
};

/// Parameters the kernel writes: gate, then each allowed expert's four.
std::vector<torch::Tensor>
Trained(MoeNetwork& net, const std::vector<int64_t>& allowed)
{
    auto params = net->GateParameters();
    for (auto e : allowed)
    {
        for (auto& p : net->ExpertParameters(e))
        {
            params.push_back(p);
        }
    }
    return params;
}

/// || a - b || / || b ||, or || a || when b is zero.
double
RelativeError(const torch::Tensor& a, const torch::Tensor& b)
{
    const double ref = b.norm().item<double>();
    const double diff = (a - b).norm().item<double>();
    return ref > 0 ? diff / ref : diff;
}

void
CheckAgainstAutograd(const Case& c)
{
    SCOPED_TRACE(c.name);
    torch::manual_seed(7);
    MoeNetwork net(c.shape);
    auto x = torch::randn({c.batch, c.shape.inputSize});
    auto y = torch::randint(c.shape.classes, {c.batch}, torch::kInt64);

    // Autograd.
    auto out = net->Forward(x, c.allowed);
    auto logits = c.classScale.empty() ? out.logits
                                       : out.logits * torch::tensor(c.classScale, torch::kFloat32);
    auto ce = torch::nn::functional::cross_entropy(logits, y);
    auto loss = ce + c.aux * out.auxLoss + c.align * out.alignLoss;
    loss.backward();
    auto params = Trained(net, c.allowed);
    std::vector<torch::Tensor> expected;
    for (auto& p : params)
    {
        expected.push_back(p.grad().clone());
        p.mutable_grad() = torch::Tensor(); // the kernel allocates
    }
    // Sentinels in the unallowed experts' gradients.
    for (int64_t e = 0; e < c.shape.experts; ++e)
    {
        if (std::find(c.allowed.begin(), c.allowed.end(), e) == c.allowed.end())
        {
            for (auto& p : net->ExpertParameters(e))
            {
                p.mutable_grad() = torch::full_like(p, 7.0f);
            }
        }
    }

    MlpMoeKernel kernel(net, c.allowed);
    kernel.SetClassScale(c.classScale);
    // Twice: the second step overwrites, it does not accumulate.
    kernel.Step(x, y, c.aux, c.align);
    KernelStep step = kernel.Step(x, y, c.aux, c.align);
    EXPECT_NEAR(step.loss, ce.item<double>(), 1e-5 * std::max(1.0, ce.item<double>()));
    EXPECT_NEAR(step.auxLoss, out.auxLoss.item<double>(), 1e-5);
    EXPECT_NEAR(step.alignLoss, out.alignLoss.item<double>(), 1e-5);
    for (size_t i = 0; i < params.size(); ++i)
    {
        ASSERT_TRUE(params[i].grad().defined()) << "parameter " << i;
        EXPECT_EQ(params[i].grad().sizes(), params[i].sizes()) << "parameter " << i;
        EXPECT_LT(RelativeError(params[i].grad(), expected[i]), 1e-5)
            << "parameter " << i << " (0, 1: gate; then 4 per allowed expert)";
    }
    for (int64_t e = 0; e < c.shape.experts; ++e)
    {
        if (std::find(c.allowed.begin(), c.allowed.end(), e) == c.allowed.end())
        {
            for (auto& p : net->ExpertParameters(e))
            {
                EXPECT_TRUE(torch::equal(p.grad(), torch::full_like(p, 7.0f))) << "expert " << e;
            }
        }
    }
    // Statistics: routed = samples whose top-k held the expert, over both steps.
    auto routed = out.routing.gt(0).sum(0);
    auto share = out.gateProbs.sum(0).to(torch::kFloat64);
    for (int64_t e = 0; e < c.shape.experts; ++e)
    {
        EXPECT_EQ(kernel.Routed()[e], 2 * routed[e].item<int64_t>()) << "expert " << e;
        EXPECT_NEAR(kernel.GateShare()[e], 2 * share[e].item<double>(), 1e-4) << "expert " << e;
    }
}

} // namespace

TEST(MlpMoeKernel, GradientsMatchAutogradAllExpertsAllowed)
{
    CheckAgainstAutograd(
        {"all allowed, no extra terms", Shape(16, 4, 4, 2, 8), {0, 1, 2, 3}, 32, 0.0, 0.0});
    CheckAgainstAutograd(
        {"all allowed, aux and align", Shape(16, 4, 4, 2, 8), {0, 1, 2, 3}, 32, 0.5, 1.0});
}

TEST(MlpMoeKernel, GradientsMatchAutogradSubset)
{
    CheckAgainstAutograd({"subset, no extra terms", Shape(16, 4, 4, 2, 8), {1, 3}, 32, 0.0, 0.0});
    CheckAgainstAutograd({"subset, aux and align", Shape(16, 4, 4, 2, 8), {1, 3}, 32, 0.5, 1.0});
    CheckAgainstAutograd({"top-3 of five", Shape(12, 5, 8, 3, 6), {0, 1, 2, 4, 6}, 17, 1.0, 1.0});
}

TEST(MlpMoeKernel, GradientsMatchAutogradWithARestrictedSoftmax)
{
    // FedRS: classes 1 and 3 absent locally, their logits halved in the loss.
    CheckAgainstAutograd({"subset, restricted softmax",
                          Shape(16, 4, 4, 2, 8),
                          {1, 3},
                          32,
                          0.5,
                          1.0,
                          {1.0, 0.5, 1.0, 0.5}});
    CheckAgainstAutograd({"all allowed, restricted softmax",
                          Shape(16, 4, 4, 2, 8),
                          {0, 1, 2, 3},
                          32,
                          0.0,
                          0.0,
                          {0.25, 1.0, 1.0, 1.0}});
}

TEST(MlpMoeKernel, GradientsMatchAutogradSingleExpert)
{
    // topK 2 but one allowed expert: k = 1, its weight is 1 and the gate gets
    // gradient only from the extra terms.
    CheckAgainstAutograd({"single, no extra terms", Shape(16, 4, 4, 2, 8), {2}, 32, 0.0, 0.0});
    CheckAgainstAutograd({"single, aux and align", Shape(16, 4, 4, 2, 8), {2}, 32, 0.5, 1.0});
}

TEST(MlpMoeKernel, GradientsMatchAutogradBenchmarkShape)
{
    CheckAgainstAutograd(
        {"784-64-10, E=8, top-2, 2 allowed", Shape(784, 10, 8, 2, 64), {0, 5}, 64, 0.01, 0.1});
    CheckAgainstAutograd({"784-64-10, E=8, top-2, all allowed",
                          Shape(784, 10, 8, 2, 64),
                          {0, 1, 2, 3, 4, 5, 6, 7},
                          64,
                          0.01,
                          0.0});
}

TEST(MlpMoeKernel, SurvivesRebinding)
{
    // The kernel makes the gate and first layers views of its buffers; if
    // someone swaps their storage or gradients, the next step binds again.
    torch::manual_seed(5);
    MoeNetwork net(Shape(16, 4, 4, 2, 8));
    auto x = torch::randn({32, 16});
    auto y = torch::randint(4, {32}, torch::kInt64);
    const std::vector<int64_t> allowed{0, 2};
    auto params = Trained(net, allowed);
    std::vector<torch::Tensor> before;
    for (auto& p : params)
    {
        before.push_back(p.detach().clone());
    }
    MlpMoeKernel kernel(net, allowed);
    for (size_t i = 0; i < params.size(); ++i)
    {
        EXPECT_TRUE(torch::equal(params[i], before[i])) << "binding changed parameter " << i;
    }
    kernel.Step(x, y, 0.1, 0.1);
    std::vector<torch::Tensor> expected;
    for (auto& p : params)
    {
        expected.push_back(p.grad().clone());
    }
    {
        torch::NoGradGuard noGrad;
        params[0].set_data(params[0].detach().clone());
        params[2].mutable_grad() = torch::Tensor();
        params[3].mutable_grad() = torch::zeros_like(params[3]);
    }
    kernel.Step(x, y, 0.1, 0.1);
    for (size_t i = 0; i < params.size(); ++i)
    {
        EXPECT_TRUE(torch::allclose(params[i].grad(), expected[i])) << "parameter " << i;
    }
    // And an in-place update through the module reaches the kernel.
    {
        torch::NoGradGuard noGrad;
        net->GateParameters()[0].zero_();
    }
    kernel.ResetStatistics();
    kernel.Step(x, y, 0, 0);
    auto share = torch::softmax(net->GateParameters()[1].detach(), 0) * 32;
    for (int64_t e = 0; e < 4; ++e)
    {
        EXPECT_NEAR(kernel.GateShare()[e], share[e].item<double>(), 1e-4) << "expert " << e;
    }
}

TEST(MlpMoeKernel, RoutedCountsByHand)
{
    // Gate z = (x0, x1, 0, -x0): sample (2, 1) -> z = (2, 1, 0, -2), top-2 {0, 1};
    // (-1, 3) -> (-1, 3, 0, 1), {1, 3}; (0.5, -1) -> (0.5, -1, 0, -0.5), {0, 2}.
    MoeNetwork net(Shape(2, 3, 4, 2, 4));
    {
        torch::NoGradGuard noGrad;
        auto gate = net->GateParameters();
        gate[0].copy_(
            torch::tensor({1.0f, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, -1.0f, 0.0f}).view({4, 2}));
        gate[1].zero_();
    }
    auto x = torch::tensor({2.0f, 1.0f, -1.0f, 3.0f, 0.5f, -1.0f}).view({3, 2});
    auto y = torch::tensor({0, 1, 2}, torch::kInt64);
    MlpMoeKernel all(net, {0, 1, 2, 3});
    all.Step(x, y, 0, 0);
    EXPECT_EQ(all.Routed(), (std::vector<int64_t>{2, 2, 1, 1}));
    // Only {2, 3} allowed: each sample uses both.
    MlpMoeKernel pair(net, {2, 3});
    pair.Step(x, y, 0, 0);
    EXPECT_EQ(pair.Routed(), (std::vector<int64_t>{0, 0, 3, 3}));
    pair.Step(x, y, 0, 0);
    EXPECT_EQ(pair.Routed(), (std::vector<int64_t>{0, 0, 6, 6}));
    // The full softmax of the first sample's z = (2, 1, 0, -2) plus the others'.
    double share0 = 0;
    for (auto z : {std::vector<double>{2, 1, 0, -2}, {-1, 3, 0, 1}, {0.5, -1, 0, -0.5}})
    {
        double sum = 0;
        for (double v : z)
        {
            sum += std::exp(v);
        }
        share0 += std::exp(z[0]) / sum;
    }
    EXPECT_NEAR(all.GateShare()[0], share0, 1e-6);
    all.ResetStatistics();
    EXPECT_EQ(all.Routed(), (std::vector<int64_t>{0, 0, 0, 0}));
    EXPECT_EQ(all.GateShare(), (std::vector<double>{0, 0, 0, 0}));
}

TEST(MlpMoeKernel, TrainsWithSgd)
{
    torch::manual_seed(3);
    MoeNetwork net(Shape(8, 3, 4, 2, 16));
    auto protos = torch::randn({3, 8}) * 2;
    auto y = torch::randint(3, {96}, torch::kInt64);
    auto x = protos.index_select(0, y) + torch::randn({96, 8}) * 0.5;
    const std::vector<int64_t> allowed{0, 3};
    torch::optim::SGD sgd(Trained(net, allowed), torch::optim::SGDOptions(0.1));
    MlpMoeKernel kernel(net, allowed);
    const double first = kernel.Step(x, y, 0.01, 0.1).loss;
    double last = first;
    for (int i = 0; i < 100; ++i)
    {
        sgd.step();
        last = kernel.Step(x, y, 0.01, 0.1).loss;
    }
    EXPECT_LT(last, 0.5 * first);
}

TEST(MlpMoeKernel, RejectsBadArguments)
{
    MoeNetwork net(Shape(16, 4, 4, 2, 8));
    EXPECT_THROW(MlpMoeKernel(net, {}), std::invalid_argument);
    EXPECT_THROW(MlpMoeKernel(net, {2, 1}), std::invalid_argument);
    EXPECT_THROW(MlpMoeKernel(net, {4}), std::invalid_argument);
    MlpMoeKernel kernel(net, {0, 1});
    EXPECT_THROW(kernel.SetClassScale({1.0, 0.5}), std::invalid_argument);           // 2 of 4
    EXPECT_THROW(kernel.SetClassScale({1.0, 0.0, 1.0, 1.0}), std::invalid_argument); // 0
    auto y = torch::zeros({4}, torch::kInt64);
    EXPECT_THROW(kernel.Step(torch::zeros({4, 15}), y, 0, 0), std::invalid_argument);
    EXPECT_THROW(kernel.Step(torch::zeros({4, 16}), torch::zeros({3}, torch::kInt64), 0, 0),
                 std::invalid_argument);
    EXPECT_THROW(kernel.Step(torch::zeros({4, 16}), torch::full({4}, 4, torch::kInt64), 0, 0),
                 std::invalid_argument);
    auto cnnShape = Shape(16, 4, 4, 2, 8);
    cnnShape.expertKind = "cnn";
    cnnShape.height = 4;
    cnnShape.width = 4;
    MoeNetwork cnn(cnnShape);
    EXPECT_THROW(MlpMoeKernel(cnn, {0}), std::invalid_argument);
}
