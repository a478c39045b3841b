// SPDX-License-Identifier: GPL-2.0-only
/*
 * Evaluator: batched, no autograd.
 */

#include "evaluator.h"

#include <cmath>

namespace fedmoe
{
namespace learning
{

double
EntropyBits(const std::vector<double>& share)
{
    double h = 0;
    for (double s : share)
    {
        if (s > 0)
        {
            h -= s * std::log2(s);
        }
    }
    return h;
}

Evaluation
EvaluateNetwork(MoeNetwork& net, const torch::Tensor& inputs, const torch::Tensor& labels,
                int64_t batch)
{
    return EvaluateRestricted(net, inputs, labels, {}, batch);
}

Evaluation
EvaluateRestricted(MoeNetwork& net, const torch::Tensor& inputs, const torch::Tensor& labels,
                   const std::vector<int64_t>& allowed, int64_t batch, int64_t topK)
{
    torch::NoGradGuard noGrad;
    const int64_t n = inputs.size(0);
    const int64_t experts = net->Shape().experts;
    double correct = 0;
    double lossSum = 0;
    auto routing = torch::zeros({experts}, torch::kFloat64);
    for (int64_t start = 0; start < n; start += batch)
    {
        const int64_t b = std::min(batch, n - start);
        auto x = inputs.narrow(0, start, b);
        auto y = labels.narrow(0, start, b);
        MoeOutput out = net->Forward(x, allowed, topK);
        correct += out.logits.argmax(1).eq(y).sum().item<double>();
        lossSum += torch::nn::functional::cross_entropy(
                       out.logits, y,
                       torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        routing += out.routing.sum(0).to(torch::kFloat64);
    }
    Evaluation eval;
    eval.samples = uint64_t(n);
    if (n == 0)
    {
        return eval;
    }
    eval.accuracy = correct / double(n);
    eval.loss = lossSum / double(n);
    routing /= double(n);
    for (int64_t e = 0; e < experts; ++e)
    {
        eval.routingShare.push_back(routing[e].item<double>());
    }
    eval.routingEntropyBits = EntropyBits(eval.routingShare);
    return eval;
}

} // namespace learning
} // namespace fedmoe
