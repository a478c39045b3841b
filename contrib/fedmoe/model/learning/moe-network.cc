// SPDX-License-Identifier: GPL-2.0-only
/*
 * MoeNetwork: masked top-k routing, load-balancing and gate-alignment terms.
 */

#include "moe-network.h"

#include <limits>
#include <stdexcept>
#include <string>

namespace fedmoe
{
namespace learning
{

MoeNetworkImpl::MoeNetworkImpl(const MoeShape& shape)
    : m_shape(shape)
{
    for (const auto& [name, value] : {std::pair<const char*, int64_t>{"inputSize", shape.inputSize},
                                      {"classes", shape.classes},
                                      {"hidden", shape.hidden},
                                      {"experts", shape.experts}})
    {
        if (value < 1)
        {
            throw std::invalid_argument("MoeNetwork: " + std::string(name) + " = "
                                        + std::to_string(value) + " is invalid; must be >= 1");
        }
    }
    if (shape.topK < 1 || shape.topK > shape.experts)
    {
        throw std::invalid_argument("MoeNetwork: topK " + std::to_string(shape.topK)
                                    + " must be in [1, experts=" + std::to_string(shape.experts)
                                    + "]");
    }
    if (shape.expertKind != "mlp" && shape.expertKind != "cnn")
    {
        throw std::invalid_argument("MoeNetwork: expertKind '" + shape.expertKind
                                    + "' is unknown; allowed: mlp, cnn");
    }
    if (shape.expertKind == "cnn"
        && (shape.channels < 1 || shape.height < 4 || shape.width < 4
            || shape.channels * shape.height * shape.width != shape.inputSize))
    {
        throw std::invalid_argument(
            "MoeNetwork: cnn experts need an image of channels x height x width = inputSize ("
            + std::to_string(shape.inputSize) + ") with height, width >= 4; got "
            + std::to_string(shape.channels) + " x " + std::to_string(shape.height) + " x "
            + std::to_string(shape.width));
    }
    m_gate = register_module("gate", torch::nn::Linear(shape.inputSize, shape.experts));
    for (int64_t e = 0; e < shape.experts; ++e)
    {
        m_experts.push_back(register_module("expert" + std::to_string(e), MakeExpert()));
    }
}

namespace
{

/// Channels of the two convolutions of a CNN expert.
constexpr int64_t kConv1 = 8;
constexpr int64_t kConv2 = 16;

} // namespace

torch::nn::Sequential
MoeNetworkImpl::MakeExpert() const
{
    namespace nn = torch::nn;
    if (m_shape.expertKind == "mlp")
    {
        return nn::Sequential(nn::Linear(m_shape.inputSize, m_shape.hidden), nn::ReLU(),
                              nn::Linear(m_shape.hidden, m_shape.classes));
    }
    const int64_t features = kConv2 * (m_shape.height / 4) * (m_shape.width / 4);
    return nn::Sequential(
        nn::Unflatten(nn::UnflattenOptions(
            1, std::vector<int64_t>{m_shape.channels, m_shape.height, m_shape.width})),
        nn::Conv2d(nn::Conv2dOptions(m_shape.channels, kConv1, 3).padding(1)), nn::ReLU(),
        nn::MaxPool2d(2), nn::Conv2d(nn::Conv2dOptions(kConv1, kConv2, 3).padding(1)), nn::ReLU(),
        nn::MaxPool2d(2), nn::Flatten(), nn::Linear(features, m_shape.classes));
}

double
GateForwardFlops(const MoeShape& shape)
{
    return 2.0 * double(shape.inputSize) * double(shape.experts);
}

double
ExpertForwardFlops(const MoeShape& shape)
{
    if (shape.expertKind == "mlp")
    {
        return 2.0 * double(shape.inputSize * shape.hidden + shape.hidden * shape.classes);
    }
    // 3x3 'same' convolutions: 2 x 9 x Cin x Cout per output pixel; pooling halves H and W.
    const double h1 = double(shape.height) * double(shape.width);
    const double h2 = double(shape.height / 2) * double(shape.width / 2);
    const double features = double(kConv2 * (shape.height / 4) * (shape.width / 4));
    return 2.0 * 9.0 * double(shape.channels * kConv1) * h1
           + 2.0 * 9.0 * double(kConv1 * kConv2) * h2 + 2.0 * features * double(shape.classes);
}

MoeOutput
MoeNetworkImpl::Forward(const torch::Tensor& input, const std::vector<int64_t>& allowedIn,
                        int64_t topK)
{
    const int64_t experts = m_shape.experts;
    std::vector<int64_t> allowed = allowedIn;
    if (allowed.empty())
    {
        for (int64_t e = 0; e < experts; ++e)
        {
            allowed.push_back(e);
        }
    }
    for (auto e : allowed)
    {
        if (e < 0 || e >= experts)
        {
            throw std::invalid_argument("MoeNetwork: expert id " + std::to_string(e)
                                        + " outside [0, " + std::to_string(experts) + ")");
        }
    }
    const int64_t k = std::min<int64_t>(topK > 0 ? topK : m_shape.topK, allowed.size());
    auto x = input.reshape({input.size(0), -1});
    auto gateLogits = m_gate->forward(x);
    MoeOutput out;
    out.gateProbs = torch::softmax(gateLogits, 1);

    auto mask = torch::zeros({experts}, torch::kBool);
    for (auto e : allowed)
    {
        mask[e] = true;
    }
    auto masked
        = gateLogits.masked_fill(mask.logical_not(), -std::numeric_limits<float>::infinity());
    auto top = masked.topk(k, 1);
    auto weights = torch::softmax(std::get<0>(top), 1);
    auto indices = std::get<1>(top);
    out.routing = torch::zeros_like(gateLogits).scatter(1, indices, weights);

    out.logits = torch::zeros({x.size(0), m_shape.classes}, x.options());
    for (auto e : allowed)
    {
        out.logits = out.logits + out.routing.select(1, e).unsqueeze(1) * m_experts[e]->forward(x);
    }

    // Switch Transformer: E * sum_e (fraction routed first to e) * (mean gate prob of e).
    auto allowedIds = torch::tensor(allowed, torch::kInt64);
    auto first = torch::one_hot(indices.select(1, 0), experts).to(torch::kFloat32);
    auto fraction = first.mean(0).index_select(0, allowedIds);
    auto meanProb = out.gateProbs.mean(0).index_select(0, allowedIds);
    out.auxLoss = double(allowed.size()) * (fraction * meanProb).sum();
    // Trains the full softmax to send this data to the allowed experts, so the
    // unassigned experts' gate rows also learn (see issue 3).
    auto allowedMass = out.gateProbs.index_select(1, allowedIds).sum(1);
    out.alignLoss = -torch::log(allowedMass.clamp_min(1e-12)).mean();
    return out;
}

std::vector<torch::Tensor>
MoeNetworkImpl::GateParameters()
{
    return m_gate->parameters();
}

std::vector<torch::Tensor>
MoeNetworkImpl::ExpertParameters(int64_t e)
{
    if (e < 0 || e >= m_shape.experts)
    {
        throw std::invalid_argument("MoeNetwork: expert id " + std::to_string(e) + " outside [0, "
                                    + std::to_string(m_shape.experts) + ")");
    }
    return m_experts[e]->parameters();
}

const MoeShape&
MoeNetworkImpl::Shape() const
{
    return m_shape;
}

} // namespace learning
} // namespace fedmoe
