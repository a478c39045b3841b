// SPDX-License-Identifier: GPL-2.0-only
/*
 * ServerOptimizer: FedAvg, FedAvgM and FedAdam steps on parameter groups.
 */

#include "server-optimizer.h"

#include "require.h"

#include <cmath>

namespace fedmoe
{
namespace learning
{

void
ValidateServerOptimizerOptions(const ServerOptimizerOptions& o)
{
    Require(o.kind == "none" || o.kind == "momentum" || o.kind == "adam",
            "server optimizer '" + o.kind + "' is unknown; allowed: none, momentum, adam");
    Require(std::isfinite(o.learningRate) && o.learningRate > 0,
            "server learning rate " + std::to_string(o.learningRate) + " must be > 0");
    Require(o.momentum >= 0 && o.momentum < 1,
            "server momentum " + std::to_string(o.momentum) + " must be in [0, 1)");
    Require(o.beta2 >= 0 && o.beta2 < 1,
            "server beta2 " + std::to_string(o.beta2) + " must be in [0, 1)");
    Require(std::isfinite(o.epsilon) && o.epsilon > 0,
            "server epsilon " + std::to_string(o.epsilon) + " must be > 0");
}

ServerOptimizer::ServerOptimizer(const ServerOptimizerOptions& options)
    : m_options(options)
{
    ValidateServerOptimizerOptions(options);
}

const ServerOptimizerOptions&
ServerOptimizer::GetOptions() const
{
    return m_options;
}

void
ServerOptimizer::Reset()
{
    m_state.clear();
}

void
ServerOptimizer::Step(const std::string& group, const std::vector<torch::Tensor>& global,
                      const std::vector<torch::Tensor>& merged)
{
    Require(global.size() == merged.size(),
            "ServerOptimizer: group " + group + " has " + std::to_string(global.size())
                + " parameters but the merge " + std::to_string(merged.size()));
    for (size_t i = 0; i < global.size(); ++i)
    {
        Require(global[i].sizes() == merged[i].sizes(), "ServerOptimizer: group " + group
                                                            + ": parameter " + std::to_string(i)
                                                            + " changed shape in the merge");
    }
    torch::NoGradGuard noGrad;
    if (m_options.kind == "none")
    {
        for (size_t i = 0; i < global.size(); ++i)
        {
            global[i].copy_(merged[i]);
        }
        return;
    }
    Moments& s = m_state[group];
    const bool adam = m_options.kind == "adam";
    if (s.first.empty())
    {
        for (const auto& p : global)
        {
            s.first.push_back(torch::zeros_like(p));
            if (adam)
            {
                s.second.push_back(torch::zeros_like(p));
            }
        }
    }
    const double beta1 = m_options.momentum;
    for (size_t i = 0; i < global.size(); ++i)
    {
        const torch::Tensor delta = merged[i] - global[i];
        if (!adam)
        {
            s.first[i].mul_(beta1).add_(delta);
            global[i].add_(s.first[i], m_options.learningRate);
            continue;
        }
        s.first[i].mul_(beta1).add_(delta, 1 - beta1);
        s.second[i].mul_(m_options.beta2).addcmul_(delta, delta, 1 - m_options.beta2);
        global[i].add_(s.first[i] / (s.second[i].sqrt() + m_options.epsilon),
                       m_options.learningRate);
    }
}

} // namespace learning
} // namespace fedmoe
