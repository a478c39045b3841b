// SPDX-License-Identifier: GPL-2.0-only
/*
 * LocalTrainer: batches in a seeded order, masked routing, SGD or Adam on the
 * gate and the assigned experts only.
 */

#include "local-trainer.h"

#include "mlp-moe-kernel.h"
#include "require.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

namespace fedmoe
{
namespace learning
{

namespace
{

/// The optimiser over the trained parameters.
std::unique_ptr<torch::optim::Optimizer>
MakeOptimizer(const TrainOptions& o, const std::vector<torch::Tensor>& params)
{
    if (o.optimizer == "adam")
    {
        return std::make_unique<torch::optim::Adam>(params,
                                                    torch::optim::AdamOptions(o.learningRate));
    }
    return std::make_unique<torch::optim::SGD>(
        params, torch::optim::SGDOptions(o.learningRate).momentum(o.momentum));
}

} // namespace

void
ValidateTrainOptions(const TrainOptions& o)
{
    Require(o.optimizer == "sgd" || o.optimizer == "adam",
            "TrainOptions: optimizer '" + o.optimizer + "' is unknown; allowed: sgd, adam");
    Require(std::isfinite(o.learningRate) && o.learningRate > 0,
            "TrainOptions: learningRate " + std::to_string(o.learningRate) + " must be > 0");
    Require(o.momentum >= 0 && o.momentum < 1,
            "TrainOptions: momentum " + std::to_string(o.momentum) + " must be in [0, 1)");
    Require(o.batchSize >= 1, "TrainOptions: batchSize 0 is invalid; must be >= 1");
    Require(std::isfinite(o.auxLossWeight) && o.auxLossWeight >= 0,
            "TrainOptions: auxLossWeight " + std::to_string(o.auxLossWeight) + " must be >= 0");
    Require(std::isfinite(o.alignLossWeight) && o.alignLossWeight >= 0,
            "TrainOptions: alignLossWeight " + std::to_string(o.alignLossWeight) + " must be >= 0");
    Require(o.restrictedSoftmax > 0 && o.restrictedSoftmax <= 1,
            "TrainOptions: restrictedSoftmax " + std::to_string(o.restrictedSoftmax)
                + " must be in (0, 1]");
}

double
TrainFlopsPerSample(const MoeShape& shape, int64_t assigned)
{
    return 3.0 * (GateForwardFlops(shape) + double(assigned) * ExpertForwardFlops(shape));
}

LocalTrainer::LocalTrainer(const TrainOptions& options)
    : m_options(options)
{
    ValidateTrainOptions(options);
}

LocalTrainingStats
LocalTrainer::Train(MoeNetwork& net, const torch::Tensor& inputs, const torch::Tensor& labels,
                    const std::vector<int64_t>& shard, const std::vector<int64_t>& allowed,
                    uint32_t steps, uint64_t seed) const
{
    const MoeShape& shape = net->Shape();
    const int64_t n = inputs.size(0);
    Require(!shard.empty(), "LocalTrainer: the shard is empty");
    Require(!allowed.empty(), "LocalTrainer: no expert assigned");
    for (size_t i = 0; i < allowed.size(); ++i)
    {
        Require(allowed[i] >= 0 && allowed[i] < shape.experts,
                "LocalTrainer: expert id " + std::to_string(allowed[i]) + " outside [0, "
                    + std::to_string(shape.experts) + ")");
        Require(i == 0 || allowed[i] > allowed[i - 1],
                "LocalTrainer: expert ids must be sorted and distinct");
    }
    for (auto index : shard)
    {
        Require(index >= 0 && index < n, "LocalTrainer: shard index " + std::to_string(index)
                                             + " outside [0, " + std::to_string(n) + ")");
    }

    std::vector<torch::Tensor> params = net->GateParameters();
    for (auto e : allowed)
    {
        for (auto& p : net->ExpertParameters(e))
        {
            params.push_back(p);
        }
    }
    auto optimizer = MakeOptimizer(m_options, params);

    const int64_t batch = std::min<int64_t>(m_options.batchSize, int64_t(shard.size()));
    const int64_t perPass = int64_t(shard.size()) / batch;
    const int64_t total = steps == 0 ? perPass : int64_t(steps);

    // MLP experts: the hand-written forward/backward (same gradients, no graph).
    // FedRS: classes the shard does not hold get their logits scaled down.
    std::vector<double> classScale;
    if (m_options.restrictedSoftmax < 1.0)
    {
        classScale.assign(shape.classes, m_options.restrictedSoftmax);
        auto labelsOf = labels.contiguous();
        const int64_t* l = labelsOf.data_ptr<int64_t>();
        for (auto index : shard)
        {
            classScale[l[index]] = 1.0;
        }
    }
    std::unique_ptr<MlpMoeKernel> kernel;
    if (shape.expertKind == "mlp")
    {
        kernel = std::make_unique<MlpMoeKernel>(net, allowed);
        kernel->SetClassScale(classScale);
    }
    const torch::Tensor scaleTensor
        = classScale.empty() ? torch::Tensor() : torch::tensor(classScale, torch::kFloat32);

    std::mt19937_64 rng(seed);
    std::vector<int64_t> order = shard;
    torch::Tensor orderTensor;
    auto routed = torch::zeros({shape.experts}, torch::kFloat64);
    auto share = torch::zeros({shape.experts}, torch::kFloat64);
    auto lossSum = torch::zeros({}, torch::kFloat64);
    double kernelLossSum = 0;
    int64_t samples = 0;
    auto batchShape = inputs.sizes().vec();
    batchShape[0] = batch;
    torch::Tensor x = torch::empty(batchShape, inputs.options());
    torch::Tensor y = torch::empty({batch}, labels.options());
    for (int64_t step = 0; step < total; ++step)
    {
        const int64_t slot = step % perPass;
        if (slot == 0)
        {
            std::shuffle(order.begin(), order.end(), rng);
            orderTensor = torch::tensor(order, torch::kInt64);
        }
        auto index = orderTensor.narrow(0, slot * batch, batch);
        at::index_select_out(x, inputs, 0, index);
        at::index_select_out(y, labels, 0, index);
        samples += batch;

        if (kernel)
        {
            kernelLossSum
                += kernel->Step(x, y, m_options.auxLossWeight, m_options.alignLossWeight).loss;
            optimizer->step();
            continue;
        }

        optimizer->zero_grad();
        MoeOutput out = net->Forward(x, allowed);
        auto ce = torch::nn::functional::cross_entropy(
            scaleTensor.defined() ? out.logits * scaleTensor : out.logits, y);
        auto loss = ce;
        if (m_options.auxLossWeight > 0)
        {
            loss = loss + m_options.auxLossWeight * out.auxLoss;
        }
        if (m_options.alignLossWeight > 0)
        {
            loss = loss + m_options.alignLossWeight * out.alignLoss;
        }
        loss.backward();
        optimizer->step();

        torch::NoGradGuard noGrad;
        lossSum += ce.detach().to(torch::kFloat64);
        routed += out.routing.detach().gt(0).sum(0).to(torch::kFloat64);
        share += out.gateProbs.detach().sum(0).to(torch::kFloat64);
    }
    if (kernel)
    {
        lossSum.fill_(kernelLossSum);
        routed.copy_(torch::tensor(kernel->Routed(), torch::kInt64));
        share.copy_(torch::tensor(kernel->GateShare(), torch::kFloat64));
    }

    LocalTrainingStats stats;
    stats.samples = samples;
    stats.steps = total;
    stats.meanLoss = total > 0 ? lossSum.item<double>() / double(total) : 0.0;
    share = samples > 0 ? share / double(samples) : share;
    for (int64_t e = 0; e < shape.experts; ++e)
    {
        stats.routed.push_back(int64_t(routed[e].item<double>()));
        stats.routingShare.push_back(share[e].item<double>());
    }
    stats.flops = double(samples) * TrainFlopsPerSample(shape, int64_t(allowed.size()));
    return stats;
}

} // namespace learning
} // namespace fedmoe
