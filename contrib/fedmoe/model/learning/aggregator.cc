// SPDX-License-Identifier: GPL-2.0-only
/*
 * Aggregator: the merge rules, one stacked tensor per parameter.
 */

#include "aggregator.h"

#include <cmath>
#include <stdexcept>

namespace fedmoe
{
namespace learning
{

MergeRule
ParseMergeRule(const std::string& name)
{
    if (name == "mean")
    {
        return MergeRule::MEAN;
    }
    if (name == "median")
    {
        return MergeRule::MEDIAN;
    }
    if (name == "trimmed-mean")
    {
        return MergeRule::TRIMMED_MEAN;
    }
    throw std::invalid_argument("aggregation rule '" + name
                                + "' is unknown; allowed: mean, median, trimmed-mean");
}

std::vector<torch::Tensor>
MergeParameters(const std::vector<std::vector<torch::Tensor>>& versions,
                const std::vector<double>& weights, MergeRule rule, double trim)
{
    if (versions.empty())
    {
        throw std::invalid_argument("MergeParameters: no versions to merge");
    }
    if (weights.size() != versions.size())
    {
        throw std::invalid_argument("MergeParameters: " + std::to_string(weights.size())
                                    + " weights for " + std::to_string(versions.size())
                                    + " versions");
    }
    if (!(trim >= 0 && trim < 0.5))
    {
        throw std::invalid_argument("MergeParameters: trim " + std::to_string(trim)
                                    + " must be in [0, 0.5)");
    }
    double total = 0;
    for (double w : weights)
    {
        if (!std::isfinite(w) || w < 0)
        {
            throw std::invalid_argument("MergeParameters: weight " + std::to_string(w)
                                        + " must be finite and >= 0");
        }
        total += w;
    }
    const int64_t n = int64_t(versions.size());
    auto w = total > 0 ? torch::tensor(weights, torch::kFloat64) / total
                       : torch::full({n}, 1.0 / double(n), torch::kFloat64);

    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> merged;
    for (size_t t = 0; t < versions.front().size(); ++t)
    {
        std::vector<torch::Tensor> column;
        for (const auto& version : versions)
        {
            if (version.size() != versions.front().size()
                || !version[t].sizes().equals(versions.front()[t].sizes()))
            {
                throw std::invalid_argument("MergeParameters: versions differ in shape");
            }
            column.push_back(version[t].to(torch::kFloat64));
        }
        auto stacked = torch::stack(column); // [n, ...]
        torch::Tensor result;
        if (rule == MergeRule::MEAN)
        {
            std::vector<int64_t> shape(stacked.dim(), 1);
            shape[0] = n;
            result = (stacked * w.view(shape)).sum(0);
        }
        else
        {
            auto sorted = std::get<0>(stacked.sort(0));
            if (rule == MergeRule::MEDIAN)
            {
                result = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
            }
            else
            {
                const int64_t cut = int64_t(std::floor(double(n) * trim));
                result = sorted.narrow(0, cut, n - 2 * cut).mean(0);
            }
        }
        merged.push_back(result.to(versions.front()[t].scalar_type()));
    }
    return merged;
}

} // namespace learning
} // namespace fedmoe
